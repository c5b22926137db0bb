"""Claims side by side and newer sources, on a real database with invented reports from several outlets."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts.claims import readable_date
from facts.service import FactService
from tests.helpers import REPO_ROOT

CLAIMS = REPO_ROOT / "tests" / "data" / "claims"

OLDER = """---
title: Riverton bridge opens
outlet: Valley Post
published: 2025-01-10
---
The new Riverton bridge cost 40 million euros, the council said on Friday.
"""
NEWER = """---
title: Bridge costs questioned
outlet: Hill Times
published: 2025-03-02
---
Auditors said the final cost of the bridge is still being counted.
The bridge's cost rose to about 55 million euros, auditors said.
"""


@pytest.fixture
def outlets(service: FactService) -> FactService:
    for path in sorted(CLAIMS.glob("*.md")):
        if path.name != "README.md":
            service.ingest_path(path)
    return service


def test_claims_differ_newest_first_and_the_answer_is_the_newest(outlets: FactService) -> None:
    answer = outlets.ask("How many residents were evacuated from Kessling?")
    assert answer.answered and answer.agreement == "differ"
    dates = [c.fact.source.published for c in answer.claims]
    assert len(dates) == 4 and dates == sorted(dates, reverse=True)
    assert answer.fact == answer.claims[0].fact and answer.answer == answer.claims[0].answer
    assert len({c.fact.source.document_id for c in answer.claims}) == 4


def test_claims_belong_to_the_question(outlets: FactService) -> None:
    for question in ("Where is the regional emergency office based?", "Who is the fire chief of Kessling?"):
        answer = outlets.ask(question)
        assert answer.answered and answer.agreement == "agree", question
        assert len({c.answer for c in answer.claims}) == 1


def test_claims_only_from_what_the_server_sees(outlets: FactService) -> None:
    newest = outlets.ask("How many residents were evacuated from Kessling?").claims[0].fact
    outlets.retract_fact(newest.id, actor="test", guild_id=5, reason="Disputed")
    here = outlets.ask("How many residents were evacuated from Kessling?", guild_id=5)
    assert newest.id not in {c.fact.id for c in here.claims} and len(here.claims) == 3
    assert here.fact.id != newest.id
    assert newest.id in {c.fact.id for c in outlets.ask("How many residents were evacuated from Kessling?").claims}


def test_an_older_answer_points_to_a_newer_document_on_the_question(service: FactService) -> None:
    service.ingest_text(OLDER, name="older.md")
    service.ingest_text(NEWER, name="newer.md")
    answer = service.ask("How much did the Riverton bridge cost?")
    assert answer.answered and answer.fact.source.published == "2025-01-10"
    assert answer.newer is not None and answer.newer.source.published == "2025-03-02"
    assert answer.to_json()["newer_source"]["fact_id"] == answer.newer.id
    only_old = FactService(Path(service.path).with_name("old.db"))
    try:
        only_old.ingest_text(OLDER, name="older.md")
        alone = only_old.ask("How much did the Riverton bridge cost?")
        assert alone.answered and alone.newer is None and not alone.claims
    finally:
        only_old.close()


def test_dates_read_as_people_write_them() -> None:
    assert readable_date("2024-11-05") == "5 Nov 2024"
    assert readable_date(None) == "undated"


def test_answers_that_name_the_same_thing_agree_and_different_counts_differ() -> None:
    from facts.claims import same_answer

    assert same_answer("marta ilves", "ilves") and same_answer("dornach", "dornach")
    assert not same_answer("3000", "4500") and not same_answer("3000", "3000 5")
    assert not same_answer("dornach", "kessling")


def _doc(title: str, outlet: str, published: str, *sentences: str) -> str:
    return f"---\ntitle: {title}\noutlet: {outlet}\npublished: {published}\n---\n" + "\n".join(sentences) + "\n"


def _marks(service: FactService, *documents: str) -> dict[str, set[str]]:
    """Each timeline fact's text -> the texts of the facts marked as contradicting it."""
    for index, text in enumerate(documents):
        service.ingest_text(text, name=f"report-{index}.md")
    facts, _ = service.timeline(limit=50)
    marks = service.contradictions(facts)
    return {f.text: {service.get_fact(i).text for i in marks.get(f.id, ())} for f in facts}


