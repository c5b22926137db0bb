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

from facts import matching, quality
from facts.quality import Outcome, Trace
from facts.selector import FEATURES, MODEL_FILE, AnswerModel, Trees, reordered

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


TREE_PARAMS = {
    "objective": "lambdarank", "lambdarank_truncation_level": 10, "learning_rate": 0.05, "num_leaves": 15,
    "max_depth": 5, "min_data_in_leaf": 100,
    "lambda_l2": 1.0, "feature_fraction": 1.0, "bagging_fraction": 1.0, "seed": 9, "deterministic": True,
    "force_row_wise": True, "num_threads": 2, "verbose": -1,
}
TREE_ROUNDS = 200


def fit_trees(traces: list[Trace]) -> Trees:
    """A LightGBM ranking ensemble (the optional ``train`` extra) converted to :class:`Trees` for numpy
    inference. It learns to order each question's candidates (LambdaRank over the questions that have
    a right candidate); how far to trust the top one is the calibration's job."""
    import lightgbm  # training only: not a run-time dependency

    ranked = [t for t in traces if len(t.rows) and t.labels.any()]
    rows = np.vstack([t.rows for t in ranked])
    labels = np.concatenate([t.labels for t in ranked]).astype(int)
    data = lightgbm.Dataset(rows, labels, group=[len(t.rows) for t in ranked])
    booster = lightgbm.train(TREE_PARAMS, data, num_boost_round=TREE_ROUNDS)
    dumped = booster.dump_model()["tree_info"]
    trees = []
    for info in dumped:
        nodes: list[list[float]] = []  # feature, threshold, left, right, value

        def walk(node: dict, depth: int, nodes: list[list[float]] = nodes) -> tuple[int, int]:
            index = len(nodes)
            nodes.append([0, 0.0, index, index, 0.0])
            if "leaf_value" in node:
                nodes[index][4] = node["leaf_value"]
                return index, depth
            assert node["decision_type"] == "<=", node["decision_type"]
            left, left_depth = walk(node["left_child"], depth + 1)
            right, right_depth = walk(node["right_child"], depth + 1)
            nodes[index][:4] = [node["split_feature"], node["threshold"], left, right]
            return index, max(left_depth, right_depth)

        _, depth = walk(info["tree_structure"], 0)
        trees.append((nodes, depth))
    width = max(len(n) for n, _ in trees)
    padded = [n + [[0, 0.0, i, i, 0.0] for i in range(len(n), width)] for n, _ in trees]
    array = np.array(padded, dtype=np.float64)
    return Trees(array[:, :, 0].astype(np.int64), array[:, :, 1], array[:, :, 2].astype(np.int64),
                 array[:, :, 3].astype(np.int64), array[:, :, 4], max(d for _, d in trees))


def top_choice(model: AnswerModel, trace: Trace) -> tuple[float, float, bool]:
    """(log-odds of the top candidate, its order score's lead over the next, whether it is right)."""
    if not len(trace.rows):
        return -10.0, 10.0, False
    logits = model.logits(trace.rows)
    order = model.order_scores(trace.rows, logits)
    best = int(np.argmax(order))
    second = np.partition(order, -2)[-2] if len(order) > 1 else order[best] - 10.0
    return float(logits[best]), float(min(order[best] - second, 10.0)), bool(trace.labels[best])


def fit_calibration(model: AnswerModel, traces: list[Trace]) -> tuple[float, float, float]:
    """Platt scaling of the top answer's right-ness on its logit and lead: (a, b, c)."""
    choices = [top_choice(model, t) for t in traces]
    x = np.array([[c[0], c[1]] for c in choices])
    y = np.array([c[2] for c in choices], dtype=float)
    (a, b), c = fit_logistic(x, y, CALIBRATION_L2)
    return float(a), float(b), c


def fit_model(training: list[Trace], calibrating: list[Trace], threshold: float = 0.5, meta: dict | None = None,
              kind: str = "logistic") -> AnswerModel:
    """Re-ranker on ``training``, calibration on ``calibrating`` (which needs unanswerable questions)."""
    mean, scale, weights, bias = fit_ranker(training)
    trees = fit_trees(training) if kind == "trees" else None
    model = AnswerModel(FEATURES, mean, scale, weights, bias, (1.0, 0.0, 0.0), threshold, meta or {}, trees)
    calibration = fit_calibration(model, calibrating)
    return AnswerModel(FEATURES, mean, scale, weights, bias, calibration, threshold, meta or {}, trees)


HAND_CONFIDENCE = FEATURES.index("hand_confidence")


