"""Regenerate ``schema_v1.sql``: the first released schema (migration 1) with a few rows, as SQL text.

Run once, from the repository root, at schema version 1: ``python -m tests.data.make_schema_v1``.
The fixture is committed and must not follow later migrations: it stands for a database made by
the first release, which every later release has to open and migrate forward.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from facts.migrations import LATEST_VERSION
from facts.service import FactService
from tests.helpers import CITY_REPORT

TARGET = Path(__file__).with_name("schema_v1.sql")
TABLES = ["meta", "documents", "facts", "fact_history", "aliases", "review_items", "votes", "auto_answer", "vocab"]


def build(path: Path) -> None:
    """A v1 database with a document, an override, a retraction, an alias and a review item."""
    service = FactService(path)
    service.ingest_text(CITY_REPORT, name="riverton.md")
    fact = service.ask("How much will the Riverton bridge cost?").fact
    service.edit_fact(fact.id, fact.text.replace("$12 million", "$13 million"), actor="discord:1", guild_id=111,
                      reason="local correction")
    service.retract_fact(fact.id, actor="discord:2", guild_id=222, reason="disputed")
    service.add_alias("footbridge", "pedestrian bridge", actor="cli", guild_id=None)
    service.record_unanswered("Who designed the bridge?", guild_id=111, channel_id=5)
    service.close()


def dump(path: Path) -> str:
    """Schema (tables, FTS5 table, triggers, indexes; no FTS shadow tables) then rows; FTS refills by trigger."""
    conn = sqlite3.connect(path)
    schema = conn.execute(
        "select type, name, sql from sqlite_master where sql is not null and name not like 'facts_fts_%' "
        "order by case type when 'table' then 0 when 'index' then 1 else 2 end, rowid"
    ).fetchall()
    lines = ["-- factbot database at schema version 1 (first release), made by tests/data/make_schema_v1.py",
             "BEGIN;"]
    lines += [f"{sql};" for kind, _, sql in schema if kind in ("table", "index")]
    lines += [f"{sql};" for kind, _, sql in schema if kind == "trigger"]
    for table in TABLES:
        for row in conn.execute(f"select * from [{table}] order by rowid"):
            values = ", ".join(conn.execute("select quote(?)", [value]).fetchone()[0] for value in row)
            lines.append(f"INSERT INTO [{table}] VALUES ({values});")
    lines.append("COMMIT;")
    conn.close()
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    assert LATEST_VERSION == 1, "the fixture stands for the first release: build it at schema version 1"
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "v1.db"
        build(database)
        TARGET.write_text(dump(database), encoding="utf-8")
    print(f"wrote {TARGET}")
