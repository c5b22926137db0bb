"""What the stand-in reports when the bot breaks Discord's contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    ``kind`` is ``"schema"`` (the OpenAPI request schema), ``"limit"`` (a documented
    limit the schema leaves loose) or ``"protocol"`` (e.g. answering an interaction
    twice or too late). ``where`` is the JSON path inside the body (``"embeds.0.title"``).
    """

    kind: str
    method: str
    path: str
    where: str
    message: str
    code: str = "INVALID"

    def __str__(self) -> str:
        location = f" at {self.where}" if self.where else ""
        return f"[{self.kind}] {self.method} {self.path}{location}: {self.message}"


def json_path(parts: Any) -> str:
    """Join a jsonschema path deque / list into ``a.0.b``."""
    return ".".join(str(part) for part in parts)


def discord_error_body(violations: list[Violation]) -> dict[str, Any]:
    """A Discord-style 400 body (code 50035, nested ``errors`` with ``_errors`` lists)."""
    errors: dict[str, Any] = {}
    for violation in violations:
        node = errors
        for part in [p for p in violation.where.split(".") if p]:
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": violation.code, "message": violation.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


class ViolationError(AssertionError):
    """Raised by ``assert_no_violations``; the message lists every violation."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} Discord API violation(s) recorded:\n{lines}")
