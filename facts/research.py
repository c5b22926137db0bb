"""The experiments of ``python -m facts.experiments run``: rankers, features and abstention models
compared on held-out articles (squad2-tune cross-fitted by article) and on the news sets (answered
only). Training material: squad1-train articles traced by ``python -m facts.experiments trace``."""

from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facts import quality
from facts.quality import Outcome, Trace
from facts.selector import EXTRA_FEATURES, FEATURES, KINDS, extra_rows
from facts.train import TREE_PARAMS, TREE_ROUNDS, fit_logistic

FOLDS = 5


@dataclass
class Item:
    """One traced question with its full feature matrix."""

    trace: Trace
    x: np.ndarray
    y: np.ndarray


def load(work: Path, name: str) -> list[Trace]:
    """Traces from one pickle."""
    return pickle.loads((work / f"{name}.pkl").read_bytes())


def items(traces: list[Trace], extra: bool) -> list[Item]:
    """Feature matrices (base features, plus the extra ones when asked)."""
    out = []
    for t in traces:
        x = t.rows
        if extra:
            e = extra_rows(t.raw) if t.raw is not None and len(t.rows) else np.zeros((len(t.rows), len(EXTRA_FEATURES)))
            x = np.hstack([x, e]) if len(x) else np.zeros((0, len(FEATURES) + len(EXTRA_FEATURES)))
        out.append(Item(t, x, t.labels))
    return out


def select(pool: list[Item], extra: bool | str) -> list[Item]:
    """The items with only the base features unless ``extra``; ``"rel"``: every feature also as its
    difference from the question's best candidate's value (a pointwise model then compares)."""
    if extra == "rel":
        return [Item(i.trace, np.hstack([i.x, i.x - i.x.max(axis=0)]) if len(i.x) else
                     np.zeros((0, 2 * i.x.shape[1])), i.y) for i in pool]
    return pool if extra else [Item(i.trace, i.x[:, : len(FEATURES)], i.y) for i in pool]


class Ranker:
    """Standardised logistic (pointwise) or LambdaRank trees over the candidates."""

    def __init__(self, train: list[Item], kind: str, l2: float = 1.0) -> None:
        rows = np.vstack([i.x for i in train if len(i.x)])
        labels = np.concatenate([i.y for i in train if len(i.x)]).astype(float)
        self.mean = rows.mean(axis=0)
        self.scale = rows.std(axis=0)
        self.scale[self.scale < 1e-9] = 1.0
        self.w, self.b = fit_logistic((rows - self.mean) / self.scale, labels, l2)
        self.booster = None
        if kind == "trees":
            import lightgbm

            ranked = [i for i in train if len(i.x) and i.y.any()]
            data = lightgbm.Dataset(np.vstack([i.x for i in ranked]),
                                    np.concatenate([i.y for i in ranked]).astype(int),
                                    group=[len(i.x) for i in ranked])
            self.booster = lightgbm.train(TREE_PARAMS, data, num_boost_round=TREE_ROUNDS)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Pointwise log-odds."""
        return ((x - self.mean) / self.scale) @ self.w + self.b

    def order(self, x: np.ndarray) -> np.ndarray:
        """The order score."""
        return self.booster.predict(x) if self.booster is not None else self.logits(x)


TOP_NAMES = ("logit", "margin", "hand", "coverage", "missing_top", "unknown", "fresh", "proper_share",
             "common_share", "log_candidates", "dates_agree")
EXTRA_TOP = ("para_cover", "pred_own", "q_para_support", "q_cover_margin", "q_near_best", "q_heaviest")


def top_features(ranker: Ranker, item: Item, abstain: str) -> tuple[np.ndarray, bool, float]:
    """(features of the chosen fact for the abstention model, whether it is right, its hand confidence)."""
    x = item.x
    logits = ranker.logits(x)
    order = ranker.order(x)
    best = int(np.argmax(order))
    second = np.partition(order, -2)[-2] if len(order) > 1 else order[best] - 10.0
    margin = float(min(order[best] - second, 10.0))
    f = {n: i for i, n in enumerate(FEATURES)}
    row = x[best]
    values = [logits[best], margin]
    if abstain != "platt":
        values += [row[f["hand_confidence"]], row[f["coverage"]], row[f["missing_top"]], row[f["unknown_share"]],
                   row[f["fresh_wanted"]], row[f["proper_matched_share"]], row[f["common_own_share"]],
                   row[f["log_candidates"]], row[f["dates_agree"]]]
        values += [row[f[f"kind_{k}"]] for k in KINDS]
        if abstain == "stage2+extra" and x.shape[1] > len(FEATURES):
            e = {n: len(FEATURES) + i for i, n in enumerate(EXTRA_FEATURES)}
            values += [row[e[n]] for n in EXTRA_TOP]
    return np.array(values, dtype=float), bool(item.y[best]), float(row[f["hand_confidence"]])


class Abstainer:
    """Probability that the chosen fact is right, from the chosen fact's features (Platt on the
    ranker's log-odds and lead, or a second-stage logistic over more signals)."""

    def __init__(self, ranker: Ranker, calibrate: list[Item], kind: str) -> None:
        self.ranker, self.kind = ranker, kind
        rows = [top_features(ranker, i, kind) for i in calibrate if len(i.x)]
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows], dtype=float)
        self.mean = x.mean(axis=0)
        self.scale = x.std(axis=0)
        self.scale[self.scale < 1e-9] = 1.0
        if kind == "platt":
            self.mean[:], self.scale[:] = 0.0, 1.0
        self.w, self.b = fit_logistic((x - self.mean) / self.scale, y, 0.01 if kind == "platt" else 1.0)

    def outcome(self, item: Item, confidence: str = "model") -> Outcome:
        """The chosen fact's right-ness and confidence (``hand``: the hand-set scorer's confidence of it)."""
        if not len(item.x):
            return Outcome(item.trace.answerable, False, 0.0)
        values, right, hand = top_features(self.ranker, item, self.kind)
        if confidence == "hand":
            return Outcome(item.trace.answerable, right, hand)
        z = ((values - self.mean) / self.scale) @ self.w + self.b
        return Outcome(item.trace.answerable, right, float(1 / (1 + np.exp(-z))))


