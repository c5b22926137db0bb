"""One tokenizer: every stage sees the words :func:`facts.analysis.text.words` gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from facts.analysis.calendar import MONTH_NAMES, MONTH_STEMS
from facts.analysis.text import stem, word_positions, words


def test_words_ending_in_s_keep_their_stem() -> None:
    # "Congress" must stem as "congress", not lose its "ss" as a possessive would.
    assert [stem(t) for _, t in word_positions("Congress’s vote")] == [stem("congress"), stem("vote")]


def test_positions_point_at_the_written_words() -> None:
    text = "On Sept. 3 the U.S. Congress’s budget office said 1,200 jobs"
    for start, token in word_positions(text):
        assert words(text[start:])[0] == token


@given(st.text(alphabet=st.sampled_from(list("abcXYZ019 .,'’-\n")), max_size=80))
def test_positions_give_the_same_tokens_as_words(text: str) -> None:
    assert [token for _, token in word_positions(text)] == words(text)


def test_month_stems_are_what_the_stemmer_makes_of_month_names() -> None:
    assert {stem(m.lower()) for m in MONTH_NAMES} == MONTH_STEMS
    assert "septemb" in MONTH_STEMS  # a fact's neighbour saying "September" counts as a date for "when"
