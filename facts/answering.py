"""Compose an Answer from ranked facts: pick the fact, find the answering span, decide to abstain."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from facts.analysis.dates import find_date_answer
from facts.analysis.entities import find_quantities
from facts.analysis.text import STOPWORDS, stem, word_positions, words
from facts.matching import LOCATIVE_PHRASE, Scored
from facts.models import Answer, Fact
from facts.question import Question

RELATED_LIMIT = 2
"""Other facts shown beside an answer, at most."""
SUGGESTION_LIMIT = 3
"""Closest facts offered when abstaining, at most."""
RANKED_TO_LOAD = 1 + RELATED_LIMIT + SUGGESTION_LIMIT
"""How many of the best-ranked facts an answer may need loaded (the answer, related, suggestions)."""


def _anchor_positions(question: Question, text: str) -> list[int]:
    """Character positions in ``text`` of words the question also uses."""
    terms = question.all_terms()
    return [start for start, token in word_positions(text) if stem(token) in terms]


def _closest(spans: list[tuple[int, int]], anchors: list[int]) -> tuple[int, int] | None:
    """The span nearest to the question's words (the first one when nothing anchors)."""
    if not spans:
        return None
    if not anchors:
        return spans[0]
    return min(spans, key=lambda span: min(min(abs(span[0] - a), abs(span[1] - a)) for a in anchors))


def _entity_spans(fact: Fact, kinds: frozenset[str], question: Question) -> list[tuple[int, int]]:
    spans = []
    for entity_text, kind in fact.entities:
        if kind in kinds and not question.mentions(entity_text):
            start = fact.text.find(entity_text)
            if start >= 0:
                spans.append((start, start + len(entity_text)))
    return spans


def _says_more(question: Question, name: str) -> bool:
    """A speaker answers "who" unless the question holds every word of it: "Ukraine's defense
    intelligence agency" answers "which Ukrainian agency ..." although both name Ukraine."""
    return not {stem(w) for w in words(name) if w not in STOPWORDS} <= question.asked_terms


def answer_span(question: Question, fact: Fact) -> tuple[int, int] | None:
    """Offsets in ``fact.text`` of the short answer (a date, a name, a number, a place), when one fits."""
    text = fact.text
    anchors = _anchor_positions(question, text)
    if question.kind == "when":
        reference = date.fromisoformat(fact.source.published) if fact.source.published else None
        mention = find_date_answer(text, reference=reference)
        return (mention.start, mention.end) if mention else None
    if question.kind == "how-many":
        quantities = [(q.start, q.end) for q in find_quantities(text) if not question.mentions(q.text)]
        return _closest(quantities, anchors)
    if question.kind == "where":
        places = [(m.start(1), m.end()) for m in LOCATIVE_PHRASE.finditer(text) if not question.mentions(m.group(1))]
        return _closest(places, anchors) or _closest(_entity_spans(fact, frozenset({"place"}), question), anchors)
    wanted = question.wanted or (frozenset({"person", "org", "place", "nationality"})
                                 if question.kind == "which" else frozenset())
    if not wanted:
        return None
    span = _closest(_entity_spans(fact, wanted, question), anchors)
    if span is None and question.kind == "who" and fact.speaker and _says_more(question, fact.speaker):
        start = text.find(fact.speaker)
        if start >= 0:
            span = (start, start + len(fact.speaker))
    return span


def joined(lead: Fact, partner: Fact) -> Fact:
    """Two adjacent sentences shown as one answer: both texts in document order, the id and source
    of ``lead`` (the sentence that answers better alone)."""
    first, second = sorted((lead, partner), key=lambda f: f.source.sentence)
    return replace(lead, text=f"{first.text} {second.text}", entities=first.entities + second.entities,
                   speaker=lead.speaker or partner.speaker, event_date=lead.event_date or partner.event_date)


def compose(question: Question, ranked: list[Scored], facts: dict[int, Fact], threshold: float) -> Answer:
    """Answer with the best fact when its confidence reaches ``threshold``; otherwise abstain."""
    if not ranked or ranked[0].confidence < threshold:
        suggestions = tuple(facts[s.candidate.id] for s in ranked[:SUGGESTION_LIMIT] if s.candidate.id in facts)
        confidence = ranked[0].confidence if ranked else 0.0
        return Answer(question=question.text, answered=False, confidence=confidence, suggestions=suggestions)
    best = ranked[0]
    fact = facts[best.candidate.id]
    partner = facts.get(best.candidate.partner) if best.candidate.partner else None
    if partner is not None:
        fact = joined(fact, partner)
    span = answer_span(question, fact)
    floor = max(0.3, 0.6 * best.confidence)
    related = []
    for other in ranked[1:]:
        if len(related) >= RELATED_LIMIT or other.confidence < floor:
            break
        if other.candidate.text != fact.text and other.candidate.id in facts:
            related.append(facts[other.candidate.id])
    return Answer(
        question=question.text,
        answered=True,
        confidence=best.confidence,
        fact=fact,
        answer=fact.text[span[0]:span[1]] if span else None,
        span=span,
        related=tuple(related),
    )
