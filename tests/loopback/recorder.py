"""Every HTTP request the bot makes, in arrival order, and a way to await them."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .violations import Violation


@dataclass
class RecordedFile:
    """One file part of a multipart request (``field`` is e.g. ``files[0]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One request as the stand-in saw and answered it.

    ``path`` is relative to the API base (``/channels/1/messages``); ``route`` is the
    stand-in's template for it (``/channels/{channel_id}/messages``) or None when no
    modelled route matched (the stand-in answered 404). ``json`` is the JSON body, or
    the parsed ``payload_json`` part of a multipart body. ``status`` is 0 until answered.
    """

    index: int
    method: str
    path: str
    route: str | None
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: list[RecordedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None
    violations: list[Violation] = field(default_factory=list)
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """Answered with a 2xx status."""
        return 200 <= self.status < 300

    @property
    def done(self) -> bool:
        """The stand-in has answered."""
        return self.status != 0

    def __str__(self) -> str:
        return f"#{self.index} {self.method} {self.path} -> {self.status or '...'}"


class Recorder:
    """Keeps the request log and wakes waiters whenever a request is answered."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self._changed = asyncio.Condition()

    def mark(self) -> int:
        """The index the next request will get; pass it as ``since`` to ignore older ones."""
        return len(self.requests)

    def start(self, **fields: Any) -> RecordedRequest:
        """Append a request that has just arrived."""
        request = RecordedRequest(index=len(self.requests), **fields)
        self.requests.append(request)
        return request

    async def finish(self, request: RecordedRequest, status: int, response: Any) -> None:
        """Record the answer and wake waiters."""
        request.status = status
        request.response = copy.deepcopy(response)  # the stored object may change later
        self.violations.extend(request.violations)
        async with self._changed:
            self._changed.notify_all()

    async def notify(self) -> None:
        """Wake waiters (something other than a request changed)."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool],
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> RecordedRequest:
        """The first answered request with index >= ``since`` that satisfies ``predicate``."""

        def find() -> RecordedRequest | None:
            for request in self.requests[since:]:
                if request.done and predicate(request):
                    return request
            return None

        async def wait() -> RecordedRequest:
            async with self._changed:
                while True:
                    found = find()
                    if found is not None:
                        return found
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            recent = "\n".join(f"  {r}" for r in self.requests[since:][-15:]) or "  (none)"
            raise TimeoutError(f"no matching request within {timeout}s; requests since #{since}:\n{recent}") from None

    async def wait_until(self, condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every change); return its value."""

        async def wait() -> Any:
            async with self._changed:
                while True:
                    value = condition()
                    if value:
                        return value
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}") from None


async def eventually(
    condition: Callable[[], Any], *, timeout: float = 5.0, interval: float = 0.01, what: str = "the condition"
) -> Any:
    """Poll ``condition()`` until it is truthy (for state the stand-in does not see, e.g. the bot's)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)
