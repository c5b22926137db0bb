"""Matching on its own: which visible facts are candidates, and how they are scored and ordered."""

from __future__ import annotations

from facts.analysis.text import stem
from facts.matching import Candidate, Scored, rank, score_candidates, type_fit
from facts.question import Question
from facts.service import FactService

APPROVE = "When did the Riverton council approve the bridge?"


def ranked(service: FactService, text: str, guild_id: int | None = None) -> tuple[Question, list[Scored]]:
    scope = 0 if guild_id is None else guild_id
    return rank(service.db.conn, text, scope, service.aliases(scope), service.vocabulary.for_scope(scope),
                service._accumulator, fitted=False)  # the hand-set scores (tests/facts/test_confidence.py: fitted)


def candidate(text: str, *, fact_id: int = 1, context: str = "", event_date: str | None = None,
              paragraph: int = 5, found: float = 1.0) -> Candidate:
    terms = frozenset(stem(w) for w in text.lower().replace(".", "").split())
    return Candidate(id=fact_id, text=text, terms=terms, context_terms=frozenset(stem(w) for w in context.split()),
                     event_date=event_date, speaker=None, entities=[], retrieval_rank=found, paragraph=paragraph)


def test_the_fact_covering_the_whole_question_comes_first_with_full_confidence(news_service: FactService) -> None:
    _, results = ranked(news_service, APPROVE)
    best = results[0]
    assert best.candidate.text.startswith("The Riverton city council voted on March 8")
    assert best.coverage == 1.0 and best.confidence == 1.0
    assert all(r.coverage < 1.0 for r in results[1:])
    assert [r.rank_score for r in results] == sorted((r.rank_score for r in results), reverse=True)


def test_only_facts_visible_in_the_scope_are_candidates(news_service: FactService) -> None:
    best = ranked(news_service, APPROVE)[1][0].candidate.id
    news_service.retract_fact(best, actor="t", guild_id=7, reason="disputed here")
    assert best not in [r.candidate.id for r in ranked(news_service, APPROVE, 7)[1]]
    assert ranked(news_service, APPROVE)[1][0].candidate.id == best  # other scopes unchanged
    news_service.add_fact("The Riverton council approved the bridge in a late session.", source="minutes",
                          actor="t", guild_id=8)
    elsewhere = [r.candidate.text for r in ranked(news_service, APPROVE, 9)[1]]
    assert not any("late session" in text for text in elsewhere)


def test_a_neighbouring_sentence_counts_for_part_of_a_concept(news_service: FactService) -> None:
    question, _ = ranked(news_service, "Who is the city engineer of Riverton?")
    own = candidate("Tomas Berg is the city engineer of Riverton.")
    beside = candidate("Tomas Berg is the city engineer.", fact_id=2, context="riverton")
    absent = candidate("Tomas Berg is the city engineer.", fact_id=3)
    scores = {s.candidate.id: s.coverage for s in score_candidates(question, [own, beside, absent],
                                                                    news_service.vocabulary)}
    assert scores[1] > scores[2] > scores[3]


def test_a_when_question_wants_a_fact_that_can_hold_a_date(news_service: FactService) -> None:
    question, _ = ranked(news_service, "When did the council vote?")
    dated = candidate("The council voted on March 8.", event_date="2023-03-08")
    month_nearby = candidate("The council voted.", context="septemb")
    undated = candidate("The council voted.")
    assert type_fit(question, dated) == 1.0
    assert type_fit(question, undated) < type_fit(question, month_nearby) < 1.0


def test_a_year_before_1900_is_a_date_for_when_and_not_a_count_for_how_many(news_service: FactService) -> None:
    when, _ = ranked(news_service, "When did the council first meet?")
    assert type_fit(when, candidate("The council first met in 1407, in the old hall.")) == 1.0
    assert type_fit(when, candidate("The dynasty ruled from 1271 to 1368.")) == 1.0
    assert type_fit(when, candidate("The council sent 1200 soldiers to the hall.")) < 1.0
    how_many, _ = ranked(news_service, "How many soldiers did the council send?")
    assert type_fit(how_many, candidate("The council sent soldiers to the hall in 1407.")) < 1.0
    assert type_fit(how_many, candidate("The council sent 1200 soldiers to the hall.")) == 1.0