VARIANTS = (("platt", "model"), ("stage2", "model"), ("stage2+extra", "model"), ("platt", "hand"))
"""Abstention variants evaluated on the same fitted rankers: (abstention model, confidence)."""


def cross_fit(squad1: list[Item], squad2: list[Item], ranker_kind: str) -> dict[tuple[str, str], list[Outcome]]:
    """squad2-tune answered article-fold by article-fold, each by a ranker and abstention model fitted
    without it; one outcome list per abstention variant."""
    articles = sorted({i.trace.group for i in squad2})
    fold_of = {a: n % FOLDS for n, a in enumerate(articles)}
    result: dict[tuple[str, str], dict[int, Outcome]] = {v: {} for v in VARIANTS}
    for k in range(FOLDS):
        train2 = [i for i in squad2 if fold_of[i.trace.group] != k]
        ranker = Ranker(squad1 + train2, ranker_kind)
        for abstain, confidence in VARIANTS:
            abstainer = Abstainer(ranker, train2, abstain)
            for n, i in enumerate(squad2):
                if fold_of[i.trace.group] == k:
                    result[abstain, confidence][n] = abstainer.outcome(i, confidence)
        print(f"  fold {k + 1}/{FOLDS}", file=sys.stderr, flush=True)
    return {v: [r[n] for n in range(len(squad2))] for v, r in result.items()}


def row(name: str, outcomes: list[Outcome], threshold: float) -> str:
    """One Markdown row."""
    return quality.format_row(name, quality.figures(outcomes, threshold))


