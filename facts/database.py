"""Opening the fact database: checks, pragmas and migrations, with errors a person can act on."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from facts.errors import DatabaseError
from facts.migrations import LATEST_VERSION, current_version, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0


class FactDatabase(Database):
    """A sqlite-utils Database whose transactions take the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails with "database is locked" when another
    connection wrote in between (its snapshot is stale, and waiting cannot help). Taking the lock
    first makes read-check-write steps (version checks, idempotent ingest) serialise instead.

    ``write_listeners`` are called after every unit of work on facts (:func:`facts.fact_writes.writing`),
    committed or not: caches of the counts register there.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_listeners: list[Callable[[], None]] = []

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """One transaction (a savepoint when nested) that holds the write lock from its start."""
        if self.conn.in_transaction:
            savepoint = f"factbot_{secrets.token_hex(8)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise
        else:
            self.conn.commit()


def database_error(exc: sqlite3.Error) -> DatabaseError:
    """A user-safe DatabaseError for an SQLite failure during use (the SQLite text is not shown)."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return DatabaseError("The fact database is busy (another program is using it). Nothing was changed; "
                             "try again in a moment.")
    if "readonly" in message or "read-only" in message:
        return DatabaseError("The fact database is read-only, so nothing could be changed.")
    if "full" in message or "disk i/o" in message or "too large" in message:
        return DatabaseError("The fact database could not be written (the disk may be full). Nothing was changed.")
    if "malformed" in message or "not a database" in message or "corrupt" in message:
        return DatabaseError("The fact database is damaged; restore it from a backup.")
    return DatabaseError("The fact database could not complete that request. Nothing was changed.")


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def open_database(path: str | Path, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT_SECONDS) -> Database:
    """Open (creating when missing) and migrate the database at ``path``.

    Raises DatabaseError with a clear message when the file is not SQLite, was made by a newer
    factbot, or cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                raise DatabaseError(f"{path} is not a factbot database (it is not an SQLite file)")
    elif not readonly and not path.parent.exists():
        raise DatabaseError(f"cannot create {path}: the folder {path.parent} does not exist")
    try:
        uri = f"file:{path.resolve()}?mode=ro" if readonly else str(path)
        conn = sqlite3.connect(uri, uri=readonly, check_same_thread=False, timeout=timeout)
        db = FactDatabase(conn)
        if not readonly:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        version = current_version(db)
        if version > LATEST_VERSION:
            conn.close()
            raise DatabaseError(
                f"{path} was made by a newer factbot (schema {version}, this release knows {LATEST_VERSION}); "
                "upgrade factbot to open it"
            )
        if version and "facts" not in db.table_names():
            conn.close()
            raise DatabaseError(f"{path} is not a factbot database (it has no facts table)")
        if not version and db.table_names() and "meta" not in db.table_names():
            conn.close()
            raise DatabaseError(f"{path} is an SQLite file made by another program, not a factbot database")
        if version < LATEST_VERSION:
            if readonly:
                conn.close()
                raise DatabaseError(f"{path} needs a schema upgrade; open it once without read-only mode")
            migrate(db)
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "readonly" in message or "read-only" in message:
            raise DatabaseError(f"{path} is read-only: factbot needs to write to it") from exc
        if "not a database" in message or "malformed" in message:
            raise DatabaseError(f"{path} is damaged or not an SQLite database ({message})") from exc
        if "unable to open" in message:
            raise DatabaseError(f"cannot open {path}: check the path and its permissions") from exc
        raise DatabaseError(f"cannot use {path}: {message}") from exc
    return db


def close_database(db: Database) -> None:
    """Fold the write-ahead log into the database file and close it (the file is then complete alone)."""
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
