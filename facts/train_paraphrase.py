"""Fit (and evaluate) the paraphrase table of :mod:`facts.paraphrase` from question / answer-sentence pairs.

The "lexical chasm" remedy of answer-sentence selection: learn which answer-sentence words go
with which question words when the question does not use the sentence's own word. For each
training question, its content stems Q, the stems E of the sentence that answers it, and the
stems of the other sentences of its paragraph. For a question stem q that the evidence lacks
(q in Q - E) and a stem f != q:

- ``pos(q, f)``: questions where f is in the evidence;
- ``neg(q, f)``: the expected count of f in a non-evidence sentence of the same paragraph;
- ``n(q)``: questions where q is asked but missing from the evidence.

``gain = (pos - neg) / n(q)`` is how much more often f marks the answering sentence than a
sentence beside it: topic words the whole paragraph shares cancel out. Pairs need ``pos >=
min_pair`` and a z-like margin ``(pos - neg) / sqrt(pos + 1) >= min_z``; each question stem keeps
its ``top_k`` best pairs, weight ``min(1, scale * gain ** power)`` with ``scale`` and ``power``
chosen on validation articles. Questions are split by article (seeded shuffle), never by question:
fit articles, validation articles (for scale/power), test articles (reported only). Articles that
another shared question set also holds are excluded entirely (``--exclude``), so that set stays unseen.

Run ``python -m facts.train_paraphrase --squad PATH --out facts/data/paraphrase.npz`` to fit, and
``python -m facts.train_paraphrase --squad PATH --evaluate [--dev PATH]`` to print the ranking numbers.
Needs only the standard library and numpy; deterministic for a given seed and data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facts.analysis.sentences import split_sentences
from facts.analysis.text import STOPWORDS, stem, words
from facts.paraphrase import DATA_FILE, Paraphraser, load_paraphraser, save_table

# Articles of the shared squad2 tuning pool's train part that the squad1 set also holds (002, 006-014).
SHARED_WITH_SQUAD2 = ("002", "006", "007", "008", "009", "010", "011", "012", "013", "014")
DEFAULTS = {"seed": 9, "min_source": 5, "min_pair": 3, "min_z": 2.0, "top_k": 10, "scale": 1.0, "power": 1.0,
            "min_freq": 3}
EMBEDDING_MODEL = "wordllama l2_supercat 256-dim (weights shipped in its wheel, loaded with downloads disabled)"
TEST_SHARE = 0.1
VALIDATION_SHARE = 0.1


def content_stems(text: str) -> list[str]:
    """Distinct stems of the index terms of ``text`` (stopwords dropped), in order of appearance."""
    return list(dict.fromkeys(stem(t) for t in words(text) if t not in STOPWORDS))


def _associable(term: str) -> bool:
    """Stems the table links: words, not numbers or single letters (numbers match only themselves)."""
    return len(term) >= 2 and not any(c.isdigit() for c in term)


@dataclass
class Example:
    """One answerable question with its paragraph's sentences and which of them answer it."""

    article: str
    question: str
    q_stems: list[str]
    paragraph: int  # index into the article's paragraphs
    sentences: list[int]  # indices into the article's sentences
    evidence: set[int]  # subset of ``sentences``


