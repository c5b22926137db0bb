"""Shared test helpers: fresh databases, made-up documents, repository paths."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# The project's shared data beside the repository (``../shared``, or ``$FACTBOT_SHARED_DIR``): not in a clone.
SHARED = Path(os.environ.get("FACTBOT_SHARED_DIR", REPO_ROOT.parent / "shared"))
DEV_SET_PARTS = ("eval", "seed-dev.jsonl")
#: Set by ``.ci/run``: missing shared data (or Discord's OpenAPI spec) fails the run instead of skipping.
REQUIRE_SHARED = "FACTBOT_REQUIRE_SHARED"


def shared_file(*parts: str) -> Path:
    """A file of ``../shared``; the calling test is skipped (failed under ``$FACTBOT_REQUIRE_SHARED``) without it."""
    path = SHARED.joinpath(*parts)
    if path.is_file():
        return path
    where = "/".join(("../shared", *parts))
    if os.environ.get(REQUIRE_SHARED, "").strip() not in ("", "0"):
        pytest.fail(f"{where} is missing and {REQUIRE_SHARED} is set (set FACTBOT_SHARED_DIR to its folder)")
    pytest.skip(f"needs the project's shared data {where}, which is not part of the repository")

CITY_REPORT = """---
title: Riverton council approves new bridge
url: https://news.example.org/riverton-bridge
outlet: Example News
published: 2023-03-10
---
The Riverton city council voted on March 8 to approve a new pedestrian bridge over the Clear River.
Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025.

Construction is expected to begin in June, according to the city engineer, Tomas Berg.
Opponents argued that the money should go to road repairs instead.
On the same day, the council also rejected a proposal to raise parking fees.
"""

TRADE_REPORT = """Brazilian officials announced on Tuesday that soybean exports to China rose by 14 percent in 2022.
Agriculture Minister Carlos Favaro told reporters in Brasília that the harvest had been the largest on record.
Argentina, a regional competitor, suffered a severe drought that cut its output by nearly half.
"""


def clean_env(repo: Path) -> dict[str, str]:
    """The environment without factbot's or Discord's settings, with the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTBOT_", "DISCORD_"))}
    env["PYTHONPATH"] = str(repo)
    return env


def copy_repository(target: Path) -> Path:
    """Copy the repository's files (``git ls-files``, as they are in the working tree) into ``target``.

    What a ``git clone`` of this tree would hold, uncommitted edits included. Skips the calling
    test when git or the checkout is not there.
    """
    if shutil.which("git") is None:
        pytest.skip("git is not installed: cannot list the repository's files")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO_ROOT, capture_output=True, timeout=60)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot list the repository's files")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target
