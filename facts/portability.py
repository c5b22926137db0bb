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

from facts.database import utc_now
from facts.errors import DataFileError
from facts.fact_writes import writing
from facts.migrations import LATEST_VERSION, current_version

FORMAT = "factbot-export"
# (record type, table, key columns for the stable order)
TABLES: list[tuple[str, str, str]] = [
    ("document", "documents", "id"),
    ("fact", "facts", "id"),
    ("history", "fact_history", "id"),
    ("alias", "aliases", "id"),
    ("review_item", "review_items", "id"),
    ("vote", "votes", "fact_id, scope"),
    ("auto_answer", "auto_answer", "scope, channel_id"),
]
OVERRIDE = "override"
"""Record type of a fact that is one server's version of a shared fact (stored in ``facts``)."""
_TABLE_OF = {kind: table for kind, table, _ in TABLES} | {OVERRIDE: "facts"}
_SCALARS = (str, int, float, type(None))


def records(db: Database) -> Iterator[dict[str, Any]]:
    """The header, then every record, in a stable order."""
    yield {"type": "header", "format": FORMAT, "schema_version": current_version(db), "exported_at": utc_now()}
    for kind, table, order in TABLES:
        cursor = db.execute(f"select * from [{table}] order by {order}")
        columns = [d[0] for d in cursor.description]
        for row in cursor:
            record = dict(zip(columns, row, strict=True))
            if table == "facts" and record.get("overrides") is not None:
                yield {"type": OVERRIDE, **record}
            else:
                yield {"type": kind, **record}


def export_jsonl(db: Database, out: TextIO) -> Counter[str]:
    """Write every record as one JSON line; returns how many of each type (in one read snapshot)."""
    counts: Counter[str] = Counter()
    db.conn.execute("BEGIN")  # one read transaction: a consistent snapshot even while the bot writes
    try:
        for record in records(db):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if record["type"] != "header":
                counts[record["type"]] += 1
    finally:
        db.conn.rollback()
    return counts


def is_empty(db: Database) -> bool:
    """True when the database holds nothing a person made (a fresh file)."""
    return not any(db.execute(f"select 1 from [{table}] limit 1").fetchone() for _, table, _ in TABLES)


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
    columns = {table: {row[1] for row in db.execute(f"pragma table_info([{table}])")} for table in _TABLE_OF.values()}
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
            names = list(record)
            try:
                db.execute(
                    f"insert into [{table}] ({', '.join(f'[{n}]' for n in names)}) "
                    f"values ({', '.join('?' * len(names))})",
                    [record[n] for n in names],
                )
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
        target = sqlite3.connect(temporary)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise DataFileError("the backup copy failed its integrity check; nothing was written")
        finally:
            target.close()
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination
