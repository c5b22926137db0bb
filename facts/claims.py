"""Claims side by side: when several documents answer a question, what each one says.

Works only from the candidates the question already ranked (no second search): the facts that
answer the question nearly as well as the best one, one per document, each with its short answer.
Claims belong to the question: a fact counts only when it covers the question and can hold the
kind of answer asked for, so another question about the same documents gets its own claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from facts.analysis.calendar import MONTH_NAMES
from facts.analysis.dates import find_date_answer
from facts.answering import answer_span
from facts.matching import Scored
from facts.models import Answer, Claim, Fact
from facts.question import Question

CLAIM_SHARE = 0.8
"""A fact answers the question when its confidence is at least this share of the best one's."""
CLAIM_POOL = 12
"""How many of the best-ranked candidates are read for claims (and newer sources)."""
NEWER_SHARE = 0.5
"""A newer document is on the same question when its fact can hold the answer and covers at least this
share of what the best fact covers."""

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[a-z]+")
_LEADING = re.compile(r"^(?:the|a|an)\s+")


def pool_ids(ranked: list[Scored], threshold: float) -> list[int]:
    """Ids of the candidates claims may come from (to load with the answer's facts in one query)."""
    if not ranked or ranked[0].confidence < threshold:
        return []
    best = ranked[0]
    claim_floor, newer_floor = best.confidence * CLAIM_SHARE, best.coverage * NEWER_SHARE
    return [s.candidate.id for s in ranked[:CLAIM_POOL]
            if s.confidence >= claim_floor or (s.coverage >= newer_floor and s.type_fit >= 1.0)]


def _number(text: str) -> float | None:
    lower = text.lower()
    digits = _DIGITS.search(lower)
    value: float | None = None
    if digits:
        try:
            value = float(digits.group().replace(",", ""))
        except ValueError:
            value = None
    if value is None:
        total = 0.0
        for word in _WORD.findall(lower):
            if word in _NUMBER_WORDS:
                number = _NUMBER_WORDS[word]
                total = total * number if number == 100 and total else total + number
        value = total or None
    if value is not None:
        for word, scale in _SCALES.items():
            if word in lower:
                value *= scale
                break
    return value


def answer_key(question: Question, fact: Fact, answer: str) -> str:
    """A form of a short answer that equal answers share ("About 3,000" and "3,000"; "the ISW" and "ISW")."""
    if question.kind == "how-many":
        value = _number(answer)
        if value is not None:
            return f"{value:g}"
    if question.kind == "when":
        reference = date.fromisoformat(fact.source.published) if fact.source.published else None
        mention = find_date_answer(answer, reference=reference)
        if mention is not None and mention.iso:
            return mention.iso
    return _LEADING.sub("", " ".join(_WORD.findall(answer.lower())))


def same_answer(first: str, second: str) -> bool:
    """Two answer keys say the same: equal, or one names part of the other ("Ilves", "Marta Ilves")."""
    if first == second:
        return True
    a, b = set(first.split()), set(second.split())
    numeric = any(ch.isdigit() for ch in first + second)
    return bool(a and b) and not numeric and (a <= b or b <= a)


def _newest_first(claims: Iterable[Claim], order: dict[int, int]) -> list[Claim]:
    """Newest publication first; undated documents last; ties keep the ranking."""
    return sorted(claims, key=lambda c: (c.fact.source.published is None, _negated(c.fact.source.published),
                                         order[c.fact.id]))


def _negated(published: str | None) -> tuple[int, ...]:
    if not published:
        return ()
    return tuple(-int(part) for part in published.split("-") if part.isdigit())


