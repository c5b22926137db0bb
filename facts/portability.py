"""Keeping data: export to JSON Lines, import into an empty database, online backups.

The export holds everything a person made: documents, facts (server overrides as their own
record type), their history, aliases, review items, votes and auto-answer channels, one JSON
object per line, with a header line first and records in a stable order (by table, then id).
Derived data (the posting-list index and the term counts) is rebuilt on import, so an
import restores a database that answers exactly as the exported one did, with the same ids.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlite_utils import Database

from facts.database import copy_database, utc_now
from facts.errors import DataFileError
from facts.export_store import KEPT_TABLES, column_names, holds_kept_data, read_snapshot, table_rows
from facts.fact_writes import writing
from facts.migrations import LATEST_VERSION, current_version

FORMAT = "factbot-export"
OVERRIDE = "override"
"""Record type of a fact that is one server's version of a shared fact (stored in ``facts``)."""
_TABLE_OF = {table.record_type: table.name for table in KEPT_TABLES} | {OVERRIDE: "facts"}
_SCALARS = (str, int, float, type(None))


def records(db: Database) -> Iterator[dict[str, Any]]:
    """The header, then every record, in a stable order."""
    yield {"type": "header", "format": FORMAT, "schema_version": current_version(db), "exported_at": utc_now()}
    for table in KEPT_TABLES:
        for record in table_rows(db, table):
            if table.name == "facts" and record.get("overrides") is not None:
                yield {"type": OVERRIDE, **record}
            else:
                yield {"type": table.record_type, **record}


def export_jsonl(db: Database, out: TextIO) -> Counter[str]:
    """Write every record as one JSON line; returns how many of each type (in one read snapshot)."""
    counts: Counter[str] = Counter()
    with read_snapshot(db):  # a consistent snapshot even while the bot writes
        for record in records(db):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if record["type"] != "header":
                counts[record["type"]] += 1
    return counts


def is_empty(db: Database) -> bool:
    """True when the database holds nothing a person made (a fresh file)."""
    return not holds_kept_data(db)


def _parse(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise DataFileError(f"line {number} is not JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            raise DataFileError(f"line {number} is not a factbot record (no \"type\")")
        yield number, record


def import_jsonl(db: Database, lines: Iterable[str]) -> Counter[str]:
    """Restore an export into an empty database, in one transaction; returns the counts per type.

    Raises DataFileError (and changes nothing) for a non-empty database, a file that is not a
    factbot export, an export from a newer schema, or a malformed record (named by its line).
    """
    if not is_empty(db):
        raise DataFileError("the database already holds data; import only into a new, empty database")
    parsed = _parse(lines)
    first = next(parsed, None)
    if first is None or first[1].get("type") != "header" or first[1].get("format") != FORMAT:
        raise DataFileError("this is not a factbot export (its first line is not a factbot-export header)")
    version = first[1].get("schema_version")
    if not isinstance(version, int) or version > LATEST_VERSION:
        raise DataFileError(f"the export was made by a newer factbot (schema {version}); upgrade factbot first")
    counts: Counter[str] = Counter()
    columns = {table.name: column_names(db, table.name) for table in KEPT_TABLES}
    with writing(db) as writes:
        for number, record in parsed:
            kind = record.pop("type")
            table = _TABLE_OF.get(kind)
            if table is None:
                raise DataFileError(f"line {number}: unknown record type {kind!r}")
            unknown = set(record) - columns[table]
            if unknown:
                raise DataFileError(f"line {number}: {kind} records have no field {sorted(unknown)[0]!r}")
            if not all(isinstance(value, _SCALARS) for value in record.values()):
                raise DataFileError(f"line {number}: {kind} fields must be text, numbers or null")
            try:
                writes.restore(table, record)
            except (sqlite3.IntegrityError, OverflowError) as exc:
                raise DataFileError(f"line {number}: this {kind} record cannot be restored ({exc})") from None
            counts[kind] += 1
        writes.rebuild()  # the index and the counts, from the facts just restored
    return counts


def backup(conn: sqlite3.Connection, destination: Path) -> Path:
    """Copy the live database to ``destination`` with SQLite's online backup API.

    Works while other connections (the running bot) read and write: the copy is one consistent
    snapshot. Written to a temporary file first and renamed, so a failed backup leaves nothing
    half-written; an existing destination is refused rather than overwritten.
    """
    destination = Path(destination)
    if destination.exists():
        raise DataFileError(f"{destination} already exists; choose a new file name for the backup")
    if not destination.parent.is_dir():
        raise DataFileError(f"cannot write {destination}: the folder {destination.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent)
    os.close(handle)
    try:
        if not copy_database(conn, temporary):
            raise DataFileError("the backup copy failed its integrity check; nothing was written")
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination
