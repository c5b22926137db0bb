"""Browsing: /sources, /fact and /timeline (paginated with Previous/Next buttons)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import interaction_caller, is_moderator
from bot.render import documents_embed, fact_embed, timeline_embed
from bot.replies import NO_MENTIONS, send_ephemeral
from facts.errors import FactbotError

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)

PAGE_SIZE = 5
FACT_ID_MAX = 2**53 - 1


class TimelinePager(discord.ui.View):
    """Previous/Next buttons for one /timeline message; only its author may turn pages."""

    def __init__(
        self, bot: FactBot, *, owner_id: int, guild_id: int | None, about: str | None, page: int, pages: int
    ) -> None:
        super().__init__(timeout=600)
        self.bot = bot
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.about = about
        self.page = page
        self.pages = pages
        self._refresh()

    def _refresh(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await send_ephemeral(interaction, "Run /timeline yourself to page through it.")
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, delta: int) -> None:
        self.page = max(1, min(self.pages, self.page + delta))
        embed, _total, self.pages = await timeline_page(self.bot, self.guild_id, self.about, self.page)
        self._refresh()
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, +1)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        if isinstance(error, FactbotError):
            await send_ephemeral(interaction, str(error))
            return
        log.error("timeline paging failed (interaction %s)", interaction.id, exc_info=error)
        await send_ephemeral(interaction, "Something went wrong on my side. Please try again in a moment.")


async def timeline_page(
    bot: FactBot, guild_id: int | None, about: str | None, page: int
) -> tuple[discord.Embed, int, int]:
    """Fetch and render one page; returns the embed, the total and the page count."""
    offset = (page - 1) * PAGE_SIZE
    facts, total = await bot.bridge.run(
        lambda s: s.timeline(about=about, guild_id=guild_id, limit=PAGE_SIZE, offset=offset)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages and total:
        page = pages
        offset = (page - 1) * PAGE_SIZE
        facts, total = await bot.bridge.run(
            lambda s: s.timeline(about=about, guild_id=guild_id, limit=PAGE_SIZE, offset=offset)
        )
    return timeline_embed(facts, total, page, pages, about), total, pages


class Browse(commands.Cog):
    """Read-only views of the database."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources")
    async def sources(self, interaction: discord.Interaction) -> None:
        """List the documents I answer from, with their dates and fact counts."""
        guild_id = interaction.guild_id
        moderator = is_moderator(interaction_caller(interaction), self.bot.settings)
        documents = await self.bot.bridge.run(lambda s: s.documents(guild_id=guild_id, include_retracted=moderator))
        # Retracted documents are for moderators' eyes: a list showing them is private.
        await interaction.response.send_message(
            embed=documents_embed(documents), allowed_mentions=NO_MENTIONS,
            ephemeral=any(d.retracted for d in documents),
        )

    @app_commands.command(name="fact")
    @app_commands.describe(id="The fact number, as shown in an answer's footer (Fact #123)")
    async def fact(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1, FACT_ID_MAX]
    ) -> None:
        """Show one fact, its source and its change history."""
        guild_id = interaction.guild_id
        fact = await self.bot.bridge.run(lambda s: s.get_fact(id, guild_id=guild_id))
        history = await self.bot.bridge.run(lambda s: s.history(id, guild_id=guild_id))
        await interaction.response.send_message(embed=fact_embed(fact, history), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="timeline")
    @app_commands.describe(
        about="Only events about this person, place or topic (leave empty for everything)",
        page="Which page to start on",
    )
    async def timeline(
        self,
        interaction: discord.Interaction,
        about: app_commands.Range[str, 1, 100] | None = None,
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        """Dated events in date order, each with its source."""
        guild_id = interaction.guild_id
        embed, _total, pages = await timeline_page(self.bot, guild_id, about, page)
        page = min(page, pages)
        view = TimelinePager(
            self.bot, owner_id=interaction.user.id, guild_id=guild_id, about=about, page=page, pages=pages
        )
        await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_MENTIONS)


async def setup(bot: FactBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Browse(bot))
