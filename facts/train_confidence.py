"""Fit the confidence model of :mod:`facts.confidence` and report it on questions it was not fitted on.

    python -m facts.train_confidence [--work DIR] [--news-weight 20] [--install]

Material, read in place (shared data is never copied): the 19 SQuAD 2.0 articles of
``../shared/eval/squad2-tune`` (one database), the seed dev set on the bundled report, and the
project's news sets ``tests/data/heldout`` and ``tests/data/heldout-news``. Each question is asked
in the order the engine ships (the hand-set order, re-ordered by the bundled ranking trees when
there are some: refit after installing trees); the chosen fact's features
(:data:`facts.confidence.CONFIDENCE_FEATURES`) are one row, labelled right when the fact overlaps
the gold evidence (the project's judging rule; an unanswerable question's fact is never right). The
four-outlet sets ``tests/data/heldout-news2`` to ``-news6`` are never used here: they stay unseen
(``python -m facts.quality`` reports them).

- Held-out answers: squad2-tune in five folds by article, each predicted by a model fitted on the
  other articles and every news set; each news set predicted by a model fitted on squad2-tune and
  the other news sets (leave one set out). News questions are few (240 against 8,328), so each
  counts ``--news-weight`` times in fitting.
- The threshold (the default FACTBOT_MIN_CONFIDENCE) is the one with the best mean of
  (right % + abstained %) / 2 over the held-out answers of squad2-tune and of each news set, each
  set counting once (the product answers news questions; no set's size or base rate decides it);
  of the thresholds within a point of the best, the lowest (they are indistinguishable on these sets).
- The shipped model is fitted on everything; ``--install`` writes it to facts/data/confidence_model.json
  with what it was fitted on, the date, and the held-out figures printed here (figures per set,
  ECE and the reliability table).

Deterministic: fixed folds, Newton's method. Standard library and numpy only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from pathlib import Path

import numpy as np

from facts import quality
from facts.confidence import CONFIDENCE_FEATURES, MODEL_FILE, ConfidenceModel
from facts.quality import Outcome, Trace
from facts.train import fit_logistic

FOLDS = 5
THRESHOLD_TOLERANCE = 0.01
L2 = 1.0
NEWS_WEIGHT = 20
"""How many times a news question counts in fitting (10, 20, 30 and 50 compared on the held-out
answers: 20 keeps the seed dev set above its floor with the best mean of the domains)."""
NEWS_SETS = ("dev", "heldout", "news-sample", "news-four")


def top_row(trace: Trace) -> np.ndarray:
    """The chosen fact's :data:`CONFIDENCE_FEATURES` (as :func:`facts.confidence.feature_row` computes them)."""
    return trace.confidence_row if trace.confidence_row is not None else np.zeros(len(CONFIDENCE_FEATURES))


class Data:
    """Feature rows, labels and answerability of one set's questions."""

    def __init__(self, traces: list[Trace]) -> None:
        self.traces = traces
        self.x = np.array([top_row(t) for t in traces]).reshape(len(traces), len(CONFIDENCE_FEATURES))
        self.y = np.array([t.shipped_right for t in traces])  # the top fact of the order the engine ships
        self.answerable = np.array([t.answerable for t in traces])
        self.groups = np.array([t.group for t in traces])

    def outcomes(self, confidence: np.ndarray) -> list[Outcome]:
        """Judged outcomes with these confidences."""
        return [Outcome(bool(a), bool(r), float(c)) for a, r, c in zip(self.answerable, self.y, confidence,
                                                                         strict=True)]


