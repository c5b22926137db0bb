"""Documents in, facts out: split a document into sentence facts and store them in one transaction."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from facts.analysis.aliases import AliasTable
from facts.analysis.attribution import find_speaker
from facts.analysis.dates import resolve_sentence_dates
from facts.analysis.entities import find_entities
from facts.analysis.indexing import index_terms, join_terms
from facts.analysis.sentences import split_sentences
from facts.database import utc_now
from facts.documents import DocumentMeta, decode_document, parse_document, split_paragraphs
from facts.errors import IngestError
from facts.fact_writes import FactWrites, writing
from facts.models import IngestReport
from facts.repository import current_document_with_content, current_documents_named, fact_ids_of_document

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 2000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SentenceFact:
    """One sentence of a document, analysed, ready to store."""

    paragraph: int
    sentence: int
    start: int
    end: int
    text: str
    context_before: str | None
    context_after: str | None
    event_date: str | None
    speaker: str | None
    entities: list[tuple[str, str]]


def check_iso_date(value: str | None, what: str) -> str | None:
    """Validate a YYYY-MM-DD date given by a person; raises IngestError naming ``what``."""
    if value is None or value == "":
        return None
    value = value.strip()
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise IngestError(f"{what} must be a date written YYYY-MM-DD, not {value!r}") from None
    return value


def check_url(value: str | None) -> str | None:
    """Validate a source url given by a person."""
    if not value:
        return None
    value = value.strip()
    if not re.match(r"^https?://[^\s/$.?#].[^\s]*$", value):
        raise IngestError(f"url must start with http:// or https://, not {value!r}")
    return value


def read_file(path: Path) -> bytes:
    """Read a document file with clear errors for missing, unreadable or huge files."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_dir():
        raise IngestError(f"{path} is a folder; give the document files inside it")
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise IngestError(f"{path} is {size // (1024 * 1024)} MB; documents are limited to 20 MB")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror})") from exc


def speaker_of(text: str, context_before: str | None) -> str | None:
    """Who a sentence quotes or attributes (the sentence before it may name them)."""
    return find_speaker(text, context_before=context_before)


def entities_of(text: str) -> list[tuple[str, str]]:
    """(text, kind) of each named entity and quantity in a sentence."""
    return [(e.text, e.kind) for e in find_entities(text)]


def analyse(body: str, document_date: date | None) -> list[SentenceFact]:
    """Split a document body into sentence facts with dates, speakers and entities."""
    spans: list[tuple[int, int, int, int]] = []  # paragraph, sentence, start, end
    for paragraph in split_paragraphs(body):
        for number, (start, end) in enumerate(split_sentences(paragraph.text), start=1):
            spans.append((paragraph.index, number, paragraph.start + start, paragraph.start + end))
    texts = [body[start:end] for _, _, start, end in spans]
    dates = resolve_sentence_dates(texts, document_date=document_date)
    facts: list[SentenceFact] = []
    for i, (paragraph, number, start, end) in enumerate(spans):
        text = texts[i]
        # Neighbouring sentences, across paragraph breaks: news paragraphs are often one sentence long.
        before = texts[i - 1] if i > 0 else None
        after = texts[i + 1] if i + 1 < len(spans) else None
        facts.append(
            SentenceFact(
                paragraph=paragraph,
                sentence=number,
                start=start,
                end=end,
                text=text,
                context_before=before,
                context_after=after,
                event_date=dates[i],
                speaker=speaker_of(text, before),
                entities=entities_of(text),
            )
        )
    return facts


@dataclass
class Prepared:
    """A document decoded, parsed, split and analysed: everything ingest does before the database."""

    name: str
    meta: DocumentMeta
    content_hash: str
    facts: list[SentenceFact] | None = None
    terms: list[list[str]] | None = None
    context_terms: list[list[str]] | None = None
    body: str | None = None


