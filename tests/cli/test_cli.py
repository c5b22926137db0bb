"""The `factbot` command, run as a real subprocess the way a person runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CITY_REPORT, REPO_ROOT


def factbot(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a clean environment (no token) in ``cwd``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FACTBOT_", "DISCORD_"))}
    base["PYTHONPATH"] = str(REPO_ROOT)
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120, env=base)


def test_ask_json_builds_the_sample_database_on_first_use(tmp_path: Path) -> None:
    result = factbot("ask", "--json", "where is the ISW based", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answered"] and data["source"]["published"] == "2024-10-25"
    assert (tmp_path / "factbot.db").exists()
    assert "Traceback" not in result.stderr


def test_ask_reads_questions_from_stdin_one_json_object_per_line(tmp_path: Path) -> None:
    result = factbot("--db", "q.db", "ask", "--json", "-", cwd=tmp_path,
                     stdin="when did the first nk troops show up in the war zone\n\nwho won the world cup\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]
    assert lines[1]["suggestions"] is not None


def test_ingest_then_ask_a_new_document(tmp_path: Path) -> None:
    doc = tmp_path / "riverton.md"
    doc.write_text(CITY_REPORT, encoding="utf-8")
    first = factbot("--db", "n.db", "ingest", str(doc), cwd=tmp_path)
    assert first.returncode == 0 and "5 facts added" in first.stdout
    again = factbot("--db", "n.db", "ingest", str(doc), cwd=tmp_path)
    assert "nothing added" in again.stdout
    answer = factbot("--db", "n.db", "ask", "Who is the mayor of Riverton?", cwd=tmp_path)
    assert "Helena Ortiz" in answer.stdout and "Riverton council approves new bridge" in answer.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "missing.txt"), "no such file"),
        (("ingest", "binary.txt"), "binary.txt"),
        (("ask", "   "), "empty"),
        (("ask", "?!?!"), "punctuation"),
        (("fact", "999999"), "no fact #999999"),
        (("edit", "1", "", "--reason", "x"), "needs some words"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(tmp_path: Path, args: tuple[str, ...],
                                                       message: str) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    result = factbot("--db", "b.db", *args, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr.lower() or message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list")
    result = factbot("--db", str(notes), "ask", "anything new?", cwd=tmp_path)
    assert result.returncode == 1 and "not an SQLite file" in result.stderr
    assert notes.read_text() == "shopping list"


def test_run_without_token_answers_piped_questions_and_exits(tmp_path: Path) -> None:
    result = factbot("run", cwd=tmp_path, stdin="where is the ISW based\n")
    assert result.returncode == 0
    assert "offline console" in result.stderr
    assert "Q: where is the ISW based" in result.stdout and "Source:" in result.stdout


def test_settings_errors_are_listed_and_exit_2(tmp_path: Path) -> None:
    result = factbot("ask", "hi", cwd=tmp_path, env={"FACTBOT_MIN_CONFIDENCE": "high", "FACTBOT_LOG_LEVEL": "x"})
    assert result.returncode == 2
    assert "FACTBOT_MIN_CONFIDENCE" in result.stderr and "FACTBOT_LOG_LEVEL" in result.stderr


def test_eval_prints_figures_and_fails_below_thresholds(tmp_path: Path) -> None:
    document = REPO_ROOT / "tests" / "data" / "heldout" / "westbridge-green-line-extension.md"
    assert factbot("ingest", str(document), cwd=tmp_path).returncode == 0
    questions = str(document.with_suffix(".jsonl"))
    ok = factbot("eval", questions, "--min-answered", "0.5", cwd=tmp_path)
    assert ok.returncode == 0 and "answerable answered right" in ok.stdout
    strict = factbot("eval", questions, "--min-answered", "1.01", cwd=tmp_path)
    assert strict.returncode == 1 and "below the thresholds" in strict.stderr


def test_moderator_commands_change_and_record(tmp_path: Path) -> None:
    ask = factbot("--db", "m.db", "ask", "--json", "where is the ISW based", cwd=tmp_path)
    fact_id = json.loads(ask.stdout)["fact_id"]
    retract = factbot("--db", "m.db", "retract", str(fact_id), "--reason", "checking", "--actor", "cli:mod",
                      cwd=tmp_path)
    assert retract.returncode == 0 and "retracted" in retract.stdout
    shown = factbot("--db", "m.db", "fact", str(fact_id), cwd=tmp_path)
    assert "retract by cli:mod: checking" in shown.stdout


def test_a_reader_that_goes_away_ends_quietly(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FACTBOT_", "DISCORD_"))}
    base["PYTHONPATH"] = str(REPO_ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ask", "-"], cwd=tmp_path, env=base, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    process.stdout.close()  # like `factbot ask - | head -0`
    _, stderr = process.communicate("where is the ISW based\n" * 50, timeout=120)
    assert "Traceback" not in stderr
    assert process.returncode == 0
