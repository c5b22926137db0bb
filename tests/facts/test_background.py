"""Background word statistics: the shipped file, and the builder run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from facts.analysis.text import stem
from facts.background import Background, load_background

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_statistics_know_common_words_and_names() -> None:
    background = load_background()
    assert background.metadata["articles"] > 100
    assert background.count(stem("first")) > background.count(stem("styrene"))
    assert background.idf(stem("first")) < background.idf(stem("zzzqxv"))
    assert background.capitalised("france") > 0.95 > background.capitalised("first")


def test_the_builder_counts_sentences_and_capitals(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "The river Avon runs west. Boats sail on the Avon.\nThe boats on the Avon are old.\n"
    (docs / "001-a.txt").write_text(text, encoding="utf-8")
    (docs / "002-b.txt").write_text("Left out on purpose: Avon avon avon.\n", encoding="utf-8")
    out = tmp_path / "bg.npz"
    done = subprocess.run([sys.executable, "-m", "facts.train_background", "--docs", str(docs), "--out", str(out),
                           "--exclude", "002", "--min-count", "1"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    background = Background.from_file(out)
    assert background.sentences == 3 and background.metadata["articles"] == 1
    assert background.count(stem("boats")) == 2 and background.count(stem("river")) == 1
    assert background.capitalised("avon") == 1.0  # written "Avon" all three times mid-sentence (002 was skipped)
    assert background.capitalised("river") is None  # seen too rarely to say
