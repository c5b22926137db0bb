"""Finding and resolving date expressions in English news text, by rule.

Recognised (case-sensitive month and weekday names; relative words in any case):

* day dates: ``October 24``, ``Oct. 24, 2024``, ``Thursday, October 24``, ``24 October 2024``,
  ``the 3rd of May``, ``2024-10-24``;
* ranges: ``October 8 to October 13``, ``Oct. 8-13, 2024``, ``between May 2 and May 9``,
  ``8-13 October``, ``from 2019 to 2021``, ``2019-2021`` (``iso`` is the start);
* months: ``February 2022``, ``mid-October 2023``, ``in June`` / ``last June`` / ``early June``;
* years: ``in 1990``, ``since 1990`` (a bare number needs a preposition such as in/since/by);
* weekdays: ``on Thursday``, ``last Friday``, ``next Monday``;
* relative to the reference (publication) date: ``today``, ``yesterday``, ``tomorrow``,
  ``last night``, ``this morning``, ``last/this/next week|weekend|month|year``,
  ``earlier/later this week|month|year``, ``three days ago``, ``two weeks ago``;
* relative to the previous sentence (anaphoric): ``the same day``, ``that day``, ``the next day``,
  ``the following day``, ``the day before``, ``a day later``, ``two days earlier``. These have
  ``iso=None`` and ``relative_days`` set; :func:`resolve_sentence_dates` resolves them.

``iso`` is ``YYYY-MM-DD`` for days (and day/week ranges), ``YYYY-MM`` for months, ``YYYY`` for
years, or ``None`` when it cannot be known (no year and no reference date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from facts.analysis.calendar import MONTH_NAMES, WEEKDAY_NAMES, alternation
from facts.analysis.text import word_list

__all__ = ["DateMention", "find_date_answer", "find_dates", "resolve_sentence_dates"]

Granularity = Literal["day", "month", "year", "range"]

FUTURE_TOLERANCE_DAYS = 7
"""A yearless date up to this many days after the reference is this year's; later ones last year's."""


@dataclass(frozen=True)
class DateMention:
    """A date expression at ``text[start:end]``.

    ``relative_days`` is set only for expressions relative to an earlier sentence's date
    ("the next day" -> 1, "the same day" -> 0); their ``iso`` is ``None``.
    """

    start: int
    end: int
    text: str
    iso: str | None
    granularity: Granularity
    relative_days: int | None = None


# ---------------------------------------------------------------------------------------------
# Vocabulary


_MONTH_NUMBER = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAY_NUMBER = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3,
    "few": 3, "a couple of": 2, "couple of": 2,
}  # fmt: skip

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)(?![A-Za-z])"
)
_FULL_MONTH = rf"(?:{alternation(MONTH_NAMES)})(?![A-Za-z])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,]\d)(?!\d)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d,]\d)(?!\d)"
_WEEKDAY = rf"(?:{alternation(WEEKDAY_NAMES)})(?![A-Za-z])"
_WD_PREFIX = rf"(?:{_WEEKDAY},?\s+)?"
_TO = r"\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)\s*"
_NUM = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several"
    r"|a\s+few|a\s+couple\s+of)"
)

_ALTERNATIVES = [
    ("between", rf"\bbetween\s+{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\s+and\s+"
                rf"(?:{_MONTH}\s+)?{_DAY}(?:,?\s+{_YEAR})?"),
    ("iso", r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"),
    ("range_mdy", rf"{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?{_TO}(?:{_MONTH}\s+)?{_DAY}(?:,?\s+{_YEAR})?"),
    ("range_dmy", rf"\b{_DAY}(?:\s+{_MONTH}(?:\s+{_YEAR})?)?{_TO}{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?"),
    ("mdy", rf"{_WD_PREFIX}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"),
    ("dmy", rf"{_WD_PREFIX}(?:the\s+)?\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"),
    ("range_year", rf"\b(?:(?:from|between)\s+{_YEAR}\s+(?:to|and|until|through)\s+{_YEAR}"
                   rf"|{_YEAR}\s*[-–]\s*\d\d(?:\d\d)?(?![\d-]))"),
    ("month_year", rf"(?:\b(?:early|mid|late)[-\s]+)?{_MONTH}(?:\s+of)?,?\s+{_YEAR}"),
    ("ago", rf"(?i:\b{_NUM}\s+(?:day|week|month|year)s?\s+ago\b)"),
    ("anaphor", r"(?i:\b(?:(?:that|the)\s+(?:very\s+)?same\s+day|that\s+day"
                r"|the\s+(?:next|following|previous|preceding)\s+day"
                rf"|the\s+day\s+(?:before|after)(?=\s*[,.;!?)]|\s*$)|{_NUM}\s+days?\s+(?:later|earlier))\b)"),
    ("relative", r"(?i:\b(?:the\s+day\s+before\s+yesterday|yesterday|today|tomorrow|tonight|last\s+night"
                 r"|this\s+(?:morning|afternoon|evening)|(?:(?:earlier|later)\s+)?this\s+(?:week|month|year)"
                 r"|(?:last|next)\s+(?:week|weekend|month|year))\b)"),
    ("weekday", rf"(?:\b(?:[Ll]ast|[Nn]ext|[Tt]his)\s+)?{_WEEKDAY}"),
    ("month", rf"(?:\b(?:[Ee]arly|[Mm]id|[Ll]ate|[Ll]ast|[Nn]ext|[Tt]his)[-\s]+)?{_FULL_MONTH}"),
    ("year", _YEAR),
]  # fmt: skip
_DATES = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _ALTERNATIVES))
_GATE = re.compile(r"\d")

_MONTH_TOKEN = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?")
_NUMBER = re.compile(r"\d+")
_SPLIT_RANGE = re.compile(rf"{_TO}|\s+and\s+")
_WORD_SPLIT = re.compile(r"[-\s]+")
_PREV_WORD = re.compile(r"([A-Za-z]+)[\s-]*$")
_MONTH_PREPS = word_list(
    "in since by until till of from through throughout before after during early mid late last next "
    "this between and or to around"
)
_YEAR_PREPS = word_list(
    "in since by until till of from through throughout before after during around circa early mid late "
    "year to and between spring summer autumn fall winter"
)
_BOUNDARY_PREPS = frozenset({"since", "until", "till", "before", "after"})


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_day(month: int, day: int, reference: date | None) -> date | None:
    """A yearless day: this year's unless that is more than a few days after the reference."""
    if reference is None:
        return None
    candidate = _day(reference.year, month, day)
    if candidate is None or candidate > reference + timedelta(days=FUTURE_TOLERANCE_DAYS):
        candidate = _day(reference.year - 1, month, day)
    return candidate