def test_the_timeline_marks_the_same_report_with_another_date(outlets: FactService) -> None:
    facts, _ = outlets.timeline(limit=50)
    marks = outlets.contradictions(facts)
    sunday = next(f for f in facts if f.source.outlet == "Lakeside Courier")
    monday = next(f for f in facts if f.source.outlet == "Northgate Herald")
    assert sunday.event_date != monday.event_date
    assert monday.id in marks[sunday.id] and sunday.id in marks[monday.id]
    engineers = next(f for f in facts if "spillway" in f.text)
    assert engineers.id not in marks  # nothing else reports it


def test_a_different_date_or_place_for_the_same_statement_is_marked(service: FactService) -> None:
    marks = _marks(
        service,
        _doc("Talvik ferry", "Harbour Post", "2025-06-02",
             "The Talvik ferry service resumed on 28 May after repairs to the Orsund pier.",
             "The ferry company Nordlane moved its head office to Brekka on 1 June."),
        _doc("Ferry back", "Fjord Weekly", "2025-06-05",
             "The Talvik ferry service resumed on 30 May after repairs to the Orsund pier, officials said.",
             "The ferry company Nordlane moved its head office to Lunvik on 1 June."),
    )
    resumed = [text for text in marks if "resumed" in text]
    assert len(resumed) == 2 and all(marks[text] == set(resumed) - {text} for text in resumed)
    moved = [text for text in marks if "head office" in text]
    assert len(moved) == 2 and all(marks[text] == set(moved) - {text} for text in moved)


def test_agreeing_or_unrelated_reports_are_not_marked(service: FactService) -> None:
    marks = _marks(
        service,
        _doc("Talvik ferry", "Harbour Post", "2025-06-02",
             "The Talvik ferry service resumed on 28 May after repairs to the Orsund pier.",
             "Harbour master Edda Roos said on 1 June that the Talvik pier was safe.",
             "The Talvik council met in May to discuss the ferry timetable.",
             "Nordlane opened a ticket office in Brekka on 20 May, the company said."),
        _doc("Ferry back", "Fjord Weekly", "2025-06-05",
             # the same date written another way, and who reported it differs: no contradiction
             "The Talvik ferry service resumed on Wednesday 28 May after repairs to the Orsund pier, Roos said.",
             # the same statement, dated by when it was said: the dates are not the event's
             "Harbour master Roos told reporters on 3 June that the Talvik pier was safe.",
             # a day inside the month the other gives
             "The Talvik council met on 12 May to discuss the ferry timetable.",
             # another office in another town on another day: a different statement
             "Nordlane closed its old depot in Lunvik on 2 June after the Talvik ferry returned.",
             # much in common, but another statement (suspended, not resumed)
             "The Talvik ferry service was suspended on 2 June after a storm damaged the Orsund pier.",
             # one names two towns, the other one more: a list, not one name against another
             "Inspectors from Harbour Safety visited Brekka and Tarrow on 4 June."),
        _doc("Inspections", "Coast Radio", "2025-06-06",
             "Inspectors from Harbour Safety visited Orsa on 4 June.",
             # another person doing the same: both can be true
             "On 3 June it was announced that Alva Berg is a co-owner, with others, of the ferry firm Nordlane."),
        _doc("Arrests", "Coast Radio", "2025-06-06",
             # only who said it is shared: two arrests, not one reported twice
             "Police said two men were arrested in Brekka on 4 June."),
        _doc("Owners", "Talvik Times", "2025-06-07",
             "Police said two men were arrested in Lunvik on 4 June.",
             "On 3 June it was announced that Oskar Lind is a co-owner, with others, of the ferry firm Nordlane."),
    )
    marked = {text: others for text, others in marks.items() if others}
    assert marked == {}


def test_counts_are_read_as_what_they_count() -> None:
    from facts.claims import counted_quantities

    assert counted_quantities("Police said about 3,000 Kessling residents were evacuated.") == {"resid": 3000.0}
    assert counted_quantities("About two dozen volunteers came.") == {"volunt": 24.0}
    assert "per" not in counted_quantities("Workers earn no more than $50 per month.")  # a rate, not a count
    assert counted_quantities("Temperatures ranged from −17 °F to 45 °C at 02:56 UTC.") == {}  # units, not things
