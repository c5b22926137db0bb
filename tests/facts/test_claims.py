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
    assert len(dates) == 3 and dates == sorted(dates, reverse=True)
    assert answer.fact == answer.claims[0].fact and answer.answer == answer.claims[0].answer
    assert len({c.fact.source.document_id for c in answer.claims}) == 3


def test_claims_belong_to_the_question(outlets: FactService) -> None:
    for question in ("Where is the regional emergency office based?", "Who is the fire chief of Kessling?"):
        answer = outlets.ask(question)
        assert answer.answered and answer.agreement == "agree", question
        assert len({c.answer for c in answer.claims}) == 1


def test_claims_only_from_what_the_server_sees(outlets: FactService) -> None:
    newest = outlets.ask("How many residents were evacuated from Kessling?").claims[0].fact
    outlets.retract_fact(newest.id, actor="test", guild_id=5, reason="Disputed")
    here = outlets.ask("How many residents were evacuated from Kessling?", guild_id=5)
    assert newest.id not in {c.fact.id for c in here.claims} and len(here.claims) == 2
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