def prepare(
    data: bytes | str,
    *,
    name: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Prepared:
    """Decode and parse a document and check its metadata (no analysis yet); raises IngestError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise IngestError(f"{name} is larger than 20 MB")
    text = decode_document(raw, name)
    parsed = parse_document(text, name)
    meta = DocumentMeta(
        title=(title or parsed.meta.title or _title_from_name(name)).strip()[:300],
        url=check_url(url) or parsed.meta.url,
        outlet=(outlet or parsed.meta.outlet or None),
        published=check_iso_date(published, "published") or parsed.meta.published,
    )
    body = parsed.text
    if not body.strip():
        raise IngestError(f"{name} has no text after its front matter")
    return Prepared(name, meta, hashlib.sha256(body.encode("utf-8")).hexdigest(), body=body)


def analyse_prepared(prepared: Prepared, aliases: AliasTable) -> Prepared:
    """Split and analyse a prepared document and compute its index terms (pure: runs in any process)."""
    body, prepared.body = prepared.body or "", None
    meta = prepared.meta
    facts = analyse(body, date.fromisoformat(meta.published) if meta.published else None)
    if not facts:
        raise IngestError(f"{prepared.name} holds no sentences to learn from")
    own = [index_terms(fact.text, aliases) for fact in facts]
    # The document's title and outlet: what every fact of it is about, and who tells it (a question
    # may name the outlet: "how many did the Evening Post say were evacuated").
    document_terms = index_terms(" ".join(part for part in (meta.title, meta.outlet) if part), aliases)
    context = []
    for i in range(len(facts)):
        # Neighbouring sentences and the document: what the fact is about beyond its own words.
        parts = [own[i - 1] if i > 0 and facts[i].context_before else [],
                 own[i + 1] if i + 1 < len(facts) and facts[i].context_after else [], document_terms]
        context.append(list(dict.fromkeys(t for part in parts for t in part)))
    prepared.facts, prepared.terms, prepared.context_terms = facts, own, context
    return prepared


_FACT_COLUMNS = (
    "id", "scope", "document_id", "paragraph", "sentence", "start_offset", "end_offset", "text", "context_before",
    "context_after", "event_date", "speaker", "entities", "terms", "context_terms", "status", "version",
    "created_at", "updated_at",
)


def already_ingested(db: Database, prepared: Prepared, scope: int) -> IngestReport | None:
    """The report for an unchanged document (same content already current in ``scope``), else None."""
    same = current_document_with_content(db.conn, scope, prepared.content_hash)
    if same:
        return IngestReport(document_id=same[0], title=same[1], facts_added=0, unchanged=True)
    return None


def store(db: Database, writes: FactWrites, prepared: Prepared, *, scope: int, actor: str,
          progress: Progress | None = None) -> IngestReport:
    """Write an analysed document inside ``writes`` (its unit of work keeps the index in step)."""
    unchanged = already_ingested(db, prepared, scope)
    if unchanged:
        return unchanged
    assert prepared.facts is not None and prepared.terms is not None and prepared.context_terms is not None
    meta, name = prepared.meta, prepared.name
    now = utc_now()
    previous = current_documents_named(db.conn, scope, name, meta.url)
    doc_id = writes.add_document(
        {
            "scope": scope, "name": name, "title": meta.title, "url": meta.url, "outlet": meta.outlet,
            "published": meta.published, "content_hash": prepared.content_hash, "status": "current",
            "ingested_at": now, "actor": actor,
        }
    )
    superseded = sum(
        _supersede(db, writes, old_id, doc_id, scope=scope, actor=actor, now=now) for old_id in previous
    )
    first_id = writes.next_fact_id()
    rows = []
    total = len(prepared.facts)
    for count, (fact, terms, context_terms) in enumerate(
        zip(prepared.facts, prepared.terms, prepared.context_terms, strict=True), start=1
    ):
        rows.append((
            first_id + count - 1, scope, doc_id, fact.paragraph, fact.sentence, fact.start, fact.end, fact.text,
            fact.context_before, fact.context_after, fact.event_date, fact.speaker,
            json.dumps(fact.entities, ensure_ascii=False), join_terms(terms), join_terms(context_terms), "active",
            1, now, now,
        ))
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, total)
    writes.insert(_FACT_COLUMNS, rows, list(zip(prepared.terms, prepared.context_terms, strict=True)))
    return IngestReport(document_id=doc_id, title=meta.title, facts_added=total, facts_superseded=superseded)


def ingest_bytes(
    db: Database,
    data: bytes | str,
    *,
    name: str,
    scope: int,
    aliases: AliasTable,
    actor: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest one document into ``scope``. Idempotent; one transaction; raises IngestError."""
    prepared = prepare(data, name=name, title=title, url=url, outlet=outlet, published=published)
    unchanged = already_ingested(db, prepared, scope)
    if unchanged:
        return unchanged
    analyse_prepared(prepared, aliases)
    with writing(db) as writes:
        report = store(db, writes, prepared, scope=scope, actor=actor, progress=progress)
    if progress:
        progress(report.facts_added, report.facts_added)
    return report


def _analyse_in_worker(args: tuple[Prepared, AliasTable]) -> Prepared:
    return analyse_prepared(*args)


def ingest_many(
    db: Database,
    documents: Iterable[Prepared],
    *,
    scope: int,
    aliases: AliasTable,
    actor: str,
    workers: int = 1,
) -> list[IngestReport]:
    """Ingest prepared documents in ONE transaction (all or nothing), analysing them on ``workers`` processes.

    Unchanged documents are skipped before analysis, as in :func:`ingest_bytes`.
    """
    todo = [p for p in documents if already_ingested(db, p, scope) is None]
    if workers > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            analysed = list(pool.map(_analyse_in_worker, [(p, aliases) for p in todo], chunksize=8))
    else:
        analysed = [analyse_prepared(p, aliases) for p in todo]
    with writing(db) as writes:  # the index is written once, for every document, at the end
        return [store(db, writes, p, scope=scope, actor=actor) for p in analysed]


def _supersede(db: Database, writes: FactWrites, old_id: int, new_id: int, *, scope: int, actor: str,
               now: str) -> int:
    """Mark an older version of a document and its live facts as superseded (nothing is deleted)."""
    writes.update_document(old_id, {"status": "superseded", "superseded_by": new_id})
    live = fact_ids_of_document(db.conn, old_id, "active")  # servers' versions of its facts go with it
    writes.update(live, {"status": "superseded", "updated_at": now})
    writes.record(
        {"fact_id": fid, "action": "superseded", "actor": actor, "scope": scope,
         "reason": f"document {new_id} replaces it",
         "before": None, "after": None, "at": now}
        for fid in live
    )
    return len(live)


def _title_from_name(name: str) -> str:
    stem = Path(name).stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else "Untitled document"
