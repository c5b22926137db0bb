"""The quality harness end to end on one unseen SQuAD 2.0 article (skipped without ../shared).

The engine's best fact must be right at least as often as plain SQLite FTS5 bm25's and brute-force
rapidfuzz's over the same sentences, and its confidence must rank right answers above
unanswerable questions better than chance.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facts.quality import baseline_outcomes, figures, hand_outcomes, shared_dir, squad2_traces

ARTICLE = "dev-08-packet-switching.txt"


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> list:
    shared = shared_dir()
    if not (shared / "eval" / "squad2-tune" / "docs" / ARTICLE).is_file():
        pytest.skip(f"the shared SQuAD 2.0 tuning pool is not at {shared} (set FACTBOT_SHARED_DIR)")
    return squad2_traces(Path(tmp_path_factory.mktemp("quality")), shared, docs=[ARTICLE])


def test_engine_beats_both_baselines_on_an_unseen_article(traces: list) -> None:
    assert len(traces) >= 100 and any(not t.answerable for t in traces)
    engine = figures(hand_outcomes(traces), 0.5)
    fts = figures(baseline_outcomes(traces, "fts"), None, False)
    fuzzy = figures(baseline_outcomes(traces, "fuzz"), None, False)
    assert engine.top >= fts.top and engine.top >= fuzzy.top, (engine, fts, fuzzy)
    assert engine.auc > 0.55, engine
