"""Property-based tests of the `factbot` command line: hostile questions and arguments, no tracebacks."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import main as cli
from facts.service import FactService
from tests.fuzzing import NASTY, examples, question_text, tried
from tests.helpers import REPO_ROOT, clean_env


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """``factbot ARGV`` in this process, with its own stdin, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:  # argparse refusing the arguments
                code = int(exit_.code or 0)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def test_ask_on_the_command_line_never_shows_a_traceback(sample_db_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "ask.db"
    shutil.copy(sample_db_template, db)
    texts = {row[0] for row in FactService(db).db.execute("select text from facts")}

    @settings(max_examples=examples(800))
    @given(question=question_text, as_json=st.booleans(), guild=st.sampled_from([[], ["--guild", "111"]]))
    def run(question: str, as_json: bool, guild: list[str]) -> None:
        tried("cli: ask QUESTION")
        argv = ["--db", str(db), "--env-file", str(tmp_path / "none.env"), "ask", *guild,
                *(["--json"] if as_json else []), "--", question]
        code, out, err = run_cli(argv)
        assert code in (0, 1), err
        assert "Traceback" not in err and "Traceback" not in out
        if code == 1:
            assert err.startswith("factbot: ") or (as_json and '"error"' in out)
        if as_json and code == 0:
            data = json.loads(out)
            assert data["text"] is None or data["text"] in texts

    run()


def test_ask_reading_stdin_answers_every_line_once(sample_db_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "stdin.db"
    shutil.copy(sample_db_template, db)

    @settings(max_examples=examples(300))
    @given(lines=st.lists(question_text.map(lambda q: " ".join(q.splitlines())), min_size=1, max_size=8))
    def run(lines: list[str]) -> None:
        tried("cli: ask --json - (stdin)")
        code, out, err = run_cli(["--db", str(db), "--env-file", str(tmp_path / "none.env"), "ask", "--json", "-"],
                                 stdin="\n".join(lines) + "\n")
        assert "Traceback" not in err
        asked = [line for line in (piece.rstrip("\n") for piece in io.StringIO("\n".join(lines) + "\n")) if
                 line.strip()]
        answers = [json.loads(line) for line in out.splitlines()]
        assert len(answers) == len(asked)
        assert code == (1 if any("error" in a for a in answers) else 0)

    run()


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_the_real_process_survives_invalid_utf8_and_surrogates(
    sample_db_template: Path, tmp_path: Path, locale: str
) -> None:
    """Bytes that are not UTF-8 on stdin, and arguments the OS hands over undecodable, end in JSON lines."""
    env = {**clean_env(REPO_ROOT), "LC_ALL": locale}
    db = tmp_path / "proc.db"
    shutil.copy(sample_db_template, db)
    stdin = b"\n".join([b"where is the ISW based", b"\xff\xfe\xfd broken \xc3", b"\xed\xa0\x80 lone surrogate",
                        *(item.encode("utf-8", "surrogatepass") for item in NASTY)]) + b"\n"
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", str(db), "ask", "--json", "-"], input=stdin,
        capture_output=True, timeout=120, cwd=tmp_path, env=env,
    )
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")[-2000:]
    lines = run.stdout.decode("utf-8").splitlines()
    assert len(lines) >= 3 and all(json.loads(line)["question"] is not None for line in lines)
    argv = subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", str(db), "ask", "--json", b"caf\xe9 \xff where is the ISW".decode(
            "utf-8", "surrogateescape")], capture_output=True, timeout=120, cwd=tmp_path, env=env,
    )
    assert b"Traceback" not in argv.stderr, argv.stderr.decode(errors="replace")[-2000:]
    assert argv.returncode in (0, 1) and json.loads(argv.stdout)
