"""Autocomplete: fact texts for a partly typed question, found through the index."""

from __future__ import annotations

import sqlite3

from facts import repository
from facts.analysis.text import stem, words
from facts.postings import Accumulator
from facts.vocabulary import VocabularyView

MAX_WORDS = 12
PREFIX_TERMS = 20
"""How many of the commonest terms beginning with the last, unfinished word are searched."""


def suggestion_texts(conn: sqlite3.Connection, prefix: str, scope: int, vocabulary: VocabularyView,
                     accumulator: Accumulator, limit: int) -> list[str]:
    """Up to ``limit`` visible fact texts for ``prefix``: the typed words, and the words the last one begins.

    An empty prefix offers the latest dated facts.
    """
    tokens = words(prefix)[:MAX_WORDS]
    if not tokens:
        return repository.latest_dated_texts(conn, scope, limit)
    weighted = []
    for term in {stem(t) for t in tokens[:-1]}:
        df = vocabulary.df.get(term, 0) or 0
        if df:
            weighted.append((term, vocabulary.idf(df), df))
    last = "".join(ch for ch in tokens[-1] if ch.isalnum())
    if last:
        for term, df in vocabulary.commonest_with_prefix(last, PREFIX_TERMS):
            weighted.append((term, vocabulary.idf(df), df))
    if not weighted:
        return []
    hits = accumulator.search(conn, weighted, limit=limit * 4)
    return repository.visible_texts(conn, hits.ids, scope)[:limit]
