"""Compose an Answer from ranked facts: pick the fact, find the answering span, decide to abstain."""

from __future__ import annotations

from datetime import date

from facts.dates import find_date_answer
from facts.entities import find_quantities
from facts.matching import Scored
from facts.models import Answer, Fact
from facts.question import Question

RELATED_LIMIT = 2
SUGGESTION_LIMIT = 3

def _asked(text: str, question: Question) -> bool:
    return question.mentions(text)


def answer_span(question: Question, fact: Fact) -> tuple[int, int] | None:
    """Offsets in ``fact.text`` of the short answer (a date, a name, a number), when one fits."""
    text = fact.text
    if question.kind == "when":
        reference = date.fromisoformat(fact.source.published) if fact.source.published else None
        mention = find_date_answer(text, reference=reference)
        return (mention.start, mention.end) if mention else None
    if question.kind == "how-many":
        for quantity in find_quantities(text):
            if not _asked(quantity.text, question):
                return (quantity.start, quantity.end)
        return None
    wanted = question.wanted or (frozenset({"person", "org", "place", "nationality"})
                                 if question.kind == "which" else frozenset())
    if not wanted:
        return None
    for entity_text, kind in fact.entities:
        if kind in wanted and not _asked(entity_text, question):
            start = text.find(entity_text)
            if start >= 0:
                return (start, start + len(entity_text))
    if question.kind == "who" and fact.speaker and not _asked(fact.speaker, question):
        start = text.find(fact.speaker)
        if start >= 0:
            return (start, start + len(fact.speaker))
    return None


def compose(question: Question, ranked: list[Scored], facts: dict[int, Fact], threshold: float) -> Answer:
    """Answer with the best fact when its confidence reaches ``threshold``; otherwise abstain."""
    if not ranked or ranked[0].confidence < threshold:
        suggestions = tuple(facts[s.candidate.id] for s in ranked[:SUGGESTION_LIMIT] if s.candidate.id in facts)
        confidence = ranked[0].confidence if ranked else 0.0
        return Answer(question=question.text, answered=False, confidence=confidence, suggestions=suggestions)
    best = ranked[0]
    fact = facts[best.candidate.id]
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
