"""Text normalisation shared by indexing and question analysis: one tokenizer, one stemmer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")

# Function words: they carry no topic. Question words are kept apart (see QUESTION_WORDS).
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the and or but if then else of in on at to for from by with without about into onto over
    under up down out off as than so such too very can could would should will shall may might must
    do does did done doing be been being am is are was were has have had having i me my mine we our
    ours you your yours he him his she her hers it its they them their theirs this that these those
    there here what which who whom whose when where why how whats who's what's where's when's how's
    whos not no nor any some all each every both either neither other another own same just also
    only even still yet ever again already really actually anything something everything
    nothing anyone someone everyone say says said tell told get gets got let lets make made thing
    things one ones s t ve re ll d m isnt arent wasnt werent doesnt didnt dont hasnt havent hadnt
    cant wont according article document mention mentioned mean means meaning happen happened
    happening like kind type sort way please know exactly currently basically actually gonna wanna
    going anymore
    story stories quoted piece
    """.split()
)

QUESTION_WORDS: frozenset[str] = frozenset(
    ["what", "which", "who", "whom", "whose", "when", "where", "why", "how", "whats", "whos", "wheres", "whens", "hows"]
)


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` with each lone surrogate (from a JSON "\\ud800" escape, or undecodable bytes) as U+FFFD."""
    if _LONE_SURROGATE.search(text):
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def clean(text: str) -> str:
    """NFKC-normalise, straighten quotes and dashes, drop control and invisible characters."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Lower-case and strip accents, for comparison."""
    decomposed = unicodedata.normalize("NFKD", clean(text).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-case word tokens (accents removed, possessive 's dropped, U.S. -> us)."""
    # ASCII text needs no normalising: lower-casing gives the same tokens, much faster.
    folded = text.lower() if text.isascii() else fold(text)
    tokens = []
    for token in _WORD.findall(folded):
        if "'" in token or "." in token:
            if token.endswith("'s"):
                token = token[:-2]
            token = token.replace(".", "").replace("'", "")
            if not token:
                continue
        tokens.append(token)
    return tokens


_WRITTEN_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*'?", re.UNICODE)


def word_positions(text: str) -> list[tuple[int, str]]:
    """(start offset in ``text``, token) for each token :func:`words` gives, where it is written."""
    return [(match.start(), token) for match in _WRITTEN_WORD.finditer(text) for token in words(match.group())]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of one lower-case word."""
    return _STEMMER.stemWord(word)


def word_list(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of a literal word list (for module constants)."""
    return frozenset(text.split())
