"""Sentence splitting for English news prose, by rule (no model).

A candidate boundary is sentence punctuation (``.``, ``!``, ``?``, ``...``, ``…``) optionally
followed by closing quotes/brackets, then whitespace or the end of the text. Each candidate is
kept or rejected by looking at the word before it and the word after it:

* the next word starts with a lower-case letter (or ``,;:``) -> no split (``“Go.” he said``,
  ``e.g. the``, ``5 p.m. on Monday``);
* titles and other never-final abbreviations (``Dr.``, ``Sen.``, ``Gen.``, ``vs.``, ``e.g.``)
  -> no split;
* abbreviations that can end a sentence (``U.S.``, ``Inc.``, ``Jan.``, a single initial
  ``F.``) -> split only before a common sentence starter (``The``, ``It``, ``He``, ``In``...);
* ``No. 5``, ``Oct. 24``, ``p. 12`` -> no split before a number;
* a quotation closing after ``?``/``!``/``.`` followed by ``Name said`` -> no split.

Decimals (``3.5``, ``$1.2``) never match because a boundary needs whitespace after it.
"""

from __future__ import annotations

import re

from facts.analysis.calendar import MONTH_ABBREVIATIONS, WEEKDAY_ABBREVIATIONS
from facts.analysis.text import word_list

__all__ = ["SENTENCE_STARTERS", "split_sentences"]


_BOUNDARY = re.compile(r"(?:\.{2,}|…|[.!?]+)[\"'”’»)\]]*(?=\s|$)")
_NEXT = re.compile(r"\s*([\"'“‘«(\[]*)(\S*)")

# Never sentence-final (when followed by a capitalised word, it is a name or a title).
_NEVER_FINAL = word_list(
    """mr mrs ms messrs dr prof sen sens rep reps gov gen lt col maj capt cpt sgt adm cmdr cdr
    brig rev fr hon pres supt insp det atty amb ald sr-lt st ste mt ft vs v e.g i.e cf viz
    approx ca"""
)
# Before a number these do not end a sentence: "No. 5", "Oct. 24", "p. 12", "Vol. 3".
_BEFORE_NUMBER = word_list(
    """no nos nr vol vols p pp fig figs art arts sec ch para pt pts ex op approx ca c est rm ste"""
) | {short.lower() for short in MONTH_ABBREVIATIONS}
# Can end a sentence; split only when a common sentence starter follows.
# Case-sensitive: "Sat." is an abbreviation, "sat." is a verb.
_AMBIGUOUS = word_list(
    """Inc Corp Co Ltd LLC Plc PLC Bros Jr Sr a.m p.m A.M P.M etc al Dept Univ Assn Ave Blvd Rd"""
) | set(MONTH_ABBREVIATIONS + WEEKDAY_ABBREVIATIONS)

SENTENCE_STARTERS = word_list(
    """the a an it its it's he she they we i you his her their our my your this that these those
    there here in on at but and or so yet however meanwhile also after before when while as if
    though although since because despite during for from by with without to of under over
    about according last earlier later next now then today yesterday tomorrow still both some
    many most all several few no not one two three four five six seven eight nine ten other
    another each every such what why how who where which officials analysts experts critics
    authorities police residents witnesses instead nonetheless nevertheless moreover furthermore
    indeed thus therefore overall separately additionally besides similarly likewise until unless
    once whether even only just more less among amid between against following regarding"""
)

_SPEECH_AFTER_QUOTE = re.compile(
    r"(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|asked|asks|added|adds|told|wrote|writes|replied|stated|"
    r"explained|continued|insisted|warned|noted|argued|recalled|remembered|shouted|cried)\b"
)


def _split_here(text: str, start: int, end: int) -> bool:
    """Decide whether the boundary candidate ``text[start:end]`` ends a sentence."""
    nxt = _NEXT.match(text, end)
    assert nxt is not None
    opener, word = nxt.group(1), nxt.group(2)
    if not word:
        return not opener  # only closing material / end of text
    first = word[0]
    if first.islower() or first in ",;:-–—)]%":
        return False
    punct = text[start:end]
    core = punct.rstrip("\"'”’»)]")
    closed_quote = len(core) < len(punct)
    if closed_quote and core[-1] in ".!?" and _SPEECH_AFTER_QUOTE.match(text, nxt.start(2)):
        return False  # “Why not?” Smith asked.
    if core[-1] != "." or core.endswith("..") or opener:
        return True  # ! ? ellipsis, or a new quotation/bracket opens
    # A single period: look at the token before it.
    i = start
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    token = text[i:start].lstrip("\"'“‘«([")
    if closed_quote or not token:
        return True
    key = token.lower()
    if first.isdigit():
        return key not in _BEFORE_NUMBER and "." not in token
    if key in _NEVER_FINAL:
        return False
    starter = word.rstrip(",;:.!?’'\"”").lower() in SENTENCE_STARTERS
    if token in _AMBIGUOUS:
        return starter
    if "." in token:  # U.S. / U.K. / Ph.D. / a.m. style
        return starter
    if len(token) == 1 and token.isalpha() and token.isupper():
        return starter  # an initial: John F. Kennedy
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return (start, end) offsets with surrounding spaces stripped."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if end < n and not _split_here(text, m.start(), end):
            continue
        _add(text, start, end, spans)
        start = end
    if start < n:
        _add(text, start, n, spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
