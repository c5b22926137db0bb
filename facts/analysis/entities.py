"""Named things and quantities in a sentence, by rule (no model).

Names are runs of capitalised words (``Institute for the Study of War``, ``Kim Jong Un``; a
possessive ``’s`` ends a run). Each run is typed from small general cues, in this order:

1. the gazetteer in ``facts/data/places.json`` (countries, capitals and big cities, regions,
   US states, world organisations, demonyms);
2. a demonym or country in front of a title or name is split off (``Russian President Vladimir
   Putin`` -> nationality ``Russian`` + person ``Vladimir Putin``; ``US Defense Secretary Lloyd
   Austin`` -> place ``US`` + person ``Lloyd Austin``), unless the rest is an organisation
   (``Russian Navy``);
3. organisation words (Agency, Ministry, Army, Party, University, Inc...), acronyms, and
   ``the X of Y`` -> org;
4. place words (City, Oblast, Island...) or a following ``region``/``province``... -> place;
5. a title inside the run (President, Secretary, Gen., Mr....) or a role word just before it
   (leader, spokesperson, representative...) -> person (the name part only);
6. two or three plain capitalised words -> person; after in/near/across... -> place;
7. anything else -> other.

Within one text, a lone surname of a person named earlier is a person too. Months, weekdays
and sentence-initial function words are not entities; dates are :mod:`facts.analysis.dates`' job.
Quantities (``1,000 troops``, ``$1.2 billion``, ``nearly 32 months``) have kind ``number``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from facts.analysis.calendar import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_NAMES, alternation
from facts.analysis.dates import find_dates
from facts.analysis.text import word_list

__all__ = ["Entity", "EntityKind", "find_entities", "find_quantities"]

EntityKind = Literal["person", "org", "place", "nationality", "number", "other"]


@dataclass(frozen=True)
class Entity:
    """``text`` is exactly ``sentence[start:end]``."""

    start: int
    end: int
    text: str
    kind: EntityKind


def _load_gazetteer() -> dict[str, str]:
    data = json.loads(resources.files("facts").joinpath("data/places.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for key, kind in (
        ("demonyms", "nationality"),
        ("organisations", "org"),
        ("us_states", "place"),
        ("regions", "place"),
        ("cities", "place"),
        ("countries", "place"),
    ):
        for name in data[key]:
            table[name.lower()] = kind
    return table


_GAZETTEER = _load_gazetteer()
_MAX_GAZ_TOKENS = max(len(name.split()) for name in _GAZETTEER)

_ORG_WORDS = word_list(
    """Agency Service Services Ministry Department Institute Institution Council Duma Parliament Congress
    Senate Assembly Pentagon Kremlin Army Navy Marines Guard Guards Party University College School
    Academy Inc Inc. Corp Corp. Co. Ltd Ltd. LLC PLC Plc Group Company Bank Fund Organization
    Organisation Association Union Commission Committee Court Police Forces Force Office Bureau Authority
    Foundation Corporation Center Centre Times Post News Journal Network Airlines Airways Motors
    Holdings Club FC Church Federation League Front Movement Brigade Battalion Division Regiment
    Command Cabinet Government Administration Coalition Alliance Board Reserve Exchange Tribunal Hospital
    Museum Agency Secretariat Directorate Inspectorate Commissariat Chamber Society Trust Partners
    Industries Technologies Systems Labs Laboratories Observatory Times Herald Gazette Tribune"""
)
_PLACE_WORDS = word_list(
    """City County Province Oblast Region Island Islands River Sea Ocean Mountains Mountain Valley Strait
    Gulf Bay Lake Peninsula Desert Coast Heights Strip Krai District Governorate Prefecture Canal Square
    Street Avenue Airport Port Harbor Harbour Bridge Falls Park Plain Plateau Basin Delta Territory
    Territories Emirate Republic Kingdom"""
)
_PLACE_AFTER = word_list("region province oblast city county district state village town area border coast krai")
_PLACE_BEFORE = word_list("in near into across outside inside throughout toward towards around from")
_TITLE_WORDS = word_list(
    """President Vice-President Secretary Minister Premier Chancellor Prime Gen. General Mr. Mrs. Ms. Mr
    Mrs Ms Dr. Dr Prof. Professor Sen. Senator Rep. Representative Gov. Governor Mayor King Queen Prince
    Princess Pope Ambassador Adm. Admiral Col. Colonel Lt. Lieutenant Capt. Captain Sgt. Sergeant Maj.
    Major Judge Justice Chairman Chairwoman Chairperson Chair Director Chief Commander Spokesperson
    Spokesman Spokeswoman Leader Speaker Secretary-General Sheikh Emir Sultan Archbishop Bishop
    Cardinal Rabbi Imam Ayatollah Sir Dame Lord Lady President-elect CEO Attorney Marshal Field"""
)
_PORTFOLIO_WORDS = word_list(
    """State Defense Defence Foreign Affairs Finance Interior Home Justice Energy Health Trade Economy
    Economic Education Transport Agriculture Labor Labour Treasury Commerce Security National Homeland
    Deputy Vice Acting Former Executive Operating Officer Press Supreme Grand High General Senior First
    Crown Environment Culture Climate Development Information Intelligence Armed Forces Military"""
)
_ROLE_BEFORE = word_list(
    """leader representative spokesperson spokesman spokeswoman minister president secretary chancellor
    official envoy ambassador commander general director chief premier senator governor mayor
    prosecutor judge lawyer attorney analyst researcher professor economist activist journalist
    reporter correspondent author actor actress singer rapper artist player coach striker captain
    manager founder chairman chairwoman ceo executive lawmaker legislator candidate nominee dictator
    king queen prince princess pope cleric blogger politician diplomat negotiator adviser advisor
    aide colonel lieutenant sergeant major admiral officer soldier pilot banker investor billionaire"""
)
_FUNCTION_WORDS = word_list(
    """The A An This That These Those It Its In On At By For From With Without To Of As After Before
    When While If Although Though Because Since Despite During Until Unless Once Whether And But Or
    Nor So Yet However Meanwhile Also Then Now Still Thus Therefore Moreover Furthermore Indeed
    Instead Nonetheless Nevertheless Meanwhile According Last Earlier Later Next His Her Their Our My
    Your Both Some Many Most Several Few Each Every All Any No Other Another Such What Why How Who
    Where Which Whose Here There Today Yesterday Tomorrow He She They We I You Under Over Among Amid
    Between Against Following Regarding Including Like Unlike Only Even Just More Less Asked Speaking
    Separately Additionally Overall First Second Third Finally Please Yes Mr Mrs"""
)
_DATE_WORDS = frozenset(
    MONTH_NAMES + MONTH_ABBREVIATIONS + tuple(f"{short}." for short in MONTH_ABBREVIATIONS) + WEEKDAY_NAMES
)
_CONNECTORS = word_list("of for de del da di du la le van von der bin al el the &")
_COMMON_SUFFIXES = (
    "tion", "sion", "ment", "ness", "ity", "ing", "ed", "ly", "ous", "ive", "al", "ance", "ence", "ism",
    "ist", "ists", "ers", "ies",
)  # fmt: skip

_PLURAL_STEMS = ("al", "ent", "ant", "er", "ist", "or", "ian", "ive", "ee")

CAPITALS = "A-ZÀ-ÖØ-ÞĀ-Ž"
"""Capital letters of names, in a character class (Latin-1 and Latin Extended-A: "Żelazowa", "Łódź")."""
_UPPER = CAPITALS
_CAP = rf"[{_UPPER}][\w&.-]*(?:['’](?![sS]\b)[\w-]+)*"
_SPAN = re.compile(
    rf"[{_UPPER}](?<![\w&.-].)[\w&.-]*(?:['’](?![sS]\b)[\w-]+)*"
    rf"(?:(?:\s+(?:of|for)(?:\s+the)?|(?:\s+(?:de|del|da|di|du|dos|das|la|le|van|von|der|den|bin|al|el)){{1,2}}|\s+&)?"
    rf"\s+{_CAP})*"
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")
_NAME_TOKEN = re.compile(rf"^[{_UPPER}](?=[\w'’-]*[a-zà-ÿ])[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]+$|^[{_UPPER}]\.$")

_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_NUMBER_WORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
)
_APPROX_1 = word_list("nearly almost about around approximately roughly some over estimated")
_APPROX_2 = frozenset(
    {"more than", "less than", "fewer than", "at least", "at most", "up to", "just over", "just under"}
)
_APPROX_3 = frozenset({"as many as", "as much as"})
_STOP_UNIT = word_list(
    """of the and or to in on at for after before from with by that which who as than is are was were has
    had have be been will would could should may might more less per a an it its this these ago later
    earlier since into over under between among during while when if but not no so also"""
)
_NUMERIC = re.compile(
    rf"(?:[$€£¥]\s?)?\d[\d,]*(?:\.\d+)?(?:(?:\s?(?:%|percent\b|per\s+cent\b|{_SCALE}s?\b))|(?:bn|m|k|K|M)\b)?"
    r"(?![\w:]|[.,]\d)(?:-[a-z]+)*"
)
_WORDY = re.compile(
    rf"(?i:(?:several|a\s+few|a|one|{_NUMBER_WORD}(?:[\s-]{_NUMBER_WORD})?)\s+{_SCALE}s?"
    rf"|(?:tens\s+of\s+|hundreds\s+of\s+)?(?:dozens|hundreds|thousands|millions|billions)(?:\s+of)?"
    rf"|{_NUMBER_WORD}(?:-{_NUMBER_WORD})?)\b"
)
_UNIT = re.compile(r"\s+([a-z][a-z-]{1,20})\b")
_WORD_ANCHORS = (
    "several", "a few", "one", "a hundred", "a thousand", "a million", "a billion", "a dozen", "dozen",
    "hundred", "thousand", "million", "billion", "tens", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_DIGIT_RUN = re.compile(r"\d+")
_WORD_ANCHOR_LAST = tuple((w, w.rsplit(None, 1)[-1]) for w in _WORD_ANCHORS)
_ANCHOR_BASE = {last for _, last in _WORD_ANCHOR_LAST}
_PHRASES_BY_LAST = {last: [w for w, end in _WORD_ANCHOR_LAST if end == last] for last in _ANCHOR_BASE}
# Whitespace-split words as they may appear: "thousand", "thousands,", "(dozens" ...
_ANCHOR_VARIANTS = {
    lead + word + plural + tail: word
    for word in _ANCHOR_BASE
    for plural in ("", "s")
    for lead in ("", "(", "“", '"')
    for tail in ("", ",", ".", ";", ":", ")", "”", '"')
}
_ANCHOR_KEYS = frozenset(_ANCHOR_VARIANTS)
_MONTH_NAME = re.compile(f"(?:{alternation([m[:3] for m in MONTH_NAMES])})")
_YEARLIKE = re.compile(r"^(?:1[5-9]|20)\d\d$")
_GATE_DIGIT = re.compile(r"[0-9]")


def _span_kind_gazetteer(text: str) -> str | None:
    key = text.lower()
    kind = _GAZETTEER.get(key)
    if kind is None and key.startswith("the "):
        kind = _GAZETTEER.get(key[4:])
    return kind


_NON_SPACE = re.compile(r"\S+")


def _token_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _NON_SPACE.finditer(text, start, end)]


def _looks_common(token: str) -> bool:
    """A capitalised sentence-initial word that is probably an ordinary English word."""
    lower = token.lower().rstrip(".")
    if len(lower) <= 4 or lower in _GAZETTEER:
        return False
    if lower.endswith(_COMMON_SUFFIXES):
        return True
    # Plural common nouns: "Officials", "Opponents", "Analysts", "Protesters".
    return lower.endswith("s") and lower[:-1].endswith(_PLURAL_STEMS)


_NAME_PARTICLES = word_list("da de del der di du dos das la le van von bin al el")


def _is_name(tokens: list[str]) -> bool:
    """1-5 capitalised name-like words, particles allowed inside ("Lula da Silva")."""
    if not 1 <= len(tokens) <= 5:
        return False
    if not (_NAME_TOKEN.match(tokens[0]) and _NAME_TOKEN.match(tokens[-1])):
        return False
    return all(_NAME_TOKEN.match(t) or t in _NAME_PARTICLES for t in tokens[1:-1])


def _word_before(text: str, start: int) -> str:
    """The word just before ``start`` (skipping spaces and light punctuation), or ''."""
    i = start
    while i > 0 and (text[i - 1].isspace() or text[i - 1] in ",\"'“‘(["):
        i -= 1
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:i]


def _word_after(text: str, end: int) -> str:
    i = end
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    j = i
    while j < n and text[j].isalpha():
        j += 1
    return text[i:j]


_ABBREVIATION_END = re.compile(r"(?:^|\.)[A-Za-z]\.$")
_SPEECH_AFTER = word_list(
    "said says stated states told tells added adds warned warns noted notes announced announces "
    "confirmed confirms claimed claims argued insisted wrote writes explained replied declared"
)


def _classify(text: str, toks: list[tuple[int, int]], sentence_start: bool, out: list[Entity]) -> None:
    """Type the capitalised run ``toks`` (token offsets into ``text``) and append entities."""
    if len(toks) == 1 and not sentence_start:
        s0, e0 = toks[0]
        if text[e0 - 1] == "." and e0 - s0 > 1 and not _ABBREVIATION_END.search(text[s0:e0]):
            e0 -= 1
        kind = _GAZETTEER.get(text[s0:e0].lower())
        if kind:
            out.append(Entity(s0, e0, text[s0:e0], kind))  # type: ignore[arg-type]
            return
    # A period stuck to the last word ends the sentence unless the word is an abbreviation.
    last_s, last_e = toks[-1]
    if text[last_e - 1] == "." and last_e - last_s > 1:
        word = text[last_s:last_e]
        if not (_ABBREVIATION_END.search(word) or word in _TITLE_WORDS or word in _ORG_WORDS):
            toks = [*toks[:-1], (last_s, last_e - 1)]
    words = [text[s:e] for s, e in toks]
    # Leading function words at a sentence start ("The", "On", "However"); dates at either end.
    while words and (
        words[0] in _DATE_WORDS
        or words[0].lower() in _CONNECTORS
        or (words[0] in _FUNCTION_WORDS and (sentence_start or words[0] != "The" or len(words) == 1))
    ):
        words, toks = words[1:], toks[1:]
        sentence_start = False
    while words and (words[-1] in _DATE_WORDS or words[-1].lower() in _CONNECTORS):
        words, toks = words[:-1], toks[:-1]
    if not words:
        return
    start, end = toks[0][0], toks[-1][1]
    span = text[start:end]
    if len(words) == 1 and sentence_start and (_looks_common(words[0]) or words[0] in _TITLE_WORDS):
        return

    kind = _span_kind_gazetteer(span)
    if kind:
        out.append(Entity(start, end, span, kind))  # type: ignore[arg-type]
        return

    has_org = any(w in _ORG_WORDS for w in words)
    # A demonym or a country in front: "Russian President Vladimir Putin", "US Defense Secretary ...".
    if len(words) > 1 and not has_org:
        for n in range(min(_MAX_GAZ_TOKENS, len(words) - 1), 0, -1):
            prefix_end = toks[n - 1][1]
            prefix_kind = _span_kind_gazetteer(text[start:prefix_end])
            if prefix_kind in ("nationality", "place"):
                out.append(Entity(start, prefix_end, text[start:prefix_end], prefix_kind))  # type: ignore[arg-type]
                _classify(text, toks[n:], False, out)
                return

    if not has_org:
        title_at = -1
        for i, w in enumerate(words):
            if w in _TITLE_WORDS:
                title_at = i
        if title_at >= 0:
            rest = title_at + 1
            while rest < len(words) and (
                words[rest] in _PORTFOLIO_WORDS or words[rest].lower() in _CONNECTORS
            ):
                rest += 1
            if rest < len(words) and _is_name(words[rest:]):
                s = toks[rest][0]
                out.append(Entity(s, end, text[s:end], "person"))
            return

    if has_org or (len(words) == 1 and _ACRONYM.match(words[0])):
        kind = "org"
    elif words[-1] in _PLACE_WORDS or _word_after(text, end) in _PLACE_AFTER:
        kind = "place"
    else:
        prev_word = _word_before(text, start)
        lower_prev = prev_word.lower()
        name_like = _is_name(words)
        if lower_prev == "the" and ("of" in words or "for" in words):
            kind = "org"
        elif name_like and (lower_prev in _ROLE_BEFORE or _word_after(text, end) in _SPEECH_AFTER):
            kind = "person"
        elif lower_prev in _PLACE_BEFORE and len(words) <= 2 and prev_word.islower():
            kind = "place"
        elif name_like and 2 <= sum(w not in _NAME_PARTICLES for w in words) <= 3:
            kind = "person"
        else:
            kind = "other"
    out.append(Entity(start, end, span, kind))  # type: ignore[arg-type]


def _names(sentence: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _SPAN.finditer(sentence):
        start = m.start()
        j = start
        while j > 0 and sentence[j - 1] in "\"'“‘«([":
            j -= 1
        k = j
        while k > 0 and sentence[k - 1].isspace():
            k -= 1
        sentence_start = k == 0 or sentence[k - 1] in '.!?:;—–"“'
        toks = _token_spans(sentence, start, m.end())
        # A word ending a sentence ("England. Peskov") splits the run.
        cut = 0
        for i, (s0, e0) in enumerate(toks[:-1]):
            word = sentence[s0:e0]
            if word.endswith(".") and not (
                _ABBREVIATION_END.search(word) or word in _TITLE_WORDS or word in _ORG_WORDS
            ):
                _classify(sentence, toks[cut : i + 1], sentence_start, out)
                cut, sentence_start = i + 1, True
        _classify(sentence, toks[cut:], sentence_start, out)
    # A lone surname of a person named earlier in the same text is that person.
    surnames = {e.text.rsplit(None, 1)[-1] for e in out if e.kind == "person" and " " in e.text}
    if surnames:
        out = [
            Entity(e.start, e.end, e.text, "person") if e.kind == "other" and e.text in surnames else e
            for e in out
        ]
    return out


def _quantity_at(text: str, i: int, floor: int) -> Entity | None:
    """A quantity whose number starts at ``i`` (a digit, currency sign or number word)."""
    m = (_NUMERIC if text[i].isdigit() or text[i] in "$€£¥" else _WORDY).match(text, i)
    if m is None:
        return None
    core = m.group()
    if text[i].isdigit() and _YEARLIKE.match(core):
        return None  # a year: dates are another module's job
    end = m.end()
    if core[0] not in "$€£¥" and not core.endswith(("%", "percent", "cent")):
        unit = _UNIT.match(text, end)
        if unit and unit.group(1) not in _STOP_UNIT and not unit.group(1).endswith("ed"):
            end = unit.end()
    start = _approximator_start(text, i, floor)
    return Entity(start, end, text[start:end], "number")


def _approximator_start(text: str, i: int, floor: int) -> int:
    """Where an approximator before ``i`` starts ("nearly", "more than", "as many as"), else ``i``."""
    starts = []
    j = i
    for _ in range(3):
        while j > floor and text[j - 1] == " ":
            j -= 1
        k = j
        while k > floor and text[k - 1].isalpha():
            k -= 1
        if k == j:
            break
        starts.append(k)
        j = k
    for n, table in ((3, _APPROX_3), (2, _APPROX_2), (1, _APPROX_1)):
        if len(starts) >= n and " ".join(text[starts[n - 1] : i].lower().split()) in table:
            return starts[n - 1]
    return i


def find_quantities(text: str) -> list[Entity]:
    """Numbers and amounts (``1,000 troops``, ``$1.2 billion``, ``nearly 32 months``), not dates."""
    anchors = []
    if _GATE_DIGIT.search(text):
        for m in _DIGIT_RUN.finditer(text):
            i = m.start()
            if i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_-.,"):
                continue  # inside a word or a number (F-16, 1,000)
            if i > 0 and text[i - 1] in "$€£¥":
                i -= 1
            elif i > 1 and text[i - 1] == " " and text[i - 2] in "$€£¥":
                i -= 2
            anchors.append(i)
    lower = text.lower()
    words = {_ANCHOR_VARIANTS[w] for w in _ANCHOR_KEYS.intersection(lower.split())}
    if words and len(lower) == len(text):
        for word in (phrase for last in words for phrase in _PHRASES_BY_LAST[last]):
            i = lower.find(word)
            while i >= 0:
                j = i + len(word)
                if (i == 0 or not lower[i - 1].isalpha()) and (
                    j >= len(lower) or not lower[j].isalpha() or lower[j] == "s"
                ):
                    anchors.append(i)
                i = lower.find(word, j)
    if not anchors:
        return []
    anchors.sort()
    found: list[Entity] = []
    floor = 0
    for i in anchors:
        if i < floor:
            continue
        quantity = _quantity_at(text, i, floor)
        if quantity is not None:
            found.append(quantity)
            floor = quantity.end
    if found and (" ago" in lower or "later" in lower or "earlier" in lower or _MONTH_NAME.search(text)):
        dates = [(d.start, d.end) for d in find_dates(text, reference=None)]
        if dates:
            found = [q for q in found if not any(q.start < e and s < q.end for s, e in dates)]
    return found


def find_entities(sentence: str) -> list[Entity]:
    """Named entities and quantities in ``sentence``, in order, without overlaps."""
    entities = _names(sentence) + find_quantities(sentence)
    entities.sort(key=lambda e: (e.start, -e.end, e.kind != "number"))
    out: list[Entity] = []
    last_end = -1
    for entity in entities:
        if entity.start >= last_end:
            out.append(entity)
            last_end = entity.end
    return out
