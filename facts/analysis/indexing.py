"""Index terms for a piece of text: stems of its content words plus alias concept keys.

Facts and questions go through the same functions, so both sides speak the same vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable

from facts.analysis.aliases import AliasTable
from facts.analysis.text import STOPWORDS, stem, words


def index_terms(text: str, aliases: AliasTable) -> list[str]:
    """Distinct index terms of ``text``, in order of first appearance."""
    tokens = words(text)
    terms = [stem(t) for t in tokens if t not in STOPWORDS]
    terms.extend(sorted(aliases.keys_in(tokens)))
    return list(dict.fromkeys(terms))


def join_terms(terms: Iterable[str]) -> str:
    """Terms as the space-separated string stored in a fact row (``terms``, ``context_terms``)."""
    return " ".join(terms)
