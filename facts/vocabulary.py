"""Document frequency of index terms: IDF weights for ranking, and the words spelling fixes aim at.

Nothing here holds the vocabulary in memory: counts are read from the ``vocab`` table when a
question needs them (a few primary-key look-ups per question), the number of live facts is a
counter kept in ``index_state`` by every change, and spelling fixes look candidates up through
``vocab_keys``, a deletion index (each term under itself and under every one-letter deletion of
it), so a misspelt word costs a handful of index probes however large the vocabulary grows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlite_utils import Database

_CHUNK = 20_000
_CACHE_LIMIT = 50_000


def deletion_keys(term: str) -> set[str]:
    """The term and every one-letter deletion of it (what ``vocab_keys`` stores a term under)."""
    return {term} | {term[:i] + term[i + 1 :] for i in range(len(term))}


def _keyed(term: str) -> bool:
    """Terms spelling fixes may aim at: not concept keys, not numbers, at least three letters."""
    return len(term) >= 3 and not term.startswith("zz") and not term.isdigit()


class _Counts(Mapping[str, int]):
    """``vocab`` as a read-only mapping of live terms (df > 0), read through a small cache."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[str, int] = {}

    def clear(self) -> None:
        self._cache.clear()

    def __getitem__(self, term: str) -> int:
        value = self._cache.get(term)
        if value is None:
            row = self._db.execute("select df from vocab where term = ?", [term]).fetchone()
            value = int(row[0]) if row else 0
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[term] = value
        if value <= 0:
            raise KeyError(term)
        return value

    def get(self, term: str, default: int | None = None) -> int | None:  # type: ignore[override]
        try:
            return self[term]
        except KeyError:
            return default

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db.execute("select term from vocab where df > 0"))

    def __len__(self) -> int:
        return int(self._db.execute("select count(*) from vocab where df > 0").fetchone()[0])


class Vocabulary:
    """The ``vocab`` table (term -> number of live facts holding it), read on demand."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.df = _Counts(db)
        self._total: int | None = None

    def changed(self) -> None:
        """Forget cached counts (call after a write; cheap: nothing is re-read until asked)."""
        self.df.clear()
        self._total = None

    reload = changed  # the old name: nothing is loaded any more

    @property
    def total(self) -> int:
        """The number of live facts."""
        if self._total is None:
            row = self._db.execute("select value from index_state where key = 'active_facts'").fetchone()
            self._total = int(row[0]) if row else 0
        return self._total

    def idf(self, df: int) -> float:
        """Smoothed inverse document frequency for a term held by ``df`` facts."""
        return math.log(1.0 + (self.total + 1) / (df + 1))

    def _live(self, sql: str, params: list[str]) -> list[str]:
        rows = self._db.execute(sql, params).fetchall()
        rows.sort(key=lambda r: r[1])  # the vocabulary's own order (first seen first) breaks ties
        return [r[0] for r in rows if not r[0].startswith("zz") and not r[0].isdigit()]

    def _near(self, term: str, deletions: int) -> list[str]:
        """Live terms sharing a deletion key with ``term`` (``deletions`` letters off the query side)."""
        keys = deletion_keys(term)
        if deletions > 1:
            keys |= {k for one in list(keys) for k in deletion_keys(one)}
        marks = ",".join("?" * len(keys))
        return self._live(
            f"select distinct v.term, v.rowid from vocab_keys k join vocab v on v.term = k.term "
            f"where k.key in ({marks}) and v.df > 0",
            sorted(keys),
        )

    def _prefixed(self, prefix: str) -> list[str]:
        return self._live(
            "select term, rowid from vocab where term >= ? and term < ? and df > 0", [prefix, prefix + "\uffff"]
        )

    def closest(self, term: str, word: str | None = None) -> str | None:
        """The known term a misspelt ``term`` (the stem of ``word``) most likely meant, or None.

        Within one edit of the stem (two for long ones; a swap counts as one), else, for long
        words, a stem that the written word nearly spells out ("construcion" -> "construct").
        """
        if len(term) < 4:
            return None
        limit = 1 if len(term) < 8 else 2
        choices = self._near(term, limit)
        if limit > 1:  # two edits: also the terms that share the first four letters
            choices = list(dict.fromkeys(choices + self._prefixed(term[:4])))
        match = process.extractOne(term, choices, scorer=OSA.distance, score_cutoff=limit) if choices else None
        if match:
            return match[0]
        if word and len(word) >= 7:
            near = process.extractOne(word, self._prefixed(word[:3]), scorer=fuzz.ratio, score_cutoff=88)
            if near and near[0][:3] == word[:3]:
                return near[0]
        return None


def add_counts(db: Database, term_lists: Iterable[Iterable[str]], sign: int = 1) -> None:
    """Add (sign=1) or remove (sign=-1) one live fact per term list, and one count per distinct term.

    Keeps ``index_state.active_facts`` and the deletion index of new terms in step.
    """
    counts: Counter[str] = Counter()
    facts = 0
    for terms in term_lists:
        counts.update(set(terms))
        facts += 1
    if facts:
        db.conn.execute("update index_state set value = value + ? where key = 'active_facts'", [sign * facts])
    if not counts:
        return
    if sign > 0:
        known: set[str] = set()
        terms = list(counts)
        for start in range(0, len(terms), _CHUNK):
            chunk = terms[start : start + _CHUNK]
            known.update(r[0] for r in db.conn.execute(
                f"select term from vocab where term in ({','.join('?' * len(chunk))})", chunk))
        new = [t for t in terms if t not in known and _keyed(t)]
        if new:
            db.conn.executemany(
                "insert or ignore into vocab_keys (key, term) values (?, ?)",
                [(key, term) for term in new for key in deletion_keys(term)],
            )
    db.conn.executemany(
        "insert into vocab (term, df) values (?, ?) on conflict(term) do update set df = max(0, df + excluded.df)",
        [(term, sign * n) for term, n in counts.items()],
    )
