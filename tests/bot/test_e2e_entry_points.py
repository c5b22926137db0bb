"""The real entry points as a person starts them, against the loopback Discord, as subprocesses.

``factbot run`` (what ``make run`` runs) and ``python -m bot`` print each log line once (one
handler), never discord.py's voice warnings (factbot has no voice) while other warnings still
show, build the sample database when there is none, and keep the health status
that ``factbot doctor --health`` (Docker's HEALTHCHECK) reads: healthy while connected,
unhealthy once the bot has stopped.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, clean_env
from tests.loopback import INTENT_MESSAGE_CONTENT, DiscordStandIn

ENTRY_POINTS = {"factbot run": ("-m", "cli.main", "run"), "python -m bot": ("-m", "bot")}
# "<logger.name>: <message>" in both discord.py's format and logging's basic one.
LOG_LINE = re.compile(r"\b((?:discord|bot|cli|facts|config)(?:\.\w+)*): (.+)$")


class Running:
    """A started entry point whose merged output is collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    async def wait_for(self, text: str, timeout: float = 60.0) -> None:
        """Until a line containing ``text`` was printed (fails if the process ends first)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(text in line for line in self.lines):
            if self.process.returncode is not None or loop.time() > deadline:
                pytest.fail(f"no line with {text!r}; output:\n" + "\n".join(self.lines[-40:]))
            await asyncio.sleep(0.05)

    async def stop(self) -> int:
        """SIGTERM, then the exit code once the output is read to the end."""
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        await asyncio.wait_for(self._reader, 10)
        return code


def bot_env(stand_in: DiscordStandIn, db_path: Path) -> dict[str, str]:
    """A clean environment pointing at the stand-in, with its token and a copy of the sample database."""
    return clean_env(REPO_ROOT) | stand_in.env() | {
        "DISCORD_TOKEN": stand_in.scenario.token, "FACTBOT_DB": str(db_path), "FACTBOT_LOG_LEVEL": "INFO"}


async def doctor(env: dict[str, str], *args: str, cwd: Path) -> tuple[int, str]:
    """``factbot doctor ARGS`` as a subprocess: (exit code, stdout + stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", "doctor", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_one_line_per_event_no_voice_noise_and_health(
    entry: str, discord_stand_in: DiscordStandIn, db_path: Path, tmp_path: Path
) -> None:
    fresh = entry == "python -m bot"  # this one starts on a new database: the sample corpus is built first
    if not fresh:  # and this one meets a warning that must still be printed, once
        discord_stand_in.scenario.application.privileged_intents &= ~INTENT_MESSAGE_CONTENT
    env = bot_env(discord_stand_in, tmp_path / "new.db" if fresh else db_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable, *ENTRY_POINTS[entry], cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    running = Running(process)
    try:
        await running.wait_for("ready as user")
        for _ in range(20):  # the status is written just after the ready line (a HEALTHCHECK's start period)
            healthy, report = await doctor(env, "--health", cwd=tmp_path)
            if healthy == 0:
                break
            await asyncio.sleep(0.2)
        assert healthy == 0 and report.startswith("ok") and "connected to Discord" in report, report
    finally:
        if process.returncode is None:
            code = await running.stop()
    assert code == 0, "\n".join(running.lines)
    output = "\n".join(running.lines)
    assert "voice will NOT be supported" not in output and "PyNaCl" not in output and "davey" not in output
    records = [match.groups() for line in running.lines if (match := LOG_LINE.search(line))]
    events = Counter(records)
    assert events[("bot.client", f"ready as user {discord_stand_in.scenario.bot.id} in 2 servers")] == 1, output
    assert ("bot.launcher", "received SIGTERM; shutting down") in events, output
    built = [event for event in events if event[1].startswith("built the sample database")]
    assert len(built) == (1 if fresh else 0), output
    refused = [event for event in events if event[1].startswith("the Message Content intent is not enabled")]
    assert len(refused) == (0 if fresh else 1), output
    assert len(events) >= 5, output  # discord.py's own lines (login, shard connected) are there too
    # A second handler prints each record again right after the first (in its own format).
    repeated = [first for first, second in pairwise(records) if first == second]
    assert not repeated, f"printed more than once: {repeated}\n{output}"
    assert len(running.lines) == len(records), f"a line that is not one log record:\n{output}"
    unhealthy, report = await doctor(env, "--health", cwd=tmp_path)
    assert unhealthy == 1 and report.startswith("FAIL") and "not connected" in report, report