def _parse_day(text: str, reference: date | None, year_hint: int | None = None) -> tuple[date | None, bool]:
    """Parse 'Oct. 24, 2024' / '24 October' / 'Thursday, October 24'. Returns (date, parsed_ok)."""
    month_match = _MONTH_TOKEN.search(text)
    if month_match is None:
        return None, False
    month = _MONTH_NUMBER[month_match.group(1).lower()]
    numbers = [int(n) for n in _NUMBER.findall(text)]
    days = [n for n in numbers if n <= 31]
    years = [n for n in numbers if n > 31]
    if not days:
        return None, False
    year = years[0] if years else year_hint
    if year is not None:
        value = _day(year, month, days[0])
        return value, value is not None
    if _day(2000, month, days[0]) is None:  # 2000 is a leap year: only impossible days fail
        return None, False
    return _infer_day(month, days[0], reference), True


def _month_back(reference: date, months: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 - months
    return index // 12, index % 12 + 1


def _count(word: str) -> int:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _prev_word(text: str, start: int) -> str:
    m = _PREV_WORD.search(text, max(0, start - 24), start)
    return m.group(1).lower() if m else ""


def _resolve(
    kind: str, span: str, text: str, start: int, reference: date | None, now: date | None
) -> tuple[str | None, Granularity, int | None] | None:
    """Interpret one regex match: (iso, granularity, relative_days), or None to drop it."""
    if kind in ("mdy", "dmy"):
        value, ok = _parse_day(span, reference)
        if not ok:
            return None
        return (value.isoformat() if value else None), "day", None
    if kind == "iso":
        value = _day(int(span[:4]), int(span[5:7]), int(span[8:10]))
        return (value.isoformat(), "day", None) if value else None
    if kind in ("range_mdy", "range_dmy", "between"):
        body = span[len("between") :].strip() if kind == "between" else span
        left, right = _SPLIT_RANGE.split(body, maxsplit=1)
        right_years = [int(n) for n in _NUMBER.findall(right) if int(n) > 31]
        if kind == "range_dmy" and not _MONTH_TOKEN.search(left):
            month = _MONTH_TOKEN.search(right)
            left = f"{left} {month.group(0) if month else ''}"
        value, ok = _parse_day(left, reference, right_years[0] if right_years else None)
        if not ok:
            return None
        return (value.isoformat() if value else None), "range", None
    if kind == "range_year":
        years = _NUMBER.findall(span)
        first, last = int(years[0]), years[1]
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        if end <= first:
            return None
        return str(first), "range", None
    if kind == "month_year":
        month = _MONTH_NUMBER[_MONTH_TOKEN.search(span).group(1).lower()]  # type: ignore[union-attr]
        year = int(_NUMBER.findall(span)[-1])
        return f"{year:04d}-{month:02d}", "month", None
    if kind == "month":
        words = _WORD_SPLIT.split(span)
        prev = words[0].lower() if len(words) > 1 else _prev_word(text, start)
        if prev not in _MONTH_PREPS:
            return None
        month = _MONTH_NUMBER[_MONTH_TOKEN.search(span).group(1).lower()]  # type: ignore[union-attr]
        if reference is None:
            return None, "month", None
        year = reference.year
        if prev == "next":
            year += 1 if month <= reference.month else 0
        elif prev == "last":
            year -= 1 if month >= reference.month else 0
        elif prev != "this" and month > reference.month:
            year -= 1
        return f"{year:04d}-{month:02d}", "month", None
    if kind == "year":
        if _prev_word(text, start) not in _YEAR_PREPS:
            return None
        return span, "year", None
    if kind == "weekday":
        words = span.lower().split()
        target = _WEEKDAY_NUMBER[words[-1][:3]]
        if now is None:
            return None, "day", None
        if words[0] == "last":
            delta = (now.weekday() - target) % 7 or 7
        elif words[0] == "next":
            delta = -((target - now.weekday()) % 7 or 7)
        elif words[0] == "this":
            delta = -((target - now.weekday()) % 7)
        else:
            delta = (now.weekday() - target) % 7
        return (now - timedelta(days=delta)).isoformat(), "day", None
    if kind == "anaphor":
        words = span.lower().split()
        if "same" in words or words[0] == "that":
            return None, "day", 0
        if words[-1] in ("later", "earlier"):
            n = _count(" ".join(words[:-2]))
            return None, "day", n if words[-1] == "later" else -n
        forward = "next" in words or "following" in words or words[-1] == "after"
        return None, "day", 1 if forward else -1
    if kind == "ago":
        words = span.lower().split()
        n = _count(" ".join(words[:-2]))
        unit = words[-2].rstrip("s")
        if now is None:
            return None, ("day" if unit == "day" else "range" if unit == "week" else unit), None  # type: ignore[return-value]
        if unit == "day":
            return (now - timedelta(days=n)).isoformat(), "day", None
        if unit == "week":
            return _monday(now - timedelta(days=7 * n)).isoformat(), "range", None
        if unit == "month":
            y, m = _month_back(now, n)
            return f"{y:04d}-{m:02d}", "month", None
        return f"{now.year - n:04d}", "year", None
    # kind == "relative"
    words = span.lower().split()
    unit = words[-1]
    if unit in ("week", "weekend", "month", "year"):
        step = {"last": -1, "next": 1}.get(words[-2], 0)
        gran: Granularity = "range" if unit in ("week", "weekend") else unit  # type: ignore[assignment]
        if now is None:
            return None, gran, None
        if unit == "week":
            return (_monday(now) + timedelta(days=7 * step)).isoformat(), "range", None
        if unit == "weekend":
            sat = now - timedelta(days=(now.weekday() - 5) % 7 or 7)
            return (sat + timedelta(days=7) if step > 0 else sat).isoformat(), "range", None
        if unit == "month":
            y, m = _month_back(now, -step)
            return f"{y:04d}-{m:02d}", "month", None
        return f"{now.year + step:04d}", "year", None
    if now is None:
        return None, "day", None
    offset = {"yesterday": -1, "tomorrow": 1}.get(unit, 0)
    if words[0] == "last" or len(words) == 4:  # last night / the day before yesterday
        offset = -1 if words[0] == "last" else -2
    return (now + timedelta(days=offset)).isoformat(), "day", None


_DIGIT_RUN = re.compile(r"\d+")
_NAME_ANCHOR = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)")
_KEYWORDS = ("day", "week", "month", "year", "night", "morning", "afternoon", "evening", "tomorrow")
_PREFIX_WORDS = word_list(
    "between from the that a an this last next earlier later early mid late very same of couple few several "
    "one two three four five six seven eight nine ten eleven twelve"
)
_STRIP = "\"'“”‘’()[],;:"