@dataclass
class Article:
    """An article's sentences as stem sets, and its questions."""

    name: str
    sentence_stems: list[frozenset[str]] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def read_pool(folder: Path, keep: Callable[[str], bool] = lambda name: True) -> list[Article]:
    """Articles of a question set (``questions.jsonl`` + ``docs/``) whose file name ``keep`` accepts."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    with open(folder / "questions.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("answerable", True) and row.get("evidence") and keep(row["doc"]):
                by_doc[row["doc"]].append(row)
    articles = []
    for doc in sorted(by_doc):
        paragraphs = (folder / "docs" / doc).read_text(encoding="utf-8").split("\n")
        article = Article(doc)
        spans_of: list[list[tuple[int, int]]] = []
        first: list[int] = []
        for text in paragraphs:
            spans = split_sentences(text)
            first.append(len(article.sentence_stems))
            spans_of.append(spans)
            article.sentence_stems.extend(frozenset(content_stems(text[s:e])) for s, e in spans)
        for row in by_doc[doc]:
            p = row["paragraph"] - 1
            text = paragraphs[p]
            at = text.find(row["evidence"])
            if at < 0:
                continue
            gold = (at, at + len(row["evidence"]))
            indices = [first[p] + i for i in range(len(spans_of[p]))]
            evidence = {first[p] + i for i, span in enumerate(spans_of[p]) if _overlaps(span, gold)}
            if evidence:
                stems = content_stems(row["question"])
                article.examples.append(Example(doc, row["question"], stems, p, indices, evidence))
        articles.append(article)
    return articles


def split_articles(names: Sequence[str], seed: int) -> tuple[list[str], list[str], list[str]]:
    """(fit, validation, test) article names: a seeded shuffle of the sorted names, cut by share."""
    order = sorted(names)
    random.Random(seed).shuffle(order)
    n_test = max(1, round(len(order) * TEST_SHARE))
    n_val = max(1, round(len(order) * VALIDATION_SHARE))
    test, validation, fit = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return sorted(fit), sorted(validation), sorted(test)


@dataclass
class Counts:
    """Pair statistics gathered from the fit articles."""

    sources: list[str]
    targets: list[str]
    missing: np.ndarray  # n(q) per source
    self_gain: np.ndarray  # per source: how much more often q itself marks the evidence than a neighbour
    pair_source: np.ndarray
    pair_target: np.ndarray
    pos: np.ndarray
    neg: np.ndarray


def count_pairs(articles: Iterable[Article]) -> Counts:
    """Gather pos/neg pair counts over the questions of ``articles`` (see module docstring)."""
    source_ids: dict[str, int] = {}
    target_ids: dict[str, int] = {}
    missing: Counter[int] = Counter()
    asked_total: Counter[str] = Counter()
    self_pos: Counter[str] = Counter()
    self_neg: Counter[str] = Counter()
    keys_pos: list[np.ndarray] = []
    keys_neg: list[np.ndarray] = []
    vals_neg: list[np.ndarray] = []
    shift = 1 << 32
    for article in articles:
        for ex in article.examples:
            evidence_stems: set[str] = set().union(*(article.sentence_stems[i] for i in ex.evidence))
            others = [article.sentence_stems[i] for i in ex.sentences if i not in ex.evidence]
            for q in ex.q_stems:
                if _associable(q) and others:
                    asked_total[q] += 1
                    self_pos[q] += q in evidence_stems
                    self_neg[q] += sum(q in sentence for sentence in others) / len(others)
            asked = [q for q in ex.q_stems if _associable(q) and q not in evidence_stems]
            if not asked or not others:
                continue
            q_ids = [source_ids.setdefault(q, len(source_ids)) for q in asked]
            question_set = set(ex.q_stems)
            e_ids = [target_ids.setdefault(f, len(target_ids)) for f in sorted(evidence_stems)
                     if _associable(f) and f not in question_set]
            rate: Counter[str] = Counter()
            for sentence in others:
                rate.update(f for f in sentence if _associable(f) and f not in question_set)
            n_ids = [target_ids.setdefault(f, len(target_ids)) for f in sorted(rate)]
            n_vals = [rate[f] / len(others) for f in sorted(rate)]
            for q in q_ids:
                missing[q] += 1
                base = q * shift
                if e_ids:
                    keys_pos.append(base + np.asarray(e_ids, dtype=np.int64))
                if n_ids:
                    keys_neg.append(base + np.asarray(n_ids, dtype=np.int64))
                    vals_neg.append(np.asarray(n_vals, dtype=np.float64))
    pos_keys, pos_counts = np.unique(np.concatenate(keys_pos), return_counts=True)
    neg_all = np.concatenate(keys_neg)
    neg_keys, inverse = np.unique(neg_all, return_inverse=True)
    neg_sums = np.bincount(inverse, weights=np.concatenate(vals_neg))
    # neg for each pos key (pairs never seen in a neighbour sentence have neg 0)
    where = np.searchsorted(neg_keys, pos_keys)
    where = np.minimum(where, len(neg_keys) - 1)
    neg = np.where(neg_keys[where] == pos_keys, neg_sums[where], 0.0)
    sources = [""] * len(source_ids)
    for s, i in source_ids.items():
        sources[i] = s
    targets = [""] * len(target_ids)
    for t, i in target_ids.items():
        targets[i] = t
    return Counts(
        sources,
        targets,
        np.asarray([missing[i] for i in range(len(sources))], dtype=np.int64),
        np.asarray([(self_pos[q] - self_neg[q]) / max(1, asked_total[q]) for q in sources], dtype=np.float64),
        (pos_keys // shift).astype(np.int64),
        (pos_keys % shift).astype(np.int64),
        pos_counts.astype(np.float64),
        neg,
    )


def build_rows(counts: Counts, params: dict) -> dict[str, list[tuple[str, float]]]:
    """The pruned, weighted table: question stem -> [(document stem, weight)], strongest first."""
    pos, neg = counts.pos, counts.neg
    n = counts.missing[counts.pair_source].astype(np.float64)
    gain = (pos - neg) / np.maximum(n, 1.0)
    if params.get("relative"):  # as a share of what the question's own stem is worth
        own = counts.self_gain[counts.pair_source]
        gain = np.where(own > 0, gain / np.maximum(own, 1e-9), gain)
    z = (pos - neg) / np.sqrt(pos + 1.0)
    keep = (pos >= params["min_pair"]) & (z >= params["min_z"]) & (gain > 0) & (n >= params["min_source"])
    idx = np.flatnonzero(keep)
    # strongest first within a source; ties broken by target stem for determinism
    order = sorted(idx.tolist(), key=lambda i: (counts.pair_source[i], -gain[i], counts.targets[counts.pair_target[i]]))
    rows: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for i in order:
        source = counts.sources[counts.pair_source[i]]
        if len(rows[source]) < params["top_k"]:
            weight = min(1.0, params["scale"] * float(gain[i]) ** params["power"])
            if weight * 255 >= 0.5:
                rows[source].append((counts.targets[counts.pair_target[i]], weight))
    return dict(rows)


def paraphraser_from_rows(rows: dict[str, list[tuple[str, float]]], metadata: dict | None = None) -> Paraphraser:
    """An in-memory :class:`Paraphraser` with the same quantised weights a saved table would have."""
    sources = sorted(s for s in rows if rows[s])
    target_ids: dict[str, int] = {}
    offsets, columns, weights = [0], [], []
    for s in sources:
        for t, w in sorted(rows[s], key=lambda pair: (-pair[1], pair[0])):
            columns.append(target_ids.setdefault(t, len(target_ids)))
            weights.append(max(1, min(255, round(w * 255))))
        offsets.append(len(columns))
    return Paraphraser(sources, list(target_ids), np.asarray(offsets), np.asarray(columns, dtype=np.int32),
                       np.asarray(weights, dtype=np.uint8), metadata or {})


# ---------------------------------------------------------------- static embeddings (fit time only)


def surface_words(folder: Path, docs: Iterable[str], questions: Iterable[str]) -> dict[str, Counter[str]]:
    """For each content stem of the given documents and questions, how often each word form occurs."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    texts = [(folder / "docs" / doc).read_text(encoding="utf-8") for doc in docs]
    for text in [*texts, *questions]:
        for word in words(text):
            if word not in STOPWORDS:
                forms[stem(word)][word] += 1
    return forms


