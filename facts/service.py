"""FactService: the one entry point the CLI, the console and the Discord bot all use.

Synchronous and Discord-free; every public method is thread-safe (one lock around one SQLite
connection). The bot runs these calls off its event loop. Scope: ``guild_id`` None means the
shared corpus (the CLI, DMs); an int is one Discord server, which sees the shared corpus plus its
own facts, with its own overrides and retractions applied.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TextIO, TypeVar

from facts import citations, claims, feedback, moderation, portability, repository
from facts.analysis.aliases import AliasTable, bundled_alias_table
from facts.analysis.text import clean, storable, words
from facts.answering import RANKED_TO_LOAD, compose
from facts.confidence import default_threshold
from facts.database import BUSY_TIMEOUT_SECONDS, close_database, database_error, open_database, utc_now
from facts.errors import DatabaseError, FactNotFound, InvalidEdit, InvalidInput
from facts.ingest import ingest_bytes, ingest_many, prepare, read_file
from facts.matching import Scored, rank
from facts.models import (
    SHARED_SCOPE,
    Answer,
    ChangeResult,
    DocumentChange,
    DocumentInfo,
    Fact,
    HistoryEntry,
    IngestReport,
    ReviewItem,
)
from facts.postings import Accumulator
from facts.question import Question
from facts.suggestions import suggestion_texts
from facts.vocabulary import Vocabulary

SAMPLE_CORPUS = "north-korean-troops-in-kursk.txt"
SAMPLE_TITLE = "North Korean troops identified in Russia's Kursk region"
SAMPLE_PUBLISHED = "2024-10-25"
MAX_QUESTION_RECORD = 500


log = logging.getLogger(__name__)
C = TypeVar("C", bound=type)


MAX_ID = 2**63 - 1  # SQLite's largest integer (Discord snowflakes fit)


def _scope(guild_id: int | None) -> int:
    if guild_id is not None and not 0 < int(guild_id) <= MAX_ID:
        raise InvalidInput("A server id must be a positive number.")
    return repository.scope_of(guild_id)


def _fact_id(fact_id: int) -> int:
    """A fact id SQLite can hold; any other number names no fact."""
    number = int(fact_id)
    if not 0 < number <= MAX_ID:
        raise FactNotFound(f"There is no fact #{number} here.")
    return number


def _document_id(document_id: int) -> int:
    """A document id SQLite can hold; any other number names no document."""
    number = int(document_id)
    if not 0 < number <= MAX_ID:
        raise InvalidEdit(f"There is no document #{number} here.")
    return number


def _channel_id(channel_id: int | None) -> int | None:
    if channel_id is not None and not 0 < int(channel_id) <= MAX_ID:
        raise InvalidInput("A channel id must be a positive number.")
    return None if channel_id is None else int(channel_id)


def _scrub(value: Any) -> Any:
    """Text arguments made storable (lone surrogates become U+FFFD)."""
    return storable(value) if isinstance(value, str) else value


def _guarded_api(cls: C) -> C:
    """Wrap every public method: text arguments are scrubbed of lone surrogates, and an SQLite
    failure leaves as a user-safe DatabaseError (the original is logged and chained, never shown).
    """

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            args = tuple(_scrub(a) for a in args)
            kwargs = {k: _scrub(v) for k, v in kwargs.items()}
            try:
                return fn(*args, **kwargs)
            except sqlite3.Error as exc:
                log.warning("database error in FactService.%s: %s", name, exc)
                log.debug("database error details", exc_info=True)
                raise database_error(exc) from exc
            except UnicodeDecodeError as exc:  # damaged bytes inside a text value or the schema
                log.warning("undecodable data in FactService.%s: %s", name, exc)
                raise DatabaseError("The fact database is damaged; restore it from a backup.") from exc

        return guarded

    for name, value in list(vars(cls).items()):
        if callable(value) and (not name.startswith("_") or name == "__init__"):
            setattr(cls, name, wrap(name, value))
    return cls


@_guarded_api
class FactService:
    """Facade over the store, ingest, matcher and moderation for one database file."""

    def __init__(self, db_path: str | Path, *, min_confidence: float | None = None,
                 busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        """Open (creating or migrating) the database at ``db_path``.

        ``min_confidence``: what an answer needs (None: the confidence model's fitted threshold).
        ``busy_timeout``: seconds a write waits for another program's lock before DatabaseError.
        """
        self.path = Path(db_path)
        self.min_confidence = default_threshold() if min_confidence is None else min_confidence
        self._lock = threading.RLock()
        self._closed = False
        self.db = open_database(self.path, timeout=busy_timeout)
        try:
            self.vocabulary = Vocabulary(self.db)
        except BaseException:
            self.db.close()
            raise
        self._aliases: dict[int, AliasTable] = {}
        self._accumulator = Accumulator()

    def close(self) -> None:
        """Checkpoint and close the database (a second call does nothing)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            close_database(self.db)

    # -- ingest ---------------------------------------------------------------------------------
    def ingest_path(
        self,
        path: str | Path,
        *,
        guild_id: int | None = None,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        published: str | None = None,
        actor: str = "cli",
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Ingest one text/Markdown file (front matter and options give metadata)."""
        path = Path(path)
        return self.ingest_text(
            read_file(path), name=path.name, guild_id=guild_id, title=title, url=url, outlet=outlet,
            published=published, actor=actor, progress=progress,
        )

    def ingest_text(
        self,
        text: str | bytes,
        *,
        name: str,
        guild_id: int | None = None,
        title: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        published: str | None = None,
        actor: str = "cli",
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Ingest a document given as text or bytes (a Discord attachment, say)."""
        with self._lock:
            scope = _scope(guild_id)
            report = ingest_bytes(
                self.db, text, name=name, scope=scope, aliases=self.aliases(scope), actor=actor, title=title,
                url=url, outlet=outlet, published=published, progress=progress,
            )
            return report

    def ingest_documents(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        guild_id: int | None = None,
        actor: str = "cli",
        workers: int = 1,
    ) -> list[IngestReport]:
        """Ingest many documents in ONE transaction (all or nothing): bulk loads.

        Each document is a dict with ``text`` and ``name`` and optionally ``title``, ``url``,
        ``outlet`` and ``published``. With ``workers`` > 1 the analysis runs on that many
        processes while this one writes.
        """
        prepared = [
            prepare(d["text"], name=d["name"], title=d.get("title"), url=d.get("url"), outlet=d.get("outlet"),
                    published=d.get("published"))
            for d in documents
        ]
        with self._lock:
            scope = _scope(guild_id)
            return ingest_many(self.db, prepared, scope=scope, aliases=self.aliases(scope), actor=actor,
                               workers=workers)

    def ensure_sample_corpus(self) -> IngestReport | None:
        """Ingest the bundled sample corpus when the database has no documents yet (the quick start only)."""
        with self._lock:
            if repository.has_documents(self.db.conn):
                return None
            return self.add_sample_corpus()

    def add_sample_corpus(self) -> IngestReport:
        """Ingest the bundled sample report into the shared corpus (unchanged when it is already there)."""
        data = resources.files("facts").joinpath(f"data/corpus/{SAMPLE_CORPUS}").read_bytes()
        return self.ingest_text(data, name=SAMPLE_CORPUS, title=SAMPLE_TITLE, published=SAMPLE_PUBLISHED,
                                actor="factbot")

    # -- questions ------------------------------------------------------------------------------
    def ask(self, question: str, *, guild_id: int | None = None, min_confidence: float | None = None) -> Answer:
        """Answer a question or abstain with suggestions. Raises InvalidQuestion for empty input."""
        threshold = self.min_confidence if min_confidence is None else min_confidence
        with self._lock:
            scope = _scope(guild_id)
            question_obj, ranked = self._rank(question, scope)
            ids = [s.candidate.id for s in ranked[:RANKED_TO_LOAD]] + claims.pool_ids(ranked, threshold)
            ids += [s.candidate.partner for s in ranked[:1] if s.candidate.partner]  # a two-sentence answer
            facts = repository.load_facts(self.db.conn, ids)
            return claims.attach_claims(compose(question_obj, ranked, facts, threshold), question_obj, ranked, facts,
                                        threshold)

    def suggest(self, prefix: str, *, guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Autocomplete: short question or topic strings for a partly typed question."""
        with self._lock:
            scope = _scope(guild_id)
            texts = suggestion_texts(self.db.conn, prefix, scope, self.vocabulary.for_scope(scope),
                                     self._accumulator, limit)
            out = []
            for text in texts:
                short = text if len(text) <= 100 else text[:99].rsplit(" ", 1)[0] + "…"
                if short not in out:
                    out.append(short)
            return out[:limit]

    # -- browsing -------------------------------------------------------------------------------
    def documents(self, *, guild_id: int | None = None, include_retracted: bool = False) -> list[DocumentInfo]:
        """Documents visible from this scope, newest first, with live fact counts.

        ``include_retracted`` (moderators): retracted documents too, marked ``retracted``.
        """
        with self._lock:
            return repository.documents(self.db.conn, _scope(guild_id), include_retracted=include_retracted)

    def get_fact(self, fact_id: int, *, guild_id: int | None = None) -> Fact:
        """One fact as this scope sees it (an override replaces the shared fact). FactNotFound if hidden."""
        with self._lock:
            return repository.visible_fact(self.db.conn, _fact_id(fact_id), _scope(guild_id))

    def history(self, fact_id: int, *, guild_id: int | None = None) -> list[HistoryEntry]:
        """Every recorded change to a fact (and to this scope's override of it), oldest first."""
        with self._lock:
            return repository.history(self.db.conn, _fact_id(fact_id), _scope(guild_id))

    def timeline(
        self, *, about: str | None = None, guild_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> tuple[list[Fact], int]:
        """Dated facts in date order (optionally about a topic): one page and the total count."""
        limit = max(1, min(int(limit), 50))
        offset = max(0, min(int(offset), MAX_ID))
        with self._lock:
            scope = _scope(guild_id)
            ids = None
            if about and clean(about):
                _, ranked = self._rank(about, scope)
                ids = [s.candidate.id for s in ranked if s.coverage >= 0.5]
            return repository.timeline(self.db.conn, scope, ids, limit, offset)

    def contradictions(self, facts: Iterable[Fact], *, guild_id: int | None = None) -> dict[int, tuple[int, ...]]:
        """For timeline facts: the ids of other documents' facts on the same thing that disagree with them
        (a different count, or the same statement with another date or name; see :func:`claims.contradicts`)."""
        out: dict[int, set[int]] = {}
        with self._lock:
            scope = _scope(guild_id)
            for fact in facts:
                if not claims.may_contradict(fact):
                    continue
                _, ranked = self._rank(fact.text, scope)
                near = [s.candidate.id for s in ranked[:10] if s.coverage >= claims.TIMELINE_COVERAGE]
                others = repository.load_facts(self.db.conn, near)
                for other_id in near:
                    if other_id in others and claims.contradicts(fact, others[other_id]):
                        out.setdefault(fact.id, set()).add(other_id)
                        out.setdefault(other_id, set()).add(fact.id)  # both sides, whichever found it
        return {fact_id: tuple(sorted(ids)) for fact_id, ids in out.items()}

    # -- moderation (each records actor, scope, reason, before and after) -----------------------
    def add_fact(self, text: str, *, source: str, actor: str, guild_id: int | None, reason: str | None = None
                 ) -> ChangeResult:
        """Add a moderator-written fact with a source note to this scope."""
        with self._lock:
            scope = _scope(guild_id)
            return moderation.add_fact(self.db, self.aliases(scope), text, source=source, actor=actor,
                                       scope=scope, reason=reason)

    def edit_fact(self, fact_id: int, text: str, *, actor: str, guild_id: int | None, reason: str,
                  expected_version: int | None = None) -> ChangeResult:
        """Edit a fact; in a server, editing a shared fact creates that server's override."""
        with self._lock:
            scope = _scope(guild_id)
            return moderation.edit_fact(self.db, self.aliases(scope), _fact_id(fact_id), text, actor=actor,
                                        scope=scope, reason=reason, expected_version=expected_version)

    def retract_fact(self, fact_id: int, *, actor: str, guild_id: int | None, reason: str) -> ChangeResult:
        """Soft-retract a fact in this scope: it stops answering but is kept."""
        with self._lock:
            return moderation.set_status(self.db, _fact_id(fact_id), "retracted", actor=actor, scope=_scope(guild_id),
                                         reason=reason)

    def restore_fact(self, fact_id: int, *, actor: str, guild_id: int | None, reason: str | None = None
                     ) -> ChangeResult:
        """Undo a retraction in this scope."""
        with self._lock:
            return moderation.set_status(self.db, _fact_id(fact_id), "active", actor=actor, scope=_scope(guild_id),
                                         reason=reason)

    def retract_document(self, document_id: int, *, actor: str, guild_id: int | None, reason: str
                         ) -> DocumentChange:
        """Withdraw a whole document in this scope (its own documents; None: the shared corpus)."""
        with self._lock:
            return moderation.set_document_status(self.db, _document_id(document_id), True, actor=actor,
                                                  scope=_scope(guild_id), reason=reason)

    def restore_document(self, document_id: int, *, actor: str, guild_id: int | None, reason: str | None = None
                         ) -> DocumentChange:
        """Bring a retracted document's facts back (those retracted one by one stay retracted)."""
        with self._lock:
            return moderation.set_document_status(self.db, _document_id(document_id), False, actor=actor,
                                                  scope=_scope(guild_id), reason=reason)

    def add_alias(self, term: str, means: str, *, actor: str, guild_id: int | None) -> None:
        """Teach the matcher that ``term`` means ``means`` (abbreviation or name variant)."""
        term_words, means_words = words(term), words(means)
        if not term_words or not means_words:
            raise InvalidEdit("Both the term and its meaning need letters or digits.")
        if len(term) > 100 or len(means) > 100:
            raise InvalidEdit("Keep the term and its meaning under 100 characters each.")
        if term_words == means_words:
            raise InvalidEdit("The term and its meaning are the same words.")
        with self._lock:
            scope = _scope(guild_id)
            feedback.save_alias(self.db, scope, " ".join(term_words), " ".join(means_words), actor)
            self._aliases.clear()

    # -- feedback and review --------------------------------------------------------------------
    def report_wrong_answer(self, question: str, fact_id: int | None, *, guild_id: int | None,
                            channel_id: int | None) -> ReviewItem:
        """Queue a wrong-answer report for moderators."""
        return self._add_review("wrong_answer", question, fact_id, guild_id, channel_id)

    def record_helpful(self, fact_id: int, *, guild_id: int | None) -> None:
        """Count a 'helpful' vote for a fact."""
        with self._lock:
            feedback.add_helpful_vote(self.db, _fact_id(fact_id), _scope(guild_id))

    def record_unanswered(self, question: str, *, guild_id: int | None, channel_id: int | None) -> ReviewItem:
        """Record a question the engine abstained on (no user ids are kept)."""
        return self._add_review("unanswered", question, None, guild_id, channel_id)

    def review_queue(self, *, guild_id: int | None, limit: int = 20) -> list[ReviewItem]:
        """Open review items for this scope, newest first."""
        with self._lock:
            return feedback.open_review_items(self.db, _scope(guild_id), max(1, min(int(limit), 100)))

    def close_review(self, item_id: int, *, actor: str, guild_id: int | None) -> ReviewItem:
        """Mark a review item done."""
        if not 0 < int(item_id) <= MAX_ID:
            raise InvalidEdit(f"There is no review item #{item_id} here.")
        with self._lock:
            item = feedback.close_review_item(self.db, int(item_id), _scope(guild_id), actor)
            if item is None:
                raise InvalidEdit(f"There is no review item #{item_id} here.")
            return item

    # -- the bot's public answers, for corrections (see facts/citations.py) ---------------------
    def record_answer_message(self, *, guild_id: int, channel_id: int, message_id: int, fact_ids: Iterable[int],
                              retention_days: float = citations.DEFAULT_RETENTION_DAYS) -> None:
        """Remember a public answer in a server and the facts it cites (never who asked); prunes old rows."""
        ids = [_fact_id(f) for f in fact_ids]
        if not ids:
            return
        with self._lock, self.db.atomic():
            if not 0 < int(message_id) <= MAX_ID:
                raise InvalidInput("A message id must be a positive number.")
            citations.record(self.db.conn, guild_id=_scope(guild_id), channel_id=_channel_id(channel_id) or 0,
                             message_id=int(message_id), fact_ids=ids, created_at=utc_now(),
                             retention_days=retention_days)

    def answer_messages_citing(self, fact_ids: Iterable[int], *, guild_id: int | None,
                               retention_days: float = citations.DEFAULT_RETENTION_DAYS,
                               ) -> list[citations.CitedMessage]:
        """Recorded answers citing any of ``fact_ids``: in one server, or in every server (``guild_id`` None)."""
        with self._lock:
            scope = None if guild_id is None else _scope(guild_id)
            return citations.citing(self.db.conn, fact_ids, scope, retention_days)

    def forget_answer_message(self, message_id: int) -> None:
        """Stop tracking an answer message (it was deleted or can no longer be reached)."""
        with self._lock, self.db.atomic():
            citations.forget(self.db.conn, int(message_id))

    def prune_answer_messages(self, *, retention_days: float = citations.DEFAULT_RETENTION_DAYS) -> int:
        """Delete answer records older than the retention period; returns how many."""
        with self._lock, self.db.atomic():
            return citations.prune(self.db.conn, retention_days)

    # -- server settings ------------------------------------------------------------------------
    def set_auto_answer(self, channel_id: int, enabled: bool, *, guild_id: int, actor: str) -> None:
        """Turn unprompted answers on or off in a channel of a server."""
        with self._lock:
            feedback.set_auto_answer(self.db, _scope(guild_id), _channel_id(channel_id), enabled, actor)

    def auto_answer_channels(self, *, guild_id: int) -> frozenset[int]:
        """Channels of a server where the bot answers unprompted (set by moderators)."""
        with self._lock:
            return feedback.auto_answer_channels(self.db, _scope(guild_id))

    # -- keeping data ---------------------------------------------------------------------------
    def export_jsonl(self, out: TextIO) -> dict[str, int]:
        """Write documents, facts, overrides, history and settings as JSON Lines; counts per record type."""
        with self._lock:
            return dict(portability.export_jsonl(self.db, out))

    def import_jsonl(self, lines: Iterable[str]) -> dict[str, int]:
        """Restore an export into this (empty) database in one transaction; counts per record type."""
        with self._lock:
            counts = dict(portability.import_jsonl(self.db, lines))
            self._aliases.clear()
            return counts

    def backup(self, destination: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's online backup API), safe while the bot runs."""
        with self._lock:
            return portability.backup(self.db.conn, Path(destination))

    # -- internals ------------------------------------------------------------------------------
    def aliases(self, scope: int) -> AliasTable:
        """The alias table for a scope: bundled groups, shared additions, then the server's own."""
        table = self._aliases.get(scope)
        if table is None:
            table = bundled_alias_table(feedback.alias_rows(self.db, scope))
            self._aliases[scope] = table
        return table

    def _rank(self, question: str, scope: int) -> tuple[Question, list[Scored]]:
        # The counts of what this scope sees weigh the words, nothing else.
        return rank(self.db.conn, question, scope, self.aliases(scope), self.vocabulary.for_scope(scope),
                    self._accumulator)

    def _add_review(self, kind: str, question: str, fact_id: int | None, guild_id: int | None,
                    channel_id: int | None) -> ReviewItem:
        text = clean(question)[:MAX_QUESTION_RECORD] or "(empty question)"
        channel_id = _channel_id(channel_id)
        with self._lock:
            scope = _scope(guild_id)
            if fact_id is not None:
                repository.raw_fact(self.db.conn, _fact_id(fact_id), scope)
            return feedback.add_review_item(self.db, kind, text, fact_id, scope, channel_id)



__all__ = ["SHARED_SCOPE", "Fact", "FactService"]
