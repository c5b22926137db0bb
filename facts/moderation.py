"""Moderator changes to facts: add, edit, retract, restore. Each is atomic and recorded in history.

A server's change to a shared fact never touches the shared row: it creates (or updates) that
server's override, which replaces the shared fact for that server only.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from facts.analysis.aliases import AliasTable
from facts.analysis.dates import resolve_sentence_dates
from facts.analysis.indexing import index_terms, join_terms
from facts.analysis.text import clean, words
from facts.database import utc_now
from facts.errors import InvalidEdit, VersionConflict
from facts.fact_writes import FactWrites, writing
from facts.ingest import entities_of, speaker_of
from facts.models import SHARED_SCOPE, ChangeResult, DocumentChange, Fact, HistoryEntry
from facts.repository import (
    current_documents_named,
    document_state,
    fact_count_of_document,
    fact_ids_of_document,
    fact_row,
    load_facts,
    override_of,
    raw_fact,
)

MAX_FACT_CHARS = 1000
MAX_REASON_CHARS = 500
MODERATOR_DOCUMENT = "moderator-notes"


def check_text(text: str, what: str = "The fact") -> str:
    """Clean moderator-written text or raise InvalidEdit."""
    text = clean(text or "")
    if not words(text):
        raise InvalidEdit(f"{what} needs some words.")
    if len(text) > MAX_FACT_CHARS:
        raise InvalidEdit(f"{what} is {len(text)} characters; keep it under {MAX_FACT_CHARS}.")
    return text


def _reason(reason: str | None, required: bool) -> str | None:
    reason = clean(reason or "")[:MAX_REASON_CHARS]
    if required and not reason:
        raise InvalidEdit("Give a reason for the change: it is kept in the fact's history.")
    return reason or None


def _record(writes: FactWrites, fact_id: int, action: str, actor: str, scope: int, reason: str | None,
            before: str | None, after: str | None, now: str) -> HistoryEntry:
    entry_id = writes.record([{"fact_id": fact_id, "action": action, "actor": actor, "scope": scope,
                               "reason": reason, "before": before, "after": after, "at": now}])
    return HistoryEntry(entry_id, fact_id, action, actor, scope, reason, before, after, now)


def _analysed(text: str, context: str | None, published: str | None, aliases: AliasTable) -> dict[str, object]:
    from datetime import date

    reference = date.fromisoformat(published) if published else None
    dates = resolve_sentence_dates([context, text] if context else [text], document_date=reference)
    return {
        "text": text,
        "terms": join_terms(index_terms(text, aliases)),
        "event_date": dates[-1],
        "speaker": speaker_of(text, context),
        "entities": json.dumps(entities_of(text), ensure_ascii=False),
    }


def _target(db: Database, fact_id: int, scope: int) -> tuple[Fact, Fact | None]:
    """The fact named and the row a change in ``scope`` must touch (None: an override is to be made)."""
    fact = raw_fact(db.conn, fact_id, scope)
    if fact.status == "superseded":
        raise InvalidEdit(f"Fact #{fact_id} belongs to an older version of its document and cannot change.")
    if fact.status == WITHDRAWN:
        raise InvalidEdit(f"Fact #{fact_id} belongs to a retracted document; restore the document first.")
    if fact.scope == scope:
        return fact, fact
    return fact, override_of(db.conn, fact_id, scope)


def _conflict(db: Database, row_id: int, version: int, expected: int, actor: str, scope: int) -> VersionConflict:
    """Record a refused edit in its own transaction and return the error to raise."""
    with writing(db) as writes:
        _record(writes, row_id, "conflict", actor, scope, f"expected version {expected}, found {version}",
                None, None, utc_now())
    return VersionConflict(
        f"Fact #{row_id} changed while you were editing it (now version {version}); read it again and retry."
    )


def _make_override(db: Database, writes: FactWrites, shared: Fact, scope: int, now: str, status: str) -> int:
    row = fact_row(db.conn, shared.id)
    row.pop("id")
    row.update({"scope": scope, "overrides": shared.id, "status": status, "version": 1,
                "created_at": now, "updated_at": now})
    return writes.insert_one(row)


def edit_fact(db: Database, aliases: AliasTable, fact_id: int, text: str, *, actor: str, scope: int,
              reason: str, expected_version: int | None = None) -> ChangeResult:
    """Change a fact's text in ``scope`` (in place for its own facts, by override for shared ones).

    With ``expected_version``, an edit of a fact that changed meanwhile is refused with
    VersionConflict, and the refusal itself is recorded in the fact's history.
    """
    text = check_text(text)
    reason_text = _reason(reason, required=True)
    now = utc_now()
    conflict: tuple[int, int] | None = None
    with writing(db) as writes:
        fact, row = _target(db, fact_id, scope)
        current = row or fact
        if expected_version is not None and current.version != expected_version:
            conflict = (current.id, current.version)
        else:
            if text == current.text:
                raise InvalidEdit(f"Fact #{fact_id} already says exactly that.")
            target_id = row.id if row else _make_override(db, writes, fact, scope, now, status="active")
            values = _analysed(text, current.context, current.source.published, aliases)
            values.update({"version": current.version + 1 if row else 2, "updated_at": now})
            writes.update([target_id], values)
            entry = _record(writes, target_id, "edit", actor, scope, reason_text, current.text, text, now)
    if conflict is not None:
        raise _conflict(db, conflict[0], conflict[1], expected_version or 0, actor, scope)
    return ChangeResult(load_facts(db.conn, [target_id])[target_id], entry)


def set_status(db: Database, fact_id: int, status: str, *, actor: str, scope: int,
               reason: str | None) -> ChangeResult:
    """Retract (status 'retracted') or restore (status 'active') a fact in ``scope``."""
    action = "retract" if status == "retracted" else "restore"
    reason_text = _reason(reason, required=action == "retract")
    now = utc_now()
    with writing(db) as writes:
        fact, row = _target(db, fact_id, scope)
        current = row or fact
        if current.status == status:
            raise InvalidEdit(f"Fact #{fact_id} is already {'retracted' if status == 'retracted' else 'live'} here.")
        if row is None:
            target_id = _make_override(db, writes, fact, scope, now, status=status)
        else:
            target_id = row.id
            writes.update([target_id], {"status": status, "version": row.version + 1, "updated_at": now})
        entry = _record(writes, target_id, action, actor, scope, reason_text, current.status, status, now)
    return ChangeResult(load_facts(db.conn, [target_id])[target_id], entry)


def add_fact(db: Database, aliases: AliasTable, text: str, *, source: str, actor: str, scope: int,
             reason: str | None) -> ChangeResult:
    """Add a moderator-written fact to ``scope``, filed under that scope's moderator-notes document."""
    text = check_text(text)
    source_note = check_text(source, "The source")[:300]
    now = utc_now()
    with writing(db) as writes:
        notes = current_documents_named(db.conn, scope, MODERATOR_DOCUMENT, None)
        if notes:
            doc_id = notes[0]
        else:
            doc_id = writes.add_document(
                {"scope": scope, "name": MODERATOR_DOCUMENT, "title": "Facts added by moderators", "url": None,
                 "outlet": None, "published": None, "content_hash": f"moderator-notes:{scope}", "status": "current",
                 "ingested_at": now, "actor": actor}
            )
        paragraph = fact_count_of_document(db.conn, doc_id) + 1
        values = _analysed(text, None, now[:10], aliases)
        values.update({"scope": scope, "document_id": doc_id, "paragraph": paragraph, "sentence": 1,
                       "start_offset": 0, "end_offset": len(text), "context_before": None, "context_after": None,
                       "context_terms": "", "status": "active", "version": 1, "note": source_note,
                       "created_at": now, "updated_at": now})
        fact_id = writes.insert_one(values)
        entry = _record(writes, fact_id, "add", actor, scope, _reason(reason, required=False), None, text, now)
    return ChangeResult(load_facts(db.conn, [fact_id])[fact_id], entry)



