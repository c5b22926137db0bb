"""The inverted index: packed posting lists on disk (SQLite), scored into a reused numpy accumulator.

Each posting is one uint32, ``fact_id << 1 | own``: ``own`` is 1 when the term is in the fact's own
sentence and 0 when only its neighbouring sentences or its document's title hold it. A term's
postings are stored as a few segments (rows of ``postings``): a write that adds facts (an
ingest, a server's version of a fact) appends one segment per term it touches, and a term with
more than ``MAX_SEGMENTS`` segments has them merged into one. New facts have the largest ids, so
a term's segments, read in order, list its facts in id order, exactly as a rebuild would.

Re-wording a fact (an edit) rewrites the lists of the terms it gained or lost
(:func:`rewrite_terms`), keeping them in id order; so the index always equals one rebuilt from
the facts table. Retracted and superseded facts keep their entries: the caller filters
candidates through the visibility rules, so those count from the very next question.

Search reads the rarest terms first and stops at the list that would take it past ``budget``
entries (that list only re-weights the facts found so far, when there are any), adding each
term's weight into a float32 array indexed by fact id. That array is allocated once and reset
through the ids touched, so a question costs what its posting lists hold, not what the corpus
holds.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_SEGMENTS = 16
CONTEXT_CREDIT = 0.5
DEFAULT_BUDGET = 30_000
BOOST_ONLY_UP_TO = 10
"""A list over the budget may still add its weight to the facts found so far when it holds at most this
many budgets' worth of entries (it is checked against them without new candidates); a longer one is skipped."""
_LIST_PER_DF = 4  # a term's list holds about 3 entries per fact holding it (context ones too)
_CHUNK = 20_000  # terms per statement when checking segment counts


def _entries() -> array:
    return array("I")


def add_postings(conn: sqlite3.Connection, facts: Iterable[tuple[int, Iterable[str], Iterable[str]]]) -> int:
    """Append one segment per term for ``facts`` (fact id, own terms, context terms). Returns the entries written.

    Runs inside the caller's transaction.
    """
    lists: dict[str, array] = {}
    get = lists.get
    for fact_id, terms, context_terms in facts:
        own_entry = fact_id << 1 | 1
        own = set(terms)
        for term in own:
            entries = get(term)
            if entries is None:
                entries = lists[term] = _entries()
            entries.append(own_entry)
        context_entry = fact_id << 1
        for term in context_terms:
            if term in own:
                continue
            entries = get(term)
            if entries is None:
                entries = lists[term] = _entries()
            entries.append(context_entry)
    return write_segments(conn, lists)


def write_segments(conn: sqlite3.Connection, lists: dict[str, array]) -> int:
    """Store ``lists`` (term -> entries) as one new segment per term, then merge over-segmented terms."""
    if not lists:
        return 0
    segment = next_segment(conn)
    conn.executemany(
        "insert into postings (term, seg, n, ids) values (?, ?, ?, ?)",
        [(term, segment, len(entries), entries.tobytes()) for term, entries in lists.items()],
    )
    terms = list(lists)
    crowded: list[str] = []
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        crowded += [row[0] for row in conn.execute(
            f"select term from postings where term in ({marks}) group by term having count(*) > {MAX_SEGMENTS}",
            chunk,
        )]
    for term in crowded:
        merge_term(conn, term)
    return sum(len(entries) for entries in lists.values())


def next_segment(conn: sqlite3.Connection) -> int:
    """A new segment number (a counter kept in ``index_state``)."""
    conn.execute("update index_state set value = value + 1 where key = 'segment'")
    return int(conn.execute("select value from index_state where key = 'segment'").fetchone()[0])


