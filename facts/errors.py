"""Errors the fact engine raises. Each carries a message that is safe to show a user."""

from __future__ import annotations


class FactbotError(Exception):
    """Base class: ``str(error)`` is a short, user-safe explanation."""


class InvalidQuestion(FactbotError):
    """The question cannot be asked (empty, nothing but punctuation, ...)."""


class IngestError(FactbotError):
    """A document could not be ingested; the database is unchanged."""


class FactNotFound(FactbotError):
    """No fact with that id is visible from where it was asked."""


class VersionConflict(FactbotError):
    """The fact changed since the caller read it; re-read and try again."""


class InvalidEdit(FactbotError):
    """A moderator change was rejected (empty text, same text, bad alias...)."""


class InvalidInput(FactbotError):
    """A value is out of range or malformed (a server id that is not a positive number, ...)."""


class DataFileError(FactbotError):
    """An export file cannot be restored, or a backup cannot be written; nothing was changed."""


class DatabaseError(FactbotError):
    """The database file cannot be used (not SQLite, newer schema, read-only, full disk...)."""
