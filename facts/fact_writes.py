"""The one write path for facts: rows in, and the index kept in step inside the same transaction.

Every change to the ``facts`` table (ingest, supersede, moderator add/edit/retract/restore,
document retract/restore, import) goes through :func:`writing`, which yields a :class:`FactWrites`
inside one transaction. It writes the rows and collects what the index must learn: posting
entries for new or re-worded facts, and per-scope term counts and live-fact counters for facts
that start or stop being live. These are written together just before the commit, and every
cached view of the counts (:class:`facts.vocabulary.Vocabulary`) is told afterwards. A failure
anywhere rolls all of it back: rows, postings, counts and counters.

A fact is *live* while its status is ``active``; only live facts count in the term statistics.
Postings are only ever appended (see :mod:`facts.postings`).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from facts.models import SHARED_SCOPE
from facts.postings import add_postings
from facts.postings import rebuild as rebuild_postings
from facts.vocabulary import apply_counts, counter_key

LIVE = "active"
_INDEXED = ("terms", "context_terms", "status")


def _split(value: str | None) -> list[str]:
    return value.split() if value else []


class FactWrites:
    """Changes to facts within one transaction; see :func:`writing` (do not construct directly)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._terms: dict[int, Counter[str]] = {}
        self._facts: Counter[int] = Counter()
        self._postings: list[tuple[int, list[str], list[str]]] = []

    # -- what the index must learn ----------------------------------------------------------
    def _count(self, scope: int, terms: Iterable[str], sign: int) -> None:
        counts = self._terms.get(scope)
        if counts is None:
            counts = self._terms[scope] = Counter()
        if sign > 0:
            counts.update(set(terms))
        else:
            counts.subtract(set(terms))
        self._facts[scope] += sign

    def flush(self) -> None:
        """Write the collected postings and counts (inside the transaction; :func:`writing` calls it)."""
        add_postings(self._db.conn, self._postings)
        for scope in sorted(set(self._terms) | set(self._facts)):
            apply_counts(self._db, scope, self._terms.get(scope, Counter()), self._facts.get(scope, 0))
        self._terms.clear()
        self._facts.clear()
        self._postings = []

    # -- rows ----------------------------------------------------------------------------------
    def insert(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert fact rows (values in ``columns`` order; ids are assigned when ``id`` is not a column).

        ``columns`` must name ``scope``, ``terms`` and ``status``. Returns the new ids in order.
        """
        columns = list(columns)
        if "id" not in columns:
            first = int(self._db.execute("select coalesce(max(id), 0) from facts").fetchone()[0]) + 1
            columns.insert(0, "id")
            rows = [(first + i, *row) for i, row in enumerate(rows)]
        at = {name: columns.index(name) for name in ("id", "scope", "terms", "status")}
        context_at = columns.index("context_terms") if "context_terms" in columns else None
        self._db.conn.executemany(
            f"insert into facts ({', '.join(columns)}) values ({', '.join('?' * len(columns))})", rows
        )
        ids = [row[at["id"]] for row in rows]
        for row in rows:
            own = _split(row[at["terms"]])
            self._postings.append((row[at["id"]], own, _split(row[context_at]) if context_at is not None else []))
            if row[at["status"]] == LIVE:
                counts = self._terms.get(row[at["scope"]])
                if counts is None:
                    counts = self._terms[row[at["scope"]]] = Counter()
                counts.update(set(own))  # (inline: this runs once per fact of a bulk ingest)
                self._facts[row[at["scope"]]] += 1
        return ids

    def insert_one(self, values: dict[str, Any]) -> int:
        """Insert one fact row given as column -> value; returns its id."""
        return self.insert(list(values), [list(values.values())])[0]

    def update(self, ids: Iterable[int], values: dict[str, Any]) -> int:
        """Set ``values`` on the facts ``ids`` (a new status, new terms, ...); returns how many changed.

        A fact becoming live (or re-worded while live) counts its new terms; one leaving life (or
        re-worded) stops counting its old ones; new terms get posting entries.
        """
        if "scope" in values or "id" in values:
            raise ValueError("a fact's id and scope never change")
        ids = json.dumps([int(i) for i in ids])
        before = self._db.execute(
            "select f.id, f.scope, f.terms, f.context_terms, f.status from json_each(?) j "
            "cross join facts f on f.id = j.value", [ids]
        ).fetchall()
        if not before:
            return 0
        names = list(values)
        self._db.execute(
            f"update facts set {', '.join(f'[{n}] = ?' for n in names)} where id in (select value from json_each(?))",
            [*values.values(), ids],
        )
        reworded = any(name in values for name in ("terms", "context_terms"))
        for fact_id, scope, terms, context_terms, status in before:
            new_terms = values.get("terms", terms)
            new_status = values.get("status", status)
            if reworded:
                self._postings.append((fact_id, _split(new_terms), _split(values.get("context_terms", context_terms))))
            if status == LIVE:
                self._count(scope, _split(terms), -1)
            if new_status == LIVE:
                self._count(scope, _split(new_terms), 1)
        return len(before)

    def rebuild(self) -> None:
        """Recount every scope and re-index every fact from the ``facts`` table (after an import)."""
        db = self._db
        db.execute("update vocab set df = 0")
        db.execute("delete from vocab_scoped")
        db.execute("delete from index_state where key = 'active_facts' or key glob 'active_facts:*'")
        for scope, terms in db.execute(f"select scope, terms from facts where status = '{LIVE}' order by id"):
            self._count(scope, _split(terms), 1)
        self._facts[SHARED_SCOPE] += 0  # the shared scope always has a counter
        rebuild_postings(db.conn)


@contextlib.contextmanager
def writing(db: Database) -> Iterator[FactWrites]:
    """One unit of work on facts: a transaction (a savepoint when nested) whose index updates commit with it."""
    writes = FactWrites(db)
    try:
        with db.atomic():
            yield writes
            writes.flush()
    finally:
        for listener in list(getattr(db, "write_listeners", ())):
            listener()


def live_counter(db: Database, scope: int) -> int:
    """The number of live facts the index counts for ``scope``."""
    row = db.execute("select value from index_state where key = ?", [counter_key(scope)]).fetchone()
    return int(row[0]) if row else 0
