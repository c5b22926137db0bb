"""The benchmark runs end to end at a tiny size and reports every column and baseline (timings never asserted)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.corpus import Generator, questions
from bench.report import COLUMNS, NAMES


def test_the_generator_is_deterministic_and_questions_name_their_targets() -> None:
    first, second = Generator().corpus(300), Generator().corpus(300)
    assert [d.render() for d in first] == [d.render() for d in second]
    sentences = [s for d in first for s in d.sentences()]
    assert len(sentences) == 300
    assert all(15 <= len(s.text.split()) <= 45 for s in sentences)
    asked = questions(first, 20)
    assert len(asked) == 20
    assert all(q.text.endswith("?") and sentences[q.index].text == q.target for q in asked)


def test_smallest_size_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loopback = bool(os.environ.get("DISCORD_OPENAPI_SPEC"))  # the stand-in validates against Discord's spec
    assert main(["--sizes", "300", "--questions", "12", "--loopback-seconds", "1" if loopback else "0",
                 "--rate", "10", "--workers", "1", "--out", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    header = table.splitlines()[0]
    assert all(column in header for column in COLUMNS)
    for name in NAMES.values():
        assert f"| {name} |" in table
    assert "Start-up to ready" in table
    report = json.loads((tmp_path / "latest.json").read_text())
    results = report["sizes"]["300"]
    assert set(results) == {"factbot", "rapidfuzz", "fts5"}
    for result in results.values():
        assert len(result["latencies"]) == len(result["hits"]) > 0
    assert len(results["factbot"]["reply_hits"]) == len(results["factbot"]["hits"])
    assert "The reply led with the target for" in table
    if loopback:
        assert "Loopback Discord" in table and "event-loop stall" in table
        assert report["loopback"]["ask"]["sent"] == report["loopback"]["mention"]["sent"] == 10
    assert report["startup"]["ready_seconds"] > 0


def test_claims_cost_runs_at_a_tiny_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.claims_cost import main as claims_cost

    assert claims_cost(["--facts", "300", "--questions", "12", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "300 facts, 12 questions" in out and "claims add:" in out and "p99" in out
