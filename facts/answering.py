"""Compose an Answer from ranked facts: pick the fact, find the answering span, decide to abstain."""

from __future__ import annotations

from dataclasses import replace

from facts.matching import Scored
from facts.models import Answer, Fact
from facts.question import Question
from facts.short_answer import choose_span

RELATED_LIMIT = 2
"""Other facts shown beside an answer, at most."""
SUGGESTION_LIMIT = 3
"""Closest facts offered when abstaining, at most."""
RANKED_TO_LOAD = 1 + RELATED_LIMIT + SUGGESTION_LIMIT
"""How many of the best-ranked facts an answer may need loaded (the answer, related, suggestions)."""


def answer_span(question: Question, fact: Fact) -> tuple[int, int] | None:
    """Offsets in ``fact.text`` of the short answer (a date, a quantity, a place, a name), when one fits."""
    return choose_span(question, fact)


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
