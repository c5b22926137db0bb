"""A user's clone passes the README's test command on its own: no Discord spec, no ``../shared`` beside it.

The repository's files (what ``git ls-files`` lists, as they are in the working tree) are copied
into an empty temporary folder, and the linter plus a representative part of the suite run
there with a clean environment: loopback end-to-end tests (which then skip only the OpenAPI schema
validation and say so in one line), the tests of the schema validator (skipped with a reason),
the shared-data test (skipped with a reason) and the quality floors on the project's own question
files (which run). It uses the installed interpreter: nothing is installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_repository

SUBSET = (
    "tests/bot/test_e2e_ask.py::test_ask_answers_publicly_with_a_sourced_embed",
    "tests/bot/test_e2e_ask.py::test_ask_abstains_privately_and_records_the_question",
    "tests/test_loopback_stand_in.py::test_invalid_bot_payload_answers_400_and_is_recorded",
    "tests/test_loopback_stand_in.py::test_validator_reports_content_over_2000",
    "tests/facts/test_eval_floor.py",
    "tests/facts/test_heldout_documents.py",
    "tests/cli/test_cli.py::test_eval_prints_figures_and_fails_below_thresholds",
)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's files alone in an empty folder (nothing named ``shared`` beside them)."""
    target = copy_repository(tmp_path_factory.mktemp("clone") / "factbot")
    assert not (target.parent / "shared").exists() and (target / "README.md").is_file()
    return target


def _user_env(clone: Path) -> dict[str, str]:
    """A person's shell: no factbot or Discord variables, no spec; the clone importable first."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FACTBOT_", "DISCORD_", "HYPOTHESIS_", "PYTEST_"))}
    env["PYTHONPATH"] = str(clone)
    return env


def test_the_test_command_passes_in_a_clone_with_nothing_beside_it(clone: Path) -> None:
    env = _user_env(clone)
    where = subprocess.run([sys.executable, "-c", "import bot, cli, facts, tests; print(facts.__file__)"],
                           cwd=clone, env=env, capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(clone), where.stdout + where.stderr
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SUBSET], cwd=clone, env=env,
                         capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert f"rootdir: {clone}" in output
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 6, output[-3000:]
    assert not re.search(r"\d+ (failed|errors?)\b", output), output[-3000:]
    assert re.search(r"SKIPPED \[1\] tests/helpers\.py:\d+: needs the project's shared data "
                     r"\.\./shared/eval/seed-dev\.jsonl", output), output[-3000:]
    assert re.search(r"SKIPPED \[1\] .*needs Discord's OpenAPI spec", output), output[-3000:]
    notices = [line for line in output.splitlines() if "DISCORD_OPENAPI_SPEC" in line]
    assert len(notices) == 1 and notices[0].startswith("DISCORD_OPENAPI_SPEC is not set: 3 loopback runs"), notices
