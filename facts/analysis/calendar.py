"""Month and weekday names: the one list every date-aware rule is built from."""

from __future__ import annotations

from facts.analysis.text import stem

MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
MONTH_ABBREVIATIONS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
                                        "Nov", "Dec")
"""Short forms as news writes them (``May`` has none)."""
WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MONTH_WORDS: frozenset[str] = frozenset(m.lower() for m in MONTH_NAMES + MONTH_ABBREVIATIONS)
"""Every month word, lower-case (full names and short forms)."""
MONTH_STEMS: frozenset[str] = frozenset(stem(m.lower()) for m in MONTH_NAMES)
"""The index terms of the full month names (what the stemmer makes of them)."""


def alternation(names: tuple[str, ...] | list[str], *, lower: bool = False) -> str:
    """A regex alternation of ``names``, longest first (so a longer name wins over its prefix)."""
    ordered = sorted(dict.fromkeys(n.lower() if lower else n for n in names), key=len, reverse=True)
    return "|".join(ordered)
