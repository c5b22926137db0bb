"""Run FactService calls off the event loop, on one dedicated worker thread.

SQLite connections belong to the thread that opened them, and matching (rapidfuzz) is CPU work:
neither may run on the event loop. The bridge opens the service *on* its worker thread and sends
every call there, one at a time, so the event loop never blocks and the connection never crosses
threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from facts.service import FactService

log = logging.getLogger(__name__)

R = TypeVar("R")


class EngineBridge:
    """Owns a FactService living on a single worker thread; ``await bridge.run(fn)`` calls it."""

    def __init__(self, factory: Callable[[], FactService]) -> None:
        self._factory = factory
        self._executor: ThreadPoolExecutor | None = None
        self._service: FactService | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        """True once the service has been opened and until it is closed."""
        return self._service is not None and not self._closed

    async def start(self) -> None:
        """Open the service on the worker thread (idempotent)."""
        if self._service is not None:
            return
        if self._closed:
            raise RuntimeError("the engine bridge is closed")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factbot-engine")
        loop = asyncio.get_running_loop()
        self._service = await loop.run_in_executor(self._executor, self._factory)
        log.info("fact engine opened")

    async def run(self, fn: Callable[[FactService], R]) -> R:
        """Run ``fn(service)`` on the worker thread and return its result (exceptions propagate)."""
        if self._service is None or self._executor is None or self._closed:
            raise RuntimeError("the engine bridge is not running")
        service = self._service
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, service)

    async def close(self) -> None:
        """Close the service on its own thread, then stop the thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        executor, service = self._executor, self._service
        self._service = None
        if executor is None:
            return
        if service is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(executor, service.close)
                log.info("fact engine closed")
            except Exception:
                log.exception("closing the fact engine failed")
        executor.shutdown(wait=True)
