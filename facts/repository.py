"""Reading facts and documents back as model objects, with each server's view applied."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from facts.errors import FactNotFound
from facts.models import SHARED_SCOPE, DocumentInfo, Fact, HistoryEntry, Source

FACT_COLUMNS = """
    f.id, f.text, f.scope, f.context_before, f.context_after, f.event_date, f.speaker, f.entities,
    f.status, f.version, f.overrides, f.note, f.paragraph, f.sentence,
    d.id, d.title, d.url, d.outlet, d.published
"""
FACT_FROM = "from facts f join documents d on d.id = f.document_id"

VISIBLE_SQL = """
    f.status = 'active'
    and f.scope in (0, :scope)
    and not (:scope != 0 and f.scope = 0 and exists (
        select 1 from facts o where o.scope = :scope and o.overrides = f.id))
"""
"""A fact ``f`` answers in ``:scope``: live, shared or the scope's own, and not replaced there by an override."""

_CANDIDATE_SQL = f"""
    select f.id, f.text, f.terms, f.context_terms, f.event_date, f.speaker, f.entities, f.paragraph,
        f.document_id, f.sentence
    from json_each(:ids) j cross join facts f on f.id = j.value
    where {VISIBLE_SQL}
"""


def candidate_rows(conn: sqlite3.Connection, ids: list[int], scope: int) -> list[tuple]:
    """(id, text, terms, context_terms, event_date, speaker, entities, paragraph, document_id, sentence) of
    the facts ``ids`` that are visible in ``scope`` (rows by rowid through json_each: the planner would scan
    by scope)."""
    return conn.execute(_CANDIDATE_SQL, {"ids": json.dumps(ids), "scope": scope}).fetchall()


def visible_texts(conn: sqlite3.Connection, ids: list[int], scope: int) -> list[str]:
    """The texts of the facts ``ids`` visible in ``scope``, in the order of ``ids``."""
    order = {fact_id: rank for rank, fact_id in enumerate(ids)}
    rows = conn.execute(
        f"select f.id, f.text from json_each(:ids) j cross join facts f on f.id = j.value where {VISIBLE_SQL}",
        {"ids": json.dumps(ids), "scope": scope},
    ).fetchall()
    rows.sort(key=lambda r: order[r[0]])
    return [r[1] for r in rows]


def latest_dated_texts(conn: sqlite3.Connection, scope: int, limit: int) -> list[str]:
    """The texts of the ``limit`` visible facts with the latest event dates."""
    rows = conn.execute(
        f"select f.text from facts f where {VISIBLE_SQL} and f.event_date is not null "
        "order by f.event_date desc limit :limit", {"scope": scope, "limit": limit},
    ).fetchall()
    return [r[0] for r in rows]


def scope_of(guild_id: int | None) -> int:
    """The scope id for a guild (None: the shared corpus)."""
    return SHARED_SCOPE if guild_id is None else int(guild_id)


def row_to_fact(row: sqlite3.Row | tuple) -> Fact:
    """Build a Fact from a row selected with FACT_COLUMNS."""
    (fid, text, scope, before, after, event_date, speaker, entities, status, version, overrides, note,
     paragraph, sentence, doc_id, title, url, outlet, published) = row
    return Fact(
        id=fid,
        text=text,
        scope=scope,
        context=before or after,
        event_date=event_date,
        speaker=speaker,
        entities=tuple(tuple(e) for e in json.loads(entities or "[]")),
        status=status,
        version=version,
        overrides=overrides,
        note=note,
        source=Source(
            document_id=doc_id, title=title, url=url, outlet=outlet, published=published,
            paragraph=paragraph or 0, sentence=sentence or 0,
        ),
    )


def load_facts(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Fact]:
    """Facts by id (no visibility check: callers pass ids they got from a scoped query)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"select {FACT_COLUMNS} {FACT_FROM} where f.id in ({marks})", ids).fetchall()
    return {row[0]: row_to_fact(row) for row in rows}


def raw_fact(conn: sqlite3.Connection, fact_id: int, scope: int) -> Fact:
    """The fact row itself if this scope may see it (shared or its own), else FactNotFound."""
    row = conn.execute(f"select {FACT_COLUMNS} {FACT_FROM} where f.id = ?", [fact_id]).fetchone()
    if row is None or row[2] not in (SHARED_SCOPE, scope):
        raise FactNotFound(f"There is no fact #{fact_id} here.")
    return row_to_fact(row)


def override_of(conn: sqlite3.Connection, fact_id: int, scope: int) -> Fact | None:
    """This scope's override of a shared fact, if it has one."""
    if scope == SHARED_SCOPE:
        return None
    row = conn.execute(
        f"select {FACT_COLUMNS} {FACT_FROM} where f.scope = ? and f.overrides = ? order by f.id desc limit 1",
        [scope, fact_id],
    ).fetchone()
    return row_to_fact(row) if row else None


def visible_fact(conn: sqlite3.Connection, fact_id: int, scope: int) -> Fact:
    """A fact as this scope sees it: its own override replaces the shared fact."""
    fact = raw_fact(conn, fact_id, scope)
    return override_of(conn, fact_id, scope) or fact


def history(conn: sqlite3.Connection, fact_id: int, scope: int) -> list[HistoryEntry]:
    """Changes to a fact and to this scope's override of it, oldest first (other scopes' hidden)."""
    fact = raw_fact(conn, fact_id, scope)
    ids = [fact.id]
    if fact.overrides is not None:
        ids.append(fact.overrides)
    override = override_of(conn, fact_id, scope)
    if override:
        ids.append(override.id)
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"select id, fact_id, action, actor, scope, reason, before, after, at from fact_history "
        f"where fact_id in ({marks}) and scope in (0, ?) order by id",
        [*ids, scope],
    ).fetchall()
    return [HistoryEntry(*row) for row in rows]