def fit(parts: list[tuple[np.ndarray, np.ndarray, int]]) -> ConfidenceModel:
    """A standardised logistic model over (rows, labels, weight) parts (weights by repetition)."""
    x = np.vstack([np.repeat(rows, weight, axis=0) for rows, _, weight in parts])
    y = np.concatenate([np.repeat(labels, weight) for _, labels, weight in parts]).astype(float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((x - mean) / scale, y, L2)
    return ConfidenceModel(mean, scale, weights, bias, 0.5, {})


def predict(model: ConfidenceModel, rows: np.ndarray) -> np.ndarray:
    """Probabilities for many rows."""
    z = ((rows - model.mean) / model.scale) @ model.weights + model.bias
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def held_out(squad: Data, news: dict[str, Data], news_weight: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Held-out probabilities: squad2-tune by article folds, each news set left out in turn."""
    articles = sorted(set(squad.groups.tolist()))
    fold = np.array([articles.index(g) % FOLDS for g in squad.groups])
    squad_p = np.zeros(len(squad.y))
    everything_news = [(d.x, d.y, news_weight) for d in news.values()]
    for k in range(FOLDS):
        model = fit([(squad.x[fold != k], squad.y[fold != k], 1), *everything_news])
        squad_p[fold == k] = predict(model, squad.x[fold == k])
    news_p = {}
    for name, data in news.items():
        others = [(d.x, d.y, news_weight) for n, d in news.items() if n != name]
        news_p[name] = predict(fit([(squad.x, squad.y, 1), *others]), data.x)
    return squad_p, news_p


def choose_threshold(sets: list[list[Outcome]]) -> float:
    """The threshold with the best mean over the sets of (right % + abstained %) / 2 (each set counts
    once, whatever its size or its share of unanswerable questions); of those within
    :data:`THRESHOLD_TOLERANCE` of the best, the lowest."""
    grid = np.round(np.arange(0.20, 0.90, 0.01), 2)
    scores = np.array([np.mean([quality.figures(outcomes, t, False).balanced for outcomes in sets]) for t in grid])
    # Within a point of the best the sets cannot tell thresholds apart (one question of a 60-question
    # set moves its balance by about two points): the lowest such threshold answers most.
    return float(grid[int(np.argmax(scores >= scores.max() - THRESHOLD_TOLERANCE))])


def report(rows: list[tuple[str, list[Outcome], list[Outcome]]], threshold: float) -> str:
    """Markdown: per set, the hand-set confidence at 0.5 and the fitted one (held out) at ``threshold``."""
    lines = [quality.HEADER]
    for name, hand, fitted in rows:
        lines.append(quality.format_row(f"{name}: hand-set confidence (0.5)", quality.figures(hand, 0.5)))
        lines.append(quality.format_row(f"{name}: fitted confidence, held out ({threshold:.2f})",
                                        quality.figures(fitted, threshold)))
    for name, _, fitted in rows:
        f = quality.figures(fitted, threshold)
        lines += [f"\nReliability of the fitted confidence (held out), {name}: ECE {f.ece:.3f}", "",
                  "| confidence | questions | mean confidence | share right |", "|---|---|---|---|"]
        lines += [f"| {b} | {n} | {c:.2f} | {r:.2f} |" for b, n, c, r in f.reliability]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Trace, cross-fit, report, and (with --install) save the model."""
    parser = argparse.ArgumentParser(prog="python -m facts.train_confidence", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=quality.REPO / ".quality", help="where databases are kept")
    parser.add_argument("--news-weight", type=int, default=NEWS_WEIGHT)
    parser.add_argument("--install", action="store_true", help=f"write facts/{MODEL_FILE}")
    args = parser.parse_args(argv)
    shared = quality.shared_dir()
    if not quality.squad2_available(shared):
        return 1
    args.work.mkdir(parents=True, exist_ok=True)
    squad_traces = quality.squad2_traces(args.work, shared, baselines=False)
    news_traces = {"dev": quality.dev_traces(args.work, shared), "heldout": quality.heldout_traces(args.work)}
    for trace in quality.news_traces(args.work, baselines=False):
        news_traces.setdefault(trace.set, []).append(trace)
    squad = Data(squad_traces)
    news = {name: Data(news_traces[name]) for name in NEWS_SETS}
    squad_p, news_p = held_out(squad, news, args.news_weight)
    squad_out = squad.outcomes(squad_p)
    news_out = {name: news[name].outcomes(news_p[name]) for name in NEWS_SETS}
    threshold = choose_threshold([squad_out, *news_out.values()])
    dev_articles = np.array([g.startswith("dev") for g in squad.groups])
    hand = {name: quality.hand_outcomes(d.traces) for name, d in [("squad2", squad), *news.items()]}
    rows = [
        ("squad2-tune dev articles", [o for o, m in zip(hand["squad2"], dev_articles, strict=True) if m],
         [o for o, m in zip(squad_out, dev_articles, strict=True) if m]),
        ("squad2-tune train articles", [o for o, m in zip(hand["squad2"], dev_articles, strict=True) if not m],
         [o for o, m in zip(squad_out, dev_articles, strict=True) if not m]),
        *((name, hand[name], news_out[name]) for name in NEWS_SETS),
    ]
    table = report(rows, threshold)
    print(table)
    print("\nThreshold sweep (held out): (right % + abstained %) / 2 per set")
    print("| threshold | " + " | ".join(name for name, _, _ in rows) + " |")
    for t in np.arange(0.40, 0.71, 0.05):
        cells = [f"{quality.figures(fitted, t, False).balanced:.0%}" for _, _, fitted in rows]
        print(f"| {t:.2f} | " + " | ".join(cells) + " |")
    model = fit([(squad.x, squad.y, 1), *((d.x, d.y, args.news_weight) for d in news.values())])
    held = {name: {k: round(v, 4) for k, v in vars(quality.figures(fitted, threshold)).items()
                   if isinstance(v, float) and not math.isnan(v)} for name, _, fitted in rows}
    meta = {
        "fitted": datetime.date.today().isoformat(),
        "data": {"squad2-tune": f"{len(set(squad.groups.tolist()))} articles, {len(squad.y)} questions",
                 **{name: f"{len(d.y)} questions" for name, d in news.items()}},
        "news_weight": args.news_weight, "l2": L2, "folds": FOLDS, "held_out": held,
        "command": "python -m facts.train_confidence --install",
    }
    final = ConfidenceModel(model.mean, model.scale, model.weights, model.bias, threshold, meta)
    if args.install:
        path = Path(__file__).parent / MODEL_FILE
        path.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {path.relative_to(quality.REPO)} (threshold {threshold:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
