"""Fault injection: make the next N matching REST calls answer 429 or 5xx."""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """Answer the next ``times`` calls of ``method route`` with ``status``.

    ``route`` is a stand-in route template such as ``/channels/{channel_id}/messages``;
    ``params`` optionally narrows it (``{"channel_id": "123"}``). For 429s,
    ``retry_after`` (seconds) and ``global_`` shape the body and headers.
    """

    method: str
    route: str
    status: int = 429
    times: int = 1
    retry_after: float = 0.05
    global_: bool = False
    params: dict[str, str] = field(default_factory=dict)
    hits: int = 0

    @property
    def remaining(self) -> int:
        """How many more calls this fault will hit."""
        return self.times - self.hits

    def matches(self, method: str, route: str | None, params: dict[str, str]) -> bool:
        """Whether a request is to be hit by this fault."""
        return (
            self.remaining > 0
            and method.upper() == self.method.upper()
            and route == self.route
            and all(params.get(k) == str(v) for k, v in self.params.items())
        )

    def answer(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """``(status, body, headers)`` of the faulty answer, shaped like Discord's."""
        if self.status == 429:
            reset_after = self.retry_after
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, math.ceil(reset_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": uuid.uuid5(uuid.NAMESPACE_URL, self.route).hex[:32],
                "X-RateLimit-Scope": "global" if self.global_ else "user",
            }
            if self.global_:
                headers["X-RateLimit-Global"] = "true"
            body: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.global_,
                "code": 0,
            }
            return 429, body, headers
        return self.status, {"message": f"{self.status}: Internal Server Error", "code": 0}, {}


class FaultPlan:
    """The active faults; the first matching fault with hits left answers a request."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Register a fault and return it (its ``hits`` count the calls it answered)."""
        self.faults.append(fault)
        return fault

    def take(self, method: str, route: str | None, params: dict[str, str]) -> Fault | None:
        """The fault that answers this request, counting the hit; None when none applies."""
        for fault in self.faults:
            if fault.matches(method, route, params):
                fault.hits += 1
                return fault
        return None
