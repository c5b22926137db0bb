"""Questions in, sourced answers (or honest abstentions) out."""

from __future__ import annotations

import json

import pytest

from facts.errors import InvalidQuestion
from facts.service import FactService


def test_answer_carries_fact_source_span_and_confidence(news_service: FactService) -> None:
    answer = news_service.ask("When did the Riverton council approve the bridge?")
    assert answer.answered
    assert answer.fact.text.startswith("The Riverton city council voted on March 8")
    assert answer.answer is not None and "March 8" in answer.answer
    start, end = answer.span
    assert answer.fact.text[start:end] == answer.answer
    assert answer.fact.event_date == "2023-03-08"
    assert 0.0 < answer.confidence <= 1.0


def test_answer_json_has_the_documented_fields(news_service: FactService) -> None:
    data = news_service.ask("Who is the city engineer of Riverton?").to_json()
    assert set(data) >= {"question", "answered", "answer", "text", "fact_id", "confidence", "source",
                         "event_date", "speaker", "related", "suggestions"}
    assert set(data["source"]) >= {"document", "title", "url", "paragraph", "sentence", "published"}
    assert data["answered"] is True
    assert "Tomas Berg" in data["text"]
    json.dumps(data)


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "who won the world cup", "How many people live on Mars?"],
)
def test_off_topic_questions_are_abstained_with_suggestions_not_answers(news_service: FactService,
                                                                       question: str) -> None:
    answer = news_service.ask(question)
    assert not answer.answered
    assert answer.fact is None and answer.answer is None
    assert answer.to_json()["text"] is None


def test_near_miss_asks_for_a_detail_the_document_lacks(news_service: FactService) -> None:
    answer = news_service.ask("How many votes did the Riverton bridge get in the council?")
    assert not answer.answered
    assert any("Riverton" in s.text for s in answer.suggestions)


def test_typos_and_abbreviations_still_find_the_fact(news_service: FactService) -> None:
    answer = news_service.ask("wat did the agriculure minister say about the harvset")
    assert answer.answered and "Carlos Favaro" in answer.fact.text
    alias = news_service.ask("how much did soybean exports to the PRC rise")
    assert alias.answered and "14 percent" in alias.fact.text


@pytest.mark.parametrize(
    "question",
    ['" * ( ) NEAR AND OR NOT - ^ :', 'bridge" OR "x', "bridge NEAR(cost, 5)", "col:bridge", "bridge*",
     "'; drop table facts; --", "\x00\x01bridge\x1b[31m cost", "brïdge cöst 🌉", "‮bridge"],
)
def test_query_syntax_and_odd_characters_never_break_a_query(news_service: FactService, question: str) -> None:
    answer = news_service.ask(question)
    assert answer.question
    assert news_service.documents()  # the database is intact


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("?!…", "punctuation"), ("🌉🌉🌉", "punctuation"),
     ("why " * 2500, "characters")],
)
def test_unaskable_questions_get_a_clear_error(news_service: FactService, question: str, message: str) -> None:
    with pytest.raises(InvalidQuestion, match=message):
        news_service.ask(question)


def test_related_facts_are_other_sentences(news_service: FactService) -> None:
    answer = news_service.ask("What did the Riverton council decide on the same day as the bridge vote?")
    assert answer.answered
    assert all(r.id != answer.fact.id for r in answer.related)
    assert len(answer.related) <= 2


def test_timeline_is_in_date_order(news_service: FactService) -> None:
    facts, total = news_service.timeline()
    dates = [f.event_date for f in facts]
    assert dates == sorted(dates) and total == len(facts) >= 3
    about, _ = news_service.timeline(about="soybean exports")
    assert about and all("Riverton" not in f.text for f in about)


def test_suggest_offers_known_facts(news_service: FactService) -> None:
    suggestions = news_service.suggest("soyb")
    assert suggestions and all(len(s) <= 100 for s in suggestions)
    assert any("soybean" in s.lower() for s in suggestions)


def test_the_short_answer_is_the_number_asked_for(service: FactService) -> None:
    service.ingest_text(
        "Heavy rain forced all 14 schools in Port Alder to close on Monday, officials said.\n"
        "The river rose 3.2 metres overnight.\n",
        name="storm.txt", published="2025-02-10",
    )
    assert service.ask("how many schools closed in port alder").answer == "14 schools"
    assert service.ask("how high did the river rise").answer == "3.2 metres"


def test_a_question_that_is_one_very_long_word_is_answered_or_declined_not_an_error(news_service: FactService) -> None:
    # 996 letters with no space: the spelling fixer must not try every deletion of it (too many SQL variables).
    word = "said" * 249
    answer = news_service.ask(word)
    assert not answer.answered
    facts, total = news_service.timeline(about=word)
    assert facts == [] and total == 0


def test_a_question_split_over_two_sentences_is_answered_with_both(service: FactService) -> None:
    service.ingest_text(
        "The harbour authority met on Monday to review the storm damage to the northern pier.\n\n"
        "Engineer Dana Whitfield inspected the northern pier after the storm. "
        "Her report puts the repair bill at 4 million euros.\n\n"
        "Ferries will keep running from the southern terminal in the meantime.\n",
        name="pier.txt", published="2024-02-12",
    )
    answer = service.ask("what repair bill did the engineer who inspected the pier report?")
    assert answer.answered
    assert answer.fact.text == ("Engineer Dana Whitfield inspected the northern pier after the storm. "
                                "Her report puts the repair bill at 4 million euros.")
    # Its id is one of the two sentences (the one a moderator would correct), its source that sentence's.
    lead = service.get_fact(answer.fact.id)
    assert lead.text in answer.fact.text and lead.text != answer.fact.text
    assert answer.fact.source == lead.source


def test_one_sentence_that_answers_is_not_padded_with_its_neighbour(service: FactService) -> None:
    service.ingest_text(
        "Engineer Dana Whitfield inspected the northern pier after the storm. "
        "Her report puts the repair bill at 4 million euros.\n",
        name="pier.txt", published="2024-02-12",
    )
    answer = service.ask("who inspected the northern pier after the storm?")
    assert answer.answered
    assert answer.fact.text == "Engineer Dana Whitfield inspected the northern pier after the storm."
