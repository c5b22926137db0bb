"""Moderator changes: recorded, reversible, scoped to one server, safe under concurrent edits."""

from __future__ import annotations

import pytest

from facts.errors import FactNotFound, InvalidEdit, VersionConflict
from facts.service import FactService

GUILD_A, GUILD_B = 111, 222


def _bridge_fact(service: FactService, guild: int | None = None) -> int:
    answer = service.ask("How much will the Riverton bridge cost?", guild_id=guild)
    assert answer.answered
    return answer.fact.id


def test_edit_is_recorded_with_actor_reason_before_and_after(news_service: FactService) -> None:
    fact_id = _bridge_fact(news_service)
    old = news_service.get_fact(fact_id).text
    result = news_service.edit_fact(fact_id, old.replace("$12 million", "$13 million"), actor="cli:ed",
                                    guild_id=None, reason="council correction")
    assert result.fact.version == 2 and "$13 million" in result.fact.text
    (entry,) = news_service.history(fact_id)
    assert (entry.action, entry.actor, entry.reason, entry.before) == ("edit", "cli:ed", "council correction", old)
    assert "$13 million" in news_service.ask("How much will the Riverton bridge cost?").fact.text


def test_retract_stops_answering_and_restore_brings_it_back(news_service: FactService) -> None:
    fact_id = _bridge_fact(news_service)
    news_service.retract_fact(fact_id, actor="cli:ed", guild_id=None, reason="wrong figure")
    after = news_service.ask("How much will the Riverton bridge cost?")
    assert not after.answered or after.fact.id != fact_id
    assert news_service.get_fact(fact_id).status == "retracted"
    news_service.restore_fact(fact_id, actor="cli:ed", guild_id=None)
    assert news_service.ask("How much will the Riverton bridge cost?").fact.id == fact_id
    assert [e.action for e in news_service.history(fact_id)] == ["retract", "restore"]


def test_a_servers_override_is_invisible_elsewhere(news_service: FactService) -> None:
    fact_id = _bridge_fact(news_service)
    original = news_service.get_fact(fact_id).text
    news_service.edit_fact(fact_id, original.replace("$12 million", "$99 million"), actor="discord:1",
                           guild_id=GUILD_A, reason="local correction")
    assert "$99 million" in news_service.ask("How much will the Riverton bridge cost?", guild_id=GUILD_A).fact.text
    assert news_service.ask("How much will the Riverton bridge cost?", guild_id=GUILD_B).fact.text == original
    assert news_service.ask("How much will the Riverton bridge cost?").fact.text == original
    assert news_service.get_fact(fact_id, guild_id=GUILD_B).text == original
    assert [e.action for e in news_service.history(fact_id, guild_id=GUILD_B)] == []
    news_service.retract_fact(fact_id, actor="discord:2", guild_id=GUILD_B, reason="disputed")
    assert news_service.ask("How much will the Riverton bridge cost?", guild_id=GUILD_A).answered


def test_added_fact_answers_only_in_its_server(news_service: FactService) -> None:
    result = news_service.add_fact("The Riverton bridge will be named after engineer Ada Lindqvist.",
                                   source="Council minutes, 9 March", actor="discord:1", guild_id=GUILD_A)
    question = "Who will the Riverton bridge be named after?"
    assert news_service.ask(question, guild_id=GUILD_A).fact.id == result.fact.id
    other = news_service.ask(question, guild_id=GUILD_B)
    assert not other.answered or other.fact.id != result.fact.id
    with pytest.raises(FactNotFound):
        news_service.get_fact(result.fact.id, guild_id=GUILD_B)


def test_concurrent_edit_is_refused_with_a_version_conflict(news_service: FactService) -> None:
    fact_id = _bridge_fact(news_service)
    seen = news_service.get_fact(fact_id)
    news_service.edit_fact(fact_id, seen.text + " (first)", actor="mod:a", guild_id=None, reason="a",
                           expected_version=seen.version)
    with pytest.raises(VersionConflict):
        news_service.edit_fact(fact_id, seen.text + " (second)", actor="mod:b", guild_id=None, reason="b",
                               expected_version=seen.version)
    assert news_service.get_fact(fact_id).text.endswith("(first)")
    assert [e.action for e in news_service.history(fact_id)] == ["edit", "conflict"]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "x" * 1001])
def test_bad_edits_change_nothing(news_service: FactService, text: str) -> None:
    fact_id = _bridge_fact(news_service)
    before = news_service.get_fact(fact_id)
    with pytest.raises(InvalidEdit):
        news_service.edit_fact(fact_id, text, actor="mod", guild_id=None, reason="r")
    assert news_service.get_fact(fact_id) == before
    assert news_service.history(fact_id) == []


def test_alias_teaches_the_matcher_in_one_server(news_service: FactService) -> None:
    question = "how much will the footbridge cost"
    news_service.add_alias("footbridge", "pedestrian bridge", actor="mod", guild_id=GUILD_A)
    taught = news_service.ask(question, guild_id=GUILD_A)
    assert taught.answered and "bridge" in taught.fact.text


def test_review_queue_keeps_reports_per_server(news_service: FactService) -> None:
    fact_id = _bridge_fact(news_service)
    news_service.report_wrong_answer("How much is the bridge?", fact_id, guild_id=GUILD_A, channel_id=5)
    news_service.record_unanswered("Who designed the bridge?", guild_id=GUILD_A, channel_id=5)
    items = news_service.review_queue(guild_id=GUILD_A)
    assert [(i.kind, i.fact_id) for i in items] == [("unanswered", None), ("wrong_answer", fact_id)]
    assert news_service.review_queue(guild_id=GUILD_B) == []
    news_service.close_review(items[0].id, actor="mod", guild_id=GUILD_A)
    assert len(news_service.review_queue(guild_id=GUILD_A)) == 1
    with pytest.raises(InvalidEdit):
        news_service.close_review(items[1].id, actor="mod", guild_id=GUILD_B)


def test_auto_answer_channels_are_per_server(service: FactService) -> None:
    service.set_auto_answer(10, True, guild_id=GUILD_A, actor="mod")
    service.set_auto_answer(11, True, guild_id=GUILD_A, actor="mod")
    service.set_auto_answer(11, False, guild_id=GUILD_A, actor="mod")
    assert service.auto_answer_channels(guild_id=GUILD_A) == frozenset({10})
    assert service.auto_answer_channels(guild_id=GUILD_B) == frozenset()


def test_restoring_a_document_brings_back_only_what_its_retraction_withdrew(news_service: FactService) -> None:
    question = "Who is the city engineer of Riverton?"
    engineer = news_service.ask(question).fact
    mayor = news_service.ask("What did Mayor Helena Ortiz say the bridge would cost?").fact
    news_service.retract_fact(mayor.id, actor="t", guild_id=None, reason="misquoted")
    news_service.edit_fact(engineer.id, "Tomas Berg is the Riverton city engineer in charge of the bridge.",
                           actor="t", guild_id=5, reason="clearer")  # server 5's own version
    change = news_service.retract_document(engineer.source.document_id, actor="t", guild_id=None, reason="wrong")
    assert change.facts_changed == 4 + 1  # the live facts, and server 5's version goes with them
    assert not news_service.ask(question).answered and not news_service.ask(question, guild_id=5).answered
    news_service.restore_document(engineer.source.document_id, actor="t", guild_id=None)
    assert news_service.ask(question).fact.id == engineer.id
    assert "in charge of the bridge" in news_service.ask(question, guild_id=5).fact.text
    assert news_service.get_fact(mayor.id).status == "retracted"  # retracted one by one: stays retracted
