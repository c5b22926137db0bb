"""FactService: the one entry point the CLI, the console and the Discord bot all use.

Synchronous and Discord-free. The bot runs these calls off its event loop. Scope: ``guild_id``
None means the shared corpus (the CLI, DMs); an int is one Discord server, which sees the shared
corpus plus its own facts, with its own overrides and retractions applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from facts.models import (
    Answer,
    ChangeResult,
    DocumentInfo,
    Fact,
    HistoryEntry,
    IngestReport,
    ReviewItem,
)


class FactService:
    """Facade over the store, ingest, matcher and moderation for one database file."""

    def __init__(self, db_path: str | Path, *, min_confidence: float = 0.5) -> None:
        """Open (creating or migrating) the database at ``db_path``."""
        raise NotImplementedError

    def close(self) -> None:
        """Checkpoint and close the database."""
        raise NotImplementedError

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
        raise NotImplementedError

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
    ) -> IngestReport:
        """Ingest a document given as text or bytes (a Discord attachment, say)."""
        raise NotImplementedError

    def ensure_sample_corpus(self) -> IngestReport | None:
        """Ingest the bundled sample corpus when the database has no documents yet."""
        raise NotImplementedError

    # -- questions ------------------------------------------------------------------------------
    def ask(self, question: str, *, guild_id: int | None = None, min_confidence: float | None = None) -> Answer:
        """Answer a question or abstain with suggestions. Raises InvalidQuestion for empty input."""
        raise NotImplementedError

    def suggest(self, prefix: str, *, guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Autocomplete: short question or topic strings for a partly typed question."""
        raise NotImplementedError

    # -- browsing -------------------------------------------------------------------------------
    def documents(self, *, guild_id: int | None = None) -> list[DocumentInfo]:
        """Documents visible from this scope, newest first, with live fact counts."""
        raise NotImplementedError

    def get_fact(self, fact_id: int, *, guild_id: int | None = None) -> Fact:
        """One fact as this scope sees it (an override replaces the shared fact). FactNotFound if hidden."""
        raise NotImplementedError

    def history(self, fact_id: int, *, guild_id: int | None = None) -> list[HistoryEntry]:
        """Every recorded change to a fact (and to this scope's override of it), oldest first."""
        raise NotImplementedError

    def timeline(
        self, *, about: str | None = None, guild_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> tuple[list[Fact], int]:
        """Dated facts in date order (optionally about a topic): one page and the total count."""
        raise NotImplementedError

    # -- moderation (each records actor, scope, reason, before and after) -----------------------
    def add_fact(self, text: str, *, source: str, actor: str, guild_id: int | None, reason: str | None = None
                 ) -> ChangeResult:
        """Add a moderator-written fact with a source note to this scope."""
        raise NotImplementedError

    def edit_fact(self, fact_id: int, text: str, *, actor: str, guild_id: int | None, reason: str,
                  expected_version: int | None = None) -> ChangeResult:
        """Edit a fact; in a server, editing a shared fact creates that server's override."""
        raise NotImplementedError

    def retract_fact(self, fact_id: int, *, actor: str, guild_id: int | None, reason: str) -> ChangeResult:
        """Soft-retract a fact in this scope: it stops answering but is kept."""
        raise NotImplementedError

    def restore_fact(self, fact_id: int, *, actor: str, guild_id: int | None, reason: str | None = None
                     ) -> ChangeResult:
        """Undo a retraction in this scope."""
        raise NotImplementedError

    def add_alias(self, term: str, means: str, *, actor: str, guild_id: int | None) -> None:
        """Teach the matcher that ``term`` means ``means`` (abbreviation or name variant)."""
        raise NotImplementedError

    # -- feedback and review --------------------------------------------------------------------
    def report_wrong_answer(self, question: str, fact_id: int | None, *, guild_id: int | None,
                            channel_id: int | None) -> ReviewItem:
        """Queue a wrong-answer report for moderators."""
        raise NotImplementedError

    def record_helpful(self, fact_id: int, *, guild_id: int | None) -> None:
        """Count a 'helpful' vote for a fact."""
        raise NotImplementedError

    def record_unanswered(self, question: str, *, guild_id: int | None, channel_id: int | None) -> ReviewItem:
        """Record a question the engine abstained on (no user ids are kept)."""
        raise NotImplementedError

    def review_queue(self, *, guild_id: int | None, limit: int = 20) -> list[ReviewItem]:
        """Open review items for this scope, newest first."""
        raise NotImplementedError

    def close_review(self, item_id: int, *, actor: str, guild_id: int | None) -> ReviewItem:
        """Mark a review item done."""
        raise NotImplementedError

    # -- server settings ------------------------------------------------------------------------
    def set_auto_answer(self, channel_id: int, enabled: bool, *, guild_id: int, actor: str) -> None:
        """Turn unprompted answers on or off in a channel of a server."""
        raise NotImplementedError

    def auto_answer_channels(self, *, guild_id: int) -> frozenset[int]:
        """Channels of a server where the bot answers unprompted (set by moderators)."""
        raise NotImplementedError
