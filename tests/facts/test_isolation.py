"""Isolation between servers, and concurrent edits by two moderators (two connections, real threads)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from facts.analysis.text import stem
from facts.errors import FactbotError, VersionConflict
from facts.models import SHARED_SCOPE
from facts.service import FactService
from tests.fuzzing import injected
from tests.helpers import CITY_REPORT, TRADE_REPORT

GUILD_A, GUILD_B = 111, 222
QUESTIONS = ["How much will the Riverton bridge cost?", "Who will the Riverton bridge be named after?",
             "When was the harbour summit moved?", "how much will the footbridge cost", "where is the ISW based",
             "how much did soybean exports rise"]


def shown(answer: dict[str, Any], with_confidence: bool) -> dict[str, Any]:
    return answer if with_confidence else {k: v for k, v in answer.items() if k != "confidence"}


def view(service: FactService, guild: int | None, with_confidence: bool = False) -> dict[str, Any]:
    """Everything a server (or a DM, guild None) can see (confidence figures only when asked for)."""
    facts, history = {}, {}
    for fact_id in range(1, 120):  # beyond every id, before and after the changes
        try:
            facts[fact_id] = service.get_fact(fact_id, guild_id=guild)
            history[fact_id] = service.history(fact_id, guild_id=guild)
        except FactbotError as error:
            facts[fact_id] = type(error).__name__
    seen: dict[str, Any] = {
        "answers": [shown(service.ask(q, guild_id=guild).to_json(), with_confidence) for q in QUESTIONS],
        "documents": service.documents(guild_id=guild),
        "timeline": service.timeline(guild_id=guild, limit=50),
        "suggest": [service.suggest(p, guild_id=guild) for p in ("river", "harbour sum", "")],
        "facts": facts,
        "history": history,
    }
    if guild is not None:
        seen["review"] = service.review_queue(guild_id=guild, limit=100)
        seen["auto"] = service.auto_answer_channels(guild_id=guild)
    return seen


def change_in_guild_a(service: FactService) -> None:
    """A server's overrides, retraction, added fact, document, alias, review items, vote and channel setting."""
    service.ingest_text(CITY_REPORT, name="riverton.md")
    bridge = service.ask(QUESTIONS[0]).fact
    trade = service.ask(QUESTIONS[5]).fact
    service.edit_fact(bridge.id, bridge.text.replace("$12 million", "$99 million"), actor="discord:1",
                      guild_id=GUILD_A, reason="local")
    service.retract_fact(trade.id, actor="discord:1", guild_id=GUILD_A, reason="disputed here")
    service.add_fact("The Riverton bridge will be named after engineer Ada Lindqvist.", source="Minutes",
                     actor="discord:1", guild_id=GUILD_A)
    service.ingest_text("The harbour summit was moved to 12 May because of the ferry strike.", name="summit.txt",
                        guild_id=GUILD_A, published="2024-11-20")
    service.add_alias("footbridge", "pedestrian bridge", actor="discord:1", guild_id=GUILD_A)
    service.report_wrong_answer(QUESTIONS[0], bridge.id, guild_id=GUILD_A, channel_id=5)
    service.record_unanswered("Who designed it?", guild_id=GUILD_A, channel_id=5)
    service.record_helpful(bridge.id, guild_id=GUILD_A)
    service.set_auto_answer(5, True, guild_id=GUILD_A, actor="discord:1")
    assert service.db.execute("select max(id) from facts").fetchone()[0] < 120


@pytest.fixture
def three_reports(service: FactService) -> FactService:
    service.ensure_sample_corpus()
    service.ingest_text(CITY_REPORT, name="riverton.md")
    service.ingest_text(TRADE_REPORT, name="trade.txt", published="2023-01-12")
    return service


def test_one_servers_changes_are_invisible_in_every_other_server_and_in_dms(three_reports: FactService) -> None:
    service = three_reports
    before_b, before_dm = view(service, GUILD_B), view(service, None)
    change_in_guild_a(service)
    injected("one server's changes checked for leaks", 9)

    assert view(service, GUILD_B) == before_b
    assert view(service, None) == before_dm
    seen_a = view(service, GUILD_A)
    assert "$99 million" in seen_a["answers"][0]["text"]  # ...and they did take effect where they were made
    assert seen_a["auto"] == frozenset({5}) and len(seen_a["review"]) == 2


def test_confidence_figures_do_not_depend_on_other_servers(three_reports: FactService) -> None:
    service = three_reports
    before_b, before_dm = view(service, GUILD_B, with_confidence=True), view(service, None, with_confidence=True)
    change_in_guild_a(service)
    assert view(service, GUILD_B, with_confidence=True) == before_b
    assert view(service, None, with_confidence=True) == before_dm


