"""The fitted confidence: the estimated probability that the fact the engine chose answers the question.

The hand-set scorer (:mod:`facts.matching`) orders the candidates; this model then reads the chosen
fact's features (how much of the question it and its neighbours cover, whether it holds a fresh
answer of the asked kind, how far it leads the others, how many facts the database holds, ...) and
gives the probability that it is a right answer. It is a logistic regression fitted offline by
:mod:`facts.train_confidence` on SQuAD 2.0 articles and the project's news question sets together
(split by article and by set, never by question), shipped as ``facts/data/confidence_model.json``
with what it was fitted on, when, its held-out figures and the threshold chosen on held-out answers
(the default ``FACTBOT_MIN_CONFIDENCE``). Inference is numpy only; without the file the hand-set
confidence and a 0.5 threshold are used.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from facts.matching import Scored, unknown_share
from facts.question import Question
from facts.selector import EXTRA_FEATURES, FEATURES, candidate_rows, extra_rows
from facts.vocabulary import VocabularyView

MODEL_FILE = "data/confidence_model.json"
FORMAT = "factbot-confidence/1"
HAND_SET_THRESHOLD = 0.5
"""The threshold of the hand-set confidence (no fitted model)."""
PARAGRAPH_FEATURES = frozenset({"para_cover", "para_gain", "para_lead", "pred_para", "q_para_support",
                                "q_top5_paragraphs", "para_cover_x_what", "para_cover_x_who", "para_cover_x_when"})
"""Extra features that need the candidates' whole paragraphs (a database read per question): left out."""
CONFIDENCE_FEATURES = (*FEATURES, *(f for f in EXTRA_FEATURES if f not in PARAGRAPH_FEATURES), "log_facts")
"""What the model reads, in order: the selector's features of the chosen fact, the extra ones that
need no paragraph, and the log of the number of facts the asker can see."""


@dataclass(frozen=True)
class ConfidenceModel:
    """Standardised logistic regression over :data:`CONFIDENCE_FEATURES` and its chosen threshold."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    meta: dict

    def probability(self, row: np.ndarray) -> float:
        """P(the chosen fact is a right answer) for one feature row."""
        z = float(((row - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, data: dict) -> ConfidenceModel:
        """Build from the saved form; its features must be this code's."""
        if data.get("format") != FORMAT or tuple(data["features"]) != CONFIDENCE_FEATURES:
            raise ValueError("the confidence model was fitted on other features; run python -m facts.train_confidence")
        return cls(np.asarray(data["mean"], dtype=float), np.asarray(data["scale"], dtype=float),
                   np.asarray(data["weights"], dtype=float), float(data["bias"]), float(data["threshold"]),
                   dict(data.get("meta", {})))

    def to_json(self) -> dict:
        """The saved form."""
        return {"format": FORMAT, "features": list(CONFIDENCE_FEATURES), "threshold": round(self.threshold, 4),
                "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                "weights": self.weights.round(6).tolist(), "bias": round(self.bias, 6), "meta": self.meta}


@lru_cache(maxsize=1)
def load_confidence_model() -> ConfidenceModel | None:
    """The bundled model, or None when the package has none."""
    try:
        text = resources.files("facts").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return ConfidenceModel.from_json(json.loads(text))


def default_threshold() -> float:
    """The confidence an answer needs by default: the bundled model's threshold, else the hand-set one."""
    model = load_confidence_model()
    return model.threshold if model is not None else HAND_SET_THRESHOLD


def competitors(ranked: list[Scored]) -> list[Scored]:
    """The best candidate and those that compete with it: another document's fact covering the same
    parts of the question is the same claim told again (several outlets agreeing), not a rival, so
    it does not shrink the best one's lead."""
    if not ranked:
        return ranked
    best = ranked[0]
    covered = {id(c) for c in best.matched}
    return [best, *(s for s in ranked[1:] if s.candidate.document_id == best.candidate.document_id
                    or {id(c) for c in s.matched} != covered)]


def feature_row(question: Question, ranked: list[Scored], weights: list[float], facts: int) -> np.ndarray:
    """:data:`CONFIDENCE_FEATURES` of the best-ranked candidate (hand-set confidences, before calibration);
    ``weights``: the question's concept weights as the scorer used them, ``facts``: facts the asker sees."""
    ranked = competitors(ranked)
    base = candidate_rows(question, ranked, unknown_share(question, weights), first_only=True)[0]
    payload = {
        "kind": question.kind,
        "concepts": [(c.label, c.alternatives, c.proper, weight, c.df)
                     for c, weight in zip(question.concepts, weights, strict=True)],
        "candidates": [(s.candidate.id, s.candidate.terms, s.candidate.context_terms, frozenset(), s.confidence,
                        s.coverage) for s in ranked],
    }
    extra = dict(zip(EXTRA_FEATURES, extra_rows(payload, first_only=True)[0], strict=True))
    return np.concatenate([base, [extra[f] for f in EXTRA_FEATURES if f not in PARAGRAPH_FEATURES],
                           [math.log1p(facts)]])


def calibrate(question: Question, ranked: list[Scored], weights: list[float], vocabulary: VocabularyView,
              model: ConfidenceModel) -> None:
    """Set the best-ranked candidate's confidence to the model's probability; the others keep their
    place and their share of it (their hand-set confidence times the same factor)."""
    if not ranked:
        return
    best = ranked[0].confidence
    probability = model.probability(feature_row(question, ranked, weights, vocabulary.total))
    factor = probability / best if best > 0 else 0.0
    ranked[0].confidence = probability
    for other in ranked[1:]:
        other.confidence = min(probability, other.confidence * factor) if best > 0 else 0.0
