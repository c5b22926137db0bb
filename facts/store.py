"""Opening the fact database: checks, pragmas and migrations, with errors a person can act on."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from facts.errors import DatabaseError
from facts.migrations import LATEST_VERSION, current_version, migrate

SQLITE_HEADER = b"SQLite format 3\x00"


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def open_database(path: str | Path, *, readonly: bool = False) -> Database:
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
        conn = sqlite3.connect(uri, uri=readonly, check_same_thread=False, timeout=10.0)
        db = Database(conn)
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
