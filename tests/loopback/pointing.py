"""Pointing discord.py at the stand-in (and back), and the test-only tweaks a bot needs.

discord.py 2.7 builds every REST URL as ``Route.BASE + path`` and connects the gateway
to ``DiscordWebSocket.DEFAULT_GATEWAY`` (``Client``) or to GET /gateway/bot's ``url``
(``AutoShardedClient`` without ``shard_count``); resumes use READY's
``resume_gateway_url``. The stand-in answers the latter two with its own URL, so
setting the two class attributes is enough.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def point_discord_py(api_url: str, gateway_url: str) -> Callable[[], None]:
    """Set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``; return a function undoing it."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def undo() -> None:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    return undo


@contextlib.contextmanager
def discord_py_pointed_at(api_url: str, gateway_url: str) -> Iterator[None]:
    """Context manager form of :func:`point_discord_py`."""
    undo = point_discord_py(api_url, gateway_url)
    try:
        yield
    finally:
        undo()


async def _identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
    """Replacement ``before_identify_hook``: no 5-second sleep before re-IDENTIFY."""
    return None


def prepare_bot(bot: discord.Client, *, guild_ready_timeout: float = 0.1) -> None:
    """Make a client fast under test: no re-identify sleep, short wait for GUILD_CREATEs.

    Sets ``bot.before_identify_hook`` on the instance and lowers the connection state's
    ``guild_ready_timeout`` (the same value the ``guild_ready_timeout=`` constructor
    argument sets); a bot built with ``guild_ready_timeout=0.1`` needs only the hook.
    """
    hook: Any = _identify_at_once
    bot.before_identify_hook = hook  # type: ignore[method-assign]
    state = bot._connection
    state.guild_ready_timeout = min(state.guild_ready_timeout, guild_ready_timeout)
