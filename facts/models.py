"""Plain data the engine hands out: facts, sources, answers, history. No behaviour, no I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SHARED_SCOPE = 0
"""Scope id of the bundled/shared corpus; a Discord server's own facts use its guild id."""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from."""

    document_id: int
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    paragraph: int
    sentence: int


@dataclass(frozen=True)
class Fact:
    """One sentence-sized fact and what is known about it."""

    id: int
    text: str
    source: Source
    scope: int = SHARED_SCOPE
    context: str | None = None
    event_date: str | None = None
    speaker: str | None = None
    entities: tuple[tuple[str, str], ...] = ()
    status: str = "active"
    version: int = 1
    overrides: int | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The fact as a JSON-ready dict."""
        data = asdict(self)
        data["entities"] = [{"text": text, "kind": kind} for text, kind in self.entities]
        return data


@dataclass(frozen=True)
class Answer:
    """The engine's reply to one question: an answer, or an abstention with suggestions."""

    question: str
    answered: bool
    confidence: float
    fact: Fact | None = None
    answer: str | None = None
    span: tuple[int, int] | None = None
    related: tuple[Fact, ...] = ()
    suggestions: tuple[Fact, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The answer in the documented JSON shape (see README, `factbot ask --json`)."""
        fact = self.fact
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer if self.answered else None,
            "text": fact.text if (fact and self.answered) else None,
            "fact_id": fact.id if (fact and self.answered) else None,
            "confidence": round(self.confidence, 4),
            "source": _source_json(fact.source) if (fact and self.answered) else None,
            "event_date": fact.event_date if (fact and self.answered) else None,
            "speaker": fact.speaker if (fact and self.answered) else None,
            "related": [_brief(f) for f in self.related] if self.answered else [],
            "suggestions": [_brief(f) for f in self.suggestions] if not self.answered else [],
        }


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "document": source.document_id,
        "title": source.title,
        "url": source.url,
        "paragraph": source.paragraph,
        "sentence": source.sentence,
        "published": source.published,
    }


def _brief(fact: Fact) -> dict[str, Any]:
    return {"fact_id": fact.id, "text": fact.text, "source": _source_json(fact.source)}


@dataclass(frozen=True)
class DocumentInfo:
    """A document and how many of its facts are live."""

    id: int
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    scope: int
    fact_count: int
    ingested_at: str
    retracted: bool = False
    """Retracted by a moderator: listed for moderators, never used in answers."""


@dataclass(frozen=True)
class DocumentChange:
    """What retracting or restoring a whole document did."""

    document_id: int
    title: str
    retracted: bool
    facts_changed: int
    reason: str | None


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did."""

    document_id: int
    title: str
    facts_added: int
    facts_superseded: int = 0
    unchanged: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change to a fact."""

    id: int
    fact_id: int
    action: str
    actor: str
    scope: int
    reason: str | None
    before: str | None
    after: str | None
    at: str


@dataclass(frozen=True)
class ReviewItem:
    """A wrong-answer report or an unanswered question waiting for a moderator."""

    id: int
    kind: str
    question: str
    fact_id: int | None
    scope: int
    channel_id: int | None
    created_at: str
    status: str = "open"


@dataclass(frozen=True)
class ChangeResult:
    """The outcome of a moderator change: the fact as it now reads, and the history entry."""

    fact: Fact
    entry: HistoryEntry
    extra: dict[str, Any] = field(default_factory=dict)
