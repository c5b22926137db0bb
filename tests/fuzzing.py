"""Shared pieces of the property-based (hypothesis) tests: example budgets, a counter, nasty text.

Budgets scale with the hypothesis profile (``HYPOTHESIS_PROFILE``, see ``tests/conftest.py``):
the ``ci`` profile (what ``.ci/run`` selects) runs each test's full budget, ``dev`` (the local
default) a twentieth of it. Every property test calls :func:`tried` once per example, and the
session summary prints the totals, so the figure in a CI log is counted, not estimated.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import strategies as st

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
EXAMPLES: Counter[str] = Counter()
FAULTS: Counter[str] = Counter()
"""Faults the fault tests injected (kills, REST errors, locks...), reported with the examples."""
WALL_CLOCK_CAP = 10.0
"""Seconds any single engine call may take on a shared, noisy machine ("bounded time")."""


def examples(full: int) -> int:
    """This test's example budget under the active profile."""
    return full if PROFILE == "ci" else max(10, full // 20)


def tried(test: str) -> None:
    """Count one example of ``test`` (reported at the end of the session)."""
    EXAMPLES[test] += 1


def injected(fault: str, times: int = 1) -> None:
    """Count ``times`` injected faults of one kind (reported at the end of the session)."""
    FAULTS[fault] += times


NASTY = [
    "@everyone", "@here", "<@123>", "<@!123>", "<@&123>", "<#123>", "<:emoji:123>", "<t:1700000000:R>",
    "**bold**", "__under__", "*it*", "~~strike~~", "`code`", "```py\nx\n```", "||spoiler||", "> quote", "# head",
    "[link](https://example.org)", "https://example.org/a?b=c", "\\", "\\*", '"', "'", "’", "“quoted”",
    "NEAR(a b)", "a AND b", "OR", "NOT", "*", "^", "col:term", "facts_fts MATCH 'x'", "{terms}:x", "-x", "+",
    "'; DROP TABLE facts; --", '" OR 1=1 --', "%", "_", "?", "(", ")", "select * from facts", "/*", "*/",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u200d", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u061c",
    "👨\u200d👩\u200d👧", "🇺🇦", "🏳️\u200d🌈", "e\u0301\u0301\u0301", "Z\u0351\u0352\u0353\u0354", "𝕳𝖊𝖑𝖑𝖔", "ﷺ", "ǅ",
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\x0b", "\x85", "\u2028", "\u2029", "\ud800", "\udfff",
    "\\ud800", "&amp;", "<script>", "%s", "{0}", "${x}", "NaN", "-1", "9" * 30, "1e308", "2024-02-30",
    "North Korean", "troops", "Kursk", "ISW", "Pentagon", "when", "where", "who", "how many", "DPRK", "Russia",
]
WORDS = ["when", "where", "who", "what", "how", "many", "did", "the", "troops", "arrive", "in", "Kursk", "North",
         "Korean", "Pentagon", "ISW", "based", "Washington", "Russia", "Ukraine", "soldiers", "said", "October"]

any_char = st.characters(codec=None, exclude_categories=())
"""Every code point, lone surrogates included (JSON "\\ud800" escapes decode to them)."""

piece = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(WORDS),
    st.text(alphabet=any_char, max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
nasty_text = st.lists(piece, max_size=25).map(" ".join) | st.lists(piece, max_size=25).map("".join)
long_text = st.builds(lambda chunk, times: chunk * times, st.sampled_from(NASTY + WORDS), st.integers(100, 2000))
question_text = st.one_of(nasty_text, nasty_text, nasty_text, long_text)
