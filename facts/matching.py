"""From an analysed question to ranked facts: posting-list candidates, then a coverage-based re-rank.

Candidates come from the inverted index (:mod:`facts.postings`, rarest question terms first);
their visibility in the asker's scope is checked in SQL. Confidence is the share of the question's
weighted concepts that a fact (or, at half weight, its neighbouring sentences) covers, adjusted for
whether the fact can hold the kind of answer wanted, for proper names of the question it lacks and
for dates that disagree. It is a fraction of the question, not a raw search score, so it means the
same at any corpus size.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, utils

from facts.analysis.aliases import AliasTable, is_concept_key
from facts.analysis.calendar import MONTH_ABBREVIATIONS, MONTH_NAMES, MONTH_STEMS, WEEKDAY_NAMES, alternation
from facts.analysis.entities import CAPITALS
from facts.analysis.text import stem, words
from facts.paraphrase import load_paraphraser
from facts.postings import CONTEXT_CREDIT, DEFAULT_BUDGET, Accumulator, Hits
from facts.question import Concept, Question, analyse_question
from facts.repository import candidate_rows
from facts.vocabulary import VocabularyView

CANDIDATE_LIMIT = 30
UNKNOWN_WEIGHT = 0.6  # share of full weight for question words no fact holds (often just paraphrase)
MISSING_PROPER_FACTOR = 0.75
DATE_MISMATCH_FACTOR = 0.5
LEAD_PARAGRAPHS = 2
LEAD_BONUS = 0.01
RELATED_FORM_CREDIT = 0.6  # "extended" vs "extension": same root, different stem
COMMON_CONTEXT_SHARE = 0.4
"""A common word (the question's predicate, not a name) only in the neighbouring sentences counts
for this share of ``CONTEXT_CREDIT``: a neighbour can name who is meant, rarely what happened
(chosen over 0, 0.2, 0.4, 0.7 and 1 on the quality sets)."""
PARAPHRASE_COVERAGE = True
"""A concept the fact holds only as a paraphrase (facts.paraphrase) counts at the pair's learned strength."""
PAIR_SOURCES = 3
"""Best candidates that may join their neighbour as a two-sentence candidate (0: never)."""
PAIR_MIN_SHARE = 0.1
"""Each sentence of a pair must hold this share of the question's weight that the other lacks."""
PAIR_MAX_CHARS = 350
"""A pair longer than this is no longer one fact (the judging rule's size limit)."""
NO_FIT = 0.45  # the fact cannot hold the kind of answer asked for (no date for "when", ...)
WEAK_FIT = 0.85
NEAR_FIT = 0.85

_YEAR_WORDS = ("in", "since", "by", "until", "till", "from", "through", "before", "after", "during", "around",
               "circa", "between", "and", "to", "year")
"""Words after which a four-digit number from 1000 on is a year ("made in 1407", "from 1271 to 1368") unless a
plural noun follows ("to 1200 soldiers"); from 1900 on any such number is."""
_AFTER_YEAR_WORD = "|".join(rf"(?<=\b{word} )" for word in _YEAR_WORDS)
_NUMBER = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|several|half|percent)\b",
    re.IGNORECASE,
)
_DATE_EXPRESSION = re.compile(
    rf"\b(?:{alternation(MONTH_NAMES + MONTH_ABBREVIATIONS, lower=True)})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:,?\s+\d{{4}})?|\b\d{{1,2}}\s+(?:{alternation(MONTH_NAMES, lower=True)})(?:\s+\d{{4}})?|\b(?:19|20)\d\d\b"
    # (the look-ahead only makes the search cheap: the year words' look-behinds are tried where a year begins)
    rf"|(?=1\d\d\d\b)(?:{_AFTER_YEAR_WORD})1\d\d\d\b(?![,.]\d)(?!\s+[a-z]+s\b)",
    re.IGNORECASE,
)
_CLOCK_TIME = re.compile(r"\b\d{1,2}(?::\d\d)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}:\d\d\b", re.IGNORECASE)
"""A time of day ("9:40 p.m."): a when, not a quantity."""
_TIME_WORDS = rf"(?:{alternation(MONTH_NAMES + WEEKDAY_NAMES + MONTH_ABBREVIATIONS)})\b"
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|outside|from|into|across|beneath|under|underneath|below|along|off|on|based in|held in"
    r"|located in)\s+"
    rf"(?!{_TIME_WORDS})(?:(?:the|a|an)\s+)?(?:[{CAPITALS}][\w'’-]+|(?:briefing|meeting|conference|summit|statement|"
    r"interview|speech|session|hearing|capital|city|region|border|area|country|village|town|port|base|camp)\b)"
)
LOCATIVE_PHRASE = re.compile(
    r"\b(?:in|at|near|inside|outside|from|into|across|beneath|under|underneath|below|along|off|on)\s+"
    rf"(?!{_TIME_WORDS})((?:(?:the|a|an)\s+)?(?:[{CAPITALS}][\w'’-]+(?:\s+(?:of\s+)?[{CAPITALS}][\w'’-]+)*"
    r"(?:\s+(?:region|province|oblast|area|city|border))?|(?:briefing|meeting|conference|summit|statement|"
    r"interview|speech|session|hearing)\b))"
)
"""A place phrase after a locative preposition; group 1 is the place ("based in Washington")."""
_MEASURES = {
    "money": re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:dollars|euros|pounds|yen|yuan|rubles|roubles|rupees|usd|eur)\b"
                        r"|\b(?:dollars|euros|pounds)\b", re.IGNORECASE),
    "percent": re.compile(r"\d\s?(?:%|percent|per cent|percentage points?|basis points)", re.IGNORECASE),
    "share": re.compile(r"\d\s?(?:%|percent|per cent)|\b(?:half|quarter|third|fifth|tenth|majority|two-thirds)\b",
                        re.IGNORECASE),
}
_CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|in light of|raises|raised|leads? to|led to|caused?|sparked|"
    r"so that|in order to|amid|following|given|therefore|thus|prompted|underscores|shows|means|reason|"
    r"after|potential|risk|threat|fears?|arguing|argued|saying|because of|concerns?|"
    r"citing|cited|in response to|to curb|to support|to boost|to protect|"
    r"to help|aimed at|intended to|designed to|blamed)\b",
    re.IGNORECASE,
)
_DATE_WORD = re.compile(
    rf"\b({alternation(MONTH_NAMES + WEEKDAY_NAMES, lower=True)}|yesterday|today|week|month|year|"
    r"(19|20)\d\d|\d{1,2}:\d\d|a\.m\.|p\.m\.|noon|midnight|morning|afternoon|evening|overnight|tonight|dawn)\b",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """A fact row fetched as a candidate, with what scoring needs."""

    id: int
    text: str
    terms: frozenset[str]
    context_terms: frozenset[str]
    event_date: str | None
    speaker: str | None
    entities: list[tuple[str, str]]
    retrieval_rank: float
    """Its place in the index search, as a score: higher was found earlier (breaks ties in scoring)."""
    paragraph: int = 0
    document_id: int = 0
    sentence: int = 0
    partner: int | None = None
    """For a two-sentence candidate: the id of the other sentence (``id`` is the one that answers better alone)."""


@dataclass
class Scored:
    """A candidate with its confidence and the parts it was built from."""

    candidate: Candidate
    confidence: float
    coverage: float
    type_fit: float
    rank_score: float
    matched: list[Concept]
    parts: MatchParts | None = None


@dataclass
class MatchParts:
    """How a candidate covered the question, as shares of the question's total concept weight."""

    own: float = 0.0
    context: float = 0.0
    related: float = 0.0
    common_total: float = 0.0
    common_own: float = 0.0
    """Weight of the question's common-word concepts (its predicate, not its names), and of those the fact holds."""
    proper_total: int = 0
    proper_matched: int = 0
    missing_proper: int = 0
    missing_top: float = 0.0
    """The heaviest concept the fact and its neighbours lack, as a share of the total."""
    dates_agree: bool = True
    similarity: float = 0.0
    retrieval_rank: int = 0
    paraphrase: float = 0.0
    """Weight of the concepts the fact lacks but holds a learned paraphrase of, times that paraphrase's strength."""


def retrieval_terms(question: Question, vocabulary: VocabularyView) -> list[tuple[str, float, int]]:
    """(term, weight, document frequency) to look up for a question: per concept, its alias keys
    (facts were indexed with them) and the rarest word of each other alternative, at the concept's weight."""
    out: dict[str, tuple[str, float, int]] = {}
    for concept in question.concepts:
        weight = concept_weight(concept, vocabulary)
        for alternative in concept.alternatives:
            known = [(vocabulary.df.get(t, 0), t) for t in alternative]
            df, term = min(known)
            if df <= 0 or term in out:
                continue
            out[term] = (term, weight, df)
    return list(out.values())


def fetch_candidates(conn: sqlite3.Connection, question: Question, scope: int, vocabulary: VocabularyView,
                     accumulator: Accumulator, limit: int = CANDIDATE_LIMIT,
                     budget: int | None = DEFAULT_BUDGET) -> tuple[list[Candidate], Hits]:
    """The best ``limit`` visible facts for the question's terms, and the search's :class:`Hits`
    (``complete``: whether every term was read; ``entries``: how many posting entries were).

    The posting lists rank facts by the weighted share of the question they (or, at half weight,
    their neighbours) hold; visibility in ``scope`` is then checked in SQL, so retractions,
    overrides and edits count from the very next question.
    """
    terms = retrieval_terms(question, vocabulary)
    if not terms:
        return [], Hits([], True, 0)
    pool = limit * 2
    while True:
        hits = accumulator.search(conn, terms, limit=pool, budget=budget)
        order = {fact_id: rank for rank, fact_id in enumerate(hits.ids)}
        rows = candidate_rows(conn, hits.ids, scope)
        if len(rows) >= limit or len(hits.ids) < pool:
            break
        pool *= 4  # many of the best were hidden here: look further
    rows.sort(key=lambda r: order[r[0]])
    candidates = [
        Candidate(
            id=r[0], text=r[1], terms=frozenset(r[2].split()), context_terms=frozenset((r[3] or "").split()),
            event_date=r[4], speaker=r[5], entities=[tuple(e) for e in json.loads(r[6] or "[]")],
            retrieval_rank=float(len(rows) - i), paragraph=r[7] or 0, document_id=r[8] or 0, sentence=r[9] or 0,
        )
        for i, r in enumerate(rows[:limit])
    ]
    return candidates, hits


def _date_mentions(text: str) -> list[str]:
    """The dates and times a text names: whole expressions ("March 8, 2023") and lone time words."""
    spans = [m.span() for m in _DATE_EXPRESSION.finditer(text)]
    lone = [m.group() for m in _DATE_WORD.finditer(text) if not any(a <= m.start() < b for a, b in spans)]
    return [text[a:b] for a, b in spans] + lone


def type_fit(question: Question, candidate: Candidate) -> float:
    """How well a fact can hold the kind of answer the question wants (1.0 = it can)."""
    text = candidate.text
    kind = question.kind
    if kind == "when":
        dates = _date_mentions(text)
        if dates and all(set(map(stem, words(d))) <= question.asked_terms for d in dates):
            return NO_FIT  # its only date is the one the question names ("what date in August ...")
        if candidate.event_date or dates:
            return 1.0
        return NEAR_FIT if candidate.context_terms & MONTH_STEMS else NO_FIT
    if kind == "how-many":
        undated = _CLOCK_TIME.sub(" ", _DATE_EXPRESSION.sub(" ", text))
        asked = {c.label for c in question.concepts}
        numbers = [m for m in _NUMBER.finditer(undated) if m.group().lower() not in asked]
        if not numbers:
            return NO_FIT
        if question.measure and not _MEASURES[question.measure].search(undated):
            return NO_FIT  # asked for a price or a rate; the fact has other numbers
        if question.counted and not any(_counts_noun(undated, m.end(), question.counted) for m in numbers):
            return NO_FIT  # a number, but of something else ("1,200 soldiers" for "how many helicopters")
        return 1.0
    if kind == "where":
        return 1.0 if _LOCATIVE.search(text) else NO_FIT
    if kind == "why":
        return 1.0 if _CAUSAL.search(text) else WEAK_FIT
    if question.wanted:
        fresh = [e for e, k in candidate.entities if k in question.wanted and not question.mentions(e)]
        if kind == "who" and candidate.speaker and not question.mentions(candidate.speaker) and (
                question.wanted != {"person"} or any(e == candidate.speaker and k == "person"
                                                      for e, k in candidate.entities)):
            fresh.append(candidate.speaker)
        if fresh:
            return 1.0
        if kind == "name" or question.needs_names or question.wanted == {"person"}:
            return NO_FIT  # "which two officials": names wanted, none given
        return WEAK_FIT  # answers are often descriptions ("the defense intelligence agency"), not names
    return 1.0


@lru_cache(maxsize=100_000)
def _same_root(a: str, b: str) -> bool:
    """Stems of one word family: they share all but at most one letter of the shorter (at least 5)."""
    shorter = min(len(a), len(b))
    if shorter < 5 or a[0] != b[0]:
        return False
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= max(5, shorter - 1)


def _related_form(concept: Concept, terms: frozenset[str]) -> bool:
    singles = [alt[0] for alt in concept.alternatives if len(alt) == 1 and not is_concept_key(alt[0])]
    return any(_same_root(s, t) for s in singles for t in terms if not is_concept_key(t))


def _related_terms(question: Question, candidates: list[Candidate]) -> list[frozenset[str]]:
    """Per concept, the candidates' terms that are related forms of it (see :func:`_related_form`).

    Computed once per question over the candidates' vocabulary: related stems share their first
    five letters, so each concept only looks at one bucket.
    """
    wanted = [[alt[0] for alt in concept.alternatives
               if len(alt) == 1 and len(alt[0]) >= 5 and not is_concept_key(alt[0])] for concept in question.concepts]
    prefixes = {s[:5] for singles in wanted for s in singles}
    buckets: dict[str, list[str]] = {}
    if prefixes and candidates:
        for term in set().union(*(c.terms for c in candidates)):
            # (a concept key never shares a prefix with a wanted single, which is never a concept key)
            if term[:5] in prefixes and len(term) >= 5:
                buckets.setdefault(term[:5], []).append(term)
    return [frozenset(t for s in singles for t in buckets.get(s[:5], ()) if _same_root(s, t)) for singles in wanted]


def _counts_noun(text: str, end: int, counted: tuple[str, ...]) -> bool:
    """True when one of the next few words after a number is the counted noun."""
    following = words(text[end : end + 60])[:4]
    terms = {stem(w) for w in following} | {w for w in following}
    return bool(terms & set(counted)) or any(is_concept_key(k) and k in counted for k in terms)


def _dates_agree(question: Question, candidate: Candidate) -> bool:
    """A month or year named in the question must appear in the fact or its neighbours."""
    if not question.months and not question.years:
        return True
    terms = candidate.terms | candidate.context_terms
    months_ok = all(any(t.startswith(m) for t in terms) for m in question.months)
    years_ok = all(y in terms for y in question.years)
    return months_ok and years_ok


def concept_weight(concept: Concept, vocabulary: VocabularyView) -> float:
    """IDF weight of a concept; words no fact holds count for part of their weight."""
    weight = vocabulary.idf(concept.df)
    return weight if concept.df or concept.proper else UNKNOWN_WEIGHT * weight


def score_candidates(question: Question, candidates: list[Candidate], vocabulary: VocabularyView,
                     *, fitted: bool = True) -> list[Scored]:
    """Score and sort candidates, best first.

    The hand-set coverage scores order them; with ``fitted``, :func:`fitted_order` then applies the
    bundled models (the ranking trees re-order them, the confidence model gives the new best one its
    estimated probability of being a right answer).
    """
    weights = [concept_weight(c, vocabulary) for c in question.concepts]
    total = sum(weights) or 1.0
    question_text = " ".join(c.label for c in question.concepts)
    related = _related_terms(question, candidates)
    # Each concept's alternatives as sets: "covered" is then a C-level subset test per alternative.
    needs = [[frozenset(alt) for alt in c.alternatives] for c in question.concepts]
    # Each concept's one-word stems, for the learned paraphrase table (alias keys are not words).
    plain = [[alt[0] for alt in c.alternatives if len(alt) == 1 and not is_concept_key(alt[0])]
             for c in question.concepts]
    paraphraser = load_paraphraser()

    def score_one(position: int, cand: Candidate) -> Scored:
        got = 0.0
        matched = []
        missing_proper = 0
        parts = MatchParts(retrieval_rank=position)
        terms, context_terms = cand.terms, cand.context_terms
        for concept, weight, forms, alts, singles in zip(question.concepts, weights, related, needs, plain,
                                                         strict=True):
            parts.proper_total += concept.proper
            if not concept.proper:
                parts.common_total += weight
            credit = 0.0  # what the sentence's neighbours give, for a concept the sentence lacks
            if any(alt <= terms for alt in alts):
                got += weight
                parts.own += weight
                if not concept.proper:
                    parts.common_own += weight
                parts.proper_matched += concept.proper
                matched.append(concept)
                continue
            if any(alt <= context_terms for alt in alts):
                credit = CONTEXT_CREDIT if concept.proper else CONTEXT_CREDIT * COMMON_CONTEXT_SHARE
                parts.context += weight
            elif forms and not forms.isdisjoint(cand.terms):
                got += RELATED_FORM_CREDIT * weight
                parts.related += weight
                parts.proper_matched += concept.proper
                matched.append(concept)
                continue
            else:
                parts.missing_top = max(parts.missing_top, weight)
                if concept.proper:
                    missing_proper += 1
            if singles and not concept.proper:
                # Another word for it in the sentence counts at the learned strength of the pair.
                similar = max(paraphraser.alignment(singles, terms), default=0.0)
                parts.paraphrase += weight * similar
                if PARAPHRASE_COVERAGE:
                    credit = max(credit, similar)
            got += credit * weight
        coverage = got / total
        parts.own /= total
        parts.context /= total
        parts.related /= total
        parts.missing_top /= total
        parts.paraphrase /= total
        parts.missing_proper = missing_proper
        fit = type_fit(question, cand)
        confidence = coverage * fit * (MISSING_PROPER_FACTOR**missing_proper)
        if not _dates_agree(question, cand):
            confidence *= DATE_MISMATCH_FACTOR
            parts.dates_agree = False
        similarity = fuzz.token_set_ratio(question_text, cand.text, processor=utils.default_process) / 100.0
        parts.similarity = similarity
        # Rank by how much of the question the fact covers; whether it can hold the answer only
        # nudges the order (a topical fact that cannot answer should lead to an abstention).
        rank = coverage * (0.7 + 0.3 * fit) * (MISSING_PROPER_FACTOR**missing_proper) + 0.03 * similarity
        if 0 < cand.paragraph <= LEAD_PARAGRAPHS:
            rank += LEAD_BONUS  # news puts the main facts first: a tie goes to the lead
        return Scored(cand, min(1.0, confidence), coverage, fit, rank, matched, parts)

    scored = [score_one(position, cand) for position, cand in enumerate(candidates)]
    if PAIR_SOURCES:
        weight_of = {id(c): w for c, w in zip(question.concepts, weights, strict=True)}
        scored += [score_one(len(candidates), pair) for pair in _pairs(scored, weight_of, total)]
    scored.sort(key=lambda s: (s.rank_score, s.candidate.retrieval_rank), reverse=True)
    return fitted_order(question, scored, vocabulary) if fitted else scored


def fitted_order(question: Question, scored: list[Scored], vocabulary: VocabularyView) -> list[Scored]:
    """The hand-set order (``scored``, best first) as the bundled fitted models leave it: the ranking
    trees (:mod:`facts.selector`) re-order the candidates, then the confidence model
    (:mod:`facts.confidence`) turns the new best one's features into its probability of being right.
    A selector saved with its own calibration (not "hand-set") sets every confidence itself."""
    from facts.confidence import calibrate, load_confidence_model  # both build on this module
    from facts.selector import load_model, select

    weights = [concept_weight(c, vocabulary) for c in question.concepts]
    model = load_model()
    if model is not None and model.meta.get("confidence") != "hand-set":
        return select(question, scored, unknown_share(question, weights), model)
    scored = trees_order(question, scored, unknown_share(question, weights))
    confidence_model = load_confidence_model()
    if confidence_model is not None:
        calibrate(question, scored, weights, vocabulary, confidence_model)
    return scored


def trees_order(question: Question, scored: list[Scored], unknown: float) -> list[Scored]:
    """The hand-set order (best first) as a bundled selector that only orders (ranking trees saved with
    confidence "hand-set") leaves it; unchanged without one. ``unknown``: :func:`unknown_share`.
    Confidences are left alone."""
    from facts.selector import load_model, select  # the selector builds on this module

    model = load_model()
    if model is None or model.meta.get("confidence") != "hand-set":
        return scored
    return select(question, scored, unknown, model)


def _pairs(scored: list[Scored], weight_of: dict[int, float], total: float) -> list[Candidate]:
    """Two adjacent sentences of one paragraph as one candidate, when the question is split between
    them: each holds a share of the question the other lacks (its subject named in one, the answer
    in the next). Only for the best few candidates, with a neighbour among the candidates, and only
    while the pair stays fact-sized."""
    best = sorted(scored, key=lambda s: s.rank_score, reverse=True)[:PAIR_SOURCES]
    by_place = {(s.candidate.document_id, s.candidate.paragraph, s.candidate.sentence): s for s in scored}
    pairs = []
    seen: set[tuple[int, int]] = set()
    for one in best:
        cand = one.candidate
        if not cand.document_id or not cand.paragraph:
            continue
        for step in (-1, 1):
            other = by_place.get((cand.document_id, cand.paragraph, cand.sentence + step))
            if other is None:
                continue
            first, second = (other, one) if step < 0 else (one, other)
            a, b = first.candidate, second.candidate
            if (a.id, b.id) in seen or len(a.text) + len(b.text) + 1 > PAIR_MAX_CHARS:
                continue
            seen.add((a.id, b.id))
            # The pair goes by the sentence that answers better alone (its id is what moderators see);
            # the other must add part of what is asked, not only a name the lead's neighbours give.
            lead, follower = (one, other) if one.rank_score >= other.rank_score else (other, one)
            if min(_own_share(lead, follower, weight_of), _own_share(follower, lead, weight_of, common=True)
                   ) < PAIR_MIN_SHARE * total:
                continue
            pairs.append(Candidate(
                id=lead.candidate.id, text=f"{a.text} {b.text}", terms=a.terms | b.terms,
                context_terms=a.context_terms | b.context_terms, event_date=a.event_date or b.event_date,
                speaker=a.speaker or b.speaker, entities=a.entities + b.entities,
                retrieval_rank=min(a.retrieval_rank, b.retrieval_rank), paragraph=a.paragraph,
                document_id=a.document_id, sentence=lead.candidate.sentence, partner=follower.candidate.id,
            ))
    return pairs


def _own_share(one: Scored, other: Scored, weight_of: dict[int, float], common: bool = False) -> float:
    """Weight of the concepts ``one`` holds and ``other`` does not (``common``: only common words, not names)."""
    theirs = {id(c) for c in other.matched}
    return sum(weight_of.get(id(c), 0.0) for c in one.matched
               if id(c) not in theirs and not (common and c.proper))


def unknown_share(question: Question, weights: list[float]) -> float:
    """Share of the question's weight in common words no fact holds (often a paraphrase)."""
    total = sum(weights) or 1.0
    return sum(w for c, w in zip(question.concepts, weights, strict=True) if not c.df and not c.proper) / total


FULL_SEARCH_BELOW = 0.5
"""Best coverage under which a question whose commonest words were skipped is searched again, wider."""
WIDER_SEARCH = 10
"""The second search reads this many times the first one's posting budget."""


def rank(conn: sqlite3.Connection, question: str, scope: int, aliases: AliasTable, vocabulary: VocabularyView,
         accumulator: Accumulator, *, fitted: bool = True) -> tuple[Question, list[Scored]]:
    """Analyse ``question`` as asked in ``scope`` and rank the facts visible there, best first.

    ``vocabulary`` is the asking scope's view (its counts weigh the words). When the rarest words
    found no fact covering much of the question and commoner words were skipped, the search is
    run once more over a wider budget. ``fitted``: see :func:`score_candidates`.
    """
    analysed = analyse_question(question, aliases, vocabulary)
    candidates, hits = fetch_candidates(conn, analysed, scope, vocabulary, accumulator)
    # Whether to search wider is decided on the hand-set order, with or without the fitted models.
    ranked = score_candidates(analysed, candidates, vocabulary, fitted=False)
    wider = DEFAULT_BUDGET * WIDER_SEARCH
    if not hits.complete and hits.entries < wider and (not ranked or ranked[0].coverage < FULL_SEARCH_BELOW):
        # (Only the first list may overshoot a budget: when it alone filled the wider one, the
        # wider search would read exactly what this one did.)
        candidates, _ = fetch_candidates(conn, analysed, scope, vocabulary, accumulator, budget=wider)
        ranked = score_candidates(analysed, candidates, vocabulary, fitted=False)
    return analysed, fitted_order(analysed, ranked, vocabulary) if fitted else ranked
