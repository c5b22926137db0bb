"""Who a sentence is attributed to, where the sentence says so (by rule, no model).

Recognised shapes, tried in this order:

* ``X said/stated/told/warned/announced/confirmed/reported/... (that) ...`` - the subject
  noun phrase before the first reporting verb, skipping auxiliaries and adverbs (``has
  previously``, ``recently``) and a comma-delimited aside (``Lloyd Austin, on October 23,
  stated``; ``The Institute for the Study of War, a US think tank, reported``);
* ``“...,” said X`` / ``..., said X.`` - the inverted form;
* ``According to X, ...`` (``according to a statement from X`` gives X).

The speaker is returned as written in the sentence (a clean noun phrase, titles kept:
``US Defense Secretary Lloyd Austin``, ``South Korea’s National Intelligence Service``,
``The Kremlin``). ``He``/``She`` resolve to the last person named in ``context_before``;
other pronouns (it, they, we, I) give ``None``.
"""

from __future__ import annotations

import re

from facts.analysis.calendar import WEEKDAY_NAMES
from facts.analysis.entities import find_entities
from facts.analysis.text import word_list

__all__ = ["agent_after", "find_speaker", "subject_before"]


_VERBS = word_list(
    """said says say stated states told tells announced announces warned warns confirmed confirms
    reported reports revealed reveals claimed claims added adds noted notes echoed echoes disclosed
    discloses declared declares insisted insists argued argues explained explains wrote writes asked
    asks replied replies responded responds acknowledged acknowledges admitted admits alleged alleges
    asserted asserts emphasized emphasizes emphasised emphasises stressed stresses predicted predicts
    estimated estimates tweeted posted commented comments conceded concedes contended contends
    indicated indicates observed observes remarked remarks urged urges vowed vows pledged pledges
    promised promises denied denies dismissed dismisses rejected rejects mentioned mentions concluded
    concludes recalled recalls suggested suggests cautioned cautions briefed informed assured assures
    maintained maintains countered counters testified testifies"""
)
_INVERTIBLE = word_list(
    "said says added adds asked asks wrote writes warned noted explained stated continued replied"
)
# Verb occurrences as they appear after str.split(): "said", "said,", "said:" ...
_VERB_TOKENS = frozenset(v + tail for v in _VERBS for tail in ("", ",", ".", ":", ";"))
_NOUN_AFTER = word_list("have has had are were is was will would could can to of from about by")
_DETERMINERS = word_list(
    "the a an his her its their our my your this that these those one two three several some many both each"
)
_TRAILING_SKIP = word_list(
    """has have had also previously recently reportedly publicly later earlier again repeatedly then
    already further once first initially subsequently separately similarly likewise both jointly
    officially formally openly privately today yesterday on last week night this morning afternoon evening
    even still just"""
) | {day.lower() for day in WEEKDAY_NAMES}
_LEADING_SKIP = word_list("both and but however so also then meanwhile yet while even moreover still now")
_CLAUSE_WORDS = word_list(
    """that which who whom whose when where if because while although though is are was were be been
    being not would could should will can may might must do does did to than as since after before
    it they we i you there what how why whether unless until"""
)
_ROLE_NOUNS = word_list(
    """officials official analysts analyst experts expert sources source police witnesses witness
    residents resident authorities diplomats diplomat lawmakers lawmaker prosecutors prosecutor
    investigators investigator researchers researcher scientists scientist doctors doctor spokesperson
    spokesman spokeswoman ministry agency government military army court report reports statement
    spokespeople officers officer observers critics supporters leaders leader minister president
    representatives representative organizers organisers activists activist economists economist
    regulators regulator company firm group campaigners monitors media newspaper agencies ministries
    department office council committee commission service"""
)
_PERSON_PRONOUNS = word_list("he she him her")
_OTHER_PRONOUNS = word_list("it they we i you one someone nobody everyone")
_SOURCE_NOUNS = re.compile(
    r"^(?:an?|the)\s+(?:\w+\s+)?(?:statement|report|study|survey|analysis|assessment|estimate|estimates|"
    r"announcement|post|release|data|figures|document|documents|letter|filing|memo|transcript)\s+"
    r"(?:from|by|of|issued\s+by|released\s+by|published\s+by)\s+",
    re.I,
)
_APPOSITIVE_NAME = re.compile(r"\s*((?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]*[a-z][\w’'-]*)\s*(?:[.,;!?]|$)")
_BOUNDARY = ',;:“”"()[]—–'
_MAX_NP_TOKENS = 10


