"""The fitted answer selector's run-time parts and the quality harness's figures.

The selector is only used when a fitted model file is installed in the package (``python -m
facts.train --install``); these tests build small models by hand and run them on real candidates.
"""

from __future__ import annotations

import numpy as np
import pytest

from facts.matching import rank
from facts.quality import Outcome, best_balance, calibration, figures, roc_auc
from facts.selector import FEATURES, AnswerModel, Trees, candidate_rows, select
from facts.service import FactService
from facts.train import fit_logistic


def _ranked(service: FactService, question: str) -> tuple[object, list]:
    vocabulary = service.vocabulary.for_scope(0)
    return rank(service.db.conn, question, 0, service.aliases(0), vocabulary, service._accumulator, fitted=False)


def _model(weights: dict[str, float], trees: Trees | None = None) -> AnswerModel:
    vector = np.array([weights.get(name, 0.0) for name in FEATURES])
    return AnswerModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), vector, 0.0, (1.0, 0.0, 0.0),
                       0.5, {}, trees)


def test_trees_sum_the_leaf_each_row_reaches() -> None:
    # Tree 0 splits feature 0 at 0.5 (leaves 1.0 / 2.0); tree 1 is a single leaf of 0.25 (padded).
    trees = Trees(
        feature=np.array([[0, 0, 0], [0, 0, 0]]), threshold=np.array([[0.5, 0, 0], [0, 0, 0]]),
        left=np.array([[1, 1, 2], [0, 1, 2]]), right=np.array([[2, 1, 2], [0, 1, 2]]),
        value=np.array([[0, 1.0, 2.0], [0.25, 0, 0]]), depth=1,
    )
    scores = trees.predict(np.array([[0.2], [0.9], [0.5]]))
    assert scores.tolist() == [1.25, 2.25, 1.25]
    assert Trees.from_json(trees.to_json()).predict(np.array([[0.9]])).tolist() == [2.25]


def test_logistic_fit_is_deterministic_and_finds_the_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] + 0.1 * rng.normal(size=400) > 0).astype(float)
    first, second = fit_logistic(x, y, 1.0), fit_logistic(x, y, 1.0)
    assert np.array_equal(first[0], second[0]) and first[1] == second[1]
    assert abs(first[0][1]) > 5 * max(abs(first[0][0]), abs(first[0][2]))


def test_selector_reorders_real_candidates_and_gives_probabilities(news_service: FactService) -> None:
    question, ranked = _ranked(news_service, "who said the bridge would cost money")
    assert len(ranked) >= 2
    rows = candidate_rows(question, ranked, 0.0)
    assert rows.shape == (len(ranked), len(FEATURES))
    longest = max(ranked, key=lambda s: len(s.candidate.text))
    chosen = select(question, list(ranked), 0.0, _model({"log_length": 5.0}))
    assert chosen[0].candidate.id == longest.candidate.id
    assert all(0.0 <= s.confidence <= 1.0 for s in chosen)
    assert chosen[0].confidence == max(s.confidence for s in chosen)


def test_a_model_that_keeps_the_hand_set_confidence_only_reorders(news_service: FactService) -> None:
    question, ranked = _ranked(news_service, "who said the bridge would cost money")
    hand = {s.candidate.id: s.confidence for s in ranked}
    longest = max(ranked, key=lambda s: len(s.candidate.text))
    model = _model({"log_length": 5.0})
    model = AnswerModel.from_json({**model.to_json(), "meta": {"confidence": "hand-set"}})
    chosen = select(question, list(ranked), 0.0, model)
    assert chosen[0].candidate.id == longest.candidate.id
    assert {s.candidate.id: s.confidence for s in chosen} == hand


def test_a_model_that_reorders_only_the_head_leaves_the_rest_in_hand_set_order(news_service: FactService) -> None:
    question, ranked = _ranked(news_service, "who said the bridge would cost money")
    assert len(ranked) >= 3
    model = _model({"log_length": 5.0})
    model = AnswerModel.from_json({**model.to_json(), "meta": {"confidence": "hand-set", "reorders": 2}})
    chosen = select(question, list(ranked), 0.0, model)
    head = sorted(ranked[:2], key=lambda s: -len(s.candidate.text))  # the longer of the first two leads
    assert [id(s) for s in chosen] == [id(s) for s in head + ranked[2:]]
    assert candidate_rows(question, ranked, 0.0, limit=2).tolist() == candidate_rows(question, ranked, 0.0)[:2].tolist()


def test_saved_model_round_trips_and_refuses_other_features() -> None:
    model = _model({"coverage": 2.0})
    data = model.to_json()
    again = AnswerModel.from_json(data)
    rows = np.ones((2, len(FEATURES)))
    assert np.allclose(again.logits(rows), model.logits(rows))
    with pytest.raises(ValueError, match="other features"):
        AnswerModel.from_json({**data, "features": ["coverage"]})


def test_quality_figures_follow_their_definitions() -> None:
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.5], [0.5]) == 0.5
    outcomes = [Outcome(True, True, 0.9), Outcome(True, False, 0.8), Outcome(False, False, 0.3),
                Outcome(False, False, 0.85)]
    f = figures(outcomes, 0.5)
    assert (f.top, f.right, f.abstained) == (0.5, 0.5, 0.5)
    threshold, balance = best_balance(outcomes)
    assert balance == 0.75 and threshold == 0.9  # above the wrong 0.85, the right one still answers
    ece, table = calibration([Outcome(True, True, 0.95), Outcome(True, False, 0.95)])
    assert ece == pytest.approx(0.45) and table == [("0.9-1.0", 2, 0.95, 0.5)]
