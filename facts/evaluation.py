"""Run a question set (JSON Lines) through the engine and score it the way the project is judged.

Answerable: right when the engine answered and its fact overlaps the gold evidence (one contains
the other after normalising case, quotes and spaces, or the fact holds at least 70% of the
evidence's content words) and is fact-sized (at most 350 characters or twice the evidence).
Unanswerable: right when the engine abstained.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from facts.analysis.text import STOPWORDS, fold, words
from facts.errors import FactbotError
from facts.models import Answer


@dataclass
class EvalResult:
    """Scores of one run and the misses, for a person to read."""

    answerable: int = 0
    answered_right: int = 0
    unanswerable: int = 0
    abstained_right: int = 0
    short_answer_found: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        """Share of answerable questions answered with the right fact."""
        return self.answered_right / self.answerable if self.answerable else 1.0

    @property
    def abstain_rate(self) -> float:
        """Share of unanswerable questions correctly abstained."""
        return self.abstained_right / self.unanswerable if self.unanswerable else 1.0

    def summary(self) -> str:
        """A short human-readable report."""
        lines = [
            f"answerable answered right: {self.answered_right}/{self.answerable} ({self.answer_rate:.1%})",
            f"unanswerable abstained:    {self.abstained_right}/{self.unanswerable} ({self.abstain_rate:.1%})",
            f"short answer found:        {self.short_answer_found}/{self.answerable}",
        ]
        if self.misses:
            lines.append(f"misses ({len(self.misses)}):")
            for miss in self.misses:
                lines.append(f"  - [{miss['id']}] {miss['question']}")
                lines.append(f"      expected: {miss['expected']}")
                lines.append(f"      got:      {miss['got']}")
        return "\n".join(lines)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text).replace('"', "").replace("'", "")).strip()


def overlaps(returned: str, evidence: str) -> bool:
    """The judging rule: containment either way, or 70% of the evidence's content words."""
    a, b = _norm(returned), _norm(evidence)
    if not a or not b:
        return False
    if len(a) > max(350, 2 * len(b)):
        return False
    if a in b or b in a:
        return True
    gold = {w for w in words(evidence) if w not in STOPWORDS}
    if not gold:
        return False
    got = set(words(returned))
    return len(gold & got) / len(gold) >= 0.7


def short_answer_found(short: str | None, gold: object) -> bool:
    """The short-answer rule: the engine's short answer and one gold answer contain each other (any case)."""
    if not short or not isinstance(gold, list):
        return False
    got = short.lower()
    return any(str(s).lower() in got or got in str(s).lower() for s in gold if str(s).strip())


def load_questions(path: Path) -> list[dict[str, object]]:
    """Read a question set; raises FactbotError naming the bad line."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FactbotError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FactbotError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or "question" not in item or "answerable" not in item:
            raise FactbotError(f"{path}:{number}: each line needs 'question' and 'answerable'")
        items.append(item)
    return items


def evaluate(items: list[dict[str, object]], ask: Callable[[str], Answer]) -> EvalResult:
    """Ask every question and score the answers."""
    result = EvalResult()
    for item in items:
        question = str(item["question"])
        try:
            answer = ask(question)
        except FactbotError as exc:
            answer = Answer(question=question, answered=False, confidence=0.0)
            item = {**item, "_error": str(exc)}
        got = answer.fact.text if (answer.answered and answer.fact) else f"(abstained, {answer.confidence:.2f})"
        if item["answerable"]:
            result.answerable += 1
            evidence = str(item.get("evidence", ""))
            right = bool(answer.answered and answer.fact and overlaps(answer.fact.text, evidence))
            if right:
                result.answered_right += 1
                if short_answer_found(answer.answer, item.get("answer")):
                    result.short_answer_found += 1
            else:
                result.misses.append({"id": item.get("id"), "question": question, "expected": evidence,
                                      "got": f"{got} (conf {answer.confidence:.2f})"})
        else:
            result.unanswerable += 1
            if not answer.answered:
                result.abstained_right += 1
            else:
                result.misses.append({"id": item.get("id"), "question": question, "expected": "(abstain)",
                                      "got": f"{got} (conf {answer.confidence:.2f})"})
    return result
