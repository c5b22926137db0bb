"""Answer-quality harness: question sets through the engine, judged by the project's rule, with two
baselines over the same sentences and the calibration of the confidence.

    python -m facts.quality [--work DIR] [--sets squad2,dev,heldout,news,unseen]

Sets: ``squad2`` (the 19 SQuAD 2.0 tuning articles of ``../shared/eval/squad2-tune``, all ingested
into one database), ``dev`` (``../shared/eval/seed-dev.jsonl`` on the bundled report), ``heldout``
(``tests/data/heldout``, each document beside the bundled report) and ``news``
(``tests/data/heldout-news``: new questions on the bundled report, and four outlets' reports of one
event beside it) and ``unseen`` (``tests/data/heldout-news2`` to ``-news6``: four outlets on five
other events, kept out of every fit). Each set shows the engine as shipped (hand-set order, or
bundled ranking trees' order; fitted confidence: see :mod:`facts.confidence`), the hand-set
confidence at 0.5, and SQLite FTS5 bm25 and brute-force rapidfuzz over the same sentences. Shared
data is read in place, never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from facts.analysis.text import words
from facts.confidence import ConfidenceModel, feature_row, load_confidence_model
from facts.errors import FactbotError
from facts.evaluation import load_questions, overlaps, short_answer_found
from facts.matching import concept_weight, rank, trees_order, unknown_share
from facts.question import question_kind
from facts.selector import FEATURES, ParagraphTerms, candidate_rows, raw_payload
from facts.service import FactService

REPO = Path(__file__).resolve().parents[1]
HELDOUT_DIR = REPO / "tests" / "data" / "heldout"
NEWS_DIR = REPO / "tests" / "data" / "heldout-news"
UNSEEN_DIRS = {name: REPO / "tests" / "data" / f"heldout-{name}"
               for name in ("news2", "news3", "news4", "news5", "news6")}
"""Four-outlet sets kept out of every fit of the confidence model and every choice of a setting
(news2's questions were not read before it was fitted; news3 to news6 were written after it)."""
HAND_SET_THRESHOLD = 0.5
SQUAD1_EXCLUDED = frozenset({"002", *(f"{n:03d}" for n in range(6, 15))})
"""squad1-train articles that are also squad2-tune's train articles (never fitted on twice)."""


def shared_dir() -> Path:
    """``../shared`` beside the repository, or FACTBOT_SHARED_DIR."""
    return Path(os.environ.get("FACTBOT_SHARED_DIR", REPO.parent / "shared"))


@dataclass
class Trace:
    """One question answered by the engine with the model switched off: everything a model needs."""

    set: str
    group: str
    qid: str
    answerable: bool
    rows: np.ndarray
    labels: np.ndarray
    hand_confidence: float
    hand_top_right: bool
    fts_right: bool = False
    fts_score: float = 0.0
    fuzz_right: bool = False
    fuzz_score: float = 0.0
    raw: dict | None = None
    """What the extra features need (see :func:`facts.selector.raw_payload`), when traced with ``raw``."""
    confidence_row: np.ndarray | None = None
    """The chosen fact's features for the confidence model (:func:`facts.confidence.feature_row`), the
    chosen fact being the top one of the order the engine ships (see ``shipped_top``)."""
    shipped_top: int = 0
    """Which row (hand-set order) is the engine's top fact as shipped: 0, or the bundled ranking trees' choice."""

    @property
    def shipped_right(self) -> bool:
        """Whether the engine's top fact as shipped (whatever its confidence) overlaps the evidence."""
        return bool(len(self.labels) and self.labels[self.shipped_top])


@dataclass
class Outcome:
    """Per question: did the chosen fact overlap the evidence, with what confidence."""

    answerable: bool
    top_right: bool
    confidence: float


@dataclass
class Figures:
    """The judged figures of one system on one set."""

    n: int
    right: float
    abstained: float
    top: float
    balanced: float
    best_balanced: float
    auc: float
    ece: float | None = None
    reliability: list[tuple[str, int, float, float]] = field(default_factory=list)


def rank_unfitted(service: FactService, question: str) -> tuple[object, list, float]:
    """The engine's candidates and hand-set scores (no fitted model), as ``FactService.ask`` finds them."""
    vocabulary = service.vocabulary.for_scope(0)
    analysed, ranked = rank(service.db.conn, question, 0, service.aliases(0), vocabulary, service._accumulator,
                            fitted=False)
    weights = [concept_weight(c, vocabulary) for c in analysed.concepts]
    return analysed, ranked, unknown_share(analysed, weights)


class Baselines:
    """SQLite FTS5 bm25 (OR of the question's words) and brute-force rapidfuzz over one database's facts."""

    def __init__(self, service: FactService) -> None:
        self.texts = [r[0] for r in service.db.execute("select text from facts where status = 'active'")]
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute("create virtual table f using fts5(text)")
        self.conn.executemany("insert into f (text) values (?)", [(t,) for t in self.texts])
        self.processed = [utils.default_process(t) for t in self.texts]

    def fts(self, question: str) -> tuple[str | None, float]:
        """Best fact by bm25 and its score (higher is better)."""
        query = " OR ".join(f'"{w}"' for w in dict.fromkeys(words(question)))
        if not query:
            return None, 0.0
        row = self.conn.execute("select text, bm25(f) from f where f match ? order by bm25(f) limit 1",
                                [query]).fetchone()
        return (row[0], -row[1]) if row else (None, 0.0)

    def fuzz(self, question: str) -> tuple[str | None, float]:
        """Best fact by token-set ratio and that ratio (0-1)."""
        best = process.extractOne(utils.default_process(question), self.processed, scorer=fuzz.token_set_ratio,
                                  processor=None)
        return (self.texts[best[2]], best[1] / 100.0) if best else (None, 0.0)


def trace_questions(service: FactService, items: Iterable[dict], set_name: str, group_of, *,
                    baselines: bool = True, raw: bool = True) -> list[Trace]:
    """Run each question through the engine's candidate search and record features and labels."""
    base = Baselines(service) if baselines else None
    paragraphs = ParagraphTerms(service) if raw else None
    traces = []
    for item in items:
        question = str(item["question"])
        answerable = bool(item["answerable"])
        evidence = str(item.get("evidence", ""))
        try:
            analysed, ranked, unknown = rank_unfitted(service, question)
        except Exception as exc:  # an invalid question (empty, too long): no candidates
            if type(exc).__name__ != "InvalidQuestion":
                raise
            analysed, ranked, unknown = None, [], 0.0
        labels = np.array([answerable and overlaps(s.candidate.text, evidence) for s in ranked], dtype=bool)
        rows = candidate_rows(analysed, ranked, unknown) if ranked else np.zeros((0, len(FEATURES)))
        trace = Trace(set_name, group_of(item), str(item.get("id")), answerable, rows, labels,
                      ranked[0].confidence if ranked else 0.0, bool(labels[0]) if len(labels) else False)
        if ranked:
            vocabulary = service.vocabulary.for_scope(0)
            weights = [concept_weight(c, vocabulary) for c in analysed.concepts]
            shipped = trees_order(analysed, ranked, unknown)
            trace.shipped_top = next(i for i, s in enumerate(ranked) if s is shipped[0])
            trace.confidence_row = feature_row(analysed, shipped, weights, vocabulary.total)
        if paragraphs is not None and analysed is not None:
            trace.raw = raw_payload(analysed, ranked, service.vocabulary.for_scope(0), paragraphs)
        if base is not None:
            text, trace.fts_score = base.fts(question)
            trace.fts_right = bool(answerable and text and overlaps(text, evidence))
            text, trace.fuzz_score = base.fuzz(question)
            trace.fuzz_right = bool(answerable and text and overlaps(text, evidence))
        traces.append(trace)
    return traces


# -- building the databases ------------------------------------------------------------------------

def _squad_documents(root: Path, files: Iterable[str]) -> list[dict]:
    manifest = {}
    for line in (root / "docs" / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            manifest[entry["file"]] = entry
    docs = []
    for name in files:
        meta = manifest.get(name, {})
        docs.append({"text": (root / "docs" / name).read_text(encoding="utf-8"), "name": name,
                     "title": meta.get("title"), "url": meta.get("url"), "outlet": meta.get("outlet"),
                     "published": meta.get("published")})
    return docs


def open_squad(work: Path, label: str, root: Path, files: list[str]) -> FactService:
    """A database holding these articles of a SQuAD folder (built once in ``work``, then reused)."""
    path = work / f"{label}.db"
    fresh = not path.exists()
    service = FactService(path)
    if fresh:
        service.ingest_documents(_squad_documents(root, files))
    return service


def squad2_traces(work: Path, shared: Path, baselines: bool = True, docs: list[str] | None = None) -> list[Trace]:
    """squad2-tune questions against one database of its articles (all 19, or ``docs``); grouped by article."""
    root = shared / "eval" / "squad2-tune"
    items = load_questions(root / "questions.jsonl")
    if docs is not None:
        items = [i for i in items if i["doc"] in docs]
    files = sorted({str(i["doc"]) for i in items})
    label = "squad2-tune" if docs is None else "squad2-" + "-".join(f.split(".")[0] for f in files)
    service = open_squad(work, label, root, files)
    try:
        return trace_questions(service, items, "squad2", lambda i: str(i["doc"]), baselines=baselines)
    finally:
        service.close()


def squad1_traces(work: Path, shared: Path, articles: int, baselines: bool = False) -> list[Trace]:
    """Answerable squad1-train questions on ``articles`` articles spread over the set (squad2-tune's
    train articles excluded), all in one database; grouped by article."""
    root = shared / "eval" / "squad1-train"
    files = sorted(p.name for p in (root / "docs").glob("*.txt") if p.name[:3] not in SQUAD1_EXCLUDED)
    step = max(1, len(files) // articles)
    chosen = files[::step][:articles]
    wanted = set(chosen)
    items = [i for i in load_questions(root / "questions.jsonl") if i["doc"] in wanted]
    service = open_squad(work, f"squad1-{articles}", root, chosen)
    try:
        return trace_questions(service, items, "squad1", lambda i: str(i["doc"]), baselines=baselines)
    finally:
        service.close()


def dev_traces(work: Path, shared: Path) -> list[Trace]:
    """The seed dev set on the bundled report."""
    service = FactService(work / "dev.db")
    service.ensure_sample_corpus()
    try:
        return trace_questions(service, load_questions(shared / "eval" / "seed-dev.jsonl"), "dev", lambda i: "dev")
    finally:
        service.close()


def heldout_documents() -> list[Path]:
    """The documents of ``tests/data/heldout`` (each with its question file beside it)."""
    return sorted(p for p in HELDOUT_DIR.glob("*.md") if p.name != "README.md")


def open_heldout(work: Path, document: Path) -> FactService:
    """A database holding the bundled report and ``document`` (built once in ``work``, then reused)."""
    path = work / f"heldout-{document.stem}.db"
    fresh = not path.exists()
    service = FactService(path)
    if fresh:
        service.ensure_sample_corpus()
        service.ingest_path(document)
    return service


def squad2_available(shared: Path) -> bool:
    """Whether the shared squad2-tune set is there (else say where it was looked for)."""
    if (shared / "eval" / "squad2-tune").is_dir():
        return True
    print(f"no shared question sets at {shared} (set FACTBOT_SHARED_DIR)", file=sys.stderr)
    return False


def heldout_traces(work: Path) -> list[Trace]:
    """The repository's held-out sets, each document beside the bundled report."""
    traces = []
    for document in heldout_documents():
        service = open_heldout(work, document)
        try:
            traces += trace_questions(service, load_questions(document.with_suffix(".jsonl")), "heldout",
                                      lambda i, d=document.stem: d)
        finally:
            service.close()
    return traces


def news_traces(work: Path, baselines: bool = True) -> list[Trace]:
    """The repository's blind news sets (``tests/data/heldout-news``): new questions on the bundled
    report, and questions over four outlets' reports of one event ingested beside it."""
    traces = []
    sample = FactService(work / "news-sample.db")
    try:
        sample.ensure_sample_corpus()
        traces += trace_questions(sample, load_questions(NEWS_DIR / "sample-report.jsonl"), "news-sample",
                                  lambda i: "news-sample", baselines=baselines)
    finally:
        sample.close()
    return traces + outlet_traces(work, NEWS_DIR, "news-four", baselines)


def outlet_traces(work: Path, folder: Path, name: str, baselines: bool = True) -> list[Trace]:
    """``folder``'s ``four-outlets.jsonl`` over all its reports, ingested together beside the bundled report."""
    path = work / f"{name}.db"
    fresh = not path.exists()
    service = FactService(path)
    try:
        if fresh:
            service.ensure_sample_corpus()
            for document in sorted(p for p in folder.glob("*.md") if p.name != "README.md"):
                service.ingest_path(document)
        return trace_questions(service, load_questions(folder / "four-outlets.jsonl"), name, lambda i: name,
                               baselines=baselines)
    finally:
        service.close()


# -- figures ----------------------------------------------------------------------------------------

def roc_auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    scores = np.concatenate([positive, negative])
    ranks = _average_ranks(scores)
    pos_ranks = ranks[: len(positive)].sum()
    return float((pos_ranks - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def figures(outcomes: list[Outcome], threshold: float | None, calibrated: bool = True, bins: int = 10) -> Figures:
    """Right %, abstained %, top-fact right %, their balance, AUC and (when calibrated) ECE.

    ``threshold`` None: the system has no default threshold (a baseline): only the threshold-free figures.
    """
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    nan = float("nan")
    right = nan if threshold is None else _share(o.top_right and o.confidence >= threshold for o in answerable)
    abstained = nan if threshold is None else _share(o.confidence < threshold for o in unanswerable)
    result = Figures(
        n=len(outcomes), right=right, abstained=abstained, top=_share(o.top_right for o in answerable),
        balanced=(right + abstained) / 2, best_balanced=best_balance(outcomes)[1],
        auc=roc_auc([o.confidence for o in answerable if o.top_right], [o.confidence for o in unanswerable]),
    )
    if calibrated:
        result.ece, result.reliability = calibration(outcomes, bins)
    return result


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else float("nan")


def best_balance(outcomes: list[Outcome]) -> tuple[float, float]:
    """The threshold with the best (right % + abstained %) / 2, and that balance."""
    if not outcomes:
        return 0.5, float("nan")
    conf = np.array([o.confidence for o in outcomes])
    good = np.array([o.answerable and o.top_right for o in outcomes])
    unans = np.array([not o.answerable for o in outcomes])
    n_ans, n_unans = max(1, len(outcomes) - unans.sum()), max(1, unans.sum())
    thresholds = np.unique(np.concatenate([conf, [np.inf]]))
    good_sorted = np.sort(conf[good])
    unans_sorted = np.sort(conf[unans])
    right = (len(good_sorted) - np.searchsorted(good_sorted, thresholds, side="left")) / n_ans
    abstained = np.searchsorted(unans_sorted, thresholds, side="left") / n_unans
    if not unans.any():
        abstained = np.zeros_like(right)
    balance = (right + abstained) / 2
    best = int(np.argmax(balance))
    return float(thresholds[best]), float(balance[best])


def calibration(outcomes: list[Outcome], bins: int = 10) -> tuple[float, list[tuple[str, int, float, float]]]:
    """Expected calibration error of "the chosen fact is right" and the reliability table
    (bin, questions, mean confidence, share right); an unanswerable question's fact is never right."""
    table = []
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [o for o in outcomes if low <= o.confidence < high or (b == bins - 1 and o.confidence >= high)]
        if not inside:
            continue
        mean_conf = sum(o.confidence for o in inside) / len(inside)
        rate = sum(o.top_right for o in inside) / len(inside)
        ece += len(inside) / len(outcomes) * abs(mean_conf - rate)
        table.append((f"{low:.1f}-{high:.1f}", len(inside), mean_conf, rate))
    return ece, table


def hand_outcomes(traces: list[Trace]) -> list[Outcome]:
    """The engine before the fitted model: hand-set confidence, hand-set ranking."""
    return [Outcome(t.answerable, t.hand_top_right, t.hand_confidence) for t in traces]


def baseline_outcomes(traces: list[Trace], which: str) -> list[Outcome]:
    """A baseline's top fact; its score squashed into 0-1 (only its order matters: AUC, best balance)."""
    out = []
    for t in traces:
        score = t.fts_score if which == "fts" else t.fuzz_score
        if which == "fts":
            score = 1 - math.exp(-score / 10.0)
        out.append(Outcome(t.answerable, t.fts_right if which == "fts" else t.fuzz_right, score))
    return out


def format_row(name: str, f: Figures, threshold_note: str = "") -> str:
    """One table row in Markdown."""
    def pct(x: float) -> str:
        return "–" if x != x else f"{x:.0%}"
    auc = "–" if f.auc != f.auc else f"{f.auc:.2f}"
    ece = "–" if f.ece is None else f"{f.ece:.3f}"
    return (f"| {name} | {f.n} | {pct(f.top)} | {pct(f.right)} | {pct(f.abstained)} | {pct(f.balanced)} | "
            f"{pct(f.best_balanced)} | {auc} | {ece} |{threshold_note}")


HEADER = ("| system | questions | top fact right | right (at default) | abstained | (right+abstained)/2 | "
          "best possible | AUC | ECE |\n|---|---|---|---|---|---|---|---|---|")


def report(sets: dict[str, list[Trace]], fitted: dict[str, list[Outcome]] | None, threshold: float | None) -> str:
    """Markdown tables: each set with the fitted engine, the engine before and both baselines."""
    lines = []
    for name, traces in sets.items():
        lines += [f"\n### {name} ({len(traces)} questions, {sum(t.answerable for t in traces)} answerable)", "",
                  HEADER]
        if fitted and name in fitted:
            lines.append(format_row("factbot as shipped (fitted confidence)", figures(fitted[name], threshold or 0.5)))
        lines.append(format_row("factbot, hand-set scorer", figures(hand_outcomes(traces), HAND_SET_THRESHOLD)))
        if any(t.fts_score or t.fuzz_score for t in traces):
            lines.append(format_row("SQLite FTS5 bm25", figures(baseline_outcomes(traces, "fts"), None, False)))
            lines.append(format_row("rapidfuzz brute force", figures(baseline_outcomes(traces, "fuzz"), None, False)))
    tables = [(f"hand-set scorer, {name}", hand_outcomes(traces), HAND_SET_THRESHOLD) for name, traces in sets.items()]
    tables += [(f"as shipped, {name}", outcomes, threshold or 0.5) for name, outcomes in (fitted or {}).items()]
    for title, outcomes, cut in tables:
        f = figures(outcomes, cut)
        lines += [f"\nReliability, {title}: ECE {f.ece:.3f}", "",
                  "| confidence | questions | mean confidence | share right |", "|---|---|---|---|"]
        lines += [f"| {b} | {n} | {c:.2f} | {r:.2f} |" for b, n, c, r in f.reliability]
    return "\n".join(lines)


# -- short answers ---------------------------------------------------------------------------------

SQUAD2_SHORT_SAMPLE = ("dev-01-normans.txt", "dev-15-warsaw.txt", "train-007-2008-sichuan-earthquake.txt",
                       "train-009-to-kill-a-mockingbird.txt")
"""squad2-tune articles whose questions the short-answer figures use by default (two dev, two train)."""


@dataclass
class ShortOutcome:
    """One answerable question asked through ``FactService.ask``: its kind, whether the answered fact
    is right, and whether the short answer is one of the gold answers."""

    kind: str
    right: bool
    found: bool
    question: str = ""
    gold: list[str] = field(default_factory=list)
    short: str | None = None
    fact: str = ""


def ask_for_short_answers(service: FactService, items: Iterable[dict]) -> tuple[list[ShortOutcome], int, int]:
    """Ask every question as a user would; the answerable ones' outcomes and (unanswerable, abstained)."""
    outcomes, unanswerable, abstained = [], 0, 0
    for item in items:
        question = str(item["question"])
        try:
            answer = service.ask(question)
        except FactbotError:
            answer = None
        answered = bool(answer and answer.answered and answer.fact)
        if not item["answerable"]:
            unanswerable += 1
            abstained += not answered
            continue
        right = answered and overlaps(answer.fact.text, str(item.get("evidence", "")))
        gold = [str(g) for g in item.get("answer", []) or []]
        outcomes.append(ShortOutcome(
            question_kind(question), right, right and short_answer_found(answer.answer, gold), question, gold,
            answer.answer if answered else None, answer.fact.text if answered else ""))
    return outcomes, unanswerable, abstained


def short_answer_table(title: str, outcomes: list[ShortOutcome], unanswerable: int, abstained: int) -> str:
    """Per question kind: answerable questions, right facts, short answers found among the right ones, and
    right facts shown with a short answer that is none of the gold ones."""
    right = sum(o.right for o in outcomes)
    lines = [f"\n### {title}: right {right}/{len(outcomes)}, abstained {abstained}/{unanswerable}", "",
             "| kind | answerable | fact right | short answer found | found / right | other short answer shown |",
             "|---|---|---|---|---|---|"]
    kinds = sorted({o.kind for o in outcomes})
    for kind in [*kinds, "all"]:
        rows = [o for o in outcomes if kind in ("all", o.kind)]
        n_right = sum(o.right for o in rows)
        found = sum(o.found for o in rows)
        share = f"{found / n_right:.0%}" if n_right else "–"
        other = sum(o.right and not o.found and bool(o.short) for o in rows)
        lines.append(f"| {kind} | {len(rows)} | {n_right} | {found} | {share} | {other} |")
    return "\n".join(lines)


def short_answer_sets(work: Path, shared: Path, wanted: list[str], squad2_docs: list[str],
                      squad2_per_doc: int) -> dict[str, tuple[list[ShortOutcome], int, int]]:
    """The short-answer outcomes of each wanted set (squad2: the first ``squad2_per_doc`` questions
    of each of ``squad2_docs``, one database of those articles)."""
    results = {}
    if "dev" in wanted:
        service = FactService(work / "dev.db")
        service.ensure_sample_corpus()
        try:
            results["seed dev (bundled report)"] = ask_for_short_answers(
                service, load_questions(shared / "eval" / "seed-dev.jsonl"))
        finally:
            service.close()
    if "heldout" in wanted:
        outcomes, unanswerable, abstained = [], 0, 0
        for document in heldout_documents():
            service = open_heldout(work, document)
            try:
                more, u, a = ask_for_short_answers(service, load_questions(document.with_suffix(".jsonl")))
            finally:
                service.close()
            outcomes += more
            unanswerable += u
            abstained += a
        results["tests/data/heldout"] = (outcomes, unanswerable, abstained)
    if "squad2" in wanted:
        root = shared / "eval" / "squad2-tune"
        files = sorted(squad2_docs)
        items = []
        for name in files:
            items += [i for i in load_questions(root / "questions.jsonl") if i["doc"] == name][:squad2_per_doc]
        label = "squad2-" + "-".join(f.split("-")[0] + f.split("-")[1] for f in files)  # e.g. squad2-dev01-train007
        service = open_squad(work, label, root, files)
        try:
            results[f"squad2-tune sample ({len(files)} articles, {len(items)} questions)"] = \
                ask_for_short_answers(service, items)
        finally:
            service.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """Print the quality tables (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m facts.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=REPO / ".quality", help="where databases are built and kept")
    parser.add_argument("--sets", default="squad2,dev,heldout,news,unseen")
    parser.add_argument("--no-baselines", action="store_true", help="skip FTS5 and rapidfuzz (faster)")
    parser.add_argument("--short-answers", action="store_true",
                        help="instead: short answer found per question kind, where the answered fact is right")
    parser.add_argument("--squad2-docs", default=",".join(SQUAD2_SHORT_SAMPLE),
                        help="with --short-answers: the squad2-tune articles to ask about")
    parser.add_argument("--squad2-per-doc", type=int, default=10**6,
                        help="with --short-answers: at most this many questions of each article")
    parser.add_argument("--misses", type=Path, help="with --short-answers: write right facts without the short "
                        "answer here (JSON Lines)")
    args = parser.parse_args(argv)
    shared = shared_dir()
    args.work.mkdir(parents=True, exist_ok=True)
    wanted = args.sets.split(",")
    if args.short_answers:
        results = short_answer_sets(args.work, shared, wanted, args.squad2_docs.split(","), args.squad2_per_doc)
        for title, (outcomes, unanswerable, abstained) in results.items():
            print(short_answer_table(title, outcomes, unanswerable, abstained))
        if args.misses:
            with args.misses.open("w", encoding="utf-8") as out:
                for title, (outcomes, _, _) in results.items():
                    for o in outcomes:
                        if o.right and not o.found:
                            out.write(json.dumps({"set": title, **o.__dict__}, ensure_ascii=False) + "\n")
        return 0
    sets: dict[str, list[Trace]] = {}
    if "squad2" in wanted:
        sets["squad2-tune (19 articles, one database)"] = squad2_traces(args.work, shared, not args.no_baselines)
    if "dev" in wanted:
        sets["seed dev (bundled report)"] = dev_traces(args.work, shared)
    if "heldout" in wanted:
        sets["tests/data/heldout (3 documents)"] = heldout_traces(args.work)
    if "news" in wanted:
        news = news_traces(args.work, not args.no_baselines)
        sets["tests/data/heldout-news, new questions on the bundled report"] = [t for t in news
                                                                               if t.set == "news-sample"]
        sets["tests/data/heldout-news, four outlets on one event"] = [t for t in news if t.set == "news-four"]
    for name, folder in UNSEEN_DIRS.items():
        if "unseen" in wanted and folder.is_dir():
            sets[f"tests/data/{folder.name}, four outlets (never fitted on)"] = outlet_traces(
                args.work, folder, name, not args.no_baselines)
    model = load_confidence_model()
    shipped = None if model is None else {name: shipped_outcomes(traces, model) for name, traces in sets.items()}
    print(report(sets, shipped, None if model is None else model.threshold))
    if model is not None:
        print("\nThe shipped rows use the bundled confidence model, which was fitted on these sets: for its figures on "
              "questions it was not fitted on, run python -m facts.train_confidence.")
    return 0


def shipped_outcomes(traces: list[Trace], model: ConfidenceModel) -> list[Outcome]:
    """The engine as shipped: its order's top fact (see :func:`facts.matching.trees_order`), that fact's confidence
    from the bundled model."""
    return [Outcome(t.answerable, t.shipped_right,
                    model.probability(t.confidence_row) if t.confidence_row is not None else 0.0)
            for t in traces]


if __name__ == "__main__":
    sys.exit(main())

