"""Every way news writes a month is read as that month, by every rule built from the calendar names.

The forms are listed here by hand (not taken from facts.analysis.calendar): the rules derive their
patterns from the calendar module, and this pins that the derived patterns read each form they read
when the patterns were written out literally.
"""

from __future__ import annotations

from datetime import date

import pytest

from facts.analysis.dates import find_dates
from facts.analysis.sentences import split_sentences
from facts.claims import readable_date
from facts.matching import _DATE_EXPRESSION, LOCATIVE_PHRASE

FORMS: list[tuple[str, int]] = [
    ("January", 1), ("Jan", 1), ("Jan.", 1),
    ("February", 2), ("Feb", 2), ("Feb.", 2),
    ("March", 3), ("Mar", 3), ("Mar.", 3),
    ("April", 4), ("Apr", 4), ("Apr.", 4),
    ("May", 5),
    ("June", 6), ("Jun", 6),
    ("July", 7), ("Jul", 7),
    ("August", 8), ("Aug", 8), ("Aug.", 8),
    ("September", 9), ("Sep", 9), ("Sep.", 9), ("Sept", 9), ("Sept.", 9),
    ("October", 10), ("Oct", 10), ("Oct.", 10),
    ("November", 11), ("Nov", 11), ("Nov.", 11),
    ("December", 12), ("Dec", 12), ("Dec.", 12),
]  # fmt: skip
REF = date(2024, 12, 31)


def _only(text: str) -> tuple[str, str | None, str]:
    mentions = find_dates(text, reference=REF)
    assert len(mentions) == 1, mentions
    return mentions[0].text, mentions[0].iso, mentions[0].granularity


@pytest.mark.parametrize(("form", "month"), FORMS)
def test_the_date_grammar_reads_every_month_form(form: str, month: int) -> None:
    assert _only(f"Talks began on {form} 5, 2024, it said.") == (f"{form} 5, 2024", f"2024-{month:02d}-05", "day")
    assert _only(f"Talks began on 5 {form} 2024.") == (f"5 {form} 2024", f"2024-{month:02d}-05", "day")
    assert _only(f"Talks began in {form} 2023 and stalled.") == (f"{form} 2023", f"2023-{month:02d}", "month")
    assert _only(f"Talks ran {form} 8-13, 2024.") == (f"{form} 8-13, 2024", f"2024-{month:02d}-08", "range")


@pytest.mark.parametrize(("form", "month"), FORMS)
def test_a_month_is_a_date_not_a_place_or_a_count(form: str, month: int) -> None:
    for written in (form, form.lower()):
        assert _DATE_EXPRESSION.fullmatch(f"{written} 5, 2024"), written  # numbers in dates are not counts
    assert LOCATIVE_PHRASE.search(f"Troops arrived in {form} 2024.") is None


@pytest.mark.parametrize("form", [form for form, _ in FORMS if form.endswith(".")])
def test_a_short_month_before_a_day_does_not_end_the_sentence(form: str) -> None:
    text = f"Talks began on {form} 5. The ministry confirmed it."
    assert [text[a:b] for a, b in split_sentences(text)] == [f"Talks began on {form} 5.", "The ministry confirmed it."]


def test_cited_dates_name_each_month_by_its_short_form() -> None:
    assert [readable_date(f"2024-{m:02d}-05") for m in range(1, 13)] == [
        f"5 {short} 2024" for short in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    ]
