"""Document frequency of index terms: IDF weights for ranking, and the words spelling fixes aim at.

Counts are kept per scope, so one server's facts never change what another server (or a DM) sees:
``vocab`` holds the shared corpus's counts (scope 0 facts only), ``vocab_scoped`` each server's
own facts' counts, and ``index_state`` the number of live facts per scope (``active_facts`` for
the shared corpus, ``active_facts:<scope>`` for a server). A question asked in a server weighs
its words by the shared counts plus that server's; a question from the shared scope (the CLI,
DMs) by the shared counts alone (:meth:`Vocabulary.for_scope`).

Nothing here holds the vocabulary in memory: counts are read when a question needs them (a few
primary-key look-ups per question), and spelling fixes look candidates up through ``vocab_keys``,
a deletion index (each term of any scope under itself and under every one-letter deletion of it),
keeping only the terms live in the asking scope's view, so a misspelt word costs a handful of
index probes however large the vocabulary grows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlite_utils import Database

from facts.analysis.aliases import is_concept_key
from facts.models import SHARED_SCOPE

_CHUNK = 20_000
_CACHE_LIMIT = 50_000
_VIEW_LIMIT = 1_000  # scoped views kept between writes (each holds a small cache)
_SCOPED_LAST = 1 << 62  # sorts a server-only term after every shared one (see _order)


def deletion_keys(term: str) -> set[str]:
    """The term and every one-letter deletion of it (what ``vocab_keys`` stores a term under)."""
    return {term} | {term[:i] + term[i + 1 :] for i in range(len(term))}


def _keyed(term: str) -> bool:
    """Terms spelling fixes may aim at: not concept keys, not numbers, at least three letters."""
    return len(term) >= 3 and not is_concept_key(term) and not term.isdigit()


def counter_key(scope: int) -> str:
    """The ``index_state`` key counting a scope's live facts."""
    return "active_facts" if scope == SHARED_SCOPE else f"active_facts:{int(scope)}"


class _Counts(Mapping[str, int]):
    """A scope's view of the counts as a read-only mapping of live terms (df > 0), through a small cache."""

    def __init__(self, db: Database, scope: int) -> None:
        self._db = db
        self._scope = scope
        self._cache: dict[str, int] = {}

    def clear(self) -> None:
        self._cache.clear()

    def _read(self, term: str) -> int:
        if self._scope == SHARED_SCOPE:
            row = self._db.execute("select df from vocab where term = ?", [term]).fetchone()
        else:
            row = self._db.execute(
                "select coalesce((select df from vocab where term = ?), 0) "
                "+ coalesce((select df from vocab_scoped where scope = ? and term = ?), 0)",
                [term, self._scope, term],
            ).fetchone()
        return int(row[0]) if row else 0

    def __getitem__(self, term: str) -> int:
        value = self._cache.get(term)
        if value is None:
            value = self._read(term)
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

    _ALL_SQL = """
        select term, sum(df) from (
            select term, df from vocab
            union all
            select term, df from vocab_scoped where scope = ?
        ) group by term having sum(df) > 0
    """

    def __iter__(self) -> Iterator[str]:
        if self._scope == SHARED_SCOPE:
            return (row[0] for row in self._db.execute("select term from vocab where df > 0"))
        return (row[0] for row in self._db.execute(self._ALL_SQL, [self._scope]))

    def __len__(self) -> int:
        if self._scope == SHARED_SCOPE:
            return int(self._db.execute("select count(*) from vocab where df > 0").fetchone()[0])
        return int(self._db.execute(f"select count(*) from ({self._ALL_SQL})", [self._scope]).fetchone()[0])


def _order(shared_rowid: int | None, scoped_rowid: int | None) -> int:
    """Tie-break order of a term: first seen first, shared terms before a server's own."""
    return shared_rowid if shared_rowid is not None else _SCOPED_LAST + (scoped_rowid or 0)


def _fixable(term: str) -> bool:
    return not is_concept_key(term) and not term.isdigit()