def _anchors(text: str) -> list[int]:
    """Positions where a date expression may be: digits, month/weekday names, time words."""
    found = [m.start() for m in _DIGIT_RUN.finditer(text)] if _GATE.search(text) else []
    found.extend(m.start() for m in _NAME_ANCHOR.finditer(text))
    lower = text.lower()
    for word in _KEYWORDS:
        i = lower.find(word)
        while i >= 0:
            found.append(i)
            i = lower.find(word, i + 1)
    found.sort()
    return found


def _starts(text: str, anchor: int, floor: int) -> list[int]:
    """Candidate match starts for an anchor: up to three prefix words before it, its word, itself."""
    i = anchor
    while i > floor and not text[i - 1].isspace():
        i -= 1
    starts = [anchor] if i == anchor else [anchor, i]
    for _ in range(3):
        j = i
        while j > floor and text[j - 1].isspace():
            j -= 1
        k = j
        while k > floor and not text[k - 1].isspace():
            k -= 1
        if k == j or text[k:j].strip(_STRIP).lower().split("-")[0] not in _PREFIX_WORDS:
            break
        starts.append(k)
        i = k
    starts.reverse()
    return starts


def _find(text: str, reference: date | None, now: date | None) -> list[DateMention]:
    found: list[DateMention] = []
    floor = 0
    for anchor in _anchors(text):
        if anchor < floor:
            continue
        for start in _starts(text, anchor, floor):
            m = _DATES.match(text, start)
            if m is None or m.end() <= anchor:
                continue
            kind = m.lastgroup
            assert kind is not None
            resolved = _resolve(kind, m.group(), text, start, reference, now)
            if resolved is None:
                continue
            iso, granularity, relative = resolved
            found.append(DateMention(start, m.end(), m.group(), iso, granularity, relative))
            floor = m.end()
            break
    return found


