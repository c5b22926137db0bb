"""The short answer inside a chosen fact: the candidate spans a question's kind allows (dates, quantities,
places, names, the speaker, a descriptive subject), each scored by how close it sits to the question's
own words in the fact (a sliding-window score), plus a prior for how well its type fits.

Pure choice of a span: it never changes which fact answers or the confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from facts.analysis.attribution import agent_after, find_speaker, subject_before
from facts.analysis.dates import find_dates
from facts.analysis.entities import find_quantities
from facts.analysis.text import STOPWORDS, stem, word_positions, words
from facts.matching import LOCATIVE_PHRASE
from facts.models import Fact
from facts.question import Question, answer_type_noun, wanted_kinds

WINDOW_SCALE = 3.0
"""Tokens at which a question word's pull on a candidate falls to half."""
BOUNDARY_TOKENS = 6
"""A sentence end or semicolon between a question word and a candidate counts as this many tokens."""
COMMA_TOKENS = 3.0
"""A comma or a clause-joining word ("and", "but", "while") counts this many tokens more."""
PAREN_TOKEN = 0.25
"""A token inside brackets counts this much: "about 260 km (160 mi) from the Baltic Sea"."""
VERB_WEIGHT = 2.0
"""The question's main verb pulls this many times harder than its other words."""
WHEN_VERB_WEIGHT = 8.0
"""For "when": the date nearest the question's verb, whatever else is near ("closed the terminal on February 3
and reopened it on February 11": "when was it reopened" -> February 11)."""
COUNTED_REACH = 4
"""How many words after a number may name what it counts."""

_BOUNDARY = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“(]?[A-Z0-9])|;")
_ANSWER_PREP = re.compile(r"\b(since|until|till|before|after|by|from|as of|around|circa)\s+$", re.I)
_BARE_YEAR = re.compile(r"(?<![\d,.$])\b(1[0-9]\d\d|20\d\d)\b(?![\d%]|[.,]\d)")
_TIME_OF_DAY = re.compile(
    r"\b(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)(?:\s+local time)?|\b(?:[01]?\d|2[0-3]):[0-5]\d\b")
_TIME_QUESTION = re.compile(r"\bwhat time\b|\bat what hour\b", re.I)
_CLAUSE_JOINERS = frozenset({"and", "but", "while", "whereas", "although", "though", "yet"})
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|and|or)\s*")
_PERSONISH = frozenset({"person", "org"})
_NUMBER_END = re.compile(
    r"\d(?:[\d,.]*\d)?(?:\s+(?:hundred|thousand|million|billion|trillion))?|\b(?:one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|several|half)\b", re.I)

PRIORS = {
    "counted": 1.0, "conversion": 0.5, "partly_named": 0.6, "locative": 1.2, "place": 1.0, "place_other": 0.5,
    "who_place": 0.4, "who_nationality": 0.4, "other": 0.5, "speaker": 0.9, "year": 0.3, "day": 0.5,
    "bare_year": 0.8, "time": 2.0, "subject": 1.2, "agent": 0.5, "type_noun": 0.5,
}
"""The type priors added to the window score (chosen on the seed dev set, tests/data/heldout and four
squad2-tune articles; README, "Short answers")."""


@dataclass(frozen=True)
class Candidate:
    """A possible short answer ``text[start:end]`` and the prior its type earns."""

    start: int
    end: int
    prior: float
    core: tuple[int, int] | None = None
    """The part whose distance to the question's words counts (a quantity's number, not its noun)."""


