"""Fit the answer selector (``facts/data/answer_model.json``) on labelled questions, split by article.

    python -m facts.train [--work DIR] [--squad1-articles N] [--folds K] [--dry-run]

Material (read in place from ``../shared/eval``, never copied): squad1-train answerable questions on
N articles spread over the set (minus squad2-tune's own train articles), and squad2-tune (the only
source of unanswerable questions). Each candidate fact of each question is one row, labelled right
when it overlaps the gold evidence (the project's judging rule); an unanswerable question's
candidates are all wrong.

1. Cross-fit: squad2-tune's articles are split into K folds; each fold is answered by a model
   fitted on squad1 and the other folds (re-ranker, then the Platt calibration of its top answer),
   giving held-out figures for every article.
2. The default threshold (FACTBOT_MIN_CONFIDENCE) is the one with the best (right % + abstained %) / 2
   on those held-out answers.
3. The saved model is fitted on everything; the seed dev set and tests/data/heldout are then
   answered by it (never fitted on) and reported.

Deterministic: fixed article order and folds, Newton's method (no random start).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np

from facts import quality
from facts.quality import Outcome, Trace
from facts.selector import FEATURES, MODEL_FILE, AnswerModel

L2 = 1.0
CALIBRATION_L2 = 0.01


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 30) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method: (weights, bias)."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        z = design @ w
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return w[:-1], float(w[-1])


def fit_ranker(traces: list[Trace]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardisation and logistic weights over every candidate row: (mean, scale, weights, bias)."""
    rows = np.vstack([t.rows for t in traces if len(t.rows)])
    labels = np.concatenate([t.labels for t in traces if len(t.rows)]).astype(float)
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((rows - mean) / scale, labels, L2)
    return mean, scale, weights, bias


def top_choice(model: AnswerModel, trace: Trace) -> tuple[float, float, bool]:
    """(top logit, its lead over the next, whether it is right) for one question; no candidates: abstain."""
    if not len(trace.rows):
        return -10.0, 10.0, False
    logits = model.logits(trace.rows)
    best = int(np.argmax(logits))
    second = np.partition(logits, -2)[-2] if len(logits) > 1 else logits[best] - 10.0
    return float(logits[best]), float(min(logits[best] - second, 10.0)), bool(trace.labels[best])


def fit_calibration(model: AnswerModel, traces: list[Trace]) -> tuple[float, float, float]:
    """Platt scaling of the top answer's right-ness on its logit and lead: (a, b, c)."""
    choices = [top_choice(model, t) for t in traces]
    x = np.array([[c[0], c[1]] for c in choices])
    y = np.array([c[2] for c in choices], dtype=float)
    (a, b), c = fit_logistic(x, y, CALIBRATION_L2)
    return float(a), float(b), c


def fit_model(training: list[Trace], calibrating: list[Trace], threshold: float = 0.5, meta: dict | None = None
              ) -> AnswerModel:
    """Re-ranker on ``training``, calibration on ``calibrating`` (which needs unanswerable questions)."""
    mean, scale, weights, bias = fit_ranker(training)
    model = AnswerModel(FEATURES, mean, scale, weights, bias, (1.0, 0.0, 0.0), threshold, meta or {})
    calibration = fit_calibration(model, calibrating)
    return AnswerModel(FEATURES, mean, scale, weights, bias, calibration, threshold, meta or {})


def outcomes(model: AnswerModel, traces: list[Trace]) -> list[Outcome]:
    """Each question answered by ``model``: its top fact's right-ness and calibrated confidence."""
    out = []
    a, b, c = model.calibration
    for t in traces:
        logit, margin, right = top_choice(model, t)
        confidence = 1.0 / (1.0 + np.exp(-(a * logit + b * margin + c))) if len(t.rows) else 0.0
        out.append(Outcome(t.answerable, right, float(confidence)))
    return out


