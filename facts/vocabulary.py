"""Document frequency of index terms: IDF weights for ranking, and the words spelling fixes aim at."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlite_utils import Database


class Vocabulary:
    """In-memory view of the ``vocab`` table (term -> number of live facts holding it)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.df: dict[str, int] = {}
        self.total = 0
        self.reload()

    def reload(self) -> None:
        """Re-read the counts from the database."""
        self.df = {row[0]: row[1] for row in self._db.execute("select term, df from vocab where df > 0")}
        row = self._db.execute("select count(*) from facts where status = 'active'").fetchone()
        self.total = int(row[0])
        self._words: list[str] | None = None

    def idf(self, df: int) -> float:
        """Smoothed inverse document frequency for a term held by ``df`` facts."""
        return math.log(1.0 + (self.total + 1) / (df + 1))

    def closest(self, term: str, word: str | None = None) -> str | None:
        """The known term a misspelt ``term`` (the stem of ``word``) most likely meant, or None.

        Within one edit of the stem (two for long ones; a swap counts as one), else, for long
        words, a stem that the written word nearly spells out ("construcion" -> "construct").
        """
        if len(term) < 4:
            return None
        if self._words is None:
            self._words = [w for w in self.df if not w.startswith("zz") and not w.isdigit()]
        limit = 1 if len(term) < 8 else 2
        match = process.extractOne(term, self._words, scorer=OSA.distance, score_cutoff=limit)
        if match:
            return match[0]
        if word and len(word) >= 7:
            near = process.extractOne(word, self._words, scorer=fuzz.ratio, score_cutoff=88)
            if near and near[0][:3] == word[:3]:
                return near[0]
        return None


def add_counts(db: Database, term_lists: Iterable[Iterable[str]], sign: int = 1) -> None:
    """Add (sign=1) or remove (sign=-1) one count per distinct term of each fact."""
    counts: Counter[str] = Counter()
    for terms in term_lists:
        counts.update(set(terms))
    if not counts:
        return
    db.conn.executemany(
        "insert into vocab (term, df) values (?, ?) on conflict(term) do update set df = max(0, df + excluded.df)",
        [(term, sign * n) for term, n in counts.items()],
    )