def _clean_np(tokens: list[str]) -> list[str] | None:
    """Trim a candidate subject phrase; None if it is not a clean noun phrase."""
    while tokens and tokens[-1].lower().strip(".,") in _TRAILING_SKIP:
        tokens = tokens[:-1]
    while tokens and tokens[-1][:1].isdigit():  # "on October 23" left after a skipped "on"
        tokens = tokens[:-1]
    while tokens and tokens[0].lower() in _LEADING_SKIP:
        tokens = tokens[1:]
    if not tokens or len(tokens) > _MAX_NP_TOKENS:
        return None
    lowered = [t.lower() for t in tokens]
    if len(tokens) == 1 and (lowered[0] in _PERSON_PRONOUNS or lowered[0] in _OTHER_PRONOUNS):
        return tokens
    if any(t in _CLAUSE_WORDS or t in _PERSON_PRONOUNS for t in lowered):
        return None
    if any(not any(c.isalnum() for c in t) for t in tokens):
        return None
    first = tokens[0]
    if first[0].isupper() or first[0].isdigit():
        return tokens
    if lowered[0] in _DETERMINERS or lowered[-1] in _ROLE_NOUNS:
        return tokens
    return None


def _segment_before(text: str, end: int) -> tuple[int, int, str]:
    """The text between the clause boundary before ``end`` and ``end``: (start, end, boundary char)."""
    i = end
    while i > 0 and text[i - 1] not in _BOUNDARY:
        i -= 1
    return i, end, (text[i - 1] if i > 0 else "")


def _phrase(text: str, start: int, end: int) -> str:
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return text[s:e]


def _locate(text: str, tokens: list[str], start: int, end: int) -> str:
    """The exact text of ``tokens`` (a trimmed run of the tokens in ``text[start:end]``)."""
    chunk = text[start:end]
    first = chunk.find(tokens[0])
    last = chunk.rfind(tokens[-1])
    if first < 0 or last < first:
        return " ".join(tokens)
    return chunk[first : last + len(tokens[-1])]


def _subject(text: str, verb_start: int) -> str | None:
    """The noun phrase that is the subject of a reporting verb at ``verb_start``."""
    seg_start, seg_end, boundary = _segment_before(text, verb_start)
    tokens = _clean_np(text[seg_start:seg_end].split())
    if tokens is None and boundary == "," and not _clean_np_is_blocked(text[seg_start:seg_end]):
        # Skip an aside: "Lloyd Austin, on October 23, stated" / "ISW, a think tank, reported".
        aside_start, _, aside_boundary = _segment_before(text, seg_start - 1)
        if aside_boundary == ",":
            seg_start, seg_end, boundary = _segment_before(text, aside_start - 1)
            tokens = _clean_np(text[seg_start:seg_end].split())
    if tokens is None:
        return None
    return _locate(text, tokens, seg_start, seg_end)


def _clean_np_is_blocked(segment: str) -> bool:
    """True when the words before the verb make it a clause of its own ("which has denied")."""
    return any(w in _CLAUSE_WORDS or w in _PERSON_PRONOUNS for w in segment.lower().split())


def _object_after(text: str, start: int) -> str | None:
    """A noun phrase starting at ``start`` and running to the next boundary or period."""
    end = start
    n = len(text)
    while (
        end < n
        and text[end] not in _BOUNDARY
        and not (text[end] in ".!?" and (end + 1 == n or text[end + 1] == " "))
    ):
        end += 1
    tokens = text[start:end].split()
    source = _SOURCE_NOUNS.match(_phrase(text, start, end))
    if source:
        return _object_after(
            text, start + (len(text[start:end]) - len(text[start:end].lstrip())) + source.end()
        )
    cut = next((i for i, t in enumerate(tokens) if t.lower() in _CLAUSE_WORDS), len(tokens))
    cleaned = _clean_np(tokens[:cut])
    if cleaned is None or cleaned[0].lower() in _PERSON_PRONOUNS or cleaned[0].lower() in _OTHER_PRONOUNS:
        return None
    if cut == len(tokens) and end < n and text[end] == "," and cleaned[0].lower() in _DETERMINERS:
        # "according to the city engineer, Tomas Berg." -> the name in apposition
        name = _APPOSITIVE_NAME.match(text, end + 1)
        if name:
            return name.group(1)
    return _locate(text, cleaned, start, end)


