"""Event-to-reply latency through the loopback Discord at a steady question rate.

The stand-in (``tests.loopback``) runs here; factbot's real bot runs in its own process
(:mod:`bench.botproc`) so the stand-in's work never counts as the bot's. Each question is a
gateway event (an ``/ask`` interaction, or a message mentioning the bot); its latency runs from
just before the event is dispatched to the moment the stand-in has recorded the bot's reply
(the interaction callback, or the message that replies to the question).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _load(db: Path, questions: list[str], rate: float, seconds: float, work: Path) -> dict[str, Any]:
    from tests.loopback import DiscordStandIn, InteractionRefused, default_scenario

    stand_in = DiscordStandIn(default_scenario())
    await stand_in.start()
    waiting: dict[str, asyncio.Future[float]] = {}
    arrived: dict[str, float] = {}

    def expect(key: str, future: asyncio.Future[float]) -> None:
        if key in arrived:
            if not future.done():
                future.set_result(arrived.pop(key))
        else:
            waiting[key] = future
    original_finish = stand_in.recorder.finish

    async def finish(request: Any, status: int, response: Any) -> None:
        await original_finish(request, status, response)
        now = time.perf_counter()
        key = None
        body = request.json if isinstance(request.json, dict) else {}
        if request.route == "/interactions/{interaction_id}/{interaction_token}/callback" and body.get("type") == 4:
            key = "i" + str(request.params.get("interaction_id"))
        elif request.route == "/webhooks/{webhook_id}/{webhook_token}/messages/@original":
            key = "t" + str(request.params.get("webhook_token"))
        elif request.route == "/channels/{channel_id}/messages" and request.method == "POST":
            key = "m" + str((body.get("message_reference") or {}).get("message_id"))
        if key is None:
            return
        future = waiting.pop(key, None)
        if future is None:
            arrived[key] = now  # the reply beat the sender's registration
        elif not future.done():
            future.set_result(now)

    stand_in.recorder.finish = finish  # type: ignore[method-assign]
    out = work / "botproc.json"
    env = dict(os.environ)
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.botproc", str(db), stand_in.api_url, stand_in.gateway_url,
         stand_in.scenario.token, str(out)], env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # ready once /ask is synced and the bot's session receives events
            try:
                if stand_in.world.find_command("ask", None) is not None:
                    handle = await stand_in.slash_command("ask", {"question": questions[0]}, user="member",
                                                          channel="a/general")
                    await handle.response_message(timeout=30)
                    break
            except (InteractionRefused, RuntimeError, TimeoutError):
                pass
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError("the bot did not come up against the loopback Discord")
            await asyncio.sleep(0.2)
        bot_mention = stand_in.scenario.bot.mention
        child.send_signal(signal.SIGUSR1)
        results: dict[str, Any] = {}
        for kind in ("ask", "mention"):
            latencies: list[float] = []
            failures = 0

            async def one(question: str, kind: str = kind, latencies: list[float] = latencies) -> None:
                nonlocal failures
                future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
                start = time.perf_counter()
                try:
                    if kind == "ask":
                        handle = await stand_in.slash_command("ask", {"question": question[:300]}, user="member",
                                                              channel="a/general")
                        expect("i" + str(handle.state.id), future)
                        expect("t" + handle.state.token, future)
                    else:
                        sent = await stand_in.send_message("member", "a/general", f"{bot_mention} {question}")
                        expect("m" + str(sent.id), future)
                    done = await asyncio.wait_for(future, 10.0)
                    latencies.append(done - start)
                except Exception:
                    failures += 1

            count = int(rate * seconds)
            tasks = []
            begin = time.perf_counter()
            for i in range(count):
                delay = begin + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(questions[i % len(questions)])))
            await asyncio.gather(*tasks)
            results[kind] = {
                "sent": count, "replied": len(latencies), "failed": failures,
                "p50_ms": (_percentile(latencies, 0.5) or 0) * 1000,
                "p99_ms": (_percentile(latencies, 0.99) or 0) * 1000,
                "max_ms": max(latencies, default=0) * 1000,
            }
    finally:
        child.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(30)
        if child.poll() is None:
            child.kill()
        await stand_in.stop()
    stalls = json.loads(out.read_text()) if out.exists() else {}
    return {"rate": rate, "seconds": seconds, **results, "event_loop": stalls,
            "violations": len(stand_in.violations)}


def run(db: Path, questions: list[str], *, rate: float, seconds: float, work: Path) -> dict[str, Any]:
    """Run both phases (``/ask``, then mentions) at ``rate`` questions per second for ``seconds`` each."""
    return asyncio.run(_load(db, questions, rate, seconds, work))
