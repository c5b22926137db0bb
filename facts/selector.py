"""The fitted answer selector: features of each (question, candidate fact), a logistic model that
re-ranks the candidates, and a calibrated confidence (the estimated probability the answer is right).

The weights live in ``facts/data/answer_model.json``, written by ``python -m facts.train`` from
labelled questions (split by article); inference here is numpy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np

from facts import repository
from facts.analysis.text import QUESTION_WORDS, STOPWORDS, stem, words
from facts.matching import _DATE_EXPRESSION, _DATE_WORD, _NUMBER, NO_FIT, Scored
from facts.question import Question

MODEL_FILE = "data/answer_model.json"
KINDS = ("when", "who", "where", "how-many", "name", "why", "which", "what", "yes-no")
_PERSONISH = frozenset({"person"})
_ORGISH = frozenset({"org"})
_PLACEISH = frozenset({"place", "nationality"})

FEATURES = (
    "coverage", "own", "context", "related", "missing_top", "proper_matched_share", "missing_proper",
    "has_proper", "common_own_share", "dates_agree", "similarity", "log_rank", "lead", "fit_full", "fit_no",
    "log_length", "log_concepts", "unknown_share", "coverage_gap", "is_best", "log_coverage_rank",
    "fresh_date", "fresh_number", "fresh_person", "fresh_org", "fresh_place", "fresh_wanted",
    "hand_confidence", "rank_score", "log_hand_position", "coverage_lead", "log_candidates",
    "paraphrase", "soft_coverage", "bigram_share", "compactness", "log_matched_words",
    *(f"kind_{k}" for k in KINDS),
    *(f"fit_full_x_{k}" for k in ("when", "who", "where", "how-many", "which", "what")),
    *(f"common_own_x_{k}" for k in ("when", "who", "where", "how-many", "which", "what")),
)


def _fresh_entities(question: Question, scored: Scored, kinds: frozenset[str]) -> bool:
    return any(k in kinds and not question.mentions(e) for e, k in scored.candidate.entities)


def _fresh_number(question: Question, text: str) -> bool:
    undated = _DATE_EXPRESSION.sub(" ", text)
    asked = {c.label for c in question.concepts}
    return any(m.group().lower() not in asked for m in _NUMBER.finditer(undated))


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words, in order (no stopwords, no question words)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS]


def order_features(question_stems: list[str], fact_stems: list[str]) -> tuple[float, float, float]:
    """(share of the question's word pairs the fact holds in order, how tightly the fact's matched
    words sit together, log of how many distinct question words it holds)."""
    asked = set(question_stems)
    pairs = set(pairwise(question_stems))
    found = set(pairwise(fact_stems))
    bigram_share = len(pairs & found) / len(pairs) if pairs else 0.0
    positions = [i for i, t in enumerate(fact_stems) if t in asked]
    distinct = len({fact_stems[i] for i in positions})
    compactness = distinct / (positions[-1] - positions[0] + 1) if distinct >= 2 else 0.0
    return bigram_share, compactness, math.log1p(distinct)


def question_features(question: Question, unknown_share: float) -> dict[str, float]:
    """The part of a row that depends on the question alone."""
    row = {f"kind_{k}": float(question.kind == k) for k in KINDS}
    row["log_concepts"] = math.log1p(len(question.concepts))
    row["unknown_share"] = unknown_share
    return row


def candidate_rows(question: Question, ranked: list[Scored], unknown_share: float, *,
                   first_only: bool = False, limit: int | None = None) -> np.ndarray:
    """One feature row per candidate, in :data:`FEATURES` order (``first_only``: the best-ranked one's
    row alone, ``limit``: the first ``limit`` ones' rows; each still compared with all the others)."""
    base = question_features(question, unknown_share)
    best = max((s.coverage for s in ranked), default=0.0)
    second = sorted((s.coverage for s in ranked), reverse=True)[1] if len(ranked) > 1 else 0.0
    log_candidates = math.log1p(len(ranked))
    order = sorted(range(len(ranked)), key=lambda i: -ranked[i].coverage)
    coverage_rank = {i: r for r, i in enumerate(order)}
    kind = question.kind
    question_stems = content_stems(question.text)
    rows = []
    for i, s in enumerate(ranked[:1] if first_only else ranked[:limit]):
        parts = s.parts
        assert parts is not None
        cand = s.candidate
        text = cand.text
        fresh_date = bool(cand.event_date or _DATE_WORD.search(text))
        fresh_number = _fresh_number(question, text)
        fresh_person = _fresh_entities(question, s, _PERSONISH) or bool(
            cand.speaker and not question.mentions(cand.speaker))
        fresh_org = _fresh_entities(question, s, _ORGISH)
        fresh_place = _fresh_entities(question, s, _PLACEISH)
        wanted = {"when": fresh_date, "how-many": fresh_number, "who": fresh_person or fresh_org,
                  "where": fresh_place, "which": fresh_person or fresh_org or fresh_place,
                  "name": fresh_person or fresh_org}.get(kind, True)
        bigram_share, compactness, log_matched = order_features(question_stems, content_stems(text))
        common_share = parts.common_own / parts.common_total if parts.common_total else 1.0
        row = dict(base)
        row.update(
            coverage=s.coverage, own=parts.own, context=parts.context, related=parts.related,
            missing_top=parts.missing_top,
            proper_matched_share=parts.proper_matched / parts.proper_total if parts.proper_total else 1.0,
            missing_proper=float(parts.missing_proper), has_proper=float(parts.proper_total > 0),
            common_own_share=common_share, dates_agree=float(parts.dates_agree), similarity=parts.similarity,
            log_rank=math.log1p(parts.retrieval_rank), lead=float(0 < cand.paragraph <= 2),
            fit_full=float(s.type_fit >= 1.0), fit_no=float(s.type_fit <= NO_FIT),
            log_length=math.log1p(len(text)), coverage_gap=s.coverage - best, is_best=float(coverage_rank[i] == 0),
            log_coverage_rank=math.log1p(coverage_rank[i]), fresh_date=float(fresh_date),
            fresh_number=float(fresh_number), fresh_person=float(fresh_person), fresh_org=float(fresh_org),
            fresh_place=float(fresh_place), fresh_wanted=float(wanted),
            hand_confidence=s.confidence, rank_score=s.rank_score, log_hand_position=math.log1p(i),
            coverage_lead=s.coverage - (second if s.coverage >= best else best), log_candidates=log_candidates,
            paraphrase=parts.paraphrase, soft_coverage=parts.own + parts.related + parts.paraphrase,
            bigram_share=bigram_share, compactness=compactness, log_matched_words=log_matched,
        )
        for k in ("when", "who", "where", "how-many", "which", "what"):
            row[f"fit_full_x_{k}"] = row["fit_full"] * (kind == k)
            row[f"common_own_x_{k}"] = common_share * (kind == k)
        rows.append([row[name] for name in FEATURES])
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class Trees:
    """A boosted tree ensemble as flat arrays (one row per tree), evaluated for all rows and trees at once.

    A leaf points to itself, so ``depth`` steps bring every row to its leaf in every tree.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """The ensemble's raw score per row."""
        n, trees = len(rows), len(self.feature)
        tree_index = np.arange(trees)[None, :]
        node = np.zeros((n, trees), dtype=np.int64)
        row_index = np.arange(n)[:, None]
        for _ in range(self.depth):
            feature = self.feature[tree_index, node]
            go_left = rows[row_index, feature] <= self.threshold[tree_index, node]
            node = np.where(go_left, self.left[tree_index, node], self.right[tree_index, node])
        return self.value[tree_index, node].sum(axis=1)

    @classmethod
    def from_json(cls, data: dict) -> Trees:
        """From the saved form: lists of equal-length per-tree node lists."""
        return cls(np.asarray(data["feature"], dtype=np.int64), np.asarray(data["threshold"], dtype=np.float64),
                   np.asarray(data["left"], dtype=np.int64), np.asarray(data["right"], dtype=np.int64),
                   np.asarray(data["value"], dtype=np.float64), int(data["depth"]))

    def to_json(self) -> dict:
        """The saved form."""
        return {"feature": self.feature.tolist(), "threshold": self.threshold.tolist(), "left": self.left.tolist(),
                "right": self.right.tolist(), "value": np.round(self.value, 7).tolist(), "depth": self.depth}


@dataclass(frozen=True)
class AnswerModel:
    """A re-ranker over :data:`FEATURES` (logistic, or ranking trees with the logistic part kept for
    the confidence) plus a Platt calibration of the chosen answer."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    calibration: tuple[float, float, float]
    """(a, b, c): confidence = sigmoid(a * log-odds + b * order score's lead over the next + c)."""
    threshold: float
    meta: dict
    trees: Trees | None = None

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """The logistic part: log-odds that each candidate is a right answer."""
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def order_scores(self, rows: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """What candidates are ordered by: the ranking trees when there are some, else the log-odds."""
        return self.trees.predict(rows) if self.trees is not None else logits

    def confidences(self, order: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """Calibrated probability per candidate: its log-odds and its order score's lead over the best other."""
        if len(order) == 0:
            return order
        ranked = np.sort(order)
        best, second = ranked[-1], (ranked[-2] if len(ranked) > 1 else ranked[-1] - 10.0)
        others = np.where(order >= best, second, best)
        margin = np.minimum(order - others, 10.0)
        a, b, c = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * logits + b * margin + c)))

    @classmethod
    def from_json(cls, data: dict) -> AnswerModel:
        """Build from the saved form (see :meth:`to_json`); features must match this code's."""
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the answer model was fitted on other features; run python -m facts.train")
        trees = Trees.from_json(data["trees"]) if data.get("trees") else None
        return cls(tuple(data["features"]), np.asarray(data["mean"]), np.asarray(data["scale"]),
                   np.asarray(data["weights"]), float(data["bias"]), tuple(data["calibration"]),
                   float(data["threshold"]), dict(data.get("meta", {})), trees)

    def to_json(self) -> dict:
        """The saved form."""
        return {"features": list(self.features), "meta": self.meta, "threshold": self.threshold,
                "calibration": [round(x, 6) for x in self.calibration], "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "weights": self.weights.round(6).tolist(),
                "bias": round(self.bias, 6), "trees": self.trees.to_json() if self.trees else None}


@lru_cache(maxsize=1)
def load_model() -> AnswerModel | None:
    """The bundled fitted model, or None when the package has none (the hand-set scorer is used)."""
    try:
        data = json.loads(resources.files("facts").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return AnswerModel.from_json(data)


def select(question: Question, ranked: list[Scored], unknown_share: float, model: AnswerModel) -> list[Scored]:
    """Re-rank candidates by the model; each one's confidence becomes its calibrated probability.

    A model that only orders (confidence "hand-set") may re-order only the hand-set order's first
    ``reorders`` candidates (its meta): the others follow them in their hand-set order."""
    if not ranked:
        return ranked
    rows = candidate_rows(question, ranked, unknown_share, limit=reordered(model))
    logits = model.logits(rows)
    order_scores = model.order_scores(rows, logits)
    if model.meta.get("confidence") != "hand-set":
        # (a model saved with confidence "hand-set" only re-orders: each fact keeps the hand-set
        # scorer's confidence, whose threshold serves news questions as well as Wikipedia's)
        confidences = model.confidences(order_scores, logits)
        for s, confidence in zip(ranked, confidences, strict=True):
            s.confidence = float(confidence)
    order = np.argsort(-order_scores, kind="stable")
    return [ranked[i] for i in order] + ranked[len(order):]


def reordered(model: AnswerModel) -> int | None:
    """How many of the hand-set order's first candidates ``model`` re-orders (None: all of them)."""
    head = model.meta.get("reorders") if model.meta.get("confidence") == "hand-set" else None
    return int(head) if head else None


# -- extra features: paragraph coverage, the question's predicate, abstention signals ---------------

class ParagraphTerms:
    """Index terms of a fact's whole paragraph (SQuAD questions are written over a paragraph), cached."""

    def __init__(self, service) -> None:
        self.db = service.db
        self._of_fact: dict[int, tuple[int, int]] = {}
        self._terms: dict[tuple[int, int], frozenset[str]] = {}

    def __call__(self, fact_id: int) -> frozenset[str]:
        """The union of the terms of the active facts sharing ``fact_id``'s document and paragraph."""
        key = self._of_fact.get(fact_id)
        if key is None:
            key = repository.paragraph_of_fact(self.db.conn, fact_id)
            self._of_fact[fact_id] = key
        terms = self._terms.get(key)
        if terms is None:
            terms = repository.paragraph_terms(self.db.conn, *key)
            self._terms[key] = terms
        return terms


def raw_payload(question: Question, ranked: list[Scored], vocabulary, paragraphs: ParagraphTerms) -> dict:
    """What :func:`extra_rows` needs, small enough to keep per traced question."""
    from facts.matching import concept_weight  # local: matching imports this module lazily

    concepts = [(c.label, [tuple(a) for a in c.alternatives], c.proper, concept_weight(c, vocabulary), c.df)
                for c in question.concepts]
    return {"text": question.text, "kind": question.kind, "concepts": concepts,
            "candidates": [(s.candidate.id, s.candidate.terms, s.candidate.context_terms,
                            paragraphs(s.candidate.id), s.confidence, s.coverage) for s in ranked]}


EXTRA_FEATURES = (
    "para_cover", "para_gain", "para_lead", "context_cover", "pred_own", "pred_para", "last_own",
    "q_para_support", "q_cover_margin", "q_hand_margin", "q_near_best", "q_top5_paragraphs", "q_heaviest",
    "para_cover_x_what", "para_cover_x_who", "para_cover_x_when", "pred_own_x_what",
)


def _satisfied(concepts: list, terms: frozenset[str]) -> float:
    total = sum(c[3] for c in concepts) or 1.0
    return sum(c[3] for c in concepts if any(all(t in terms for t in alt) for alt in c[1])) / total


def extra_rows(raw: dict, *, first_only: bool = False) -> np.ndarray:
    """Extra features per candidate (:data:`EXTRA_FEATURES`) from a :func:`raw_payload`: coverage by the
    whole paragraph, the question's predicate (its first and last common content word) in the fact,
    and question-level abstention signals (how much of the question any candidate's paragraph supports,
    the lead of the best candidate)."""
    concepts, candidates, kind = raw["concepts"], raw["candidates"], raw["kind"]
    if not candidates:
        return np.zeros((0, len(EXTRA_FEATURES)))
    common = [c for c in concepts if not c[2]]
    first = common[0] if common else None
    last = common[-1] if len(common) > 1 else None
    total = sum(c[3] for c in concepts) or 1.0
    heaviest = max((c[3] for c in concepts), default=0.0) / total

    def holds(concept, terms):
        return float(concept is not None and any(all(t in terms for t in alt) for alt in concept[1]))

    rowed = candidates[:1] if first_only else candidates  # ``first_only``: the best candidate's row alone
    own = np.array([_satisfied(concepts, c[1]) for c in rowed])
    para_all = np.array([_satisfied(concepts, c[3]) for c in candidates])
    para = para_all[: len(rowed)]
    context = np.array([_satisfied(concepts, c[1] | c[2]) for c in rowed])
    union = frozenset().union(*(c[3] for c in candidates))
    support = _satisfied(concepts, union)
    coverage = sorted((c[5] for c in candidates), reverse=True)
    hand = sorted((c[4] for c in candidates), reverse=True)
    cover_margin = coverage[0] - (coverage[1] if len(coverage) > 1 else 0.0)
    hand_margin = hand[0] - (hand[1] if len(hand) > 1 else 0.0)
    near = math.log1p(sum(c >= coverage[0] - 0.05 for c in coverage))
    top5 = len({id(c[3]) for c in candidates[:5]}) / 5.0
    rows = []
    for i, c in enumerate(rowed):
        pred_own, pred_para, last_own = holds(first, c[1]), holds(first, c[3]), holds(last, c[1])
        rows.append([para[i], para[i] - own[i], para[i] - para_all.max(), context[i], pred_own, pred_para, last_own,
                     support, cover_margin, hand_margin, near, top5, heaviest,
                     para[i] * (kind == "what"), para[i] * (kind == "who"), para[i] * (kind == "when"),
                     pred_own * (kind == "what")])
    return np.asarray(rows, dtype=np.float64)