def cross_fit(squad1: list[Trace], squad2: list[Trace], folds: int) -> list[Outcome]:
    """Held-out outcomes for every squad2-tune question (its article's fold never fitted on)."""
    articles = sorted({t.group for t in squad2})
    fold_of = {a: i % folds for i, a in enumerate(articles)}
    result: dict[int, Outcome] = {}
    for k in range(folds):
        train2 = [t for t in squad2 if fold_of[t.group] != k]
        test = [(i, t) for i, t in enumerate(squad2) if fold_of[t.group] == k]
        model = fit_model(squad1 + train2, train2)
        for (i, _), outcome in zip(test, outcomes(model, [t for _, t in test]), strict=True):
            result[i] = outcome
        print(f"  fold {k + 1}/{folds}: {len(test)} questions held out", file=sys.stderr)
    return [result[i] for i in range(len(squad2))]


def _cached(work: Path, name: str, build) -> list[Trace]:
    """Traces are slow to build (every question through the engine): keep them per feature set."""
    key = hashlib.sha1(json.dumps(FEATURES).encode()).hexdigest()[:10]
    path = work / f"traces-{name}-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    traces = build()
    path.write_bytes(pickle.dumps(traces))
    return traces


def main(argv: list[str] | None = None) -> int:
    """Fit, report held-out figures, save the model (unless --dry-run)."""
    parser = argparse.ArgumentParser(prog="python -m facts.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=quality.REPO / ".quality")
    parser.add_argument("--squad1-articles", type=int, default=60)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the model file")
    args = parser.parse_args(argv)
    shared = quality.shared_dir()
    if not (shared / "eval" / "squad2-tune").is_dir():
        print(f"no shared data at {shared} (set FACTBOT_SHARED_DIR)", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    print("tracing questions (cached in the work folder)...", file=sys.stderr)
    squad2 = _cached(args.work, "squad2", lambda: quality.squad2_traces(args.work, shared))
    squad1 = _cached(args.work, f"squad1-{args.squad1_articles}",
                     lambda: quality.squad1_traces(args.work, shared, args.squad1_articles))
    dev = quality.dev_traces(args.work, shared)
    heldout = quality.heldout_traces(args.work)

    print("cross-fitting by article...", file=sys.stderr)
    held_out = cross_fit(squad1, squad2, args.folds)
    threshold, balance = quality.best_balance(held_out)
    threshold = round(min(max(threshold, 0.05), 0.95), 2)
    pool = quality.figures(held_out, threshold)

    meta = {
        "fitted_on": {
            "squad1-train": {"articles": len({t.group for t in squad1}), "questions": len(squad1)},
            "squad2-tune": {"articles": len({t.group for t in squad2}), "questions": len(squad2),
                            "unanswerable": sum(not t.answerable for t in squad2)},
        },
        "date": datetime.date.today().isoformat(),
        "command": f"python -m facts.train --squad1-articles {args.squad1_articles} --folds {args.folds}",
        "held_out": {"set": f"squad2-tune, {args.folds} folds by article", "top": round(pool.top, 4),
                     "right": round(pool.right, 4), "abstained": round(pool.abstained, 4),
                     "auc": round(pool.auc, 4), "ece": round(pool.ece or 0.0, 4)},
    }
    model = fit_model(squad1 + squad2, squad2, threshold, meta)
    fitted = {"squad2-tune (19 articles, one database)": held_out,
              "seed dev (bundled report)": outcomes(model, dev),
              "tests/data/heldout (3 documents)": outcomes(model, heldout)}
    sets = {"squad2-tune (19 articles, one database)": squad2, "seed dev (bundled report)": dev,
            "tests/data/heldout (3 documents)": heldout}
    print(f"default threshold {threshold} (held-out best balance {balance:.1%})")
    print(quality.report(sets, fitted, threshold))
    if not args.dry_run:
        path = Path(__file__).resolve().parent / MODEL_FILE
        path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(quality.REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