WITHDRAWN = "withdrawn"
"""Status of a fact whose document was retracted (restoring the document brings it back)."""


def set_document_status(db: Database, document_id: int, retract: bool, *, actor: str, scope: int,
                        reason: str | None) -> DocumentChange:
    """Retract or restore a whole document in ``scope`` (its own documents only; scope 0: the shared corpus).

    Retracting withdraws every live fact of the document, servers' versions of them included; restoring
    brings back exactly those (facts retracted one by one stay retracted). Recorded in each fact's history.
    """
    action = "retract-document" if retract else "restore-document"
    reason_text = _reason(reason, required=retract)
    now = utc_now()
    with writing(db) as writes:
        row = document_state(db.conn, document_id)
        if row is None or row[0] not in (SHARED_SCOPE, scope):
            raise InvalidEdit(f"There is no document #{document_id} here.")
        doc_scope, status, title = row
        if doc_scope != scope:
            raise InvalidEdit(f"Document #{document_id} belongs to the shared corpus every server sees; only a bot "
                              "owner can change it (with everywhere: True).")
        if status == "superseded":
            raise InvalidEdit(f"Document #{document_id} was replaced by a newer version; change that one instead.")
        if (status == "retracted") == retract:
            raise InvalidEdit(f"Document #{document_id} is already {'retracted' if retract else 'live'}.")
        before, after = ("active", WITHDRAWN) if retract else (WITHDRAWN, "active")
        ids = fact_ids_of_document(db.conn, document_id, before)
        writes.update(ids, {"status": after, "updated_at": now})
        writes.update_document(document_id, {"status": "retracted" if retract else "current"})
        writes.record(
            {"fact_id": fid, "action": action, "actor": actor, "scope": scope, "reason": reason_text,
             "before": before, "after": after, "at": now}
            for fid in ids
        )
    return DocumentChange(document_id=document_id, title=title, retracted=retract, facts_changed=len(ids),
                          reason=reason_text)


__all__ = ["WITHDRAWN", "add_fact", "edit_fact", "set_document_status", "set_status"]
