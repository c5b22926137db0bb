"""The engine stays Discord-free: nothing in facts/ or config/ imports discord."""

from __future__ import annotations

import ast

import pytest

from tests.helpers import REPO_ROOT


@pytest.mark.parametrize("package", ["facts", "config"])
def test_engine_packages_never_import_discord(package: str) -> None:
    offenders = []
    for path in (REPO_ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("discord", "bot")]
    assert offenders == []