def test_a_place_name_with_an_accented_capital_answers_where(news_service: FactService) -> None:
    question, _ = ranked(news_service, "Where was the council engineer born?")
    assert type_fit(question, candidate("The engineer was born in Żelazowa Wola, west of the city.")) == 1.0
    assert type_fit(question, candidate("The engineer was born early.")) < 1.0


def test_a_month_the_question_names_must_agree_with_the_fact(news_service: FactService) -> None:
    question, _ = ranked(news_service, "How much did soybean exports rise in 2022?")
    agrees = candidate("Soybean exports rose by 14 percent in 2022.")
    differs = candidate("Soybean exports rose by 14 percent in 2021.", fact_id=2)
    scored = {s.candidate.id: s for s in score_candidates(question, [agrees, differs], news_service.vocabulary)}
    assert scored[1].confidence > scored[2].confidence
    assert scored[1].candidate.id == score_candidates(question, [differs, agrees], news_service.vocabulary)[0] \
        .candidate.id


def test_equal_scores_keep_the_search_order(news_service: FactService) -> None:
    question, _ = ranked(news_service, "Who praised the crews?")
    first = candidate("The mayor praised the crews.", fact_id=1, found=2.0)
    second = candidate("The mayor praised the crews.", fact_id=2, found=1.0)
    assert [s.candidate.id for s in score_candidates(question, [second, first], news_service.vocabulary)] == [1, 2]


def test_a_neighbour_names_who_is_meant_more_than_what_happened(news_service: FactService) -> None:
    question, _ = ranked(news_service, "When did Riverton approve the bridge?")
    name_beside = candidate("On March 8 the council approved the bridge.", context="riverton")
    verb_beside = candidate("On March 8 Riverton talked about the bridge.", fact_id=2, context="approv")
    scored = {s.candidate.id: s for s in score_candidates(question, [name_beside, verb_beside],
                                                           news_service.vocabulary)}
    assert scored[1].coverage > scored[2].coverage


def test_a_time_of_day_is_not_a_quantity(news_service: FactService) -> None:
    question, _ = ranked(news_service, "How many bridges did the council approve?")
    timed = candidate("The council approved the bridges at 9:40 p.m.")
    counted = candidate("The council approved three bridges.", fact_id=2)
    assert type_fit(question, timed) < type_fit(question, counted) == 1.0


def test_a_when_answer_holds_a_date_the_question_does_not_name(news_service: FactService) -> None:
    question, _ = ranked(news_service, "What date in March did the council vote?")
    only_the_month = candidate("The council voted in March.")
    a_day = candidate("The council voted on March 8.", fact_id=2, event_date="2023-03-08")
    assert type_fit(question, only_the_month) < type_fit(question, a_day) == 1.0


def test_a_role_question_needs_a_person_in_the_fact(news_service: FactService) -> None:
    question, _ = ranked(news_service, "Who is the director of the Riverton port authority?")
    bodies_only = candidate("The Riverton port authority opened a new terminal.")
    bodies_only.entities = [("Riverton", "place")]
    with_person = candidate("Anna Berg, director of the Riverton port authority, opened a terminal.", fact_id=2)
    with_person.entities = [("Anna Berg", "person"), ("Riverton", "place")]
    assert type_fit(question, bodies_only) < type_fit(question, with_person) == 1.0


def test_a_question_naming_an_outlet_finds_that_outlets_figure(tmp_path) -> None:
    service = FactService(tmp_path / "outlets.db")
    try:
        service.ingest_text("Rescuers said about 300 families were moved from the valley on Sunday.\n",
                            name="wire.md", title="Floods in the valley", outlet="Northern Wire")
        service.ingest_text("Officials said nearly 450 families were moved from the valley on Sunday.\n",
                            name="radio.md", title="Valley floods", outlet="Harbour Radio")
        for outlet, figure in (("harbour radio", "450"), ("northern wire", "300")):
            _, results = ranked(service, f"how many families were moved according to {outlet}")
            assert figure in results[0].candidate.text, (outlet, [r.candidate.text for r in results])
    finally:
        service.close()