class _Anchors:
    """Where the question's concepts occur in the fact, as token indexes, and the distance to a span.

    Distance counts the tokens between; a sentence end or semicolon adds BOUNDARY_TOKENS, a comma
    COMMA_TOKENS, and a token inside brackets counts PAREN_TOKEN ("260 km (160 mi) from the Baltic Sea").
    """

    def __init__(self, question: Question, text: str, skip: frozenset[str] = frozenset(),
                 verb_weight: float = 1.0) -> None:
        self.positions = word_positions(text)
        self.starts = [start for start, _ in self.positions]
        tokens = [token for _, token in self.positions]
        self.place = self._places(text)
        stems = [stem(t) if t not in STOPWORDS else "" for t in tokens]
        aliases = question.aliases.match(tokens) if question.aliases else []
        self.occurrences: list[list[int]] = []
        self.weights: list[float] = []
        verbs = verb_terms(question)
        for concept in question.concepts:
            terms = {t for alt in concept.alternatives for t in alt}
            if terms & skip:
                continue
            found = [i for i, s in enumerate(stems) if s and s in terms]
            for begin, end, keys in aliases:
                if keys & terms:
                    found.extend(range(begin, end))
            if found:
                self.occurrences.append(sorted(set(found)))
                self.weights.append(verb_weight if terms & verbs else 1.0)

    def _places(self, text: str) -> list[float]:
        """A running distance coordinate per token."""
        places = []
        at = 0.0
        previous_end = 0
        for start, token in self.positions:
            between = text[previous_end:start]
            depth = text[:start].count("(") - text[:start].count(")")
            step = PAREN_TOKEN if depth > 0 else 1.0
            if token in _CLAUSE_JOINERS:
                step += COMMA_TOKENS  # a clause joined by "and" is as far as one after a comma
            step += BOUNDARY_TOKENS * len(_BOUNDARY.findall(between)) + COMMA_TOKENS * between.count(",")
            at += step if places else 0.0
            places.append(at)
            previous_end = start + 1
        return places

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """First and last token index of ``text[start:end]`` (an empty range just before ``start``)."""
        inside = [i for i, s in enumerate(self.starts) if start <= s < end]
        if inside:
            return inside[0], inside[-1]
        before = sum(1 for s in self.starts if s < start)
        return before, before - 1

    def score(self, start: int, end: int) -> float:
        """Each concept's pull from its nearest occurrence outside the span: 1 / (1 + distance / scale)."""
        first, last = self.token_range(start, end)
        if first >= len(self.place) or last < 0:
            return 0.0
        total = 0.0
        for occurrences, weight in zip(self.occurrences, self.weights, strict=True):
            best = 0.0
            for i in occurrences:
                if first <= i <= last:
                    continue
                gap = self.place[first] - self.place[i] - 1 if i < first else self.place[i] - self.place[last] - 1
                best = max(best, 1.0 / (1.0 + max(0.0, gap) / WINDOW_SCALE))
            total += weight * best
        return total


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _partly_named(question: Question, name: str) -> bool:
    """The question names part of ``name`` ("Austin" for "Lloyd Austin"): not a likely answer."""
    asked = question.asked_terms
    return any(stem(w) in asked for w in words(name) if w not in STOPWORDS)


def _date_candidates(question: Question, fact: Fact) -> list[Candidate]:
    text = fact.text
    reference = date.fromisoformat(fact.source.published) if fact.source.published else None
    out = []
    if _TIME_QUESTION.search(question.text):
        out += [Candidate(m.start(), m.end(), PRIORS["time"]) for m in _TIME_OF_DAY.finditer(text)]
    mentions = [m for m in find_dates(text, reference=reference) if not question.mentions(m.text)]
    for mention in mentions:
        start = mention.start
        prep = _ANSWER_PREP.search(text, max(0, start - 12), start)
        if prep and (prep.group(1).lower() != "from" or mention.granularity == "range"):
            start = prep.start()
        precision = (0.0 if mention.relative_days is not None
                     else PRIORS["year"] if mention.granularity == "year" else PRIORS["day"])
        out.append(Candidate(start, mention.end, 1.0 + precision))
    taken = [(c.start, c.end) for c in out]
    for m in _BARE_YEAR.finditer(text):
        if not _overlaps((m.start(), m.end()), taken) and not question.mentions(m.group()):
            out.append(Candidate(m.start(), m.end(), PRIORS["bare_year"]))
    return out


def _quantity_spans(text: str) -> list[tuple[int, int]]:
    """Quantities with ranges joined: "3,000 to 5,000 people", "between 64 and 104"."""
    spans: list[tuple[int, int]] = []
    for q in find_quantities(text):
        if spans and _RANGE_JOIN.fullmatch(text[spans[-1][1]:q.start]):
            start = spans[-1][0]
            between = re.search(r"\bbetween\s+$", text[max(0, start - 9):start], re.I)
            spans[-1] = (start - len(between.group()) if between else start, q.end)
        else:
            spans.append((q.start, q.end))
    return spans


def _counts(question: Question, text: str, number_end: int) -> bool:
    """The question's counted noun follows the number within a few words ("135,000 Chinese troops")."""
    if not question.counted:
        return False
    after = re.match(r"[^,;:.()]*", text[number_end:]).group()
    return bool({stem(w) for w in words(after)[:COUNTED_REACH]} & set(question.counted))