def find_dates(text: str, *, reference: date | None) -> list[DateMention]:
    """All date expressions in ``text`` in order, resolved against ``reference`` (publication date).

    Without a reference, yearless and relative expressions get ``iso=None``.
    """
    return _find(text, reference, reference)


def _is_day(mention: DateMention) -> bool:
    return mention.iso is not None and len(mention.iso) == 10


def resolve_sentence_dates(sentences: list[str], *, document_date: date | None) -> list[str | None]:
    """The event date (``YYYY-MM-DD``) each sentence speaks of, or ``None``.

    The first day-precise date in the sentence wins (a day date, a day range's start, a weekday,
    "yesterday", "last week" = Monday of that week...), preferring one not introduced by
    since/until/before/after. Month- or year-only dates give ``None``. "The same day", "the next
    day"... resolve against the most recent sentence (in order, across paragraphs) that had a date;
    yearless dates take their year from ``document_date`` (or, without one, from that context date).
    """
    out: list[str | None] = []
    context: date | None = None
    for sentence in sentences:
        chosen: date | None = None
        fallback: date | None = None
        for mention in _find(sentence, document_date or context, document_date):
            if mention.relative_days is not None:
                if context is None:
                    continue
                value = context + timedelta(days=mention.relative_days)
            elif _is_day(mention):
                value = date.fromisoformat(mention.iso)  # type: ignore[arg-type]
            else:
                continue
            if _prev_word(sentence, mention.start) in _BOUNDARY_PREPS:
                fallback = fallback or value
                continue
            chosen = value
            break
        chosen = chosen or fallback
        out.append(chosen.isoformat() if chosen else None)
        if chosen is not None:
            context = chosen
    return out


_ANSWER_PREP = re.compile(r"\b(since|until|till|before|after|by|from|as of|around|circa)\s+$", re.I)


def _rank(mention: DateMention) -> tuple[int, bool]:
    """(precision, written with digits): day/range 3, month 2, year 1, anaphoric 0."""
    if mention.relative_days is not None:
        return 0, False
    if mention.iso is not None and mention.granularity != "range":
        precision = {10: 3, 7: 2, 4: 1}.get(len(mention.iso), 0)
    else:
        precision = {"day": 3, "range": 3, "month": 2, "year": 1}[mention.granularity]
    return precision, any(c.isdigit() for c in mention.text)


def find_date_answer(text: str, *, reference: date | None) -> DateMention | None:
    """The best span answering "when?" in ``text``: a day date over a month over a year.

    At equal precision a written date ("October 8 to October 13") beats a relative one
    ("last week"), and the earlier one wins.
    A preceding since/until/before/after/by/from/as of is included ("since 1990").
    """
    mentions = find_dates(text, reference=reference)
    if not mentions:
        return None
    best = max(mentions, key=_rank)  # max keeps the first of equal rank
    prep = _ANSWER_PREP.search(text, max(0, best.start - 12), best.start)
    if prep and (prep.group(1).lower() != "from" or best.granularity == "range"):
        best = replace(best, start=prep.start(), text=text[prep.start() : best.end])
    return best