def load_wordllama():  # pragma: no cover - needs the optional training extra
    """wordllama's shipped 256-dim model, strictly offline: its own files, downloads disabled.

    Its loader looks for the tokenizer in ``<package>/tokenizer/`` (the wheel has ``tokenizers/``)
    and would then try the network; passing the package folder as ``cache_dir`` makes it find both
    files, and ``disable_download`` plus ``HF_HUB_OFFLINE`` make any miss an error instead.
    """
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import wordllama
    except ImportError as error:
        raise SystemExit("--embeddings needs the training extra: pip install -e '.[train]'") from error
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embedding_neighbours(
    forms: dict[str, Counter[str]], min_freq: int, k: int, embed: Callable[[list[str]], np.ndarray]
) -> dict[str, list[tuple[str, float]]]:
    """Each stem's ``k`` nearest stems by cosine of its commonest word form's embedding.

    Only stems seen at least ``min_freq`` times take part, as sources and as neighbours.
    """
    vocab = sorted(s for s, c in forms.items() if _associable(s) and sum(c.values()) >= min_freq)
    if len(vocab) <= k:
        return {}
    surface = [min(forms[s].items(), key=lambda item: (-item[1], item[0]))[0] for s in vocab]
    vectors = np.asarray(embed(surface), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    result: dict[str, list[tuple[str, float]]] = {}
    pool = min(k + 5, len(vocab) - 1)
    for start in range(0, len(vocab), 1024):
        sims = vectors[start : start + 1024] @ vectors.T
        for r in range(sims.shape[0]):
            row = sims[r]
            row[start + r] = -1.0
            top = np.argpartition(-row, pool)[:pool]
            best = sorted((-round(float(row[j]), 5), vocab[j]) for j in top)[:k]
            result[vocab[start + r]] = [(t, -c) for c, t in best]
    return result


def rows_from_neighbours(
    neighbours: dict[str, list[tuple[str, float]]], threshold: float, scale: float
) -> dict[str, list[tuple[str, float]]]:
    """Neighbours above a cosine ``threshold``, weight ``min(1, scale * (cos - threshold) / (1 - threshold))``."""
    rows = {}
    for source, pairs in neighbours.items():
        kept = [(t, min(1.0, scale * (c - threshold) / (1 - threshold))) for t, c in pairs if c > threshold]
        kept = [(t, w) for t, w in kept if w * 255 >= 0.5]
        if kept:
            rows[source] = kept
    return rows


def merge_rows(*tables: dict[str, list[tuple[str, float]]], top_k: int) -> dict[str, list[tuple[str, float]]]:
    """Union of tables, a pair's weight the largest any table gives it, ``top_k`` strongest per source."""
    merged: dict[str, dict[str, float]] = defaultdict(dict)
    for table in tables:
        for source, pairs in table.items():
            row = merged[source]
            for target, weight in pairs:
                row[target] = max(row.get(target, 0.0), weight)
    return {s: sorted(row.items(), key=lambda pair: (-pair[1], pair[0]))[:top_k] for s, row in merged.items()}


# ---------------------------------------------------------------- evaluation


@dataclass
class Ranking:
    """Mean reciprocal rank and top-1 share of the evidence sentence, by paragraph and by article."""

    questions: int = 0
    paragraph_rr: float = 0.0
    paragraph_top1: float = 0.0
    article_rr: float = 0.0
    article_top1: float = 0.0

    def add(self, scores: np.ndarray, paragraph: Sequence[int], evidence: set[int]) -> None:
        self.questions += 1
        rr, top = _expected_rank(scores[list(paragraph)], [paragraph.index(i) for i in evidence])
        self.paragraph_rr += rr
        self.paragraph_top1 += top
        rr, top = _expected_rank(scores, list(evidence))
        self.article_rr += rr
        self.article_top1 += top

    def row(self) -> str:
        n = max(1, self.questions)
        return (f"paragraph MRR {self.paragraph_rr / n:.4f} top-1 {self.paragraph_top1 / n:.4f} | "
                f"article MRR {self.article_rr / n:.4f} top-1 {self.article_top1 / n:.4f}")


def _expected_rank(scores: np.ndarray, gold: Sequence[int]) -> tuple[float, float]:
    """Reciprocal rank and top-1 of the best gold item, ties broken at random (in expectation)."""
    best = max(scores[g] for g in gold)
    above = int(np.sum(scores > best))
    tied = int(np.sum(scores == best))
    gold_tied = sum(1 for g in gold if scores[g] == best)
    # expected 1/rank of the first gold among ``tied`` items of which ``gold_tied`` are gold
    rr = 0.0
    remaining = 1.0
    others = tied - gold_tied
    for k in range(others + 1):  # k non-gold tied items come first
        p = remaining * (gold_tied / (tied - k)) if tied - k > 0 else 0.0
        rr += p / (above + k + 1)
        remaining -= p
        if remaining <= 1e-12:
            break
    top1 = (gold_tied / tied) if above == 0 else 0.0
    return rr, top1


Scorer = Callable[[Example, "ArticleIndex"], np.ndarray]


class ArticleIndex:
    """Per article: which sentences hold each stem, and IDF over the pool's sentences."""

    def __init__(self, article: Article, idf: Callable[[str], float]) -> None:
        self.article = article
        self.size = len(article.sentence_stems)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, stems in enumerate(article.sentence_stems):
            for s in stems:
                postings[s].append(i)
        self._postings = postings
        self.idf = idf

    def holds(self, term: str) -> np.ndarray:
        vector = np.zeros(self.size)
        hits = self._postings.get(term)
        if hits:
            vector[hits] = 1.0
        return vector


def pool_idf(articles: Sequence[Article]) -> Callable[[str], float]:
    """IDF over all sentences of ``articles`` (unseen stems get the largest value)."""
    df: Counter[str] = Counter()
    total = 0
    for article in articles:
        for stems in article.sentence_stems:
            df.update(stems)
            total += 1
    top = math.log((total + 1) / 0.5)

    def idf(term: str) -> float:
        count = df.get(term, 0)
        return math.log((total + 1) / (count + 0.5)) if count else top

    return idf


def exact_scorer(ex: Example, index: ArticleIndex) -> np.ndarray:
    """IDF-weighted share of the question's stems each sentence holds."""
    weights = [index.idf(q) for q in ex.q_stems]
    total = sum(weights) or 1.0
    score = np.zeros(index.size)
    for q, w in zip(ex.q_stems, weights, strict=True):
        score += w * index.holds(q)
    return score / total


def soft_scorer(paraphraser: Paraphraser, limit: int = 10) -> Scorer:
    """Like :func:`exact_scorer`, a missing stem counting at its best alignment weight in the sentence."""

    def score(ex: Example, index: ArticleIndex) -> np.ndarray:
        weights = [index.idf(q) for q in ex.q_stems]
        total = sum(weights) or 1.0
        result = np.zeros(index.size)
        for q, w in zip(ex.q_stems, weights, strict=True):
            best = index.holds(q)
            for f, a in paraphraser.expansions(q, limit):
                np.maximum(best, a * index.holds(f), out=best)
            result += w * best
        return result / total

    return score


def evaluate_ranking(articles: Sequence[Article], scorers: dict[str, Scorer]) -> dict[str, Ranking]:
    """Rank every question's evidence sentence among its paragraph's and its article's sentences."""
    idf = pool_idf(articles)
    results = {name: Ranking() for name in scorers}
    for article in articles:
        index = ArticleIndex(article, idf)
        for ex in article.examples:
            if not ex.q_stems:
                continue
            for name, scorer in scorers.items():
                results[name].add(scorer(ex, index), ex.sentences, ex.evidence)
    return results


def candidate_recall(articles: Sequence[Article], paraphraser: Paraphraser, limit: int = 5) -> dict[str, float]:
    """How often the evidence shares no rare question stem yet holds an expansion of one.

    A stem is rare when it is among the question's two highest-IDF stems (what candidate retrieval
    leans on). ``reached`` counts those questions whose evidence holds an expansion of any question
    stem; ``extra`` is the mean number of the article's sentences such expansions reach that hold
    no question stem (the retrieval cost).
    """
    idf = pool_idf(articles)
    chasm = reached = none_shared = none_reached = 0
    extra = 0
    total = 0
    for article in articles:
        for ex in article.examples:
            if not ex.q_stems:
                continue
            total += 1
            evidence = set().union(*(article.sentence_stems[i] for i in ex.evidence))
            rare = sorted(ex.q_stems, key=lambda q: -idf(q))[:2]
            expanded = {f for q in ex.q_stems for f, _ in paraphraser.expansions(q, limit)}
            hit = bool(expanded & evidence)
            if not set(rare) & evidence:
                chasm += 1
                reached += hit
            if not set(ex.q_stems) & evidence:
                none_shared += 1
                none_reached += hit
            q_set = set(ex.q_stems)
            extra += sum(1 for s in article.sentence_stems if not (s & q_set) and s & expanded)
    return {
        "questions": total,
        "no_rare_stem_shared": chasm,
        "of_those_reached_by_expansions": reached,
        "no_stem_shared": none_shared,
        "of_those_reached": none_reached,
        "mean_extra_sentences_reached": extra / max(1, total),
    }


# ---------------------------------------------------------------- command line


def _article_number(doc: str) -> str:
    return doc.split("-", 1)[0]


def fit(
    squad: Path, params: dict, exclude: Sequence[str], embed: Callable[[list[str]], np.ndarray] | None = None
) -> tuple[dict, dict, list[Article], list[Article]]:
    """Fit the table; returns (rows, metadata, validation articles, test articles)."""
    articles = read_pool(squad, keep=lambda doc: _article_number(doc) not in exclude)
    fit_names, val_names, test_names = split_articles([a.name for a in articles], params["seed"])
    by_name = {a.name: a for a in articles}
    fit_articles = [by_name[n] for n in fit_names]
    validation = [by_name[n] for n in val_names]
    test = [by_name[n] for n in test_names]
    counts = count_pairs(fit_articles)
    best = None
    scales = (params["scale"],) if params.get("fixed") else (0.5, 1.0, 1.5, 2.0, 3.0)
    powers = (params["power"],) if params.get("fixed") else (0.5, 1.0)
    for power in powers:
        for scale in scales:
            trial = {**params, "scale": scale, "power": power}
            rows = build_rows(counts, trial)
            ranking = evaluate_ranking(validation, {"soft": soft_scorer(paraphraser_from_rows(rows))})["soft"]
            key = ranking.paragraph_rr + ranking.article_rr
            print(f"validation scale={scale} power={power}: {ranking.row()}", file=sys.stderr)
            if best is None or key > best[0]:
                best = (key, trial, rows)
    assert best is not None
    key, chosen, rows = best
    variants = {"learned": rows}
    embedding_note = None
    if embed is not None:
        forms = surface_words(squad, fit_names, (ex.question for a in fit_articles for ex in a.examples))
        neighbours = embedding_neighbours(forms, params["min_freq"], params["top_k"], embed)
        learned = rows
        for threshold in (0.2, 0.3, 0.4, 0.5):
            for scale in (0.5, 1.0, 1.5):
                trial = merge_rows(learned, rows_from_neighbours(neighbours, threshold, scale), top_k=params["top_k"])
                ranking = evaluate_ranking(validation, {"soft": soft_scorer(paraphraser_from_rows(trial))})["soft"]
                print(f"validation +embeddings threshold={threshold} scale={scale}: {ranking.row()}", file=sys.stderr)
                if ranking.paragraph_rr + ranking.article_rr > key:
                    key, rows = ranking.paragraph_rr + ranking.article_rr, trial
                    chosen = {**chosen, "embedding_threshold": threshold, "embedding_scale": scale}
        embedding_note = {"model": EMBEDDING_MODEL, "vocabulary": len(neighbours),
                          "used": "embedding_threshold" in chosen}
        if "embedding_threshold" in chosen:
            variants["embeddings"] = rows_from_neighbours(
                neighbours, chosen["embedding_threshold"], chosen["embedding_scale"])
            variants["learned+embeddings"] = rows
    metadata = {
        "fitted_on": f"squad1-train articles minus {len(exclude)} shared with squad2-tune; "
                     f"{len(fit_names)} fit, {len(val_names)} validation (scale/power), {len(test_names)} test",
        "fit_articles": [_article_number(n) for n in fit_names],
        "validation_articles": [_article_number(n) for n in val_names],
        "test_articles": [_article_number(n) for n in test_names],
        "excluded_articles": list(exclude),
        "fit_questions": sum(len(a.examples) for a in fit_articles),
        "date": dt.date.today().isoformat(),
        "parameters": {k: v for k, v in chosen.items() if k != "fixed"},
        "method": "paragraph-contrastive association of missing question stems with evidence stems",
        "embeddings": embedding_note,
    }
    return rows, metadata, variants, test


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facts.train_paraphrase", description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, required=True, help="squad1-train folder (questions.jsonl, docs/)")
    parser.add_argument("--out", type=Path, help=f"where to write the table (default: do not write; {DATA_FILE.name})")
    parser.add_argument("--evaluate", action="store_true", help="print ranking numbers on the test articles")
    parser.add_argument("--table", type=Path, help="evaluate this table instead of fitting (default: fit in memory)")
    parser.add_argument("--dev", type=Path, help="squad2-tune folder: also report on its dev articles")
    parser.add_argument("--news", type=Path, nargs="*", default=[],
                        help="question files (JSON Lines) on news reports, each beside its report (*.md or *.txt); "
                             "or QUESTIONS=REPORT")
    parser.add_argument("--exclude", default=",".join(SHARED_WITH_SQUAD2), help="article numbers never fitted on")
    for name, value in DEFAULTS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--fixed", action="store_true", help="use --scale/--power as given, no validation search")
    parser.add_argument("--embeddings", action="store_true",
                        help="also distil static-embedding neighbours (wordllama, training extra) into the table")
    args = parser.parse_args(argv)
    params = {name: getattr(args, name) for name in DEFAULTS} | {"fixed": args.fixed}
    exclude = [e for e in args.exclude.split(",") if e]
    tables: dict[str, Paraphraser] = {}
    if args.table:
        tables["table"] = load_paraphraser(args.table)
        names = tables["table"].metadata.get("test_articles", [])
        test = read_pool(args.squad, keep=lambda doc: _article_number(doc) in names)
    else:
        embed = load_wordllama().embed if args.embeddings else None
        rows, metadata, variants, test = fit(args.squad, params, exclude, embed)
        if args.out:
            save_table(args.out, rows, metadata)
            print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(rows)} question stems)")
        tables = {name: paraphraser_from_rows(variant, metadata) for name, variant in variants.items()}
    if args.evaluate:
        pools = [("squad1-train test articles", test)]
        if args.dev is not None:
            pools.append(("squad2-tune dev articles", read_pool(args.dev, keep=lambda doc: doc.startswith("dev-"))))
        if args.news:
            pools.append(("news reports", [read_news(spec) for spec in args.news]))
        report(tables, pools)
    return 0