RARE_FACT = "Zanzibarite, a rare green mineral, was found in the Riverton quarry in March."
RARE_QUESTIONS = ["zanzibarit?", "What is zamzibarite?", "Where was zanzibarite found?",
                  "When was the zamzibarite found in the quarry?"]


def test_spelling_fixes_in_one_server_never_aim_at_another_servers_words(three_reports: FactService,
                                                                         tmp_path: Path) -> None:
    service = three_reports
    fresh = FactService(tmp_path / "fresh.db")  # the same shared corpus, and no server's facts
    try:
        fresh.ensure_sample_corpus()
        fresh.ingest_text(CITY_REPORT, name="riverton.md")
        fresh.ingest_text(TRADE_REPORT, name="trade.txt", published="2023-01-12")
        service.add_fact(RARE_FACT, source="Geology notes", actor="discord:2", guild_id=GUILD_B)

        typo = stem("zamzibarite")
        assert service.vocabulary.for_scope(GUILD_B).closest(typo, "zamzibarite") == stem("zanzibarite")
        for guild in (GUILD_A, None):
            seen = service.vocabulary.for_scope(SHARED_SCOPE if guild is None else guild)
            assert seen.closest(typo, "zamzibarite") is None
            assert stem("zanzibarite") not in seen.df
        assert "Zanzibarite" in service.ask(RARE_QUESTIONS[3], guild_id=GUILD_B).fact.text  # where it lives
        for guild in (GUILD_A, None):
            for question in RARE_QUESTIONS:
                asked = service.ask(question, guild_id=guild).to_json()
                assert "zanzibarite" not in json.dumps({k: v for k, v in asked.items() if k != "question"}).lower()
                assert asked == fresh.ask(question, guild_id=guild).to_json(), (guild, question)
            ours, theirs = view(service, guild, with_confidence=True), view(fresh, guild, with_confidence=True)
            for part in ("answers", "suggest", "facts"):  # (documents and history carry ingest times)
                assert ours[part] == theirs[part], (guild, part)
    finally:
        fresh.close()


def test_two_moderators_editing_one_fact_at_once_one_wins_one_is_told(service: FactService) -> None:
    service.ingest_text(CITY_REPORT, name="riverton.md")
    fact_id = service.ask(QUESTIONS[0]).fact.id
    first, second = FactService(service.path), FactService(service.path)  # two bot processes, say
    rounds = 15
    try:
        for round_ in range(rounds):
            barrier = threading.Barrier(2)
            outcomes: dict[str, str] = {}

            def edit(who: FactService, name: str, round_: int = round_, barrier: threading.Barrier = barrier,
                     outcomes: dict[str, str] = outcomes) -> None:
                seen = who.get_fact(fact_id)
                barrier.wait()
                try:
                    who.edit_fact(fact_id, f"Round {round_}: {name} says the bridge costs more.", actor=name,
                                  guild_id=None, reason=f"round {round_}", expected_version=seen.version)
                    outcomes[name] = "edited"
                except VersionConflict:
                    outcomes[name] = "conflict"

            threads = [threading.Thread(target=edit, args=(who, name)) for who, name in ((first, "mod:a"),
                                                                                       (second, "mod:b"))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            injected("concurrent edit of one fact by two moderators")
            assert sorted(outcomes.values()) == ["conflict", "edited"], outcomes
        fact = service.get_fact(fact_id)
        history = service.history(fact_id)
        assert fact.version == 1 + rounds
        assert [e.action for e in history].count("edit") == rounds
        assert [e.action for e in history].count("conflict") == rounds
        last_edit = [e for e in history if e.action == "edit"][-1]
        assert fact.text == last_edit.after  # no lost update: the text is the last recorded edit
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("guild", [None, GUILD_A])
def test_a_stale_version_is_refused_and_recorded_in_a_server_too(service: FactService, guild: int | None) -> None:
    service.ingest_text(CITY_REPORT, name="riverton.md")
    fact = service.ask(QUESTIONS[0]).fact
    seen = service.get_fact(fact.id, guild_id=guild)
    service.edit_fact(fact.id, "The bridge will cost about $13 million.", actor="mod:a", guild_id=guild,
                      reason="first", expected_version=seen.version)
    with pytest.raises(VersionConflict, match="changed while you were editing"):
        service.edit_fact(fact.id, "The bridge will cost about $14 million.", actor="mod:b", guild_id=guild,
                          reason="second", expected_version=seen.version)
    assert "$13 million" in service.get_fact(fact.id, guild_id=guild).text
    actions = [(e.action, e.actor) for e in service.history(fact.id, guild_id=guild)]
    assert actions == [("edit", "mod:a"), ("conflict", "mod:b")]
