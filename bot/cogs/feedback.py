"""'Helpful' and 'Wrong answer' buttons under every answer; they work after a restart.

The buttons are dynamic items whose custom id carries the fact id, so no state is kept in memory.
The question is read back from the answer embed when the report is made.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.cooldowns import SeenIds
from bot.render import clip, question_of
from bot.replies import GENERIC_FAILURE, send_ephemeral
from facts.errors import FactbotError

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)

_TEMPLATE = r"factbot:fb:(?P<kind>helpful|wrong):(?P<fact>[0-9]{1,20})"


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_TEMPLATE):
    """One feedback button for one fact: ``helpful`` or ``wrong``."""

    def __init__(self, kind: str, fact_id: int) -> None:
        label, style, emoji = (
            ("Helpful", discord.ButtonStyle.success, "👍")
            if kind == "helpful"
            else ("Wrong answer", discord.ButtonStyle.danger, "👎")
        )
        super().__init__(
            discord.ui.Button(label=label, style=style, emoji=emoji, custom_id=f"factbot:fb:{kind}:{fact_id}")
        )
        self.kind = kind
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(match["kind"], int(match["fact"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the vote or the report, then acknowledge privately."""
        bot: FactBot = interaction.client  # type: ignore[assignment]
        cog = bot.get_cog("Feedback")
        seen: SeenIds | None = getattr(cog, "seen", None)
        message_id = interaction.message.id if interaction.message else 0
        vote_key = hash((interaction.user.id, message_id, self.kind))
        if seen is not None and vote_key in seen:
            await send_ephemeral(interaction, "You already sent that for this answer. Thanks!")
            return
        try:
            if self.kind == "helpful":
                await bot.bridge.run(lambda s: s.record_helpful(self.fact_id, guild_id=interaction.guild_id))
                if seen is not None:
                    seen.add(vote_key)
                await send_ephemeral(interaction, "Thanks, glad it helped!")
                return
            question = _question(interaction) or f"(question about fact #{self.fact_id})"
            item = await bot.bridge.run(
                lambda s: s.report_wrong_answer(
                    question, self.fact_id, guild_id=interaction.guild_id, channel_id=interaction.channel_id
                )
            )
            if seen is not None:
                seen.add(vote_key)
            log.info(
                "wrong-answer report %s for fact %s (guild %s)", item.id, self.fact_id, interaction.guild_id
            )
            await send_ephemeral(interaction, "Thanks for flagging it. A moderator will review this answer.")
        except FactbotError as error:
            await send_ephemeral(interaction, str(error))
        except Exception:
            log.exception("feedback button failed (interaction %s)", interaction.id)
            await send_ephemeral(interaction, GENERIC_FAILURE)


def _question(interaction: discord.Interaction) -> str | None:
    message = interaction.message
    if message is None or not message.embeds:
        return None
    question = question_of(message.embeds[0])
    return clip(question, 500) if question else None


def feedback_view(fact_id: int) -> discord.ui.View:
    """A view holding the two feedback buttons for ``fact_id`` (no timeout: they are persistent)."""
    view = discord.ui.View(timeout=None)
    view.add_item(FeedbackButton("helpful", fact_id))
    view.add_item(FeedbackButton("wrong", fact_id))
    return view


class Feedback(commands.Cog):
    """Registers the persistent feedback buttons."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        self.seen = SeenIds(10_000)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FeedbackButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(FeedbackButton)


async def setup(bot: FactBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Feedback(bot))
