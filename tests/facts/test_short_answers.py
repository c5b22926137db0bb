"""The short answer picked inside the answering fact, for each factual kind (an invented report, a real
database): the date tied to the question's verb, the quantity of the counted noun, the agent or subject
that answers "who", the place, the entity of the asked type; none for why."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts.service import FactService

REPORT = """---
title: Lakeside port reopens after storm
outlet: Example Wire
published: 2025-02-14
---
The port authority closed the Lakeside terminal on February 3 and reopened it on February 11 after repairs.
Crews removed 40 containers and 12 cranes from the flooded quay, officials said.
The repair work was paid for by the Northern Shipping Guild, a trade body of local shipowners.
The storm damaged the breakwater at Calder Point, the harbour master said.
Dock work had to stop because seawater had reached the electrical substations.
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> FactService:
    path: Path = tmp_path_factory.mktemp("short") / "report.md"
    path.write_text(REPORT, encoding="utf-8")
    service = FactService(path.with_suffix(".db"))
    service.ingest_path(path)
    yield service
    service.close()


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("When was the Lakeside terminal reopened?", "February 11"),
        ("When did the port authority close the terminal?", "February 3"),
        ("How many cranes were removed from the quay?", "12 cranes"),
        ("How many containers did crews remove?", "40 containers"),
        ("Who paid for the repair work?", "Northern Shipping Guild"),
        ("Where did the storm damage the breakwater?", "Calder Point"),
    ],
)
def test_the_short_answer_is_the_asked_part_of_the_fact(service: FactService, question: str, short: str) -> None:
    answer = service.ask(question, min_confidence=0.0)
    assert answer.answered, question
    assert answer.answer is not None and short in answer.answer, (question, answer.answer, answer.fact.text)
    start, end = answer.span
    assert answer.fact.text[start:end] == answer.answer


def test_a_why_question_has_no_short_answer(service: FactService) -> None:
    answer = service.ask("Why did dock work have to stop?", min_confidence=0.0)
    assert answer.answered and "substations" in answer.fact.text
    assert answer.answer is None and answer.span is None
