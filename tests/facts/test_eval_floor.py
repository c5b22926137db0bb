"""Answer quality on the shared dev question set: a floor that only ever goes up."""

from __future__ import annotations

from facts.evaluation import evaluate, load_questions, overlaps
from facts.service import FactService
from tests.helpers import DEV_SET

# The level reached so far (raise these as the matcher improves; never lower them).
ANSWERED_FLOOR = 0.93
ABSTAINED_FLOOR = 0.93


def test_dev_set_reaches_the_quality_floor(sample_service: FactService) -> None:
    assert DEV_SET.is_file(), f"the dev question set is missing at {DEV_SET} (set FACTBOT_SHARED_DIR)"
    result = evaluate(load_questions(DEV_SET), sample_service.ask)
    assert result.answerable >= 40 and result.unanswerable >= 10
    assert result.answer_rate >= ANSWERED_FLOOR, result.summary()
    assert result.abstain_rate >= ABSTAINED_FLOOR, result.summary()


def test_judging_rule_matches_the_documented_one() -> None:
    evidence = "The interpretation of this clause is still unclear."
    assert overlaps("The interpretation of this clause is still unclear.", evidence)
    assert overlaps("interpretation of this clause is still unclear", evidence)
    assert not overlaps("Nothing about clauses here.", evidence)
    assert not overlaps(evidence + " " + "padding " * 60, evidence)
