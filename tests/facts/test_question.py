"""Question analysis on its own: the kind of answer wanted, the concepts, dates, typos and aliases."""

from __future__ import annotations

import pytest

from facts.analysis.aliases import is_concept_key
from facts.analysis.text import stem
from facts.errors import InvalidQuestion
from facts.question import Question, analyse_question
from facts.service import FactService


def analysed(service: FactService, text: str, guild_id: int | None = None) -> Question:
    scope = 0 if guild_id is None else guild_id
    return analyse_question(text, service.aliases(scope), service.vocabulary.for_scope(scope))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("When did the council vote on the bridge?", "when"),
        ("How many people voted?", "how-many"),
        ("How much will the bridge cost?", "how-many"),
        ("Where did the minister speak?", "where"),
        ("Who is the city engineer?", "who"),
        ("Why did opponents object?", "why"),
        ("What is the name of the river?", "name"),
        ("Which country suffered a drought?", "which"),
        ("Did the council approve the bridge?", "yes-no"),
        ("What rose by 14 percent?", "what"),
    ],
)
def test_the_kind_of_answer_wanted(news_service: FactService, text: str, kind: str) -> None:
    assert analysed(news_service, text).kind == kind


def test_concepts_are_the_content_words_stemmed(news_service: FactService) -> None:
    question = analysed(news_service, "When did the Riverton council approve the bridge?")
    assert {c.label for c in question.concepts} == {"riverton", "council", "approve", "bridge"}
    assert (stem("approve"),) in next(c for c in question.concepts if c.label == "approve").alternatives
    assert next(c for c in question.concepts if c.label == "riverton").proper


def test_named_months_and_years_are_kept_for_the_date_check(news_service: FactService) -> None:
    question = analysed(news_service, "What did the council decide in March 2023?")
    assert question.months == {"mar"} and question.years == {"2023"}


def test_a_misspelt_word_is_corrected_against_the_facts_vocabulary(news_service: FactService) -> None:
    concept = next(c for c in analysed(news_service, "When did the counsil vote?").concepts if c.corrected_from)
    assert concept.corrected_from == "counsil"
    assert concept.alternatives == [(stem("council"),)]


def test_a_word_known_only_to_another_server_is_not_a_correction_target(news_service: FactService) -> None:
    news_service.add_fact("The lighthouse keeper retired in spring.", source="note", actor="t", guild_id=5)
    assert any(c.corrected_from for c in analysed(news_service, "When did the lighthose keeper retire?", 5).concepts)
    assert not any(c.corrected_from for c in analysed(news_service, "When did the lighthose keeper retire?").concepts)


def test_an_abbreviation_becomes_its_alias_concept(news_service: FactService) -> None:
    concept = next(c for c in analysed(news_service, "Where is the DPRK?").concepts if c.label == "dprk")
    assert any(is_concept_key(alt[0]) for alt in concept.alternatives)
    assert ("dprk",) in concept.alternatives  # the word itself still counts


def test_how_many_questions_know_what_is_counted_and_price_questions_want_money(news_service: FactService) -> None:
    assert stem("soldiers") in analysed(news_service, "How many soldiers arrived?").counted
    assert analysed(news_service, "What is the price of the bridge?").measure == "money"


def test_a_question_already_naming_someone_mentions_them(news_service: FactService) -> None:
    question = analysed(news_service, "What did Mayor Helena Ortiz say about the bridge?")
    assert question.mentions("Helena Ortiz") and not question.mentions("Tomas Berg")


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("?!?", "punctuation"), ("x" * 1001, "keep it under")])
def test_questions_that_cannot_be_asked_are_refused_with_a_reason(news_service: FactService, text: str,
                                                                  message: str) -> None:
    with pytest.raises(InvalidQuestion, match=message):
        analysed(news_service, text)


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("How many bridges did the council approve?", "many"),
        ("How much did the bridge cost?", "much"),
        ("How long will the bridge stay closed?", "long"),
        ("What year did the council approve the bridge?", "year"),
        ("What time did the council vote?", "time"),
    ],
)
def test_the_question_frame_is_not_a_topic_a_fact_must_hold(news_service: FactService, text: str, frame: str) -> None:
    labels = {c.label for c in analysed(news_service, text).concepts}
    assert frame not in labels
    assert "bridge" in labels or "council" in labels


def test_how_long_asks_for_a_duration(news_service: FactService) -> None:
    question = analysed(news_service, "How long will the bridge stay closed?")
    assert question.kind == "how-many"
    assert {stem("weeks"), stem("days"), stem("hours")} <= set(question.counted)
    assert analysed(news_service, "How long ago did the council vote?").kind == "when"


def test_a_common_english_word_the_facts_lack_is_not_spelling_fixed(news_service: FactService) -> None:
    news_service.add_fact("Kim Jong Un met the delegation.", source="note", actor="t", guild_id=None)
    concepts = analysed(news_service, "How long is the bridge?").concepts + \
        analysed(news_service, "Is the bridge long?").concepts
    assert not any(c.corrected_from == "long" for c in concepts)
    assert any(c.corrected_from for c in analysed(news_service, "When did the counsil vote?").concepts)


def test_a_name_typed_in_lower_case_is_still_a_name(news_service: FactService) -> None:
    concepts = {c.label: c for c in analysed(news_service, "who is the president of france").concepts}
    assert concepts["france"].proper
    assert not concepts["president"].proper


def test_who_holds_a_role_wants_a_person(news_service: FactService) -> None:
    assert analysed(news_service, "Who is the director of the Riverton port?").wanted == {"person"}
    assert analysed(news_service, "who's the head of the council").wanted == {"person"}
    assert "org" in analysed(news_service, "Who approved the bridge?").wanted