def _quantity_candidates(question: Question, fact: Fact) -> list[Candidate]:
    text = fact.text
    dates = [(d.start, d.end) for d in find_dates(text, reference=None)]
    out = []
    previous_end = -1
    for start, end in _quantity_spans(text):
        phrase = text[start:end]
        conversion = previous_end >= 0 and text[previous_end:start].strip() == "("
        previous_end = end
        if question.mentions(phrase) or _overlaps((start, end), dates):
            continue
        end = end - 1 if text[end - 1] in ",;:" else end
        numbers = list(_NUMBER_END.finditer(text, start, end))
        core = (start, numbers[-1].end()) if numbers else None
        counted = _counts(question, text, core[1] if core else end)
        prior = 1.0 + (PRIORS["counted"] if counted else 0.0) - (PRIORS["conversion"] if conversion else 0.0)
        out.append(Candidate(start, end, prior, core))
    return out


def _place_candidates(question: Question, fact: Fact) -> list[Candidate]:
    text = fact.text
    dates = [(d.start, d.end) for d in find_dates(text, reference=None)]
    out = []
    for m in LOCATIVE_PHRASE.finditer(text):
        if not question.mentions(m.group(1)) and not _overlaps((m.start(1), m.end()), dates):
            out.append(Candidate(m.start(1), m.end(), PRIORS["locative"]))
    out += _entity_candidates(question, fact, {"place": PRIORS["place"], "other": PRIORS["place_other"]})
    return out


def _entity_occurrences(fact: Fact) -> list[tuple[int, int, str]]:
    """Every place each of the fact's entities is written, leaving out those inside a longer one
    ("Bayeux" inside "Bayeux Tapestry")."""
    found = []
    for entity_text, kind in dict.fromkeys(fact.entities):
        pattern = re.compile(rf"(?<!\w){re.escape(entity_text)}(?!\w)")
        found += [(m.start(), m.end(), kind) for m in pattern.finditer(fact.text)]
    return [(s, e, k) for s, e, k in found
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in found)]


def _entity_candidates(question: Question, fact: Fact, priors: dict[str, float]) -> list[Candidate]:
    out = []
    noun = answer_type_noun(question.text)
    text = fact.text
    for start, end, kind in _entity_occurrences(fact):
        name = text[start:end]
        if kind not in priors or question.mentions(name):
            continue
        if kind == "other" and (_sentence_initial_word(text, start, name) or re.search(r"-[a-z]+$", name)):
            continue  # "Soon", "Details", "Oscar-winning": a capital that does not make a name
        if kind == "nationality" and priors[kind] < 1 and re.match(r"\s+[a-z]", text[end:]):
            continue  # "Italian abbots": an adjective, not who
        prior = priors[kind] - (PRIORS["partly_named"] if _partly_named(question, name) else 0.0)
        before = text[max(0, start - 30):start].lower()
        if re.search(r"\bby\s+(?:[a-z]+\s+){0,2}$", before):
            prior += PRIORS["agent"]  # "commissioned by Odo", "by director Robert Mulligan"
        if noun and re.search(rf"\b{re.escape(noun.rstrip('s'))}\w*\s+(?:of\s+|at\s+)?$", before):
            prior += PRIORS["type_noun"]  # "the mountain town of Puquio" for "which town"
        out.append(Candidate(start, end, prior))
    return out


_SUBJECT_QUESTION = re.compile(
    r"^\W*who\s+(?:(?:has|have|had|also|first|then|actually|really|later)\s+)*([a-z][\w'’-]*)", re.I)
_AFTER_TYPE_NOUN = r"\b{noun}\s+(?:(?:has|have|had|also|first|then|actually|really|later)\s+)*([a-z][\w'’-]*)"
_NOT_VERBS = frozenset(
    "is are was were be been did does do will would can could should may might must not the a an of in on to "
    "for with at by from".split())
_DID_VERB = re.compile(
    r"\b(?:did|does|do|will|would|can|could|should|to)\s+(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,3}?([a-z][\w'’-]*)"
    r"\s+(?:the|a|an|it|them|its|their|his|her|to|in|on|at|from|for|with|by|into|up|off|out|over)\b", re.I)
_PARTICIPLE = re.compile(r"\b(?:was|were|is|are|been|be|being|get|got)\s+(?:[\w'’-]+\s+){0,4}?([a-z]{3,}(?:ed|en))\b",
                         re.I)


def verb_terms(question: Question) -> set[str]:
    """Stems of the question's main verb when its shape shows one: "when did X close the ..." -> close,
    "when was X reopened" -> reopen, "who paid for ..." -> pay."""
    found = set()
    for pattern in (_DID_VERB, _PARTICIPLE):
        match = pattern.search(question.text)
        if match:
            found.add(stem(match.group(1).lower()))
    subject_verb = question_verb(question)
    if subject_verb:
        found.add(stem(subject_verb))
    return {t for t in found if t not in STOPWORDS}


