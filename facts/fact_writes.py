"""The one write path for facts: rows in, and the index kept in step inside the same transaction.

Every change to the ``facts`` table (ingest, supersede, moderator add/edit/retract/restore,
document retract/restore, import) goes through :func:`writing`, which yields a :class:`FactWrites`
inside one transaction. It writes the rows and collects what the index must learn: posting
entries for new or re-worded facts, and per-scope term counts and live-fact counters for facts
that start or stop being live. These are written together just before the commit, and every
cached view of the counts (:class:`facts.vocabulary.Vocabulary`) is told afterwards. A failure
anywhere rolls all of it back: rows, postings, counts and counters.

A fact is *live* while its status is ``active``; only live facts count in the term statistics.
New facts' postings are appended; a re-worded fact's terms are rewritten (see :mod:`facts.postings`),
so the index always equals one rebuilt from the facts table.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from facts.models import SHARED_SCOPE
from facts.postings import add_postings, rewrite_terms
from facts.postings import rebuild as rebuild_postings
from facts.vocabulary import apply_counts

LIVE = "active"


def _split(value: str | None) -> list[str]:
    return value.split() if value else []


class FactWrites:
    """Changes to facts within one transaction; see :func:`writing` (do not construct directly)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._terms: dict[int, Counter[str]] = {}
        self._facts: Counter[int] = Counter()
        self._postings: dict[int, tuple[list[str], list[str]]] = {}
        """Entries of facts inserted in this unit, by id (in insertion order: ascending ids)."""
        self._reworded: dict[int, tuple[list[str], list[str]]] = {}
        """New terms of existing facts re-worded in this unit."""
        self._old_terms: set[str] = set()

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
        # Counts first, then postings: each step's working memory is freed before the next (peak RSS of a bulk ingest).
        for scope in sorted(set(self._terms) | set(self._facts)):
            apply_counts(self._db, scope, self._terms.get(scope, Counter()), self._facts.get(scope, 0))
        self._terms.clear()
        self._facts.clear()
        add_postings(self._db.conn, ((fact_id, own, context) for fact_id, (own, context) in self._postings.items()))
        if self._reworded:
            rewrite_terms(self._db.conn, self._reworded, self._old_terms)
        self._postings = {}
        self._reworded = {}
        self._old_terms = set()

    # -- rows ----------------------------------------------------------------------------------
    def insert(self, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               term_lists: Sequence[tuple[list[str], list[str]]] | None = None) -> list[int]:
        """Insert fact rows (values in ``columns`` order; ids are assigned when ``id`` is not a column).

        ``columns`` must name ``scope``, ``terms`` and ``status``. ``term_lists``: each row's (terms,
        context terms) as lists when the caller has them (a bulk ingest: no second copy is made).
        Returns the new ids in order.
        """
        columns = list(columns)
        if "id" not in columns:
            first = self.next_fact_id()
            columns.insert(0, "id")
            rows = [(first + i, *row) for i, row in enumerate(rows)]
        at = {name: columns.index(name) for name in ("id", "scope", "terms", "status")}
        context_at = columns.index("context_terms") if "context_terms" in columns else None
        self._db.conn.executemany(
            f"insert into facts ({', '.join(columns)}) values ({', '.join('?' * len(columns))})", rows
        )
        ids = [row[at["id"]] for row in rows]
        for i, row in enumerate(rows):
            if term_lists is not None:
                own, context = term_lists[i]
            else:
                own = _split(row[at["terms"]])
                context = _split(row[context_at]) if context_at is not None else []
            self._postings[row[at["id"]]] = (own, context)
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
                entries = (_split(new_terms), _split(values.get("context_terms", context_terms)))
                if fact_id in self._postings:  # inserted in this unit: its entries are not written yet
                    self._postings[fact_id] = entries
                else:
                    self._reworded[fact_id] = entries
                    self._old_terms.update(_split(terms), _split(context_terms))
            if status == LIVE:
                self._count(scope, _split(terms), -1)
            if new_status == LIVE:
                self._count(scope, _split(new_terms), 1)
        return len(before)

    def next_fact_id(self) -> int:
        """The id the next inserted fact gets (for callers that number a batch themselves)."""
        return int(self._db.execute("select coalesce(max(id), 0) from facts").fetchone()[0]) + 1

    # -- documents and history (written in the same transaction) ---------------------------------
    def add_document(self, values: dict[str, Any]) -> int:
        """Insert a document row (column -> value); returns its id."""
        return int(self._db["documents"].insert(values).last_pk)

    def update_document(self, document_id: int, values: dict[str, Any]) -> None:
        """Set ``values`` on a document row (its status, what superseded it)."""
        names = list(values)
        self._db.execute(f"update documents set {', '.join(f'[{n}] = ?' for n in names)} where id = ?",
                         [*values.values(), document_id])

    def record(self, entries: Iterable[dict[str, Any]]) -> int | None:
        """Append entries to the facts' history (fact_id, action, actor, scope, reason, before, after, at);
        returns the last entry's id."""
        table = self._db["fact_history"]
        table.insert_all(entries)
        return table.last_pk

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

