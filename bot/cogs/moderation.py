"""/factmod: moderators keep the facts right from inside Discord.

A moderator's change applies to their own server only. The shared corpus every server sees is
changed only by bot owners, by passing ``everywhere: True``. Every change records the actor
(``discord:<user id>``) and reason, answers privately, and posts a short note to the log channel
when one is configured.
"""

from __future__ import annotations

import logging
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ensure_owner, moderator_only
from bot.corrections import change_of, document_change_of
from bot.render import clip, fact_embed, history_text, review_embed, safe_clip
from bot.replies import NO_MENTIONS, send_ephemeral
from facts.models import ChangeResult

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)

MAX_INGEST_BYTES = 512 * 1024
INGEST_SUFFIXES = (".txt", ".md", ".markdown", ".text")
FACT_ID_MAX = 2**53 - 1
FactId = app_commands.Range[int, 1, FACT_ID_MAX]
Reason = app_commands.Range[str, 3, 300]
FactText = app_commands.Range[str, 10, 1000]
EVERYWHERE_HELP = "Owners only: change the shared facts every server sees instead of this server's"


def actor_of(user: discord.abc.User) -> str:
    """How a Discord user is recorded in the history."""
    return f"discord:{user.id}"


@moderator_only()
@app_commands.guild_only()
class Moderation(
    commands.GroupCog, group_name="factmod", group_description="Moderators: keep the facts right"
):
    """Moderator commands; every subcommand is checked on the bot's side."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        super().__init__()

    # -- helpers -------------------------------------------------------------------------------
    def _scope(self, interaction: discord.Interaction, everywhere: bool) -> int | None:
        """This server, or (owners only) the shared corpus."""
        if everywhere:
            ensure_owner(interaction)
            return None
        return interaction.guild_id

    async def _log(self, interaction: discord.Interaction, text: str) -> None:
        """A short note in the log channel (never pings; failures only logged)."""
        channel_id = self.bot.settings.log_channel_id
        if not channel_id:
            return
        note = clip(f"<@{interaction.user.id}> in server {interaction.guild_id}: {text}", 2000)
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            await channel.send(note, allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]
        except (discord.HTTPException, AttributeError):
            log.warning("could not post to the log channel %s", channel_id, exc_info=True)

    async def _changed(
        self,
        interaction: discord.Interaction,
        verb: str,
        result: ChangeResult,
        scope: int | None,
        reason: str | None,
        *,
        requested_id: int | None = None,
    ) -> None:
        """Tell the moderator and the log channel; a change to an existing fact also reaches earlier answers."""
        if requested_id is not None:
            self.bot.corrections.changed(change_of(verb, requested_id, result, scope, reason))
        where = "for every server" if scope is None else "in this server"
        why = f" Reason: {safe_clip(reason, 300)}" if reason else ""
        await send_ephemeral(
            interaction, f"Fact #{result.fact.id} {verb} {where}.{why}", embed=fact_embed(result.fact)
        )
        log.info("fact %s %s by user %s (scope %s)", result.fact.id, verb, interaction.user.id, scope)
        await self._log(interaction, f"fact #{result.fact.id} {verb} {where}.{why}")

    # -- facts ---------------------------------------------------------------------------------
    @app_commands.command(name="add")
    @app_commands.describe(
        text="The fact, as one sentence",
        source="Where it comes from (a link or a short note)",
        everywhere=EVERYWHERE_HELP,
    )
    async def add(
        self,
        interaction: discord.Interaction,
        text: FactText,
        source: app_commands.Range[str, 3, 300],
        everywhere: bool = False,
    ) -> None:
        """Add a fact with its source."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        result = await self.bot.bridge.run(
            lambda s: s.add_fact(text, source=source, actor=actor, guild_id=scope)
        )
        await self._changed(interaction, "added", result, scope, None)

    @app_commands.command(name="edit")
    @app_commands.describe(
        id="The fact number (Fact #…)",
        text="The corrected sentence",
        reason="Why it changes (kept in the history)",
        everywhere=EVERYWHERE_HELP,
        version="The version you are correcting (see /fact): refused if someone changed it since",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        id: FactId,
        text: FactText,
        reason: Reason,
        everywhere: bool = False,
        version: app_commands.Range[int, 1, FACT_ID_MAX] | None = None,
    ) -> None:
        """Correct a fact (in a server this creates the server's own version)."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        result = await self.bot.bridge.run(
            lambda s: s.edit_fact(id, text, actor=actor, guild_id=scope, reason=reason, expected_version=version)
        )
        await self._changed(interaction, "edited", result, scope, reason, requested_id=id)

    @app_commands.command(name="retract")
    @app_commands.describe(
        id="The fact number (Fact #…)",
        reason="Why it is withdrawn (kept in the history)",
        everywhere=EVERYWHERE_HELP,
    )
    async def retract(
        self, interaction: discord.Interaction, id: FactId, reason: Reason, everywhere: bool = False
    ) -> None:
        """Withdraw a fact: it stops answering but is kept and can be restored."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        result = await self.bot.bridge.run(
            lambda s: s.retract_fact(id, actor=actor, guild_id=scope, reason=reason)
        )
        await self._changed(interaction, "retracted", result, scope, reason, requested_id=id)

    @app_commands.command(name="restore")
    @app_commands.describe(
        id="The fact number (Fact #…)", reason="Why it comes back (optional)", everywhere=EVERYWHERE_HELP
    )
    async def restore(
        self,
        interaction: discord.Interaction,
        id: FactId,
        reason: Reason | None = None,
        everywhere: bool = False,
    ) -> None:
        """Undo a retraction."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        result = await self.bot.bridge.run(
            lambda s: s.restore_fact(id, actor=actor, guild_id=scope, reason=reason)
        )
        await self._changed(interaction, "restored", result, scope, reason, requested_id=id)

    @app_commands.command(name="history")
    @app_commands.describe(id="The fact number (Fact #…)")
    async def history(self, interaction: discord.Interaction, id: FactId) -> None:
        """Every recorded change to a fact."""
        guild_id = interaction.guild_id
        entries = await self.bot.bridge.run(lambda s: s.history(id, guild_id=guild_id))
        embed = discord.Embed(title=f"History of fact #{id}", description=history_text(entries, 4000))
        await send_ephemeral(interaction, f"{len(entries)} recorded change(s).", embed=embed)

    @app_commands.command(name="document")
    @app_commands.describe(
        action="retract: every fact of the document stops answering; restore: they come back",
        id="The document number (see /sources)",
        reason="Why (kept in the history; required to retract)",
        everywhere="Owners only: a document of the shared corpus every server sees",
    )
    async def document(
        self,
        interaction: discord.Interaction,
        action: Literal["retract", "restore"],
        id: FactId,
        reason: Reason | None = None,
        everywhere: bool = False,
    ) -> None:
        """Retract or restore a whole document (this server's own, or the shared corpus for owners)."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        if action == "retract":
            change = await self.bot.bridge.run(
                lambda s: s.retract_document(id, actor=actor, guild_id=scope, reason=reason or "")
            )
        else:
            change = await self.bot.bridge.run(
                lambda s: s.restore_document(id, actor=actor, guild_id=scope, reason=reason)
            )
        correction = document_change_of(change, scope)
        if correction is not None:
            self.bot.corrections.changed(correction)  # earlier answers citing its facts
        where = "for every server" if scope is None else "in this server"
        verb = "retracted" if change.retracted else "restored"
        why = f" Reason: {safe_clip(change.reason, 300)}" if change.reason else ""
        text = (f"Document #{change.document_id} “{safe_clip(change.title, 200)}” {verb} {where}: "
                f"{change.facts_changed} fact(s) {'withdrawn' if change.retracted else 'back'}.{why}")
        await send_ephemeral(interaction, text)
        log.info("document %s %s by user %s (scope %s)", change.document_id, verb, interaction.user.id, scope)
        await self._log(interaction, text)

    # -- review --------------------------------------------------------------------------------
    @app_commands.command(name="review")
    @app_commands.describe(done="Mark this review item number as handled")
    async def review(
        self, interaction: discord.Interaction, done: app_commands.Range[int, 1, FACT_ID_MAX] | None = None
    ) -> None:
        """Wrong-answer reports and unanswered questions waiting for a moderator."""
        guild_id = interaction.guild_id
        actor = actor_of(interaction.user)
        note = ""
        if done is not None:
            await self.bot.bridge.run(lambda s: s.close_review(done, actor=actor, guild_id=guild_id))
            note = f"Review item #{done} marked done."
        items = await self.bot.bridge.run(lambda s: s.review_queue(guild_id=guild_id, limit=20))
        await send_ephemeral(interaction, note or f"{len(items)} open item(s).", embed=review_embed(items))

    # -- documents, channels, aliases -----------------------------------------------------------
    @app_commands.command(name="ingest")
    @app_commands.describe(
        file="A .txt or .md file (at most 512 KB)",
        title="Document title (default: from the file)",
        url="Link to the original article",
        published="Publication date, e.g. 2024-11-04",
        everywhere=EVERYWHERE_HELP,
    )
    async def ingest(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        title: app_commands.Range[str, 1, 200] | None = None,
        url: app_commands.Range[str, 8, 500] | None = None,
        published: app_commands.Range[str, 4, 30] | None = None,
        everywhere: bool = False,
    ) -> None:
        """Add a text or Markdown document; its sentences become facts."""
        scope = self._scope(interaction, everywhere)
        if not file.filename.lower().endswith(INGEST_SUFFIXES):
            await send_ephemeral(interaction, "Please attach a .txt or .md file.")
            return
        if file.size > MAX_INGEST_BYTES:
            await send_ephemeral(interaction, "That file is too large: the limit is 512 KB.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        if len(data) > MAX_INGEST_BYTES:
            await send_ephemeral(interaction, "That file is too large: the limit is 512 KB.")
            return
        name = PurePath(file.filename).name
        actor = actor_of(interaction.user)
        report = await self.bot.bridge.run(
            lambda s: s.ingest_text(
                data, name=name, guild_id=scope, title=title, url=url, published=published, actor=actor
            )
        )
        where = "for every server" if scope is None else "in this server"
        if report.unchanged:
            text = f"“{safe_clip(report.title, 200)}” was already ingested; nothing changed."
        else:
            text = (
                f"Ingested “{safe_clip(report.title, 200)}” (document #{report.document_id}) {where}: "
                f"{report.facts_added} fact(s) added, {report.facts_superseded} superseded."
            )
        await send_ephemeral(interaction, text)
        log.info("document %s ingested by user %s (scope %s)", report.document_id, interaction.user.id, scope)
        if not report.unchanged:
            await self._log(interaction, text)

    @app_commands.command(name="autoanswer")
    @app_commands.describe(
        channel="The channel", enabled="Answer confident questions there without a mention"
    )
    async def autoanswer(
        self, interaction: discord.Interaction, channel: discord.TextChannel | discord.Thread, enabled: bool
    ) -> None:
        """Turn unprompted answers on or off in a channel."""
        guild_id = interaction.guild_id
        assert guild_id is not None  # guild_only
        actor = actor_of(interaction.user)
        await self.bot.bridge.run(
            lambda s: s.set_auto_answer(channel.id, enabled, guild_id=guild_id, actor=actor)
        )
        state = "on" if enabled else "off"
        text = f"Unprompted answers are now {state} in <#{channel.id}>."
        await send_ephemeral(interaction, text)
        await self._log(interaction, text)

    @app_commands.command(name="alias")
    @app_commands.describe(
        term="The word people use, e.g. DPRK",
        means="What it means, e.g. North Korea",
        everywhere=EVERYWHERE_HELP,
    )
    async def alias(
        self,
        interaction: discord.Interaction,
        term: app_commands.Range[str, 1, 60],
        means: app_commands.Range[str, 1, 100],
        everywhere: bool = False,
    ) -> None:
        """Teach me that a term means something else (an abbreviation or another name)."""
        scope = self._scope(interaction, everywhere)
        actor = actor_of(interaction.user)
        await self.bot.bridge.run(lambda s: s.add_alias(term, means, actor=actor, guild_id=scope))
        where = "for every server" if scope is None else "in this server"
        text = f"“{safe_clip(term, 60)}” now means “{safe_clip(means, 100)}” {where}."
        await send_ephemeral(interaction, text)
        await self._log(interaction, text)


async def setup(bot: FactBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Moderation(bot))
