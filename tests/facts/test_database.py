"""The database file: created, migrated, and refused with a clear message when it cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from facts.database import open_database
from facts.errors import DatabaseError
from facts.migrations import LATEST_VERSION, MIGRATIONS
from facts.service import FactService


def test_new_database_is_at_the_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    assert db.execute("select value from meta where key='schema_version'").fetchone()[0] == str(LATEST_VERSION)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"documents", "facts", "fact_history", "postings", "aliases"} <= set(db.table_names())
    assert MIGRATIONS[-1][0] == LATEST_VERSION
    db.close()


def test_text_file_is_not_taken_for_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database")
    with pytest.raises(DatabaseError, match="not an SQLite file"):
        FactService(path)
    assert path.read_text() == "these are my notes, not a database"


def test_another_programs_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table invoices (id integer)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="another program"):
        FactService(path)


def test_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    FactService(path).close()
    conn = sqlite3.connect(path)
    conn.execute("update meta set value = ? where key = 'schema_version'", [str(LATEST_VERSION + 1)])
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer factbot"):
        FactService(path)


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        FactService(tmp_path / "no" / "such" / "folder" / "f.db")


def test_facts_survive_reopening(tmp_path: Path) -> None:
    svc = FactService(tmp_path / "f.db")
    svc.ingest_text("The harbour reopened on May 3 after the storm.", name="h.txt")
    svc.close()
    again = FactService(tmp_path / "f.db")
    assert again.ask("When did the harbour reopen?").answered
    again.close()
