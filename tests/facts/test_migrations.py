"""A database made by the first released schema opens and migrates forward with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from facts.fact_writes import writing
from facts.migrations import LATEST_VERSION
from facts.postings import missing_entries
from facts.service import FactService
from tests.facts.test_crash_safety import vocabulary_in_step

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "schema_v1.sql"
QUESTION = "How much will the Riverton bridge cost?"


def first_release_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_the_fixture_is_the_first_release(tmp_path: Path) -> None:
    conn = sqlite3.connect(first_release_database(tmp_path / "v1.db"))
    assert conn.execute("select value from meta where key = 'schema_version'").fetchone() == ("1",)
    conn.close()


def test_a_first_release_database_migrates_forward_with_its_data(tmp_path: Path) -> None:
    path = first_release_database(tmp_path / "v1.db")
    before = sqlite3.connect(path)
    counts = {t: before.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("documents", "facts", "fact_history", "aliases", "review_items")}
    before.close()

    service = FactService(path)
    try:
        db = service.db
        assert db.execute("select value from meta where key = 'schema_version'").fetchone()[0] == str(LATEST_VERSION)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not missing_entries(db.conn)
        # The migration's frozen index rules build exactly what live code's rebuild builds today.
        migrated = db.execute("select term, seg, n, ids from postings order by term, seg").fetchall()
        with writing(db) as writes:
            writes.rebuild()
        assert db.execute("select term, n, ids from postings order by term, seg").fetchall() == [
            (term, n, ids) for term, _, n, ids in migrated]
        for table, count in counts.items():
            assert db.execute(f"select count(*) from {table}").fetchone()[0] == count, table

        # Term counts are per scope: server 111's override counts in its own statistics, not the shared ones.
        assert vocabulary_in_step(service)
        assert db.execute("select df from vocab_scoped where scope = 111 and term = '13'").fetchone() == (1,)
        assert db.execute("select coalesce(max(df), 0) from vocab where term = '13'").fetchone() == (0,)
        assert service.vocabulary.for_scope(111).total == service.vocabulary.total + 1

        shared = service.ask(QUESTION)
        assert shared.answered and "$12 million" in shared.fact.text
        assert "$13 million" in service.ask(QUESTION, guild_id=111).fact.text
        hidden = service.ask(QUESTION, guild_id=222)
        assert not hidden.answered or hidden.fact.id != shared.fact.id
        assert [e.action for e in service.history(shared.fact.id, guild_id=111)] == ["edit"]
        assert [i.question for i in service.review_queue(guild_id=111)] == ["Who designed the bridge?"]
        assert ("footbridge",) in service.aliases(0).phrases  # the alias survived
        # And it keeps working as a current database: a new change and a new document.
        service.retract_fact(shared.fact.id, actor="cli", guild_id=None, reason="migrated, then retracted")
        report = service.ingest_text("The ferry to Riverton resumed service on April 2.", name="ferry.txt")
        assert report.facts_added == 1
    finally:
        service.close()
    assert FactService(path).ask("When did the ferry resume service?").answered
