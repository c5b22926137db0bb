"""The fitted confidence: the shipped model, how an answer's confidence comes from it, and the fitting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from facts.confidence import (
    CONFIDENCE_FEATURES,
    ConfidenceModel,
    default_threshold,
    feature_row,
    load_confidence_model,
)
from facts.matching import concept_weight, rank, trees_order, unknown_share
from facts.quality import Outcome
from facts.service import FactService
from facts.train_confidence import choose_threshold, fit, predict

MODEL = load_confidence_model()
needs_model = pytest.mark.skipif(MODEL is None, reason="no fitted confidence model is bundled")


def _ranked(service: FactService, question: str, fitted: bool):
    vocabulary = service.vocabulary.for_scope(0)
    return rank(service.db.conn, question, 0, service.aliases(0), vocabulary, service._accumulator, fitted=fitted)


@needs_model
def test_the_bundled_model_says_what_it_was_fitted_on() -> None:
    assert MODEL is not None
    assert 0.2 <= MODEL.threshold <= 0.9
    assert "squad2-tune" in MODEL.meta["data"] and "news-four" in MODEL.meta["data"]
    assert MODEL.meta["held_out"]["news-sample"]["balanced"] > 0.5
    assert len(MODEL.weights) == len(CONFIDENCE_FEATURES)


@needs_model
def test_a_new_service_answers_at_the_fitted_threshold(tmp_path) -> None:
    service = FactService(tmp_path / "f.db")
    try:
        assert service.min_confidence == default_threshold() == MODEL.threshold
        assert FactService(tmp_path / "g.db", min_confidence=0.3).min_confidence == 0.3
    finally:
        service.close()


@needs_model
def test_the_answer_confidence_is_the_models_probability_of_the_shipped_orders_top_fact(
        news_service: FactService) -> None:
    question_text = "When did the Riverton council approve the bridge?"
    question, hand = _ranked(news_service, question_text, fitted=False)
    _, calibrated = _ranked(news_service, question_text, fitted=True)
    vocabulary = news_service.vocabulary.for_scope(0)
    weights = [concept_weight(c, vocabulary) for c in question.concepts]
    shipped = trees_order(question, hand, unknown_share(question, weights))  # the bundled trees' order, if any
    assert [s.candidate.id for s in calibrated] == [s.candidate.id for s in shipped]
    row = feature_row(question, shipped, weights, vocabulary.total)
    assert calibrated[0].confidence == pytest.approx(MODEL.probability(row))
    assert all(0.0 <= s.confidence <= calibrated[0].confidence for s in calibrated)
    answer = news_service.ask(question_text)
    assert answer.answered and answer.confidence == pytest.approx(calibrated[0].confidence)


@needs_model
def test_a_question_the_facts_cannot_answer_gets_a_low_confidence(news_service: FactService) -> None:
    covered = news_service.ask("When did the Riverton council approve the bridge?")
    off_topic = news_service.ask("Who won the football world cup in 1998?")
    assert covered.answered and not off_topic.answered
    assert off_topic.confidence < default_threshold() < covered.confidence


def test_a_model_fitted_on_other_features_is_refused() -> None:
    data = ConfidenceModel(np.zeros(2), np.ones(2), np.zeros(2), 0.0, 0.5, {}).to_json()
    data["features"] = ["coverage", "something_else"]
    with pytest.raises(ValueError, match="other features"):
        ConfidenceModel.from_json(json.loads(json.dumps(data)))


def test_fitting_learns_which_feature_marks_a_right_answer_and_picks_a_balanced_threshold() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=(400, len(CONFIDENCE_FEATURES)))
    y = x[:, 0] + 0.3 * rng.normal(size=400) > 0.5
    model = fit([(x, y, 1)])
    p = predict(model, x)
    assert p[y].mean() > 0.7 > 0.3 > p[~y].mean()
    assert abs(model.weights[0]) == max(abs(model.weights))
    # Right answers (answerable, right) and unanswerable questions, confidences from the model:
    outcomes = [Outcome(bool(r), bool(r), float(c)) for r, c in zip(y, p, strict=True)]
    threshold = choose_threshold([outcomes, outcomes[:200]])
    assert 0.2 <= threshold <= 0.8
    right = np.mean([o.confidence >= threshold for o in outcomes if o.answerable])
    abstained = np.mean([o.confidence < threshold for o in outcomes if not o.answerable])
    assert right > 0.8 and abstained > 0.8


def test_fitting_says_what_it_needs_when_the_shared_sets_are_missing(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from tests.helpers import REPO_ROOT

    model_file = REPO_ROOT / "facts" / "data" / "confidence_model.json"
    before = model_file.read_bytes()
    env = {**os.environ, "FACTBOT_SHARED_DIR": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-m", "facts.train_confidence", "--work", str(tmp_path / "work")],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "no shared question sets" in done.stderr and "FACTBOT_SHARED_DIR" in done.stderr
    assert model_file.read_bytes() == before  # nothing written
