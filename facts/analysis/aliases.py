"""Alias groups: names and words that mean the same thing, mapped to one concept key.

The bundled groups live in ``data/aliases.json``; moderators add more (stored in the database).
Both facts (at ingest) and questions are passed through the same table, so a question that says
"DPRK" finds a fact that says "North Korean".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from facts.analysis.text import words

MAX_PHRASE_WORDS = 6
CONCEPT_PREFIX = "zz"
"""Starts every concept key; no word of a text is indexed under it (no English stem begins so)."""


def concept_key(phrase: str) -> str:
    """The index token for a group: its first member's words run together, prefixed to stay unique."""
    return CONCEPT_PREFIX + "".join(words(phrase))


def is_concept_key(term: str) -> bool:
    """True for an alias group's index token (not a word of the text)."""
    return term.startswith(CONCEPT_PREFIX)


@dataclass
class AliasTable:
    """Phrase -> concept keys, matched longest-first over word tokens."""

    phrases: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    opposites: dict[str, set[str]] = field(default_factory=dict)
    expansions: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    """Phrases behind keys that facts were not indexed with (aliases taught after ingest)."""
    _start_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _start_size: int = field(default=-1, repr=False, compare=False)

    def add_opposites(self, first: str, second: str) -> None:
        """Record that two groups are opposites (a yes/no question may be answered by either)."""
        a, b = concept_key(first), concept_key(second)
        self.opposites.setdefault(a, set()).add(b)
        self.opposites.setdefault(b, set()).add(a)

    def opposites_of(self, keys: set[str]) -> set[str]:
        """Keys of the groups opposite to any of ``keys``."""
        return {o for k in keys for o in self.opposites.get(k, ())}

    def add_group(self, members: Sequence[str], key: str | None = None) -> None:
        """Add one group of equivalent phrases (the key defaults to the first member's)."""
        members = [m for m in members if words(m)]
        if not members:
            return
        key = key or concept_key(members[0])
        for member in members:
            self.phrases.setdefault(tuple(words(member)), set()).add(key)

    def add_alias(self, term: str, means: str) -> None:
        """Teach that ``term`` means ``means``: the term joins every group ``means`` belongs to."""
        target = tuple(words(means))
        keys = set(self.phrases.get(target, ())) or {concept_key(means)}
        for key in keys:
            self.expansions.setdefault(key, set()).add(target)
        self.phrases.setdefault(target, set()).update(keys)
        self.phrases.setdefault(tuple(words(term)), set()).update(keys)

    def copy(self) -> AliasTable:
        """An independent copy (for a server's own additions)."""
        return AliasTable({k: set(v) for k, v in self.phrases.items()},
                          {k: set(v) for k, v in self.opposites.items()},
                          {k: set(v) for k, v in self.expansions.items()})

    def match(self, tokens: Sequence[str]) -> list[tuple[int, int, set[str]]]:
        """Non-overlapping (start, end, keys) phrase matches over ``tokens``, longest first."""
        found: list[tuple[int, int, set[str]]] = []
        starts = self._starts()
        phrases = self.phrases
        i = 0
        n = len(tokens)
        while i < n:
            longest = starts.get(tokens[i])
            if longest:  # only words that begin some phrase are looked at
                for length in range(min(longest, n - i), 0, -1):
                    keys = phrases.get(tuple(tokens[i : i + length]))
                    if keys:
                        found.append((i, i + length, keys))
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return found

    def _starts(self) -> dict[str, int]:
        """First word of each phrase -> the longest phrase it begins (rebuilt when phrases were added)."""
        if self._start_size != len(self.phrases):
            starts: dict[str, int] = {}
            for phrase in self.phrases:
                if phrase and len(phrase) <= MAX_PHRASE_WORDS:
                    starts[phrase[0]] = max(starts.get(phrase[0], 0), len(phrase))
            self._start_index, self._start_size = starts, len(self.phrases)
        return self._start_index

    def keys_in(self, tokens: Sequence[str]) -> set[str]:
        """Every concept key the tokens mention."""
        keys: set[str] = set()
        for _, _, group in self.match(tokens):
            keys |= group
        return keys


@lru_cache(maxsize=1)
def _bundled() -> AliasTable:
    """The groups and opposites of ``data/aliases.json``, parsed once per process."""
    data = json.loads(resources.files("facts").joinpath("data/aliases.json").read_text(encoding="utf-8"))
    table = AliasTable()
    for group in data["groups"]:
        table.add_group(group)
    for first, second in data.get("opposites", []):
        table.add_opposites(first, second)
    return table


def bundled_alias_table(extra: Iterable[tuple[str, str]] = ()) -> AliasTable:
    """The bundled alias groups plus ``extra`` (term, means) pairs, as a table of its own."""
    table = _bundled().copy()
    for term, means in extra:
        table.add_alias(term, means)
    return table