def run(work: Path, only: str | None = None) -> int:
    """Print the experiment tables."""
    squad2_t, dev_t, heldout_t = load(work, "squad2"), load(work, "dev"), load(work, "heldout")
    groups = sorted(p.stem for p in work.glob("squad1-g*.pkl"))
    squad1_t = [t for g in groups for t in load(work, g)]
    test_docs = {t.group for t in squad2_t}
    assert not test_docs & {t.group for t in squad1_t}
    print(f"squad1: {len({t.group for t in squad1_t})} articles, {len(squad1_t)} questions in {len(groups)} "
          f"databases", file=sys.stderr)
    lines = [quality.HEADER]
    hand = {"squad2": quality.hand_outcomes(squad2_t), "dev": quality.hand_outcomes(dev_t),
            "heldout": quality.hand_outcomes(heldout_t)}
    for s, o in hand.items():
        lines.append(row(f"{s}: hand-set", o, quality.HAND_SET_THRESHOLD))
    print("\n".join(lines), flush=True)
    articles = sorted({t.group for t in squad1_t})
    all_items = {"squad1": items(squad1_t, True), "squad2": items(squad2_t, True), "dev": items(dev_t, True),
                 "heldout": items(heldout_t, True)}
    for t in (*squad1_t, *squad2_t, *dev_t, *heldout_t):
        t.raw = None  # the extra features are computed: free the payloads
    configs = [
        # (name, squad1 articles, features, ranker)
        ("all art, extra, logistic", None, True, "logistic"),
        ("all art, extra, trees", None, True, "trees"),
        ("40 art, extra, logistic", 40, True, "logistic"),
        ("all art, base, trees", None, False, "trees"),
        ("40 art, base, trees", 40, False, "trees"),
    ]
    for name, n_articles, extra, ranker_kind in configs:
        if only and only not in name:
            continue
        keep = set(articles if n_articles is None else articles[:: max(1, len(articles) // n_articles)][:n_articles])
        s1 = [i for i in select(all_items["squad1"], extra) if i.trace.group in keep]
        s2, dv, ho = (select(all_items[k], extra) for k in ("squad2", "dev", "heldout"))
        held = cross_fit(s1, s2, ranker_kind)
        ranker = Ranker(s1 + s2, ranker_kind)
        out = []
        for (abstain, confidence), outcomes in held.items():
            label = f"{name}, {abstain if confidence == 'model' else 'hand-set confidence'}"
            threshold = quality.HAND_SET_THRESHOLD if confidence == "hand" else quality.best_balance(outcomes)[0]
            abstainer = Abstainer(ranker, s2, abstain)
            out += [row(f"squad2 held-out: {label} (t={threshold:.2f})", outcomes, threshold),
                    row(f"dev: {label}", [abstainer.outcome(i, confidence) for i in dv], threshold),
                    row(f"heldout: {label}", [abstainer.outcome(i, confidence) for i in ho], threshold)]
        print("\n".join(out), flush=True)
    return 0


def top_rows(traces: list[Trace]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The hand-set scorer's chosen fact per question: its base + extra features, whether it is right,
    whether the question is answerable, its article."""
    x, y, answerable, group = [], [], [], []
    for t in traces:
        if len(t.rows):
            x.append(np.concatenate([t.rows[0], extra_rows(t.raw)[0]]))
            y.append(bool(t.labels[0]))
        else:
            x.append(np.zeros(len(FEATURES) + len(EXTRA_FEATURES)))
            y.append(False)
        answerable.append(t.answerable)
        group.append(t.group)
    return np.array(x), np.array(y), np.array(answerable), np.array(group)


GBM_PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 50, "seed": 9,
              "deterministic": True, "num_threads": 1, "verbose": -1}


def _fit_predict(kind: str, x: np.ndarray, y: np.ndarray, columns: np.ndarray, tests: list[np.ndarray]) -> list:
    x = x[:, columns]
    if kind == "gbm":
        import lightgbm

        booster = lightgbm.train(GBM_PARAMS, lightgbm.Dataset(x, y.astype(int)), 300)
        return [booster.predict(t[:, columns]) for t in tests]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    w, b = fit_logistic((x - mean) / scale, y.astype(float), 1.0)
    return [1 / (1 + np.exp(-(((t[:, columns] - mean) / scale) @ w + b))) for t in tests]


def run_abstention(work: Path) -> int:
    """Abstention alone: keep the hand-set scorer's chosen fact and fit "is it right" on its features
    (squad2-tune cross-fitted by article; the news sets answered by a model fitted on all of squad2-tune)."""
    sq, dv, ho = (top_rows(load(work, n)) for n in ("squad2", "dev", "heldout"))
    x, y, answerable, group = sq
    articles = sorted(set(group.tolist()))
    fold = np.array([articles.index(g) % FOLDS for g in group])
    names = (*FEATURES, *EXTRA_FEATURES)
    sets = {
        "all features": np.arange(len(names)),
        "base features": np.arange(len(FEATURES)),
        "no kind one-hots": np.array([i for i, n in enumerate(names) if not n.startswith("kind_")]),
        "hand confidence only": np.array([names.index("hand_confidence")]),
    }
    lines = [quality.HEADER]
    for kind in ("logistic", "gbm"):
        for label, columns in sets.items():
            if kind == "gbm" and label == "hand confidence only":
                continue
            p = np.zeros(len(y))
            for k in range(FOLDS):
                (p[fold == k],) = _fit_predict(kind, x[fold != k], y[fold != k], columns, [x[fold == k]])
            held = [Outcome(bool(a), bool(r), float(c)) for a, r, c in zip(answerable, y, p, strict=True)]
            threshold = quality.best_balance(held)[0]
            news = _fit_predict(kind, x, y, columns, [dv[0], ho[0]])
            lines.append(row(f"squad2 held-out: {kind}, {label} (t={threshold:.2f})", held, threshold))
            for (_, ry, ra, _), name, conf in zip((dv, ho), ("dev", "heldout"), news, strict=True):
                answered = [Outcome(bool(a), bool(r), float(c)) for a, r, c in zip(ra, ry, conf, strict=True)]
                lines.append(row(f"{name}: {kind}, {label}", answered, threshold))
            print("\n".join(lines[-3:]), file=sys.stderr, flush=True)
    print("\n".join(lines))
    return 0
