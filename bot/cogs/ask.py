"""/ask: a question in, a sourced answer out (publicly), or a private 'not in my sources'."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.feedback import feedback_view
from bot.cooldowns import ask_cooldown
from bot.render import answer_embed, clip
from bot.replies import NO_MENTIONS
from facts.models import Answer

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)

QUESTION_MIN = 2
QUESTION_MAX = 300
# Discord wants a first response within 3 seconds; past this we defer (publicly) and follow up.
RESPOND_WITHIN = 2.0
AUTOCOMPLETE_WITHIN = 2.0


class Ask(commands.Cog):
    """The /ask command and its autocomplete."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask")
    @app_commands.describe(question="What you want to know, e.g. “When did the troops arrive in Kursk?”")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda interaction: interaction.user.id)
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, QUESTION_MIN, QUESTION_MAX]
    ) -> None:
        """Ask a question about the news; the answer quotes its source."""
        guild_id = interaction.guild_id
        task = asyncio.ensure_future(self.bot.bridge.run(lambda s: s.ask(question, guild_id=guild_id)))
        done, _ = await asyncio.wait({task}, timeout=RESPOND_WITHIN)
        deferred = not done
        if deferred:
            await interaction.response.defer(thinking=True)
        answer = await task
        log.info(
            "ask in guild %s channel %s: answered=%s fact=%s",
            guild_id,
            interaction.channel_id,
            answer.answered,
            answer.fact.id if answer.fact else None,
        )
        if answer.answered and answer.fact is not None:
            message_id = await _send(interaction, answer, ephemeral=False)
            await self.bot.corrections.remember(answer, guild_id=guild_id, channel_id=interaction.channel_id,
                                                message_id=message_id)
            return
        await self._record_unanswered(answer, guild_id, interaction.channel_id)
        # Abstentions are private (nothing to share), unless we already had to defer publicly.
        await _send(interaction, answer, ephemeral=not deferred)

    @ask.autocomplete("question")
    async def question_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Up to 25 questions or topics the database knows about, each at most 100 characters."""
        guild_id = interaction.guild_id
        prefix = current[:QUESTION_MAX]
        try:
            suggestions = await asyncio.wait_for(
                self.bot.bridge.run(lambda s: s.suggest(prefix, guild_id=guild_id, limit=25)),
                AUTOCOMPLETE_WITHIN,
            )
        except Exception:
            log.warning("autocomplete failed (interaction %s)", interaction.id, exc_info=True)
            return []
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for text in suggestions:
            value = clip(" ".join(str(text).split()), 100)
            if len(value) < QUESTION_MIN or value in seen:
                continue
            seen.add(value)
            choices.append(app_commands.Choice(name=value, value=value))
            if len(choices) == 25:
                break
        return choices

    async def _record_unanswered(self, answer: Answer, guild_id: int | None, channel_id: int | None) -> None:
        try:
            await self.bot.bridge.run(
                lambda s: s.record_unanswered(answer.question, guild_id=guild_id, channel_id=channel_id)
            )
        except Exception:
            log.warning("could not record an unanswered question (guild %s)", guild_id, exc_info=True)


async def _send(interaction: discord.Interaction, answer: Answer, *, ephemeral: bool) -> int | None:
    """Send the answer; returns the message id (None when Discord did not say)."""
    embed = answer_embed(answer)
    view = feedback_view(answer.fact.id) if answer.answered and answer.fact else discord.utils.MISSING
    if interaction.response.is_done():
        sent = await interaction.followup.send(
            embed=embed, view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, wait=True
        )
        return sent.id
    response = await interaction.response.send_message(
        embed=embed, view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
    )
    return response.message_id if response is not None else None


async def setup(bot: FactBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Ask(bot))