def attach_claims(answer: Answer, question: Question, ranked: list[Scored], facts: dict[int, Fact],
                  threshold: float) -> Answer:
    """The answer with its claims (two or more documents answering) and any newer source on the question.

    With claims, the answer itself becomes the newest claim's.
    """
    if not answer.answered or answer.fact is None or not ranked:
        return answer
    best = ranked[0]
    floor = max(threshold, best.confidence * CLAIM_SHARE)
    order = {s.candidate.id: i for i, s in enumerate(ranked)}
    by_document: dict[int, Claim] = {}
    for scored in ranked[:CLAIM_POOL]:
        if scored.confidence < floor:
            continue  # ranked by rank score, not confidence: a later one may still qualify
        fact = facts.get(scored.candidate.id)
        if fact is None or fact.source.document_id in by_document:
            continue
        span = answer_span(question, fact)
        if span is None:
            continue
        by_document[fact.source.document_id] = Claim(fact, fact.text[span[0]:span[1]], span)
    claims = _newest_first(by_document.values(), order) if len(by_document) >= 2 else []
    if claims:
        keys = [answer_key(question, c.fact, c.answer or "") for c in claims]
        top = claims[0]
        cited = {c.fact.id for c in claims}
        confidence = next(s.confidence for s in ranked if s.candidate.id == top.fact.id)
        answer = replace(
            answer, fact=top.fact, answer=top.answer, span=top.span, confidence=confidence,
            related=tuple(f for f in answer.related if f.id not in cited), claims=tuple(claims),
            agreement="agree" if all(same_answer(keys[0], key) for key in keys[1:]) else "differ",
        )
    newer = _newer_source(answer.fact, ranked, facts)
    return replace(answer, newer=newer) if newer is not None else answer


def _newer_source(fact: Fact | None, ranked: list[Scored], facts: dict[int, Fact]) -> Fact | None:
    """The newest fact on the same question from a document published after ``fact``'s, if any."""
    if fact is None or not ranked or not fact.source.published:
        return None  # an undated source cannot be called older than anything
    published = fact.source.published
    floor = ranked[0].coverage * NEWER_SHARE
    newest: Fact | None = None
    for scored in ranked[:CLAIM_POOL]:
        other = facts.get(scored.candidate.id)
        if other is None or scored.coverage < floor or scored.type_fit < 1.0:
            continue
        when = other.source.published
        if not when or other.source.document_id == fact.source.document_id:
            continue
        if when > published and (newest is None or when > (newest.source.published or "")):
            newest = other
    return newest


_MONTHS = tuple(name[:3] for name in MONTH_NAMES)
"""Jan ... Dec, as a cited date writes them."""


def readable_date(published: str | None) -> str:
    """'2024-11-05' -> '5 Nov 2024' ('undated' for None; other forms as they are)."""
    if not published:
        return "undated"
    try:
        day = date.fromisoformat(published)
    except ValueError:
        return published
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def as_of(fact: Fact) -> str:
    """When and by whom, for the line above a quote: 'As of 5 Nov 2024, the Pentagon said' (never today's date)."""
    source = fact.source
    when = f"As of {readable_date(source.published)}" if source.published else "Undated source"
    who = f", {fact.speaker} said" if fact.speaker else ""
    outlet = f" ({source.outlet})" if source.outlet else ""
    return f"{when}{outlet}{who}"


def first_reported(claims: tuple[Claim, ...] | list[Claim]) -> Claim | None:
    """The claim published earliest (the first to report it); undated claims only when none is dated."""
    dated = [c for c in claims if c.fact.source.published]
    if dated:
        return min(dated, key=lambda c: c.fact.source.published or "")
    return claims[-1] if claims else None


TIMELINE_COVERAGE = 0.2
"""Another document's fact may be about the same thing when it covers this share of the fact's own words
(and names one of the same people, places or things: see :func:`contradicts`)."""


def counted_quantities(text: str) -> dict[str, float]:
    """Numbers with what they count: 'About 3,000 residents were ...' -> {'resid': 3000.0}."""
    from facts.analysis.entities import find_quantities
    from facts.analysis.text import stem

    out: dict[str, float] = {}
    for quantity in find_quantities(text):
        value = _number(quantity.text)
        if value is None:
            continue
        tail = _WORD.findall(quantity.text.lower())
        noun = tail[-1] if tail and tail[-1] not in _NUMBER_WORDS and tail[-1] not in _SCALES else None
        if noun is None:
            following = _WORD.findall(text[quantity.end:quantity.end + 40].lower())
            noun = following[0] if following else None
        if noun:
            out.setdefault(stem(noun), value)
    return out


def contradicts(fact: Fact, other: Fact) -> bool:
    """Two facts from different documents that name the same thing and count the same noun differently."""
    if fact.source.document_id == other.source.document_id:
        return False
    names = {text.casefold() for text, kind in fact.entities if kind != "number"}
    if not names & {text.casefold() for text, kind in other.entities if kind != "number"}:
        return False  # nothing named in common: likely another event
    mine, theirs = counted_quantities(fact.text), counted_quantities(other.text)
    return any(noun in theirs and theirs[noun] != value for noun, value in mine.items())
