"""A loopback Discord (HTTP API v10 + gateway) for end-to-end tests of a real discord.py bot.

Use the ``discord_stand_in`` fixture (``pytest_plugins = ["tests.loopback.fixtures"]``)::

    async def test_fact(discord_stand_in):
        async with discord_stand_in.run_bot(make_bot()) as bot:   # starts, waits for on_ready
            await bot.tree.sync()
            handle = await discord_stand_in.slash_command("fact", {"query": "kursk"},
                                                          user="member", channel="a/general")
            message = await handle.response_message()
            assert "Kursk" in text_of(message)

The fixture points discord.py here (``Route.BASE`` / ``DiscordWebSocket.DEFAULT_GATEWAY``;
``stand_in.env()`` gives the FACTBOT_DISCORD_* variables instead), validates every
request against Discord's documented limits and, when ``$DISCORD_OPENAPI_SPEC`` names a copy of
Discord's openapi.json, against its schemas (without it the test summary says so once), and
fails the test if any violation was recorded.
"""

from __future__ import annotations

from typing import Any

from .driver import MessageHandle
from .faults import Fault
from .gateway import GatewayFrame, Session
from .interactions import InteractionHandle, InteractionRefused
from .options import StandInOptions
from .permissions import ALL_PERMISSIONS, Permission, base_permissions, channel_permissions
from .pointing import discord_py_pointed_at, point_discord_py, prepare_bot
from .recorder import RecordedFile, RecordedRequest, eventually
from .scenario import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILD_PRESENCES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    Application,
    Channel,
    Guild,
    Member,
    Overwrite,
    Role,
    Scenario,
    User,
    default_scenario,
)
from .server import DiscordStandIn
from .spec import ENV_VAR, SpecError, SpecValidator
from .state import Upload
from .violations import Violation, ViolationError


def text_of(message: dict[str, Any]) -> str:
    """Everything readable in a message: content, then each embed's title, description, fields, footer."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            parts += [field.get("name") or "", field.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(part for part in parts if part)


__all__ = [
    "ALL_PERMISSIONS",
    "ENV_VAR",
    "INTENT_DIRECT_MESSAGES",
    "INTENT_GUILDS",
    "INTENT_GUILD_MEMBERS",
    "INTENT_GUILD_MESSAGES",
    "INTENT_GUILD_PRESENCES",
    "INTENT_MESSAGE_CONTENT",
    "Application",
    "Channel",
    "DiscordStandIn",
    "Fault",
    "GatewayFrame",
    "Guild",
    "InteractionHandle",
    "InteractionRefused",
    "Member",
    "MessageHandle",
    "Overwrite",
    "Permission",
    "RecordedFile",
    "RecordedRequest",
    "Role",
    "Scenario",
    "Session",
    "SpecError",
    "SpecValidator",
    "StandInOptions",
    "Upload",
    "User",
    "Violation",
    "ViolationError",
    "base_permissions",
    "channel_permissions",
    "default_scenario",
    "discord_py_pointed_at",
    "eventually",
    "point_discord_py",
    "prepare_bot",
    "text_of",
]