def merge_term(conn: sqlite3.Connection, term: str) -> None:
    """Merge every segment of ``term`` into one (keeping the newest segment number)."""
    rows = conn.execute("select seg, ids from postings where term = ? order by seg", [term]).fetchall()
    if len(rows) < 2:
        return
    merged = b"".join(row[1] for row in rows)
    conn.execute("delete from postings where term = ? and seg < ?", [term, rows[-1][0]])
    conn.execute("update postings set n = ?, ids = ? where term = ? and seg = ?",
                 [len(merged) // 4, merged, term, rows[-1][0]])


def rewrite_terms(conn: sqlite3.Connection, facts: dict[int, tuple[Iterable[str], Iterable[str]]],
                  old_terms: Iterable[str]) -> None:
    """Re-index re-worded ``facts`` (fact id -> (own terms, context terms)): every term they held before
    (``old_terms``) or hold now gets its list rewritten as one segment, in id order, with their new entries."""
    wanted: dict[str, dict[int, int]] = {}
    for fact_id, (terms, context_terms) in facts.items():
        own = set(terms)
        for term in own:
            wanted.setdefault(term, {})[fact_id] = fact_id << 1 | 1
        for term in context_terms:
            if term not in own:
                wanted.setdefault(term, {})[fact_id] = fact_id << 1
    edited = np.fromiter(facts, dtype=np.uint32, count=len(facts))
    for term in sorted(set(old_terms) | set(wanted)):
        rows = conn.execute("select ids from postings where term = ? order by seg", [term]).fetchall()
        entries = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.uint32)
        kept = entries[~np.isin(entries >> 1, edited)]
        added = np.fromiter(wanted.get(term, {}).values(), dtype=np.uint32)
        merged = np.sort(np.concatenate([kept, added])) if len(added) else kept
        conn.execute("delete from postings where term = ?", [term])
        if len(merged):
            conn.execute("insert into postings (term, seg, n, ids) values (?, ?, ?, ?)",
                         [term, next_segment(conn), len(merged), merged.astype(np.uint32).tobytes()])


def rebuild(conn: sqlite3.Connection, batch: int = 50_000) -> None:
    """Rebuild the whole index from the ``facts`` table (after an import or a migration)."""
    conn.execute("delete from postings")
    last = 0
    while True:
        rows = conn.execute(
            "select id, terms, context_terms from facts where id > ? order by id limit ?", [last, batch]
        ).fetchall()
        if not rows:
            break
        add_postings(conn, ((r[0], r[1].split(), (r[2] or "").split()) for r in rows))
        last = rows[-1][0]


@dataclass
class Hits:
    """Fact ids best first, whether every query term was read, and how many entries were."""

    ids: list[int]
    complete: bool
    entries: int


class Accumulator:
    """A float32 score per fact id, allocated once and reset through the ids a search touched."""

    def __init__(self) -> None:
        self.scores = np.zeros(1 << 16, dtype=np.float32)

    def _fit(self, size: int) -> None:
        if size > len(self.scores):
            grown = np.zeros(max(size, len(self.scores) * 2), dtype=np.float32)
            self.scores = grown

    def _boost(self, raw: np.ndarray, weight: float) -> None:
        """Add a term's weight (``raw``: its entries) to the facts already scored, and to no others."""
        ids = (raw >> 1).astype(np.intp)
        self._fit(int(ids.max()) + 1)
        held = self.scores[ids] != 0
        raw, ids = raw[held], ids[held]
        self.scores[ids] += np.where(raw & 1, np.float32(weight), np.float32(weight * CONTEXT_CREDIT))

    def search(
        self,
        conn: sqlite3.Connection,
        terms: Sequence[tuple[str, float, int]],
        *,
        limit: int,
        budget: int | None = DEFAULT_BUDGET,
    ) -> Hits:
        """The ``limit`` best-scoring fact ids for (term, weight, document frequency) triples.

        Terms are read rarest first; once ``budget`` entries are loaded the commoner ones are
        skipped (``complete`` is then False). Once rarer terms have found facts, a list that would
        take the total past ``budget`` only adds its weight to those facts (or is skipped when it is
        longer than ``BOOST_ONLY_UP_TO`` budgets) and ends the search: only the first list read
        may bring new candidates past the budget. A fact scores a term's weight when its sentence
        holds it, ``CONTEXT_CREDIT`` of it when only its neighbours or title do.
        """
        ordered = sorted(terms, key=lambda t: t[2])
        touched: list[np.ndarray] = []
        loaded = 0
        complete = True
        for term, weight, df in ordered:
            if budget is not None and loaded >= budget:
                complete = False
                break
            if budget is not None and touched and loaded + _LIST_PER_DF * df > budget:
                # Likely too long: its length first, so a very long list is skipped without reading it.
                size = conn.execute("select sum(n) from postings where term = ?", [term]).fetchone()[0] or 0
                if loaded + size > budget and size > BOOST_ONLY_UP_TO * budget:
                    complete = False
                    break
            rows = conn.execute("select ids from postings where term = ?", [term]).fetchall()
            if not rows:
                continue
            raw = np.frombuffer(rows[0][0] if len(rows) == 1 else b"".join(r[0] for r in rows), dtype=np.uint32)
            if not len(raw):
                continue
            over = budget is not None and bool(touched) and loaded + len(raw) > budget
            if over and len(raw) > BOOST_ONLY_UP_TO * budget:  # (budget is not None when over)
                complete = False
                break
            if over:
                # The rarer terms found candidates and this list would overshoot the budget: it adds
                # its weight to those only (no new candidates), and the commoner terms are skipped.
                self._boost(raw, weight)
                complete = False
                loaded += len(raw)
                break
            ids = (raw >> 1).astype(np.intp)
            self._fit(int(ids.max()) + 1)
            scores = self.scores
            fresh = ids[scores[ids] == 0]
            if len(fresh):
                touched.append(fresh)
            gain = np.where(raw & 1, np.float32(weight), np.float32(weight * CONTEXT_CREDIT))
            scores[ids] += gain
            loaded += len(raw)
        if not touched:
            return Hits([], complete, loaded)
        every = np.concatenate(touched) if len(touched) > 1 else touched[0]
        values = self.scores[every]
        self.scores[every] = 0
        top = np.argpartition(-values, limit - 1)[:limit] if len(every) > limit else np.arange(len(every))
        top = top[np.argsort(-values[top], kind="stable")]
        ids = list(dict.fromkeys(every[top].tolist()))
        return Hits(ids, complete, loaded)


def missing_entries(conn: sqlite3.Connection, limit: int = 10) -> list[str]:
    """Up to ``limit`` (fact, term) pairs a fact's current terms need but the index lacks (empty: consistent)."""
    present: dict[str, set[int]] = {}
    for term, blob in conn.execute("select term, ids from postings"):
        present.setdefault(term, set()).update(np.frombuffer(blob, dtype=np.uint32).tolist())
    problems = []
    for fact_id, terms, context_terms in conn.execute("select id, terms, context_terms from facts"):
        own = set(terms.split())
        wanted = [(t, fact_id << 1 | 1) for t in own]
        wanted += [(t, fact_id << 1) for t in (context_terms or "").split() if t not in own]
        for term, entry in wanted:
            if entry not in present.get(term, ()):
                problems.append(f"fact {fact_id}: {term!r}")
                if len(problems) >= limit:
                    return problems
    return problems
