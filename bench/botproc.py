"""factbot's real bot in its own process, against a loopback Discord, with an event-loop stall probe.

``python -m bench.botproc DB API_URL GATEWAY_URL TOKEN OUT.json``: runs ``bot.client.FactBot`` over
a FactService on DB until SIGTERM, then writes the probe's figures to OUT.json. The probe is a
task that sleeps 5 ms at a time and records how late it wakes: the loop's stalls.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

PROBE_INTERVAL = 0.005


async def main(db: str, api_url: str, gateway_url: str, token: str, out: str) -> None:
    from bot.bridge import EngineBridge
    from bot.client import FactBot
    from bot.launcher import configure_endpoints
    from config.settings import Settings
    from facts.service import FactService
    from tests.loopback import prepare_bot

    settings = Settings(db_path=Path(db), ask_cooldown_seconds=0, channel_cooldown_seconds=0,
                        discord_api_url=api_url, discord_gateway_url=gateway_url)
    configure_endpoints(settings)
    bot = FactBot(settings, EngineBridge(lambda: FactService(settings.db_path, min_confidence=settings.min_confidence)))
    prepare_bot(bot)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    lags: list[float] = []
    loop.add_signal_handler(signal.SIGUSR1, lags.clear)  # the load starts: forget start-up stalls

    async def probe() -> None:
        while True:
            before = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            lags.append(max(0.0, loop.time() - before - PROBE_INTERVAL))

    runner = asyncio.create_task(bot.start(token))
    probing = asyncio.create_task(probe())
    await stop.wait()
    probing.cancel()
    await bot.close()
    runner.cancel()
    lags.sort()
    Path(out).write_text(json.dumps({
        "max_stall_ms": lags[-1] * 1000 if lags else None,
        "p99_stall_ms": lags[int(len(lags) * 0.99)] * 1000 if lags else None,
        "probes": len(lags),
    }))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
