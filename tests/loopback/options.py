"""Options of the stand-in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StandInOptions:
    """Knobs of the stand-in.

    ``interaction_deadline``: seconds the bot has for the initial interaction response
    (Discord: 3). ``echo_bot_messages``: send MESSAGE_CREATE/UPDATE/DELETE for the bot's
    own messages, as Discord does. ``recommended_shards``: the ``shards`` of GET
    /gateway/bot (what ``AutoShardedBot`` without ``shard_count`` uses).
    """

    heartbeat_interval_ms: int = 41_250
    interaction_deadline: float = 3.0
    echo_bot_messages: bool = True
    recommended_shards: int = 1
    host: str = "127.0.0.1"
    connect_timeout: float = 5.0
