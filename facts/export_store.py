"""Reading the tables a person made, for an export and the checks before an import (the SQL of keeping data).

:mod:`facts.portability` owns the file format; this module owns the queries. Rows an import
restores are written through the one write path (:meth:`facts.fact_writes.FactWrites.restore`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlite_utils import Database


class KeptTable(NamedTuple):
    """A table holding what a person made: its name, what an export calls its rows, its stable order."""

    name: str
    record_type: str
    order_by: str


KEPT_TABLES: tuple[KeptTable, ...] = (
    KeptTable("documents", "document", "id"),
    KeptTable("facts", "fact", "id"),
    KeptTable("fact_history", "history", "id"),
    KeptTable("aliases", "alias", "id"),
    KeptTable("review_items", "review_item", "id"),
    KeptTable("votes", "vote", "fact_id, scope"),
    KeptTable("auto_answer", "auto_answer", "scope, channel_id"),
)
"""Every kept table, in the order an export writes them (derived tables, such as the index, are rebuilt)."""


@contextlib.contextmanager
def read_snapshot(db: Database) -> Iterator[None]:
    """One read transaction: every read inside sees one consistent state, even while another connection writes."""
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.rollback()


def table_rows(db: Database, table: KeptTable) -> Iterator[dict[str, Any]]:
    """Every row of the kept ``table`` as column -> value, in its stable order."""
    cursor = db.execute(f"select * from [{table.name}] order by {table.order_by}")
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


def holds_kept_data(db: Database) -> bool:
    """True when any kept table has a row (the database is not a fresh file)."""
    return any(db.execute(f"select 1 from [{table.name}] limit 1").fetchone() for table in KEPT_TABLES)


def column_names(db: Database, table: str) -> set[str]:
    """The columns of ``table`` in this database's schema."""
    return {row[1] for row in db.execute(f"pragma table_info([{table}])")}