def read_news(spec: Path) -> Article:
    """A news report (front matter, then one paragraph a line) and its questions, as one article.

    ``spec`` is a question file beside its report (same name, ``.md`` or ``.txt``), or ``QUESTIONS=REPORT``.
    """
    questions, _, report_path = str(spec).partition("=")
    question_file = Path(questions)
    if report_path:
        document = Path(report_path)
    else:
        document = next(p for p in (question_file.with_suffix(".md"), question_file.with_suffix(".txt")) if p.exists())
    lines = document.read_text(encoding="utf-8").split("\n")
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        lines = lines[end + 1 :]
    paragraphs = [line for line in lines if line.strip()]
    article = Article(document.name)
    first, spans_of = [], []
    for text in paragraphs:
        spans = split_sentences(text)
        first.append(len(article.sentence_stems))
        spans_of.append(spans)
        article.sentence_stems.extend(frozenset(content_stems(text[s:e])) for s, e in spans)
    with open(question_file, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            p = row.get("paragraph", 0) - 1
            if not row.get("answerable") or not row.get("evidence") or not 0 <= p < len(paragraphs):
                continue
            at = paragraphs[p].find(row["evidence"])
            if at < 0:
                continue
            gold = (at, at + len(row["evidence"]))
            indices = [first[p] + i for i in range(len(spans_of[p]))]
            evidence = {first[p] + i for i, span in enumerate(spans_of[p]) if _overlaps(span, gold)}
            article.examples.append(Example(document.name, row["question"], content_stems(row["question"]), p,
                                            indices, evidence))
    return article


def report(tables: dict[str, Paraphraser], pools: list[tuple[str, list[Article]]]) -> None:
    """Print ranking (exact vs each table's soft coverage) and candidate-recall numbers for each pool."""
    scorers: dict[str, Scorer] = {"exact": exact_scorer}
    scorers.update({f"soft({name})": soft_scorer(table) for name, table in tables.items()})
    for label, articles in pools:
        n = sum(len(a.examples) for a in articles)
        print(f"== {label}: {len(articles)} articles, {n} answerable questions")
        for name, ranking in evaluate_ranking(articles, scorers).items():
            print(f"  {name:18s} {ranking.row()}")
        for name, table in tables.items():
            print(f"  recall({name}) {json.dumps(candidate_recall(articles, table))}")


if __name__ == "__main__":
    raise SystemExit(main())
