"""What people add around facts: helpful votes, the moderators' review queue, aliases and channel settings.

The SQL for these rows lives here; :class:`facts.service.FactService` checks input and calls in.
Every function runs in one transaction of its own unless the caller already holds one.
"""

from __future__ import annotations

from sqlite_utils import Database

from facts.database import utc_now
from facts.models import ReviewItem

_REVIEW_COLUMNS = "id, kind, question, fact_id, scope, channel_id, created_at, status"


def add_helpful_vote(db: Database, fact_id: int, scope: int) -> None:
    """Count one 'helpful' vote for a fact in a scope."""
    with db.atomic():
        db.execute(
            "insert into votes (fact_id, scope, helpful) values (?, ?, 1) "
            "on conflict(fact_id, scope) do update set helpful = helpful + 1",
            [fact_id, scope],
        )


def add_review_item(db: Database, kind: str, question: str, fact_id: int | None, scope: int,
                    channel_id: int | None) -> ReviewItem:
    """Queue an item (a wrong-answer report, an unanswered question) for a scope's moderators."""
    now = utc_now()
    with db.atomic():
        item_id = db["review_items"].insert(
            {"kind": kind, "question": question, "fact_id": fact_id, "scope": scope, "channel_id": channel_id,
             "created_at": now, "status": "open"}
        ).last_pk
    return ReviewItem(item_id, kind, question, fact_id, scope, channel_id, now, "open")


def open_review_items(db: Database, scope: int, limit: int) -> list[ReviewItem]:
    """A scope's open review items, newest first."""
    rows = db.execute(
        f"select {_REVIEW_COLUMNS} from review_items where scope = ? and status = 'open' order by id desc limit ?",
        [scope, limit],
    ).fetchall()
    return [ReviewItem(*row) for row in rows]


def close_review_item(db: Database, item_id: int, scope: int, actor: str) -> ReviewItem | None:
    """Mark a scope's review item done; None when the scope has no such item."""
    with db.atomic():
        if db.execute("select 1 from review_items where id = ? and scope = ?", [item_id, scope]).fetchone() is None:
            return None
        db.execute("update review_items set status = 'done', closed_by = ?, closed_at = ? where id = ?",
                   [actor, utc_now(), item_id])
        row = db.execute(f"select {_REVIEW_COLUMNS} from review_items where id = ?", [item_id]).fetchone()
    return ReviewItem(*row)


def alias_rows(db: Database, scope: int) -> list[tuple[str, str]]:
    """(term, means) of the aliases a scope uses: the shared ones, then its own, in the order added."""
    return [(r[0], r[1]) for r in db.execute(
        "select term, means from aliases where scope in (0, ?) order by scope, id", [scope])]


def save_alias(db: Database, scope: int, term: str, means: str, actor: str) -> None:
    """Store (or replace) a scope's alias ``term`` -> ``means`` (both already normalised)."""
    with db.atomic():
        db.execute(
            "insert into aliases (scope, term, means, actor, created_at) values (?, ?, ?, ?, ?) "
            "on conflict(scope, term) do update set means = excluded.means, actor = excluded.actor, "
            "created_at = excluded.created_at",
            [scope, term, means, actor, utc_now()],
        )


def set_auto_answer(db: Database, scope: int, channel_id: int, enabled: bool, actor: str) -> None:
    """Turn unprompted answers on or off in a channel of a server."""
    with db.atomic():
        db.execute(
            "insert into auto_answer (scope, channel_id, enabled, actor, updated_at) values (?, ?, ?, ?, ?) "
            "on conflict(scope, channel_id) do update set enabled = excluded.enabled, actor = excluded.actor, "
            "updated_at = excluded.updated_at",
            [scope, channel_id, int(bool(enabled)), actor, utc_now()],
        )


def auto_answer_channels(db: Database, scope: int) -> frozenset[int]:
    """Channels of a server where the bot answers unprompted."""
    return frozenset(r[0] for r in db.execute(
        "select channel_id from auto_answer where scope = ? and enabled = 1", [scope]))
