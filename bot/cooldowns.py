"""Small in-memory rate limits and de-duplication, with an injectable clock for tests."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

import discord
from discord import app_commands


class KeyedCooldown:
    """At most one use per ``seconds`` for each key (a channel, a user...). Bounded memory."""

    def __init__(
        self, seconds: float, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ):
        self.seconds = seconds
        self._clock = clock
        self._max_keys = max_keys
        self._last: OrderedDict[Hashable, float] = OrderedDict()

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may be used again (0 when it may be used now)."""
        last = self._last.get(key)
        if last is None or self.seconds <= 0:
            return 0.0
        return max(0.0, last + self.seconds - self._clock())

    def ready(self, key: Hashable) -> bool:
        """True when ``key`` is not cooling down."""
        return self.retry_after(key) == 0.0

    def hit(self, key: Hashable) -> None:
        """Record a use of ``key`` now."""
        self._last[key] = self._clock()
        self._last.move_to_end(key)
        while len(self._last) > self._max_keys:
            self._last.popitem(last=False)


class SeenIds:
    """Remembers the most recent ``size`` ids, so one message is never handled twice."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, item: int) -> bool:
        """Remember ``item``; False when it had already been seen."""
        if item in self._ids:
            return False
        self._ids[item] = None
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True

    def __contains__(self, item: object) -> bool:
        return item in self._ids

    def __len__(self) -> int:
        return len(self._ids)


def ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    """Per-user /ask cooldown read from the bot's settings (none when set to 0)."""
    seconds = float(interaction.client.settings.ask_cooldown_seconds)  # type: ignore[attr-defined]
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None
