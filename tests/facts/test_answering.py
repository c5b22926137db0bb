"""The short answer: which span of the chosen fact is shown as the answer."""

from __future__ import annotations

from facts.service import FactService

HEARING = (
    "# Budget hearing\n\n"
    "Maria Lopez met reporters in Boston on Monday, and on Tuesday John Smith was at Congress for the budget.\n\n"
    "The budget passed a week later.\n"
)


def test_the_answer_is_the_name_nearest_the_question_word_ending_in_ss(service: FactService) -> None:
    # "Congress" is the only word the question shares with the fact; the name beside it answers.
    service.ingest_text(HEARING, name="hearing.md")
    answer = service.ask("Who was at Congress?")
    assert answer.answered
    assert answer.answer == "John Smith"
