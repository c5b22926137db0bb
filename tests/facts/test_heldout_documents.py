"""Answer quality on other news documents (tests/data/heldout): the methods must carry over.

These question sets were written by someone who had not seen the engine, in the shared dev
set's format, about documents unlike the bundled corpus. Each document is ingested on its own
beside the sample corpus, as a user would add it with `factbot ingest`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facts.evaluation import evaluate, load_questions
from facts.quality import ask_for_short_answers
from facts.service import FactService
from tests.helpers import REPO_ROOT

HELDOUT = REPO_ROOT / "tests" / "data" / "heldout"
DOCUMENTS = sorted(p for p in HELDOUT.glob("*.md") if p.name != "README.md")

# Levels reached over all three documents together (raise as the matcher improves; never lower).
ANSWERED_FLOOR = 0.76
ABSTAINED_FLOOR = 0.94


def test_heldout_documents_are_present() -> None:
    assert len(DOCUMENTS) >= 3
    for document in DOCUMENTS:
        assert document.with_suffix(".jsonl").is_file()


@pytest.fixture(scope="module")
def heldout_results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, object]]:
    results = []
    for document in DOCUMENTS:
        service = FactService(tmp_path_factory.mktemp("heldout") / "facts.db")
        service.ensure_sample_corpus()
        service.ingest_path(document)
        results.append((document, evaluate(load_questions(document.with_suffix(".jsonl")), service.ask)))
        service.close()
    return results


def test_other_documents_reach_the_quality_floor(heldout_results: list) -> None:
    answered = sum(r.answered_right for _, r in heldout_results)
    answerable = sum(r.answerable for _, r in heldout_results)
    abstained = sum(r.abstained_right for _, r in heldout_results)
    unanswerable = sum(r.unanswerable for _, r in heldout_results)
    report = "\n\n".join(f"{doc.name}\n{r.summary()}" for doc, r in heldout_results)
    assert answered / answerable >= ANSWERED_FLOOR, report
    assert abstained / unanswerable >= ABSTAINED_FLOOR, report


SHORT_ANSWER_FLOOR = 0.85
"""Share of right answers to when/how-many/who/where/which questions whose short answer is a gold one."""
FACTUAL_KINDS = ("when", "how-many", "who", "where", "which")


def test_right_answers_carry_the_short_answer(tmp_path: Path) -> None:
    outcomes = []
    for document in DOCUMENTS:
        service = FactService(tmp_path / f"{document.stem}.db")
        service.ensure_sample_corpus()
        service.ingest_path(document)
        outcomes += ask_for_short_answers(service, load_questions(document.with_suffix(".jsonl")))[0]
        service.close()
    right = [o for o in outcomes if o.right and o.kind in FACTUAL_KINDS]
    missed = [(o.question, o.short, o.gold) for o in right if not o.found]
    assert len(right) >= 15
    assert 1 - len(missed) / len(right) >= SHORT_ANSWER_FLOOR, missed


NEWS = REPO_ROOT / "tests" / "data" / "heldout-news"
NEWS_FLOORS = {"sample-report": (0.80, 0.88), "four-outlets": (0.45, 0.77),
               "news2": (0.57, 0.44), "news3": (0.59, 0.61), "news4": (0.35, 0.77), "news5": (0.57, 0.72),
               "news6": (0.52, 0.61)}
"""(answered right, abstained) as shipped: the confidence model was fitted with tests/data/heldout-news
among others (these floors guard against regressions; held-out figures are in the README), never with
tests/data/heldout-news2 to -news6."""


def test_the_blind_news_sets_reach_their_floors(tmp_path: Path) -> None:
    service = FactService(tmp_path / "news.db")
    service.ensure_sample_corpus()
    results = {"sample-report": evaluate(load_questions(NEWS / "sample-report.jsonl"), service.ask)}
    for document in sorted(p for p in NEWS.glob("*.md") if p.name != "README.md"):
        service.ingest_path(document)
    results["four-outlets"] = evaluate(load_questions(NEWS / "four-outlets.jsonl"), service.ask)
    service.close()
    for name in ("news2", "news3", "news4", "news5", "news6"):  # other events' four outlets, never fitted on
        folder = REPO_ROOT / "tests" / "data" / f"heldout-{name}"
        other = FactService(tmp_path / f"{name}.db")
        other.ensure_sample_corpus()
        for document in sorted(p for p in folder.glob("*.md") if p.name != "README.md"):
            other.ingest_path(document)
        results[name] = evaluate(load_questions(folder / "four-outlets.jsonl"), other.ask)
        other.close()
    for name, (answered, abstained) in NEWS_FLOORS.items():
        result = results[name]
        assert result.answerable >= 40 and result.unanswerable >= 15
        assert result.answer_rate >= answered and result.abstain_rate >= abstained, f"{name}\n{result.summary()}"
