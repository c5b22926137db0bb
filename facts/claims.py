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
_LETTERS = re.compile(r"[^\W\d_]+")
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
                total = total * number if word in ("hundred", "dozen") and total else total + number
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
    return name_key(answer)


def name_key(text: str) -> str:
    """A name or phrase as equal answers share it: lower-case words, no leading article ("the ISW" -> "isw")."""
    return _LEADING.sub("", " ".join(_WORD.findall(text.lower())))


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
    answering = by_document.get(answer.fact.source.document_id)
    if answering is None or answering.fact.id != answer.fact.id:
        return _with_newer(answer, ranked, facts)  # the answering fact has no short answer: no claims to weigh
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
    return _with_newer(answer, ranked, facts)


def _with_newer(answer: Answer, ranked: list[Scored], facts: dict[int, Fact]) -> Answer:
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


_RATE_WORDS = frozenset({"per", "each", "every"})
"""'$50 per month': what follows a number here is a rate, not the thing counted."""


def counted_quantities(text: str) -> dict[str, float]:
    """Numbers with what they count: 'About 3,000 residents were ...' -> {'resid': 3000.0}.

    Only a word of three letters or more that is not a function word and not written in capitals counts
    as the thing counted ('50 per month' counts nothing; '15 °F', '02:56 UTC' neither); a name between
    the number and the word is skipped ('3,000 Kessling residents' counts residents).
    """
    from facts.analysis.entities import find_quantities
    from facts.analysis.text import STOPWORDS, stem

    out: dict[str, float] = {}
    for quantity in find_quantities(text):
        value = _number(quantity.text)
        if value is None:
            continue
        digits = [m.end() for m in _DIGITS.finditer(quantity.text)]
        tail = _WORD.findall(quantity.text[digits[-1] if digits else 0:].lower())  # words after the number
        noun = tail[-1] if tail and tail[-1] not in _NUMBER_WORDS and tail[-1] not in _SCALES else None
        if noun is None:
            following = _LETTERS.findall(text[quantity.end:quantity.end + 40])[:2]
            noun = next((w.lower() for w in following if not w[0].isupper()), None)  # "3,000 Kessling residents"
        if noun and len(noun) >= 3 and noun not in STOPWORDS and noun not in _RATE_WORDS and noun.upper() not in text:
            out.setdefault(stem(noun), value)
    return out


SAME_STATEMENT = 0.75
"""Two facts make the same statement but for one detail when, with that detail and who said it left
out, at least this share of all their content words is common to both (and at least MIN_STATEMENT_WORDS)."""
MIN_STATEMENT_WORDS = 3
_SLOT_KINDS = frozenset({"person", "org", "place", "nationality", "other"})
"""Entity kinds a differing name is compared on (an ``other`` name opening the sentence is not: it may be
a capitalised common word)."""
_LOCATIVE = frozenset({"in", "at", "to", "from", "near", "into", "outside", "inside"})
"""A differing name is compared only as the place of the same statement ("based in Dornach" against "based
in Velden"): another person doing the same thing, or another item of a list, is no contradiction."""
_REPORTING = frozenset({"said", "says", "say", "told", "tells", "announced", "announces", "reported", "reports",
                        "stated", "states", "added", "adds", "confirmed", "confirms", "wrote", "according"})
"""A date right after one of these dates the saying ("said on Thursday"), not the event."""


def _content(text: str) -> set[str]:
    from facts.analysis.text import STOPWORDS, stem, words

    return {stem(w) for w in words(text) if w not in STOPWORDS}


def _same_statement(first: set[str], second: set[str]) -> bool:
    shared = first & second
    return len(shared) >= MIN_STATEMENT_WORDS and len(shared) >= SAME_STATEMENT * len(first | second)


def _named_beyond_speaker(fact: Fact) -> set[str]:
    speaker = fact.speaker.casefold() if fact.speaker else ""
    return {text.casefold() for text, kind in fact.entities
            if kind != "number" and not (speaker and text.casefold() in speaker)}


def _anchored(fact: Fact, other: Fact) -> bool:
    """Both name the same thing besides who said it ("Police" alone does not make two arrests one event)."""
    return bool(_named_beyond_speaker(fact) & _named_beyond_speaker(other))


def _speaker_words(fact: Fact) -> set[str]:
    return _content(fact.speaker) if fact.speaker else set()