def current_document_with_content(conn: sqlite3.Connection, scope: int, content_hash: str
                                  ) -> tuple[int, str] | None:
    """(id, title) of the current document of ``scope`` with this content, if there is one."""
    return conn.execute(
        "select id, title from documents where scope = ? and content_hash = ? and status = 'current'",
        [scope, content_hash],
    ).fetchone()


def current_documents_named(conn: sqlite3.Connection, scope: int, name: str, url: str | None) -> list[int]:
    """Ids of the current documents of ``scope`` with this file name or this url (older versions of one)."""
    return [r[0] for r in conn.execute(
        "select id from documents where scope = ? and status = 'current' "
        "and (name = ? or (url is not null and url = ?))",
        [scope, name, url],
    )]


def document_state(conn: sqlite3.Connection, document_id: int) -> tuple[int, str, str] | None:
    """(scope, status, title) of a document, or None."""
    return conn.execute("select scope, status, title from documents where id = ?", [document_id]).fetchone()


def fact_ids_of_document(conn: sqlite3.Connection, document_id: int, status: str) -> list[int]:
    """Ids of a document's facts (servers' versions of them included) with this status."""
    return [r[0] for r in conn.execute(
        "select id from facts where document_id = ? and status = ? order by id", [document_id, status])]


def unchanged_overrides(conn: sqlite3.Connection, document_id: int, changed: list[int]) -> list[tuple[int, int]]:
    """(server, shared fact id) for each server whose own version (its latest row) of one of ``changed``
    shared facts of the document is not itself among ``changed``: that server sees the fact unchanged."""
    changed_ids = set(changed)
    latest: dict[tuple[int, int], int] = {}
    for scope, shared_id, row_id in conn.execute(
        "select scope, overrides, id from facts where document_id = ? and overrides is not null order by id",
        [document_id],
    ):
        latest[(scope, shared_id)] = row_id
    return sorted(key for key, row_id in latest.items() if key[1] in changed_ids and row_id not in changed_ids)


def fact_count_of_document(conn: sqlite3.Connection, document_id: int) -> int:
    """How many fact rows a document has (in any state)."""
    return int(conn.execute("select count(*) from facts where document_id = ?", [document_id]).fetchone()[0])


def fact_row(conn: sqlite3.Connection, fact_id: int) -> dict[str, object]:
    """Every column of one fact row, by name."""
    cursor = conn.execute("select * from facts where id = ?", [fact_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def has_documents(conn: sqlite3.Connection) -> bool:
    """True once any document was ingested (in any scope, in any state)."""
    return conn.execute("select 1 from documents limit 1").fetchone() is not None


def documents(conn: sqlite3.Connection, scope: int, *, include_retracted: bool = False) -> list[DocumentInfo]:
    """Current documents this scope sees, newest published first, with live fact counts.

    With ``include_retracted`` (for moderators), retracted documents of the shared corpus and of
    this scope are listed too, marked as such.
    """
    statuses = "('current', 'retracted')" if include_retracted else "('current')"
    rows = conn.execute(
        f"""
        select d.id, d.title, d.url, d.outlet, d.published, d.scope, d.ingested_at,
               (select count(*) from facts f where f.document_id = d.id and {VISIBLE_SQL}), d.status
        from documents d
        where d.status in {statuses} and d.scope in (0, :scope)
        order by coalesce(d.published, substr(d.ingested_at, 1, 10)) desc, d.id desc
        """,
        {"scope": scope},
    ).fetchall()
    return [
        DocumentInfo(id=r[0], title=r[1], url=r[2], outlet=r[3], published=r[4], scope=r[5], ingested_at=r[6],
                     fact_count=r[7], retracted=r[8] == "retracted")
        for r in rows
        if r[7] > 0 or r[5] == scope or r[8] == "retracted"
    ]


def timeline(conn: sqlite3.Connection, scope: int, fact_ids: list[int] | None, limit: int,
             offset: int) -> tuple[list[Fact], int]:
    """Dated, visible facts in date order (restricted to ``fact_ids`` when given): a page and the total."""
    where = f"f.event_date is not null and {VISIBLE_SQL}"
    params: dict[str, object] = {"scope": scope, "limit": limit, "offset": offset}
    if fact_ids is not None:
        if not fact_ids:
            return [], 0
        where += f" and f.id in ({','.join(str(int(i)) for i in fact_ids)})"
    total = conn.execute(f"select count(*) from facts f where {where}", params).fetchone()[0]
    rows = conn.execute(
        f"select {FACT_COLUMNS} {FACT_FROM} where {where} "
        "order by f.event_date, d.id, f.paragraph, f.sentence limit :limit offset :offset",
        params,
    ).fetchall()
    return [row_to_fact(r) for r in rows], total


def paragraph_of_fact(conn: sqlite3.Connection, fact_id: int) -> tuple[int, int]:
    """(document id, paragraph) of a fact; (0, 0) when there is no such fact."""
    row = conn.execute("select document_id, paragraph from facts where id = ?", [fact_id]).fetchone()
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)


def paragraph_terms(conn: sqlite3.Connection, document_id: int, paragraph: int) -> frozenset[str]:
    """The union of the index terms of the active facts of one paragraph."""
    rows = conn.execute("select terms from facts where document_id = ? and paragraph = ? and status = 'active'",
                        [document_id, paragraph]).fetchall()
    return frozenset(t for (r,) in rows for t in r.split())