def outcomes(model: AnswerModel, traces: list[Trace]) -> list[Outcome]:
    """Each question answered by ``model``: its top fact's right-ness and calibrated confidence (or,
    for a model that keeps the hand-set confidence, that fact's hand-set confidence)."""
    out = []
    a, b, c = model.calibration
    for t in traces:
        if model.meta.get("confidence") == "hand-set":
            head = t.rows[:reordered(model)]
            best = int(np.argmax(model.order_scores(head, model.logits(head)))) if len(t.rows) else -1
            out.append(Outcome(t.answerable, best >= 0 and bool(t.labels[best]),
                               float(t.rows[best, HAND_CONFIDENCE]) if best >= 0 else 0.0))
            continue
        logit, margin, right = top_choice(model, t)
        confidence = 1.0 / (1.0 + np.exp(-(a * logit + b * margin + c))) if len(t.rows) else 0.0
        out.append(Outcome(t.answerable, right, float(confidence)))
    return out


def top_fact_counts(sets: dict[str, list[Trace]], fitted: dict[str, list[Outcome]]) -> str:
    """Markdown: per set, answerable questions whose top fact is right under the hand-set order and
    under the model's (never fitted on that question's article or set), with the questions gained and lost."""
    lines = ["| set | answerable | hand-set order: top fact right | model's order: top fact right | gained | lost |",
             "|---|---|---|---|---|---|"]
    for name, traces in sets.items():
        pairs = [(t.hand_top_right, o.top_right) for t, o in zip(traces, fitted[name], strict=True) if t.answerable]
        hand, model = sum(h for h, _ in pairs), sum(m for _, m in pairs)
        gained, lost = sum(m and not h for h, m in pairs), sum(h and not m for h, m in pairs)
        lines.append(f"| {name} | {len(pairs)} | {hand} ({hand / max(1, len(pairs)):.1%}) | "
                     f"{model} ({model / max(1, len(pairs)):.1%}) | {gained} | {lost} |")
    return "\n".join(lines)


def cross_fit(squad1: list[Trace], squad2: list[Trace], folds: int, kind: str,
              confidence: str = "fitted", reorders: int | None = None) -> list[Outcome]:
    """Held-out outcomes for every squad2-tune question (its article's fold never fitted on)."""
    articles = sorted({t.group for t in squad2})
    fold_of = {a: i % folds for i, a in enumerate(articles)}
    result: dict[int, Outcome] = {}
    for k in range(folds):
        train2 = [t for t in squad2 if fold_of[t.group] != k]
        test = [(i, t) for i, t in enumerate(squad2) if fold_of[t.group] == k]
        model = fit_model(squad1 + train2, train2, kind=kind, meta={"confidence": confidence, "reorders": reorders})
        for (i, _), outcome in zip(test, outcomes(model, [t for _, t in test]), strict=True):
            result[i] = outcome
        print(f"  fold {k + 1}/{folds}: {len(test)} questions held out", file=sys.stderr)
    return [result[i] for i in range(len(squad2))]


def _cached(work: Path, name: str, build) -> list[Trace]:
    """Traces are slow to build (every question through the engine): keep them per feature set.

    ``build(baselines)``; the baselines' answers do not depend on the features, so an older trace
    file of the same set lends them and they are not recomputed.
    """
    settings = [FEATURES, matching.PARAPHRASE_COVERAGE, matching.PAIR_SOURCES, matching.PAIR_MIN_SHARE]
    key = hashlib.sha1(json.dumps(settings).encode()).hexdigest()[:10]
    path = work / f"traces-{name}-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    older = sorted(work.glob(f"traces-{name}-*.pkl"), key=lambda p: p.stat().st_mtime)
    traces = build(not older)
    if older:
        lender = {t.qid: t for t in pickle.loads(older[-1].read_bytes())}
        for t in traces:
            old = lender.get(t.qid)
            if old is not None:
                t.fts_right, t.fts_score, t.fuzz_right, t.fuzz_score = (old.fts_right, old.fts_score,
                                                                        old.fuzz_right, old.fuzz_score)
    path.write_bytes(pickle.dumps(traces))
    return traces


def _without_raw(traces: list[Trace]) -> list[Trace]:
    """The traces without their extra-feature payloads (not used here; they are large)."""
    for t in traces:
        t.raw = None
    return traces


