"""The health signal Docker's HEALTHCHECK reads: connected while the gateway is up, not after close."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.health import MAX_AGE_SECONDS, health_path, read_health, write_status
from config.settings import Settings
from tests.bot.conftest import make_bot
from tests.loopback import DiscordStandIn, eventually


def _updated(path: Path) -> float:
    return float(json.loads(path.read_text())["updated"])


async def test_health_follows_the_connection(discord_stand_in: DiscordStandIn, bot_settings: Settings) -> None:
    path = health_path(bot_settings.db_path)
    assert not read_health(path).healthy  # before the first start: no status file
    async with discord_stand_in.run_bot(make_bot(bot_settings)):
        health = await eventually(lambda: read_health(path).healthy and read_health(path), what="healthy status")
        assert "connected to Discord (1 shard" in health.detail
        before = _updated(path)
        assert await discord_stand_in.drop_gateway(code=4000) == 1
        await discord_stand_in.wait_for_resume()
        await eventually(lambda: _updated(path) > before and read_health(path).healthy, what="status after resume")
    after = read_health(path)
    assert not after.healthy and "not connected" in after.detail


def test_a_stale_status_or_a_gone_process_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "factbot.db.status.json"
    write_status(path, connected=True, shards=1, since=None)
    assert read_health(path).healthy
    updated = _updated(path)
    stale = read_health(path, now=updated + MAX_AGE_SECONDS + 5)
    assert not stale.healthy and "stopped responding" in stale.detail
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    data = json.loads(path.read_text()) | {"pid": int(gone.stdout)}
    path.write_text(json.dumps(data))
    assert not read_health(path).healthy and "gone" in read_health(path).detail
    path.write_text("{not json")
    assert not read_health(path).healthy and "unreadable" in read_health(path).detail
    assert os.getpid() != int(gone.stdout)