class VocabularyView:
    """What one scope sees: ``df`` (term -> live facts holding it), ``total``, ``idf`` and ``closest``.

    The shared scope sees the shared corpus's counts; a server sees those plus its own facts'.
    """

    def __init__(self, db: Database, scope: int = SHARED_SCOPE) -> None:
        self._db = db
        self.scope = scope
        self.df = _Counts(db, scope)
        self._total: int | None = None

    def changed(self) -> None:
        """Forget cached counts (cheap: nothing is re-read until asked)."""
        self.df.clear()
        self._total = None

    def _counter(self, scope: int) -> int:
        row = self._db.execute("select value from index_state where key = ?", [counter_key(scope)]).fetchone()
        return int(row[0]) if row else 0

    @property
    def total(self) -> int:
        """The number of live facts this scope counts (shared, plus the server's own)."""
        if self._total is None:
            total = self._counter(SHARED_SCOPE)
            if self.scope != SHARED_SCOPE:
                total += self._counter(self.scope)
            self._total = total
        return self._total

    def idf(self, df: int) -> float:
        """Smoothed inverse document frequency for a term held by ``df`` facts."""
        return math.log(1.0 + (self.total + 1) / (df + 1))

    # -- candidates for spelling fixes and autocomplete: terms live in this view -------------------
    def _combine(self, shared: list[tuple], scoped: list[tuple]) -> list[tuple[str, int, int]]:
        """(term, df in this view, order) for terms live here, from (term, rowid, df) rows of both tables."""
        df: Counter[str] = Counter()
        shared_rowid: dict[str, int] = {}
        scoped_rowid: dict[str, int] = {}
        for term, rowid, count in shared:
            df[term] += count or 0
            shared_rowid[term] = rowid
        for term, rowid, count in scoped:
            df[term] += count or 0
            scoped_rowid[term] = rowid
        return [(term, n, _order(shared_rowid.get(term), scoped_rowid.get(term))) for term, n in df.items() if n > 0]

    def _scoped_rows(self, terms: list[str]) -> list[tuple]:
        if not terms:
            return []
        return self._db.execute(
            f"select term, rowid, df from vocab_scoped where scope = ? and term in ({','.join('?' * len(terms))})",
            [self.scope, *terms],
        ).fetchall()

    def _near(self, term: str, deletions: int) -> list[str]:
        """Live terms sharing a deletion key with ``term`` (``deletions`` letters off the query side)."""
        keys = deletion_keys(term)
        if deletions > 1:
            keys |= {k for one in list(keys) for k in deletion_keys(one)}
        marks = ",".join("?" * len(keys))
        if self.scope == SHARED_SCOPE:
            rows = self._db.execute(
                f"select distinct v.term, v.rowid from vocab_keys k join vocab v on v.term = k.term "
                f"where k.key in ({marks}) and v.df > 0",
                sorted(keys),
            ).fetchall()
            rows.sort(key=lambda r: r[1])  # the vocabulary's own order (first seen first) breaks ties
            return [r[0] for r in rows if _fixable(r[0])]
        named = sorted({r[0] for r in self._db.execute(
            f"select term from vocab_keys where key in ({marks})", sorted(keys))})
        shared = self._db.execute(
            f"select term, rowid, df from vocab where term in ({','.join('?' * len(named))})", named
        ).fetchall() if named else []
        live = self._combine(shared, self._scoped_rows(named))
        live.sort(key=lambda r: r[2])
        return [r[0] for r in live if _fixable(r[0])]

    def _prefix_rows(self, prefix: str) -> list[tuple[str, int, int]]:
        """(term, df, order) of the terms live in this view that begin with ``prefix``."""
        bounds = [prefix, prefix + "\uffff"]
        shared = self._db.execute("select term, rowid, df from vocab where term >= ? and term < ?", bounds).fetchall()
        scoped = self._db.execute(
            "select term, rowid, df from vocab_scoped where scope = ? and term >= ? and term < ?", [self.scope, *bounds]
        ).fetchall()
        return self._combine(shared, scoped)

    def _prefixed(self, prefix: str) -> list[str]:
        if self.scope == SHARED_SCOPE:
            rows = self._db.execute(
                "select term, rowid from vocab where term >= ? and term < ? and df > 0", [prefix, prefix + "\uffff"]
            ).fetchall()
            rows.sort(key=lambda r: r[1])
            return [r[0] for r in rows if _fixable(r[0])]
        live = self._prefix_rows(prefix)
        live.sort(key=lambda r: r[2])
        return [r[0] for r in live if _fixable(r[0])]

    def commonest_with_prefix(self, prefix: str, limit: int = 20) -> list[tuple[str, int]]:
        """Up to ``limit`` (term, df) of live terms beginning with ``prefix``, commonest first (autocomplete)."""
        if self.scope == SHARED_SCOPE:
            return [(r[0], int(r[1])) for r in self._db.execute(
                "select term, df from vocab where term >= ? and term < ? and df > 0 order by df desc limit ?",
                [prefix, prefix + "\uffff", limit],
            )]
        live = self._prefix_rows(prefix)
        live.sort(key=lambda r: (-r[1], r[2]))
        return [(r[0], r[1]) for r in live[:limit]]

    def closest(self, term: str, word: str | None = None) -> str | None:
        """The known term a misspelt ``term`` (the stem of ``word``) most likely meant, or None.

        Only terms live in this view are considered (another server's words never are). Within one
        edit of the stem (two for long ones; a swap counts as one), else, for long words, a stem
        that the written word nearly spells out ("construcion" -> "construct").
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


class Vocabulary(VocabularyView):
    """The shared scope's view, and the way to every server's (:meth:`for_scope`), read on demand."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, SHARED_SCOPE)
        self._views: dict[int, VocabularyView] = {}
        listeners = getattr(db, "write_listeners", None)
        if listeners is not None:  # told after every write to facts (see facts.fact_writes.writing)
            listeners.append(self.changed)

    def for_scope(self, scope: int) -> VocabularyView:
        """What a question asked in ``scope`` sees (the shared scope: this object itself)."""
        if scope == SHARED_SCOPE:
            return self
        view = self._views.get(scope)
        if view is None:
            if len(self._views) >= _VIEW_LIMIT:
                self._views.clear()
            view = self._views[scope] = VocabularyView(self._db, scope)
        return view

    def changed(self) -> None:
        """Forget cached counts of every scope (every write through :mod:`facts.fact_writes` calls it)."""
        super().changed()
        self._views.clear()


