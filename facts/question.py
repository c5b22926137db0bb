"""Question analysis: what kind of answer is wanted, and the concepts a matching fact must cover."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from facts.analysis.aliases import AliasTable, is_concept_key
from facts.analysis.calendar import MONTH_WORDS
from facts.analysis.indexing import index_terms
from facts.analysis.text import QUESTION_WORDS, STOPWORDS, clean, stem, words
from facts.background import load_background
from facts.errors import InvalidQuestion
from facts.vocabulary import VocabularyView

MAX_QUESTION_CHARS = 1000

_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("yes-no", re.compile(r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b(?!.*\bor\b)")),
    ("when", re.compile(r"\bhow long (ago|since)\b|\bhow long had it been\b")),
    ("how-many", re.compile(
        r"\b(how (many|much)|how (large|big|far|old|high|tall|deep|fast|heavy|wide|long|often)"
        r"|what (percentage|proportion|share|number|amount)"
        r"|what(?:'s| is| was| were| are)? (?:the )?(?:[\w'’]+ ){0,4}(price|cost|rate|amount|value|number"
        r"|percentage|total|toll|figure|size|magnitude|mag|depth|height|budget|fee|salary|score))\b")),
    ("when", re.compile(r"\b(when|what (date|day|year|month|time)|which (date|day|year|month)|how long (ago|since)"
                        r"|how long had it been|since when)\b")),
    ("where", re.compile(r"\b(where|what location|in what (place|city|country|region))\b")),
    ("name", re.compile(r"(\bcalled\W*$|\bname of\b|\bnamed\b|\bwhat (is|was) the name\b|\bwhat'?s the name\b)")),
    ("who", re.compile(r"\b(who|whom|whose|which (person|official|leader|agency|organi[sz]ation|institution))\b")),
    ("why", re.compile(r"\b(why|what (caused|prompted)|for what reason)\b")),
    ("which", re.compile(r"\bwhich\b")),
    ("what", re.compile(r"\bwhat\b")),
]


@dataclass
class Concept:
    """One thing the question asks about; satisfied by any of its alternative term sets."""

    label: str
    alternatives: list[tuple[str, ...]]
    proper: bool = False
    corrected_from: str | None = None
    df: int = 0


_WHICH_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(["country", "countries", "nation", "nations"], frozenset({"place", "nationality"})),
    **dict.fromkeys(["capital", "city", "place", "region", "town", "area", "province", "state"],
                    frozenset({"place"})),
    **dict.fromkeys(["agency", "agencies", "institution", "organisation", "organization", "party", "group", "body",
                     "ministry", "company", "companies", "outlet", "newspaper", "department", "service", "house",
                     "firm", "firms", "bank", "banks", "lender", "union", "team", "court", "charity", "consortia",
                     "consortium", "groups", "bidders", "lenders", "agencies", "organisations", "organizations"],
                    frozenset({"org"})),
    **dict.fromkeys(["official", "officials", "person", "people", "leader", "leaders", "minister", "president",
                     "general", "commander", "man", "woman", "spokesperson", "spokesman", "spokeswoman",
                     "representative", "analyst", "executive", "councillor", "councillors", "mayor", "senator"],
                    frozenset({"person"})),
}
_FRAME_AFTER_HOW = frozenset(
    "many much large big far old high tall deep fast heavy wide long often soon".split()
)
"""The word after "how" names the kind of answer ("how long"), not what the question is about."""
_FRAME_AFTER_WHAT_WHEN = frozenset("time date day year month".split())
"""In a "when" question, the noun after "what"/"which" ("what time", "which year") is the answer's kind."""
_DURATION_UNITS = tuple(sorted({stem(w) for w in (
    "seconds minutes hours days weeks months years decades centuries nights overnight").split()}))
"""What a "how long" answer counts."""

_ROLE_OF = re.compile(r"\bwho(?:'s|’s| is| was| will be| would be)? (?:the|a|an) (?:[\w-]+ )?[\w-]+ of\b")
"""'who is the director of ...', 'who was the new head of ...': the answer is the person in that role."""

_KIND_WANTS: dict[str, frozenset[str]] = {
    "who": frozenset({"person", "org"}),
    "where": frozenset({"place"}),
    "name": frozenset({"person", "org", "other"}),
}