def _event_date(fact: Fact) -> tuple[str, int, int] | None:
    """The one date a fact gives for what happened: (iso, start, end); None when it gives none, several,
    a vague one (a week, a range) or only the date something was said."""
    from facts.analysis.dates import find_dates
    from facts.analysis.text import words

    reference = date.fromisoformat(fact.source.published) if fact.source.published else None
    mentions = find_dates(fact.text, reference=reference)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    if not mention.iso or mention.granularity not in ("day", "month", "year"):
        return None
    before = words(fact.text[max(0, mention.start - 30):mention.start])[-2:]
    if _REPORTING & set(before):
        return None
    return mention.iso, mention.start, mention.end


def dates_differ(fact: Fact, other: Fact) -> bool:
    """The same statement with different dates ("... on 3 April" and "... on 5 April"; a month and a day
    in it do not differ)."""
    mine, theirs = _event_date(fact), _event_date(other)
    if mine is None or theirs is None or mine[0].startswith(theirs[0]) or theirs[0].startswith(mine[0]):
        return False
    if not _anchored(fact, other):
        return False
    rest = _content(fact.text[:mine[1]] + " " + fact.text[mine[2]:]) - _speaker_words(fact)
    other_rest = _content(other.text[:theirs[1]] + " " + other.text[theirs[2]:]) - _speaker_words(other)
    return _same_statement(rest, other_rest)


def _word_before(text: str, name: str) -> str | None:
    from facts.analysis.text import words

    start = text.find(name)
    before = words(text[max(0, start - 20):start]) if start > 0 else []
    return before[-1] if before else None


def _slot_names(fact: Fact) -> list[tuple[str, str]]:
    speaker = fact.speaker.casefold() if fact.speaker else ""
    return [(text, kind) for text, kind in fact.entities
            if kind in _SLOT_KINDS and not (speaker and text.casefold() in speaker)
            and not (kind == "other" and fact.text.startswith(text))]


def _unmatched(names: list[tuple[str, str]], others: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(text, kind) for text, kind in names
            if not any(same_answer(name_key(text), name_key(o)) for o, _ in others)]


def names_differ(fact: Fact, other: Fact) -> bool:
    """The same statement giving another place: one name each differs, of the same kind, after the same
    locative word ("moved to Brekka", "moved to Lunvik"). The speaker never counts, so two sources saying
    the same thing do not differ."""
    mine, theirs = _slot_names(fact), _slot_names(other)
    only_mine, only_theirs = _unmatched(mine, theirs), _unmatched(theirs, mine)
    if len(only_mine) != 1 or len(only_theirs) != 1 or only_mine[0][1] != only_theirs[0][1]:
        return False
    if not _anchored(fact, other):
        return False
    if _content(only_mine[0][0]) & _content(other.text) or _content(only_theirs[0][0]) & _content(fact.text):
        return False  # the other fact names it too, only not as a name we recognised
    before, other_before = _word_before(fact.text, only_mine[0][0]), _word_before(other.text, only_theirs[0][0])
    if before != other_before or before not in _LOCATIVE:
        return False  # not the same place in both: "X and Y are co-owners" lists, it does not contradict
    names = set().union(*(_content(text) for text, kind in fact.entities + other.entities if kind != "number"))
    rest = _content(fact.text) - names - _speaker_words(fact)
    other_rest = _content(other.text) - names - _speaker_words(other)
    return _same_statement(rest, other_rest)


def may_contradict(fact: Fact) -> bool:
    """Cheap test: could :func:`contradicts` find anything for this fact (a count, a date or a name)?"""
    if not any(kind != "number" for _, kind in fact.entities):
        return False  # names nothing another fact could share
    return bool(counted_quantities(fact.text) or _event_date(fact)
                or any(_word_before(fact.text, text) in _LOCATIVE for text, _ in _slot_names(fact)))


def contradicts(fact: Fact, other: Fact) -> bool:
    """Two facts from different documents that name the same thing and disagree on it: they count the same
    noun differently, or make the same statement with a different date or a different name."""
    if fact.source.document_id == other.source.document_id:
        return False
    names = {text.casefold() for text, kind in fact.entities if kind != "number"}
    if not names & {text.casefold() for text, kind in other.entities if kind != "number"}:
        return False  # nothing named in common: likely another event
    mine, theirs = counted_quantities(fact.text), counted_quantities(other.text)
    if any(noun in theirs and theirs[noun] != value for noun, value in mine.items()):
        return True
    return dates_differ(fact, other) or names_differ(fact, other)
