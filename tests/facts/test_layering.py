"""Layering: the engine stays Discord-free, the analysis stays pure, front ends sit on top.

- nothing in facts/ or config/ imports discord, the bot or the command line;
- facts/analysis/ (rule-based text analysis) imports nothing else from facts/;
- facts/migrations.py imports no live code from facts/ (each migration freezes what it needs);
- cli/ may use bot/ (``factbot run`` starts it), bot/ never imports cli/;
- in facts/, SQL runs only in the store, repository and index modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

SQL_MODULES = frozenset({
    "database.py", "repository.py", "fact_writes.py", "postings.py", "vocabulary.py", "migrations.py",
    "feedback.py", "citations.py", "export_store.py",
    "quality.py",  # the offline quality harness: its FTS5 bm25 baseline lives in a database of its own
})
"""The modules of facts/ that run SQL statements; every other module calls them."""


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in (REPO_ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found += [(path, node.module)]
    return found


@pytest.mark.parametrize("package", ["facts", "config"])
def test_engine_packages_never_import_discord_bot_or_cli(package: str) -> None:
    offenders = [f"{p.name}: {m}" for p, m in _imports(package) if m.split(".")[0] in ("discord", "bot", "cli")]
    assert offenders == []


def test_analysis_imports_nothing_else_from_facts() -> None:
    offenders = [f"{p.name}: {m}" for p, m in _imports("facts/analysis")
                 if m.startswith("facts.") and not m.startswith("facts.analysis")]
    assert offenders == []


def test_migrations_import_no_live_code() -> None:
    # A migration must do the same thing whatever live code becomes: it freezes what it needs.
    path = REPO_ROOT / "facts" / "migrations.py"
    offenders = [m for p, m in _imports("facts") if p == path and m.split(".")[0] == "facts"]
    assert offenders == []


def test_bot_never_imports_the_command_line() -> None:
    offenders = [f"{p.name}: {m}" for p, m in _imports("bot") if m.split(".")[0] == "cli"]
    assert offenders == []


def test_sql_runs_only_in_the_store_layer() -> None:
    statements = ("execute", "executemany", "executescript", "query")
    running = set()
    for path in (REPO_ROOT / "facts").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in statements:
                running.add(path.relative_to(REPO_ROOT / "facts").as_posix())
    assert running - SQL_MODULES == set()