def apply_counts(db: Database, scope: int, deltas: Counter[str], facts: int) -> None:
    """Change ``scope``'s term counts by ``deltas`` (term -> facts gained or lost) and its live-fact counter.

    Shared facts count in ``vocab``, a server's in ``vocab_scoped``; terms new to the table get
    their deletion keys. A server's terms no live fact holds any more are dropped (the shared
    table keeps its rows at zero). Runs inside the caller's transaction: :mod:`facts.fact_writes`
    is the one caller.
    """
    if facts or scope == SHARED_SCOPE:
        db.conn.execute(
            "insert into index_state (key, value) values (?, ?) "
            "on conflict(key) do update set value = value + excluded.value",
            [counter_key(scope), facts],
        )
    gained = [(term, n) for term, n in deltas.items() if n > 0]
    lost = [(term, -n) for term, n in deltas.items() if n < 0]
    shared = scope == SHARED_SCOPE
    if gained:
        known: set[str] = set()
        terms = [term for term, _ in gained]
        for start in range(0, len(terms), _CHUNK):
            chunk = terms[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            if shared:
                rows = db.conn.execute(f"select term from vocab where term in ({marks})", chunk)
            else:
                rows = db.conn.execute(f"select term from vocab_scoped where scope = ? and term in ({marks})",
                                       [scope, *chunk])
            known.update(r[0] for r in rows)
        new = [t for t in terms if t not in known and _keyed(t)]
        if new:
            db.conn.executemany(
                "insert or ignore into vocab_keys (key, term) values (?, ?)",
                [(key, term) for term in new for key in deletion_keys(term)],
            )
        if shared:
            db.conn.executemany(
                "insert into vocab (term, df) values (?, ?) on conflict(term) do update set df = df + excluded.df",
                gained,
            )
        else:
            db.conn.executemany(
                "insert into vocab_scoped (scope, term, df) values (?, ?, ?) "
                "on conflict(scope, term) do update set df = df + excluded.df",
                [(scope, term, n) for term, n in gained],
            )
    if not lost:
        return
    if shared:
        db.conn.executemany("update vocab set df = max(0, df - ?) where term = ?", [(n, t) for t, n in lost])
        return
    db.conn.executemany("update vocab_scoped set df = max(0, df - ?) where scope = ? and term = ?",
                        [(n, scope, t) for t, n in lost])
    db.conn.executemany("delete from vocab_scoped where scope = ? and term = ? and df <= 0",
                        [(scope, t) for t, _ in lost])