@dataclass
class Question:
    """An analysed question."""

    text: str
    kind: str
    concepts: list[Concept] = field(default_factory=list)
    months: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    wanted: frozenset[str] = frozenset()
    """Entity kinds that can answer it (empty: any sentence can)."""
    measure: str | None = None
    """"money" for prices and costs, "percent" for rates and shares, else None."""
    needs_names: bool = False
    """"which three consortia": the answer must name them."""
    counted: tuple[str, ...] = ()
    """For "how many X" questions: the stems and alias keys of X, which the number should count."""
    aliases: AliasTable | None = field(default=None, repr=False)
    _asked_cache: dict[str, bool] = field(default_factory=dict, repr=False)

    def all_terms(self) -> set[str]:
        """Every term any alternative uses (for candidate retrieval)."""
        return {t for c in self.concepts for alt in c.alternatives for t in alt}

    @cached_property
    def asked_terms(self) -> frozenset[str]:
        """The question's own terms: its alternatives and the stems of its words (read after analysis)."""
        return frozenset(self.all_terms() | {stem(w) for w in words(self.text)})

    def mentions(self, name: str) -> bool:
        """True when the question already names ``name`` (so it cannot be the answer).

        Either every word of the name is in the question, or both name the same alias concept
        ("Ukraine" is named by a question that says "Ukrainian").
        """
        known = self._asked_cache.get(name)
        if known is None:
            terms = set(index_terms(name, self.aliases)) if self.aliases else {stem(w) for w in words(name)}
            asked = self.asked_terms
            plain = {t for t in terms if not is_concept_key(t)}
            numbers = {t for t in plain if t[:1].isdigit()}
            known = bool(terms) and numbers <= asked and (
                plain <= asked or bool({t for t in terms if is_concept_key(t)} & asked)
            )
            self._asked_cache[name] = known
        return known


_QUESTION_WORD_TYPOS = {
    "wich": "which", "whcih": "which", "whihc": "which", "wat": "what", "waht": "what", "whta": "what",
    "hwo": "who", "woh": "who", "wehre": "where", "whre": "where", "wher": "where", "wen": "when",
    "whn": "when", "wehn": "when", "hw": "how", "y": "why", "wy": "why",
}


def _fix_question_words(lowered: str) -> str:
    return re.sub(r"\b(\w+)\b", lambda m: _QUESTION_WORD_TYPOS.get(m.group(1), m.group(1)), lowered)


def question_kind(text: str) -> str:
    """The kind of answer a question wants: when, who, where, how-many, name, why, which, what, yes-no."""
    lowered = _fix_question_words(text.lower())
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(lowered):
            return kind
    return "what"


def wanted_kinds(text: str, kind: str) -> frozenset[str]:
    """Entity kinds that answer a question ("which country" wants a place or nationality)."""
    noun = answer_type_noun(text)
    if kind in ("which", "who", "what", "name") and noun:
        return _WHICH_KINDS[noun]
    if kind == "who" and _ROLE_OF.search(text.lower()):
        return frozenset({"person"})  # "who is the director of ...": a person holds the role
    return _KIND_WANTS.get(kind, frozenset())


def answer_type_noun(text: str) -> str | None:
    """The noun naming the answer's type: 'which Russian institution' -> 'institution'."""
    text = _fix_question_words(text.lower())
    match = re.search(r"\b(?:which|what)((?: [\w'’-]+){1,3})", text.lower())
    if not match:
        return None
    for word in match.group(1).split():
        if word in STOPWORDS:
            return None  # "what was Prairie State's price": the noun is not right after the question word
        word = word[:-2] if word.endswith(("'s", "’s")) else word
        if word in _WHICH_KINDS:
            return word
    return None


