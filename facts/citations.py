"""Where the bot's public answers are and which facts they cite, so a correction can reach them.

Only what that needs is kept: the server, channel and message ids, the fact ids cited and the time.
Never who asked. Rows older than the retention period are deleted whenever new ones are written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class CitedMessage:
    """One public answer message and the facts it cites."""

    guild_id: int
    channel_id: int
    message_id: int
    fact_ids: tuple[int, ...]
    created_at: str


def _cutoff(retention_days: float, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    return moment.replace(microsecond=0).isoformat()


def record(conn: sqlite3.Connection, *, guild_id: int, channel_id: int, message_id: int, fact_ids: Iterable[int],
           created_at: str, retention_days: float = DEFAULT_RETENTION_DAYS) -> int:
    """Remember that ``message_id`` cites ``fact_ids``, and forget rows past the retention period.

    Returns how many old rows were deleted. The caller commits (one transaction).
    """
    rows = [(int(message_id), int(f), int(guild_id), int(channel_id), created_at) for f in dict.fromkeys(fact_ids)]
    conn.executemany(
        "insert or replace into answer_messages (message_id, fact_id, guild_id, channel_id, created_at) "
        "values (?, ?, ?, ?, ?)", rows,
    )
    return prune(conn, retention_days)


def prune(conn: sqlite3.Connection, retention_days: float = DEFAULT_RETENTION_DAYS,
          now: datetime | None = None) -> int:
    """Delete rows older than ``retention_days``; returns how many."""
    return conn.execute("delete from answer_messages where created_at < ?",
                        [_cutoff(retention_days, now)]).rowcount


def citing(conn: sqlite3.Connection, fact_ids: Iterable[int], guild_id: int | None,
           retention_days: float = DEFAULT_RETENTION_DAYS) -> list[CitedMessage]:
    """Messages that cite any of ``fact_ids``: in one server, or (``guild_id`` None) in every server.

    Oldest first; rows past the retention period are ignored even before they are pruned.
    """
    ids = sorted({int(f) for f in fact_ids})
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    where = f"fact_id in ({marks}) and created_at >= ?"
    params: list[object] = [*ids, _cutoff(retention_days)]
    if guild_id is not None:
        where += " and guild_id = ?"
        params.append(int(guild_id))
    hits = conn.execute(f"select distinct message_id from answer_messages where {where}", params).fetchall()
    if not hits:
        return []
    message_ids = [h[0] for h in hits]
    out: dict[int, list] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start:start + 500]
        for message_id, fact_id, guild, channel, created in conn.execute(
            f"select message_id, fact_id, guild_id, channel_id, created_at from answer_messages "
            f"where message_id in ({','.join('?' * len(chunk))}) order by fact_id", chunk,
        ):
            entry = out.setdefault(message_id, [guild, channel, created, []])
            entry[3].append(fact_id)
    messages = [CitedMessage(g, c, m, tuple(f), t) for m, (g, c, t, f) in out.items()]
    messages.sort(key=lambda m: (m.created_at, m.message_id))
    return messages


def forget(conn: sqlite3.Connection, message_id: int) -> None:
    """Drop a message (deleted, or no longer reachable)."""
    conn.execute("delete from answer_messages where message_id = ?", [int(message_id)])
