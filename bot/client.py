"""The Discord client: one AutoShardedBot subclass and one command-tree error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.bridge import EngineBridge
from bot.corrections import Corrections
from bot.health import REFRESH_SECONDS, health_path, write_status
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


def silence_voice_warnings() -> None:
    """factbot has no voice: drop discord.py's "PyNaCl/davey is not installed" start-up warnings.

    discord.py warns once per process when ``VoiceClient.warn_nacl`` / ``warn_dave`` are set;
    clearing them silences exactly those two warnings and nothing else.
    """
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


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
        silence_voice_warnings()
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
        self.health_file = health_path(settings.db_path)
        self._connected_since: float | None = None
        self._health_task: asyncio.Task[None] | None = None
        self._health_lock = asyncio.Lock()
        self.corrections = Corrections(self)

    def connected(self) -> bool:
        """True while the bot is ready and every shard's gateway connection is open."""
        if self.is_closed() or not self.is_ready():
            return False
        return all(not shard.is_closed() for shard in self.shards.values())

    async def report_health(self) -> None:
        """Write the health status file (off the event loop); a write failure is logged, never raised.

        Writes are serialised and each reads the state when its turn comes, so an older snapshot
        never lands after a newer one.
        """
        async with self._health_lock:
            connected = self.connected()
            if not connected:
                self._connected_since = None
            elif self._connected_since is None:
                self._connected_since = time.time()
            try:
                await asyncio.to_thread(write_status, self.health_file, connected=connected,
                                        shards=len(self.shards), since=self._connected_since)
            except OSError as error:
                log.warning("could not write the health status file %s (%s)", self.health_file,
                            type(error).__name__)

    async def _refresh_health(self) -> None:
        while not self.is_closed():
            await self.report_health()
            await asyncio.sleep(REFRESH_SECONDS)

    async def setup_hook(self) -> None:
        """Open the engine, load the feature cogs and sync commands when they changed."""
        await self.bridge.start()
        self._health_task = asyncio.create_task(self._refresh_health())
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
        """Log who we are (ids only); the health status says connected."""
        log.info("ready as user %s in %d servers", self.user.id if self.user else "?", len(self.guilds))
        await self.report_health()

    async def on_shard_ready(self, shard_id: int) -> None:
        """Log each shard coming up."""
        log.info("shard %s ready", shard_id)
        await self.report_health()

    async def on_shard_resumed(self, shard_id: int) -> None:
        """A shard's connection came back: refresh the health status."""
        await self.report_health()

    async def on_shard_disconnect(self, shard_id: int) -> None:
        """A shard's connection dropped: the health status says not connected until it is back."""
        await self.report_health()

    async def close(self) -> None:
        """Disconnect from Discord, then close the engine (and its database); the health status says so."""
        try:
            await self.corrections.close()
            await super().close()
        finally:
            if self._health_task is not None:
                self._health_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._health_task
                self._health_task = None
                await self.report_health()
            await self.bridge.close()