def validate(question: str) -> str:
    """Clean a question or raise InvalidQuestion with a message for the asker."""
    if not isinstance(question, str):
        raise InvalidQuestion("A question must be text.")
    text = clean(question)
    if not text:
        raise InvalidQuestion("Ask a question: the message was empty.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"That question is {len(text)} characters long; keep it under {MAX_QUESTION_CHARS}.")
    if not words(text):
        raise InvalidQuestion("Ask a question in words: that was only punctuation or symbols.")
    return text


def analyse_question(question: str, aliases: AliasTable, vocabulary: VocabularyView) -> Question:
    """Turn a question into its kind and concepts (aliases expanded, typos corrected)."""
    text = validate(question)
    tokens = [_QUESTION_WORD_TYPOS.get(t, t) for t in words(text)]
    proper_words = _proper_words(text)
    kind = question_kind(text)
    result = Question(text=text, kind=kind, wanted=wanted_kinds(text, kind), aliases=aliases)
    matched = aliases.match(tokens)
    frame = _frame_words(tokens, kind)
    used: set[int] = set(frame)
    for start, end, keys in matched:
        phrase = tokens[start:end]
        if frame.intersection(range(start, end)):
            continue
        if all(t in STOPWORDS for t in phrase) and not any(t in proper_words for t in phrase):
            continue  # e.g. lower-case "us" as a pronoun
        used.update(range(start, end))
        if result.kind == "yes-no":
            keys = keys | aliases.opposites_of(keys)
        alternatives = [(k,) for k in sorted(keys)]
        for variant in [tuple(phrase), *(p for k in sorted(keys) for p in sorted(aliases.expansions.get(k, ())))]:
            content = tuple(stem(t) for t in variant if t not in STOPWORDS)
            if content and content not in alternatives:
                alternatives.append(content)
        result.concepts.append(
            Concept(label=" ".join(phrase), alternatives=alternatives, proper=any(t in proper_words for t in phrase))
        )
    for i, token in enumerate(tokens):
        if i in used or token in STOPWORDS or token in QUESTION_WORDS:
            continue
        if token in MONTH_WORDS:
            result.months.add(token[:3])
        if token.isdigit() and len(token) == 4 and token.startswith(("19", "20")):
            result.years.add(token)
        term = stem(token)
        concept = Concept(label=token, alternatives=[(term,)], proper=token in proper_words)
        if term not in vocabulary.df and len(token) >= 4 and not token.isdigit() and not _common_word(term):
            fixed = vocabulary.closest(term, token)
            if fixed:
                concept.alternatives = [(fixed,)]
                concept.corrected_from = token
        result.concepts.append(concept)
    result.counted = _counted_noun(text, aliases)
    result.measure = _measure(text) if kind == "how-many" else None
    result.needs_names = bool(_NAMES_WANTED.search(text.lower()))
    _drop_answer_type_noun(result)
    _merge_duplicates(result)
    for concept in result.concepts:
        concept.df = max((_df(alt, vocabulary) for alt in concept.alternatives), default=0)
    return result


_HUMAN_NOUNS = frozenset(
    "people person persons residents civilians workers employees staff jobs soldiers troops officers members "
    "volunteers children adults victims passengers students patients voters deaths dead killed".split()
)


_NAMES_WANTED = re.compile(r"\b(which|what|name the) (two|three|four|five|six|several|\d+) \w+")


COMMON_WORD_SENTENCES = 10
"""A stem found in this many sentences of the background corpus is a word, not a typo to fix."""


def _common_word(term: str) -> bool:
    """True for a stem general English uses often: "long" is a word the facts lack, not a typo of "jong"."""
    return load_background().count(term) >= COMMON_WORD_SENTENCES


PROPER_CAPITAL_SHARE = 0.95
"""A word general text writes with a capital this often is a name, however the question typed it
(0.8 and 0.95 compared on the quality sets: 0.95 separates answers from unanswerable questions better)."""


def _frame_words(tokens: list[str], kind: str) -> set[int]:
    """Positions of the question's frame words: "how many", "how long", "what year" say what kind of
    answer is wanted, and are not topics a fact must hold."""
    frame = set()
    for i, token in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        after_how = token == "how" and following in _FRAME_AFTER_HOW
        if after_how or (kind == "when" and token in ("what", "which") and following in _FRAME_AFTER_WHAT_WHEN):
            frame.add(i + 1)
    return frame


def _measure(text: str) -> str | None:
    lowered = text.lower()
    if re.search(r"\b(percentage|percent|proportion|share of|fraction)\b", lowered):
        return "share"
    if re.search(r"\brate\b", lowered):
        return "percent"
    if re.search(r"\b(price|cost|costs|worth|pay|paid|paying|budget|fee|salary|spend|spent|how much money)\b", lowered):
        return "money"
    return None


def _counted_noun(text: str, aliases: AliasTable) -> tuple[str, ...]:
    """'how many helicopters were used' -> the terms of 'helicopters' (people match any human noun)."""
    lowered = _fix_question_words(text.lower())
    if re.search(r"\bhow long\b", lowered):
        return _DURATION_UNITS
    match = re.search(r"\bhow many((?: [\w'-]+){1,3})", lowered)
    if not match:
        return ()
    phrase = []
    for word in match.group(1).split():
        if word in STOPWORDS:
            break
        phrase.append(word)
    if not phrase:
        return ()
    if phrase[-1] in ("people", "persons"):
        return tuple(sorted({stem(w) for w in _HUMAN_NOUNS}))
    return tuple(index_terms(" ".join(phrase), aliases))


def _drop_answer_type_noun(question: Question) -> None:
    """'which country' / 'what capital': the noun names the answer's type, not the topic."""
    noun = answer_type_noun(question.text)
    if noun:
        question.concepts = [c for c in question.concepts if c.label != noun]


def _df(alternative: tuple[str, ...], vocabulary: VocabularyView) -> int:
    return min((vocabulary.df.get(t, 0) for t in alternative), default=0)


def _merge_duplicates(question: Question) -> None:
    seen: dict[tuple[tuple[str, ...], ...], Concept] = {}
    merged = []
    for concept in question.concepts:
        key = tuple(sorted(concept.alternatives))
        if key in seen:
            seen[key].proper = seen[key].proper or concept.proper
            continue
        seen[key] = concept
        merged.append(concept)
    question.concepts = merged


def _proper_words(text: str) -> set[str]:
    """Lower-cased words written with a capital inside the question (not just sentence-initial), and
    words general text nearly always capitalises, however they were typed here."""
    proper = set()
    background = load_background()
    for i, match in enumerate(re.finditer(r"[A-Za-z][\w'’.-]*", text)):
        word = match.group()
        if i > 0 and word[0].isupper():
            proper.update(words(word))
            continue
        for w in words(word):  # a name typed in lower case ("president of france"), or sentence-initial
            share = background.capitalised(w)
            if share is not None and share >= PROPER_CAPITAL_SHARE and w not in STOPWORDS:
                proper.add(w)
    return {w for w in proper if w not in QUESTION_WORDS}
