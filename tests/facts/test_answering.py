"""Answering on its own: the short answer span, abstentions with suggestions, related facts."""

from __future__ import annotations

from facts import repository
from facts.answering import RANKED_TO_LOAD, RELATED_LIMIT, SUGGESTION_LIMIT, compose
from facts.matching import Scored, rank
from facts.question import Question
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


def _ranked(service: FactService, text: str) -> tuple[Question, list[Scored]]:
    return rank(service.db.conn, text, 0, service.aliases(0), service.vocabulary, service._accumulator)


def test_below_the_threshold_the_answer_is_an_abstention_with_a_few_suggestions(news_service: FactService) -> None:
    question, ranked = _ranked(news_service, "Who will paint the Riverton bridge?")
    facts = repository.load_facts(news_service.db.conn, [s.candidate.id for s in ranked[:RANKED_TO_LOAD]])
    answer = compose(question, ranked, facts, threshold=1.01)
    assert not answer.answered and answer.fact is None
    assert 0 < len(answer.suggestions) <= SUGGESTION_LIMIT
    assert answer.confidence == ranked[0].confidence


def test_an_answer_lists_a_few_related_facts_never_its_own_text(news_service: FactService) -> None:
    question, ranked = _ranked(news_service, "When did the Riverton council approve the bridge?")
    facts = repository.load_facts(news_service.db.conn, [s.candidate.id for s in ranked[:RANKED_TO_LOAD]])
    answer = compose(question, ranked, facts, threshold=0.5)
    assert answer.answered and answer.answer == "March 8"
    assert len(answer.related) <= RELATED_LIMIT
    assert all(f.text != answer.fact.text for f in answer.related)


def test_a_how_many_answer_is_a_quantity_the_question_did_not_say(service: FactService) -> None:
    service.ingest_text("# Ferry\n\nAbout 40 ferries carried 12,000 passengers across the bay last year.\n",
                        name="ferry.md", published="2024-01-10")
    answer = service.ask("How many passengers did the 40 ferries carry?")
    assert answer.answered and answer.answer is not None and "12,000" in answer.answer
