"""The launcher: token problems end in one clear line, signals shut down cleanly, the intent fallback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot import launcher
from config.settings import Secret, Settings
from tests.bot.conftest import CONFIDENT_QUESTION, make_bot
from tests.loopback import INTENT_MESSAGE_CONTENT, DiscordStandIn, text_of

REPO = Path(__file__).resolve().parents[2]
WRONG_TOKEN = "V3JvbmdUb2tlbldyb25nVG9rZW4.AbCdEf.V3JvbmdUb2tlbldyb25nVG9rZW5Xeg"


def _bridge(settings: Settings):
    return make_bot(settings).bridge


async def test_rejected_token_is_one_line_without_the_token(
    discord_stand_in: DiscordStandIn, bot_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = replace(bot_settings, discord_token=Secret(WRONG_TOKEN))
    code = await launcher.run_async(settings, bridge_factory=_bridge)
    err = capsys.readouterr().err
    assert code == launcher.EXIT_CONFIG
    assert err.count("\n") == 1 and "DISCORD_TOKEN" in err and ".env" in err
    assert WRONG_TOKEN not in err and "Traceback" not in err


def test_missing_token_and_bad_settings_exit_2_from_python_m_bot(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    env["PYTHONPATH"] = str(REPO)
    run = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2 and "DISCORD_TOKEN" in run.stderr and "Traceback" not in run.stderr
    env["DISCORD_TOKEN"] = "not-a-token"
    env["FACTBOT_MIN_CONFIDENCE"] = "7"
    run = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2 and "FACTBOT_MIN_CONFIDENCE" in run.stderr and "not-a-token" not in run.stderr


def test_run_bot_without_token_says_so() -> None:
    assert launcher.run_bot(Settings()) == launcher.EXIT_CONFIG


async def test_sigterm_closes_bot_and_database(discord_stand_in: DiscordStandIn, bot_settings: Settings) -> None:
    settings = replace(bot_settings, discord_token=Secret(discord_stand_in.scenario.token))
    bridges = []

    def factory(s: Settings):
        bridge = _bridge(s)
        bridges.append(bridge)
        return bridge

    task = asyncio.create_task(launcher.run_async(settings, bridge_factory=factory))
    await discord_stand_in.wait_for_identify(1)
    sent = await discord_stand_in.send_dm("stranger", CONFIDENT_QUESTION)
    assert "Fact #" in text_of(await sent.reply())
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 10) == launcher.EXIT_OK
    assert bridges and not bridges[0].started


async def test_without_the_message_content_intent_the_bot_carries_on(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    discord_stand_in.scenario.application.privileged_intents &= ~INTENT_MESSAGE_CONTENT
    settings = replace(bot_settings, discord_token=Secret(discord_stand_in.scenario.token))
    task = asyncio.create_task(launcher.run_async(settings, bridge_factory=_bridge))
    try:
        bot_user = discord_stand_in.scenario.bot
        for _ in range(100):
            if discord_stand_in.gateway.live_sessions():
                break
            await asyncio.sleep(0.05)
        sent = await discord_stand_in.send_message("member", "a/general", f"{bot_user.mention} {CONFIDENT_QUESTION}")
        assert "Fact #" in text_of(await sent.reply(timeout=10))
        identifies = [f.d["intents"] for f in discord_stand_in.frames if f.direction == "recv" and f.op == 2]
        assert len(identifies) == 2
        assert identifies[0] & INTENT_MESSAGE_CONTENT and not identifies[1] & INTENT_MESSAGE_CONTENT
    finally:
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(task, 10) == launcher.EXIT_OK
