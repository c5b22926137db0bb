"""Schema migrations: each a function run once, in order, inside a transaction.

A database records its version in ``meta.schema_version``. Opening an older database runs the
missing steps; a database made by a newer release is refused rather than damaged.

A migration must do tomorrow what it does today, whatever live code becomes: so this module
imports nothing else from ``facts``, and each step carries frozen copies of the rules it needs
(the posting format, which terms get deletion keys, the counter names) as they were when it was
written.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable

from sqlite_utils import Database

Migration = Callable[[Database], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(version: int, name: str) -> Callable[[Migration], Migration]:
    """Register a migration step; versions must be added in increasing order."""

    def register(fn: Migration) -> Migration:
        assert not MIGRATIONS or MIGRATIONS[-1][0] < version, "migrations must be added in order"
        MIGRATIONS.append((version, name, fn))
        return fn

    return register


LATEST_VERSION = 3  # keep equal to the last registered migration (checked by tests)


@migration(1, "initial schema")
def _initial(db: Database) -> None:
    db["documents"].create(
        {
            "id": int, "scope": int, "name": str, "title": str, "url": str, "outlet": str,
            "published": str, "content_hash": str, "status": str, "superseded_by": int,
            "ingested_at": str, "actor": str,
        },
        pk="id",
        not_null={"scope", "name", "title", "content_hash", "status", "ingested_at"},
        defaults={"status": "current"},
    )
    db["documents"].create_index(["scope", "content_hash"])
    db["documents"].create_index(["scope", "name"])
    db["facts"].create(
        {
            "id": int, "scope": int, "document_id": int, "paragraph": int, "sentence": int,
            "start_offset": int, "end_offset": int, "text": str, "context_before": str,
            "context_after": str, "event_date": str, "speaker": str, "entities": str, "terms": str,
            "context_terms": str, "status": str, "version": int, "overrides": int, "note": str,
            "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null={"scope", "text", "terms", "status", "version", "created_at", "updated_at"},
        defaults={"status": "active", "version": 1, "context_terms": ""},
    )
    db["facts"].create_index(["document_id"])
    db["facts"].create_index(["scope", "overrides"])
    db["facts"].create_index(["event_date"])
    db["facts"].enable_fts(["terms", "context_terms"], fts_version="FTS5", create_triggers=True)
    db["fact_history"].create(
        {
            "id": int, "fact_id": int, "action": str, "actor": str, "scope": int, "reason": str,
            "before": str, "after": str, "at": str,
        },
        pk="id",
        not_null={"fact_id", "action", "actor", "scope", "at"},
    )
    db["fact_history"].create_index(["fact_id"])
    db["aliases"].create(
        {"id": int, "scope": int, "term": str, "means": str, "actor": str, "created_at": str},
        pk="id",
        not_null={"scope", "term", "means", "created_at"},
    )
    db["aliases"].create_index(["scope", "term"], unique=True)
    db["review_items"].create(
        {
            "id": int, "kind": str, "question": str, "fact_id": int, "scope": int, "channel_id": int,
            "created_at": str, "status": str, "closed_by": str, "closed_at": str,
        },
        pk="id",
        not_null={"kind", "question", "scope", "created_at", "status"},
        defaults={"status": "open"},
    )
    db["review_items"].create_index(["scope", "status"])
    db["votes"].create({"fact_id": int, "scope": int, "helpful": int}, pk=("fact_id", "scope"))
    db["auto_answer"].create(
        {"scope": int, "channel_id": int, "enabled": int, "actor": str, "updated_at": str},
        pk=("scope", "channel_id"),
    )
    db["vocab"].create({"term": str, "df": int}, pk="term")



# -- frozen rules of migrations 2 and 3 (do not change: later migrations add their own) ------------
_V2_MAX_SEGMENTS = 16
_V2_BATCH = 50_000


def _v2_deletion_keys(term: str) -> set[str]:
    return {term} | {term[:i] + term[i + 1 :] for i in range(len(term))}


def _v2_keyed(term: str) -> bool:
    return len(term) >= 3 and not term.startswith("zz") and not term.isdigit()


def _v3_counter_key(scope: int) -> str:
    return "active_facts" if scope == 0 else f"active_facts:{int(scope)}"


def _v2_rebuild_postings(conn: sqlite3.Connection) -> None:
    """Posting lists from the facts table: per batch of facts, one segment per term of uint32
    entries ``fact_id << 1 | own``; a term past 16 segments has them merged into its newest."""
    conn.execute("delete from postings")
    last = 0
    while True:
        rows = conn.execute("select id, terms, context_terms from facts where id > ? order by id limit ?",
                            [last, _V2_BATCH]).fetchall()
        if not rows:
            break
        lists: dict[str, array] = {}
        for fact_id, terms, context_terms in rows:
            own = set(terms.split())
            for term in own:
                lists.setdefault(term, array("I")).append(fact_id << 1 | 1)
            for term in (context_terms or "").split():
                if term not in own:
                    lists.setdefault(term, array("I")).append(fact_id << 1)
        conn.execute("update index_state set value = value + 1 where key = 'segment'")
        segment = int(conn.execute("select value from index_state where key = 'segment'").fetchone()[0])
        conn.executemany("insert into postings (term, seg, n, ids) values (?, ?, ?, ?)",
                         [(term, segment, len(entries), entries.tobytes()) for term, entries in lists.items()])
        crowded = [r[0] for r in conn.execute(
            f"select term from postings group by term having count(*) > {_V2_MAX_SEGMENTS}")]
        for term in crowded:
            segments = conn.execute("select seg, ids from postings where term = ? order by seg", [term]).fetchall()
            merged = b"".join(r[1] for r in segments)
            conn.execute("delete from postings where term = ? and seg < ?", [term, segments[-1][0]])
            conn.execute("update postings set n = ?, ids = ? where term = ? and seg = ?",
                         [len(merged) // 4, merged, term, segments[-1][0]])
        last = rows[-1][0]


@migration(2, "posting-list index, deletion keys and counters (replaces the FTS5 index)")
def _postings(db: Database) -> None:
    conn = db.conn
    for trigger in ("facts_ai", "facts_ad", "facts_au"):
        conn.execute(f"drop trigger if exists {trigger}")
    conn.execute("drop table if exists facts_fts")
    conn.execute(
        "create table postings (term text not null, seg integer not null, n integer not null, ids blob not null, "
        "primary key (term, seg)) without rowid"
    )
    conn.execute("create table index_state (key text primary key, value integer not null)")
    conn.execute("insert into index_state (key, value) values ('segment', 0)")
    conn.execute(
        "insert into index_state (key, value) select 'active_facts', count(*) from facts where status = 'active'"
    )
    conn.execute("create table vocab_keys (key text not null, term text not null, primary key (key, term)) "
                 "without rowid")
    terms = [row[0] for row in conn.execute("select term from vocab")]
    conn.executemany("insert or ignore into vocab_keys (key, term) values (?, ?)",
                     [(key, term) for term in terms if _v2_keyed(term) for key in _v2_deletion_keys(term)])
    _v2_rebuild_postings(conn)


@migration(3, "term counts per scope: shared facts in vocab, each server's own in vocab_scoped")
def _scoped_counts(db: Database) -> None:
    conn = db.conn
    conn.execute(
        "create table vocab_scoped (scope integer not null, term text not null, df integer not null, "
        "primary key (scope, term))"
    )
    # Recount from the live facts (own-sentence terms only, as ingest and edits count them): the
    # shared counts had every server's facts in them.
    counts: dict[int, Counter[str]] = {}
    facts: Counter[int] = Counter()
    for scope, terms in conn.execute("select scope, terms from facts where status = 'active' order by id"):
        counts.setdefault(scope, Counter()).update(set(terms.split()))
        facts[scope] += 1
    conn.execute("update vocab set df = 0")
    conn.executemany(
        "insert into vocab (term, df) values (?, ?) on conflict(term) do update set df = excluded.df",
        list(counts.pop(0, Counter()).items()),
    )
    for scope, scoped in counts.items():
        conn.executemany("insert into vocab_scoped (scope, term, df) values (?, ?, ?)",
                         [(scope, term, df) for term, df in scoped.items()])
    conn.execute("delete from index_state where key = 'active_facts' or key glob 'active_facts:*'")
    conn.executemany("insert into index_state (key, value) values (?, ?)",
                     [(_v3_counter_key(scope), facts[scope]) for scope in {0, *facts}])
    conn.executemany("insert or ignore into vocab_keys (key, term) values (?, ?)",
                     [(key, term) for scoped in counts.values() for term in scoped if _v2_keyed(term)
                      for key in _v2_deletion_keys(term)])


def current_version(db: Database) -> int:
    """The schema version recorded in the database (0 for a new, empty file)."""
    if "meta" not in db.table_names():
        return 0
    row = db.execute("select value from meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: Database) -> list[int]:
    """Bring the schema up to date; returns the versions applied."""
    if "meta" not in db.table_names():
        db["meta"].create({"key": str, "value": str}, pk="key")
    applied = []
    version = current_version(db)
    for number, _name, step in MIGRATIONS:
        if number <= version:
            continue
        with db.atomic():
            step(db)
            db["meta"].upsert({"key": "schema_version", "value": str(number)}, pk="key")
        applied.append(number)
    return applied