def question_verb(question: Question) -> str | None:
    """The verb of a subject question ("Who commissioned the Tapestry?" -> "commissioned", "Which agency
    revealed ..." -> "revealed"), or None for other shapes ("Who did Emma marry?", "Who was Robert's son?")."""
    noun = answer_type_noun(question.text)
    if noun:
        match = re.search(_AFTER_TYPE_NOUN.format(noun=re.escape(noun)), question.text, re.I)
    else:
        match = _SUBJECT_QUESTION.match(question.text)
    if not match:
        return None
    verb = match.group(1).lower()
    return None if verb in _NOT_VERBS or verb in STOPWORDS else verb


def _role_candidates(question: Question, fact: Fact) -> list[Candidate]:
    """For "who/which X <verb> ...": the subject before the fact's same verb, or the agent after it."""
    verb = question_verb(question)
    if verb is None:
        return []
    text = fact.text
    target = stem(verb)
    out = []
    for start, token in word_positions(text):
        if stem(token) != target:
            continue
        end = start + len(token)
        for phrase in (agent_after(text, end), subject_before(text, start)):
            if phrase and _says_more(question, phrase):
                at = text.find(phrase)
                if at >= 0:
                    out.append(Candidate(at, at + len(phrase), PRIORS["subject"]))
    return out


def _sentence_initial_word(text: str, start: int, name: str) -> bool:
    return " " not in name and (start == 0 or bool(re.search(r"[.!?][\"”’)]?\s+$", text[max(0, start - 4):start])))


def _speaker_candidates(question: Question, fact: Fact, prior: float) -> list[Candidate]:
    speaker = fact.speaker or find_speaker(fact.text)
    if not speaker or not _says_more(question, speaker):
        return []
    start = fact.text.find(speaker)
    return [Candidate(start, start + len(speaker), prior)] if start >= 0 else []


def _says_more(question: Question, name: str) -> bool:
    """A speaker answers unless the question holds every word of it: "Ukraine's defense intelligence
    agency" answers "which Ukrainian agency ..." although both name Ukraine."""
    return not {stem(w) for w in words(name) if w not in STOPWORDS} <= question.asked_terms


_FIRST_WH = re.compile(r"\b(who|whom|whose|what|which|where|when|why|how)\b")
_KIND_CUES = {
    "when": re.compile(r"\b(?:what|which) (?:date|day|year|month|time|century|decade|hour)\b"),
    "where": re.compile(r"\b(?:what|which) (?:place|city|country|region|location|town|area)\b"),
    "who": re.compile(r"\bwhich (?:person|official|leader|agency|organi[sz]ation|institution)\b"),
}


def answer_kind(question: Question) -> str:
    """The kind the short answer takes, led by the question's first question word: "What suffered ...
    when it had ..." and "What did Premier Wen order?" ask for a thing, not a date."""
    first = _FIRST_WH.search(question.text.lower())
    cue = _KIND_CUES.get(question.kind)
    if first and first.group(1) in ("what", "which") and cue and not cue.search(question.text.lower()):
        return first.group(1)
    return question.kind


def candidates(question: Question, fact: Fact) -> list[Candidate]:
    """Every span the question's kind allows in the fact, with its type prior."""
    kind = answer_kind(question)
    if kind == "when":
        return _date_candidates(question, fact)
    if kind == "how-many":
        return _quantity_candidates(question, fact)
    if kind == "where":
        return _place_candidates(question, fact)
    wanted = question.wanted if kind == question.kind else wanted_kinds(question.text, kind)
    wanted = wanted or (frozenset({"person", "org", "place", "nationality"}) if kind == "which" else frozenset())
    if not wanted:
        return []
    priors = {k: 1.0 for k in wanted}
    if wanted & _PERSONISH:
        priors.setdefault("place", PRIORS["who_place"])
        priors.setdefault("nationality", PRIORS["who_nationality"])
    priors.setdefault("other", PRIORS["other"])
    out = _entity_candidates(question, fact, priors)
    if wanted & _PERSONISH:
        out += _speaker_candidates(question, fact, PRIORS["speaker"]) + _role_candidates(question, fact)
    return out


def choose_span(question: Question, fact: Fact) -> tuple[int, int] | None:
    """Offsets in ``fact.text`` of the short answer: the best-scoring candidate, or None."""
    found = candidates(question, fact)
    if not found:
        return None
    skip = frozenset(question.counted) if question.kind == "how-many" else frozenset()
    verb_weight = WHEN_VERB_WEIGHT if answer_kind(question) == "when" else VERB_WEIGHT
    anchors = _Anchors(question, fact.text, skip, verb_weight)
    best = max(found, key=lambda c: (c.prior + anchors.score(*(c.core or (c.start, c.end))), -c.start))
    return best.start, best.end