def main(argv: list[str] | None = None) -> int:
    """Fit, report held-out figures, save the model (unless --dry-run)."""
    parser = argparse.ArgumentParser(prog="python -m facts.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=quality.REPO / ".quality")
    parser.add_argument("--squad1-articles", type=int, default=60)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", choices=("logistic", "trees"), default="logistic",
                        help="trees needs the optional 'train' extra (LightGBM)")
    parser.add_argument("--confidence", choices=("fitted", "hand-set"), default="fitted",
                        help="hand-set: the model only re-orders the candidates; the answer keeps the "
                             "hand-set scorer's confidence (and its 0.5 threshold)")
    parser.add_argument("--reorders", type=int, default=None,
                        help="with --confidence hand-set: re-order only the hand-set order's first N candidates "
                             "(the others follow in their hand-set order; fewer rows to score per question)")
    parser.add_argument("--squad1-research", action="store_true",
                        help="fit on the squad1-train traces of python -m facts.experiments trace (every usable "
                             "article, about 20 a database) instead of --squad1-articles in one database")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the model file")
    parser.add_argument("--install", action="store_true",
                        help="write the model into the package (facts/data), making it the engine's scorer; "
                             "without it the model goes to the work folder")
    args = parser.parse_args(argv)
    shared = quality.shared_dir()
    if not quality.squad2_available(shared):
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    print("tracing questions (cached in the work folder)...", file=sys.stderr)
    if args.squad1_research:
        research = args.work / "research"
        groups = sorted(research.glob("squad1-g*.pkl"))
        if not groups:
            print("no traces: run python -m facts.experiments trace first", file=sys.stderr)
            return 2
        squad1 = [t for g in groups for t in _without_raw(pickle.loads(g.read_bytes()))]
        squad2 = _without_raw(pickle.loads((research / "squad2.pkl").read_bytes()))
    else:
        squad2 = _cached(args.work, "squad2", lambda b: quality.squad2_traces(args.work, shared, baselines=b))
        squad1 = _cached(args.work, f"squad1-{args.squad1_articles}",
                         lambda b: quality.squad1_traces(args.work, shared, args.squad1_articles, baselines=False))
    dev = quality.dev_traces(args.work, shared)
    heldout = quality.heldout_traces(args.work)
    news = quality.news_traces(args.work, baselines=False)
    news_sample = [t for t in news if t.set == "news-sample"]
    news_four = [t for t in news if t.set == "news-four"]

    print("cross-fitting by article...", file=sys.stderr)
    held_out = cross_fit(squad1, squad2, args.folds, args.model, args.confidence, args.reorders)
    threshold, balance = quality.best_balance(held_out)
    threshold = round(min(max(threshold, 0.05), 0.95), 2)
    if args.confidence == "hand-set":
        threshold = quality.HAND_SET_THRESHOLD
    pool = quality.figures(held_out, threshold)

    meta = {
        "fitted_on": {
            "squad1-train": {"articles": len({t.group for t in squad1}), "questions": len(squad1)},
            "squad2-tune": {"articles": len({t.group for t in squad2}), "questions": len(squad2),
                            "unanswerable": sum(not t.answerable for t in squad2)},
        },
        "date": datetime.date.today().isoformat(),
        "model": args.model,
        "confidence": args.confidence,
        "reorders": args.reorders,
        "command": f"python -m facts.train --model {args.model} --folds {args.folds} --confidence {args.confidence}"
                   + (f" --reorders {args.reorders}" if args.reorders else "")
                   + (" --squad1-research" if args.squad1_research else f" --squad1-articles {args.squad1_articles}"),
        "held_out": {"set": f"squad2-tune, {args.folds} folds by article", "top": round(pool.top, 4),
                     "right": round(pool.right, 4), "abstained": round(pool.abstained, 4),
                     "auc": round(pool.auc, 4), "ece": round(pool.ece or 0.0, 4)},
    }
    model = fit_model(squad1 + squad2, squad2, threshold, meta, kind=args.model)
    sets = {"squad2-tune (19 articles, one database)": squad2, "seed dev (bundled report)": dev,
            "tests/data/heldout (3 documents)": heldout,
            "tests/data/heldout-news, bundled report": news_sample,
            "tests/data/heldout-news, four outlets": news_four}
    fitted = {"squad2-tune (19 articles, one database)": held_out,
              **{name: outcomes(model, traces) for name, traces in list(sets.items())[1:]}}
    print(f"default threshold {threshold} (held-out best balance {balance:.1%})")
    print(top_fact_counts(sets, fitted))
    model.meta["top_fact_right"] = {
        name: {"answerable": sum(t.answerable for t in traces),
               "hand_set_order": sum(t.hand_top_right for t in traces if t.answerable),
               "model_order": sum(o.top_right for t, o in zip(traces, fitted[name], strict=True) if t.answerable)}
        for name, traces in sets.items()}
    print(quality.report(sets, fitted, threshold))
    if not args.dry_run:
        path = Path(__file__).resolve().parent / MODEL_FILE if args.install else args.work / "answer_model.json"
        # (ranking trees are thousands of numbers: written compact, they stay a small file)
        indent = None if model.trees is not None else 1
        path.write_text(json.dumps(model.to_json(), indent=indent) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
