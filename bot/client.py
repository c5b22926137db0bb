"""The Discord client: one AutoShardedBot subclass and one command-tree error handler."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.bridge import EngineBridge
from bot.corrections import Corrections
from bot.replies import GENERIC_FAILURE, NO_MENTIONS, send_ephemeral, user_message
from bot.sync import state_path, sync_commands
from config.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.ask",
    "bot.cogs.browse",
    "bot.cogs.channel_questions",
    "bot.cogs.feedback",
    "bot.cogs.moderation",
)


def make_intents(*, message_content: bool = True) -> discord.Intents:
    """Only what factbot uses: servers, server and direct messages, and (optionally) their text.

    Members is not needed: interactions and messages carry the member's roles and permissions.
    Without ``message_content`` (a privileged intent) slash commands, mentions of the bot and
    direct messages still work; only unprompted answers in auto-answer channels stop.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = message_content
    return intents


class FactTree(app_commands.CommandTree):
    """Turns every command error into a short private message; logs only the unexpected ones."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = user_message(error)
        command = interaction.command.qualified_name if interaction.command else "?"
        if message is None:
            original = getattr(error, "original", error)
            log.error(
                "command /%s failed (interaction %s, guild %s)",
                command,
                interaction.id,
                interaction.guild_id,
                exc_info=(type(original), original, original.__traceback__),
            )
            message = GENERIC_FAILURE
        else:
            log.debug("command /%s refused: %s", command, type(error).__name__)
        try:
            await send_ephemeral(interaction, message)
        except discord.HTTPException:
            log.warning("could not tell the user about an error (interaction %s)", interaction.id)


class FactBot(commands.AutoShardedBot):
    """factbot's client. Dependencies come in through the constructor; nothing is global."""

    def __init__(
        self,
        settings: Settings,
        bridge: EngineBridge,
        *,
        message_content: bool = True,
        extensions: Sequence[str] = EXTENSIONS,
        sync_commands: bool = True,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=make_intents(message_content=message_content),
            allowed_mentions=NO_MENTIONS,
            tree_cls=FactTree,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
        )
        self.settings = settings
        self.bridge = bridge
        self.message_content_enabled = message_content
        self._extensions = tuple(extensions)
        self._sync = sync_commands
        self.synced_commands: bool | None = None
        self.corrections = Corrections(self)

    async def setup_hook(self) -> None:
        """Open the engine, load the feature cogs and sync commands when they changed."""
        await self.bridge.start()
        await self.corrections.prune()
        for name in self._extensions:
            await self.load_extension(name)
        if self._sync and self.application_id is not None:
            self.synced_commands = await sync_commands(
                self.tree,
                application_id=self.application_id,
                dev_guild_id=self.settings.dev_guild_id,
                state_file=state_path(self.settings.db_path),
            )

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions in messages are handled by the channel-questions cog."""

    async def on_ready(self) -> None:
        """Log who we are (ids only)."""
        log.info("ready as user %s in %d servers", self.user.id if self.user else "?", len(self.guilds))

    async def on_shard_ready(self, shard_id: int) -> None:
        """Log each shard coming up."""
        log.info("shard %s ready", shard_id)

    async def close(self) -> None:
        """Disconnect from Discord, then close the engine (and its database)."""
        try:
            await self.corrections.close()
            await super().close()
        finally:
            await self.bridge.close()