def _verb_positions(sentence: str, lower: str) -> list[tuple[int, str]]:
    present = {w.rstrip(",.:;") for w in _VERB_TOKENS.intersection(lower.split())}
    found = []
    for verb in present:
        i = lower.find(verb)
        while i >= 0:
            j = i + len(verb)
            if (i == 0 or not lower[i - 1].isalpha()) and (j == len(lower) or not lower[j].isalpha()):
                found.append((i, verb))
            i = lower.find(verb, j)
    found.sort()
    return found


def _last_person(context: str | None) -> str | None:
    if not context:
        return None
    people = [e.text for e in find_entities(context) if e.kind == "person"]
    return people[-1] if people else None


def find_speaker(sentence: str, context_before: str | None = None) -> str | None:
    """The person or organisation ``sentence`` is attributed to, or ``None``.

    ``context_before`` (the preceding text) is only used to resolve "he"/"she".
    """
    lower = sentence.lower()
    for start, verb in _verb_positions(sentence, lower):
        end = start + len(verb)
        before = sentence[:start].rstrip()
        prev_token = before.rsplit(None, 1)[-1] if before else ""
        if prev_token.endswith(("’s", "'s", "s’", "s'")) or prev_token.lower() in _DETERMINERS:
            continue  # a noun: "South Korea’s claims", "the reports"
        next_words = sentence[end:].split(None, 1)
        if next_words and next_words[0].lower().strip(",.") in _NOUN_AFTER and verb.endswith("s"):
            continue  # "reports have indicated"
        subject = _subject(sentence, start)
        if subject is None and verb in _INVERTIBLE and before and before[-1] in ",”\"’'":
            subject = _object_after(sentence, end)
        if subject is None:
            continue
        lowered = subject.lower()
        if lowered in _PERSON_PRONOUNS:
            return _last_person(context_before)
        if lowered in _OTHER_PRONOUNS:
            return None
        return subject
    at = lower.find("according to ")
    if at >= 0 and (at == 0 or not lower[at - 1].isalpha()):
        return _object_after(sentence, at + len("according to "))
    return None


_AUXILIARIES = word_list("is are was were be been being has have had will would could can may might must shall should")
_PREPOSITIONS = word_list("in on at by for with from after during under since before of to into over")


def subject_before(text: str, position: int) -> str | None:
    """The noun phrase ending just before a verb at ``position`` ("The Kremlin has previously dismissed"
    -> "The Kremlin"), auxiliaries and adverbs left out; None when the words there are no clean phrase."""
    seg_start, seg_end, _ = _segment_before(text, position)
    tokens = text[seg_start:seg_end].split()
    while tokens and (tokens[-1].lower() in _TRAILING_SKIP or tokens[-1].lower() in _AUXILIARIES
                      or (tokens[-1].lower().endswith("ly") and tokens[-1].islower()) or tokens[-1].lower() == "not"):
        tokens.pop()
    if not tokens or tokens[0].lower() in _PREPOSITIONS:
        return None
    cleaned = _clean_np(tokens)
    if cleaned is None or (len(cleaned) == 1 and cleaned[0].lower() in _PERSON_PRONOUNS | _OTHER_PRONOUNS):
        return None
    return _locate(text, cleaned, seg_start, seg_end)


def agent_after(text: str, position: int) -> str | None:
    """The agent of a passive verb ending at ``position`` ("commissioned by Odo, the Bishop" -> "Odo")."""
    match = re.match(r"\s+by\s+", text[position:])
    if not match:
        return None
    return _object_after(text, position + match.end())
