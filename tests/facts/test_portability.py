"""Keeping data: export/import round trip loses nothing; import is all-or-nothing; online backups."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from facts.errors import DataFileError, VersionConflict
from facts.service import FactService
from tests.helpers import CITY_REPORT, REPO_ROOT, TRADE_REPORT, clean_env

GUILD_A, GUILD_B = 111, 222
QUESTIONS = ["How much will the Riverton bridge cost?", "where is the ISW based", "Who is the mayor of Riverton?",
             "how much did soybean exports to China rise", "who will the bridge be named after"]
TABLES = ["documents", "facts", "fact_history", "aliases", "review_items", "votes", "auto_answer", "vocab",
          "vocab_scoped", "meta"]


def rich(service: FactService) -> FactService:
    """A database with every kind of record: versions, overrides, retractions, aliases, reviews, votes."""
    service.ensure_sample_corpus()
    service.ingest_text(CITY_REPORT, name="riverton.md")
    service.ingest_text(TRADE_REPORT, name="trade.txt", published="2023-01-12")
    service.ingest_text(TRADE_REPORT.replace("14 percent", "15 percent"), name="trade.txt", published="2023-01-12")
    bridge = service.ask(QUESTIONS[0]).fact
    service.edit_fact(bridge.id, bridge.text.replace("$12 million", "$14 million"), actor="discord:1",
                      guild_id=GUILD_A, reason="local correction")
    with pytest.raises(VersionConflict):
        service.edit_fact(bridge.id, bridge.text + " Again.", actor="discord:2", guild_id=GUILD_A, reason="race",
                          expected_version=1)
    service.retract_fact(bridge.id, actor="discord:3", guild_id=GUILD_B, reason="disputed")
    service.add_fact("The Riverton bridge will be named after engineer Ada Lindqvist.", source="Minutes",
                     actor="discord:1", guild_id=GUILD_A)
    service.add_alias("footbridge", "pedestrian bridge", actor="discord:1", guild_id=GUILD_A)
    service.add_alias("ISW", "Institute for the Study of War", actor="cli", guild_id=None)
    service.report_wrong_answer("How much is the bridge?", bridge.id, guild_id=GUILD_A, channel_id=5)
    item = service.record_unanswered("Who designed the bridge? “quoted” @everyone", guild_id=GUILD_B, channel_id=6)
    service.close_review(item.id, actor="discord:4", guild_id=GUILD_B)
    service.record_helpful(bridge.id, guild_id=GUILD_A)
    service.set_auto_answer(42, True, guild_id=GUILD_A, actor="discord:1")
    return service


def dump(service: FactService) -> dict[str, list[tuple]]:
    db = service.db
    return {table: db.execute(f"select * from [{table}] order by 1, 2").fetchall() for table in TABLES}


def views(service: FactService) -> list[object]:
    return [service.ask(q, guild_id=g).to_json() for q in QUESTIONS for g in (None, GUILD_A, GUILD_B)]


def test_export_then_import_into_an_empty_database_loses_nothing(service: FactService, tmp_path: Path) -> None:
    rich(service)
    out = io.StringIO()
    counts = service.export_jsonl(out)
    assert {"document", "fact", "override", "history", "alias", "review_item", "vote", "auto_answer"} <= set(counts)
    lines = out.getvalue().splitlines()
    assert json.loads(lines[0])["type"] == "header"
    restored = FactService(tmp_path / "restored.db")
    try:
        assert restored.import_jsonl(lines) == counts
        assert dump(restored) == dump(service)
        assert views(restored) == views(service)
        again = io.StringIO()
        restored.export_jsonl(again)
        assert again.getvalue().splitlines()[1:] == lines[1:]  # stable order, same records
        assert restored.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert restored.suggest("river") == service.suggest("river")
    finally:
        restored.close()


def test_import_refuses_a_database_that_holds_data(service: FactService, tmp_path: Path) -> None:
    rich(service)
    out = io.StringIO()
    service.export_jsonl(out)
    before = dump(service)
    with pytest.raises(DataFileError, match="already holds data"):
        service.import_jsonl(out.getvalue().splitlines())
    assert dump(service) == before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda lines: [*lines[:-3], "{not json", *lines[-3:]], "is not JSON"),
        (lambda lines: [*lines, json.dumps({"type": "spaceship", "id": 1})], "unknown record type"),
        (lambda lines: [*lines, json.dumps({"type": "fact", "id": 1, "text": "duplicate id", "scope": 0})],
         "cannot be restored"),
        (lambda lines: [*lines, json.dumps({"type": "alias", "id": 99, "term": {"nested": 1}})], "text, numbers"),
        (lambda lines: [*lines, json.dumps({"type": "fact", "colour": "red"})], "no field 'colour'"),
        (lambda lines: lines[1:], "not a factbot export"),
        (lambda lines: [json.dumps({**json.loads(lines[0]), "schema_version": 99}), *lines[1:]], "newer factbot"),
        (lambda lines: [], "not a factbot export"),
    ],
)
def test_a_bad_export_imports_nothing(service: FactService, tmp_path: Path, mutate, message: str) -> None:
    rich(service)
    out = io.StringIO()
    service.export_jsonl(out)
    target = FactService(tmp_path / "target.db")
    try:
        empty = dump(target)
        with pytest.raises(DataFileError, match=message):
            target.import_jsonl(mutate(out.getvalue().splitlines()))
        assert dump(target) == empty  # one transaction: all or nothing
    finally:
        target.close()


def test_backup_while_another_connection_writes(service: FactService, tmp_path: Path) -> None:
    rich(service)
    writer = FactService(service.path)  # a second connection: the running bot, say
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            writer.add_fact(f"Council note number {n} was filed on time.", source="Minutes", actor="bot",
                            guild_id=GUILD_A)
            written.append(n)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = []
        for i in range(5):
            copies.append(service.backup(tmp_path / f"backup-{i}.db"))
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert written, "the writer never wrote while backing up"
    counts = []
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(conn.execute("select count(*) from facts").fetchone()[0])
        conn.close()
        opened = FactService(copy)
        assert opened.ask(QUESTIONS[1]).answered
        opened.close()
    assert counts == sorted(counts)
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(DataFileError, match="already exists"):
        service.backup(copies[0])


def test_export_import_and_backup_from_the_command_line(service: FactService, tmp_path: Path) -> None:
    rich(service)
    service.close()

    def factbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env=clean_env(REPO_ROOT))

    exported = factbot("--db", str(service.path), "export", "all.jsonl")
    assert exported.returncode == 0, exported.stderr
    assert "Exported" in exported.stderr and (tmp_path / "all.jsonl").exists()
    imported = factbot("--db", "new.db", "import", "all.jsonl")
    assert imported.returncode == 0 and "Imported" in imported.stdout, imported.stderr
    again = factbot("--db", "new.db", "import", "all.jsonl")
    assert again.returncode == 1 and "already holds data" in again.stderr and "Traceback" not in again.stderr
    backed = factbot("--db", "new.db", "backup", "copy.db")
    assert backed.returncode == 0 and (tmp_path / "copy.db").exists(), backed.stderr
    asked = factbot("--db", "copy.db", "ask", "--json", "--guild", str(GUILD_A), QUESTIONS[0])
    assert "$14 million" in json.loads(asked.stdout)["text"]
    refused = factbot("--db", "new.db", "backup", "copy.db")
    assert refused.returncode == 1 and "already exists" in refused.stderr
