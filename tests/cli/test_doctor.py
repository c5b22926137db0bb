"""`factbot doctor`: one line per check, exit 1 when any fails, the token never shown."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO_ROOT, clean_env
from tests.loopback import INTENT_MESSAGE_CONTENT, DiscordStandIn

STATUSES = ("ok", "FAIL", "skip")


def doctor(*args: str, cwd: Path, db: Path | str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`factbot [--db DB] doctor ARGS` as a subprocess with a clean environment (plus ``env``)."""
    where = ["--db", str(db)] if db is not None else []
    return subprocess.run([sys.executable, "-m", "cli.main", *where, "doctor", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=clean_env(REPO_ROOT) | (env or {}))


def checks(result: subprocess.CompletedProcess[str]) -> dict[str, tuple[str, str]]:
    """{check name: (status, detail)}; asserts every line is one check."""
    found = {}
    for line in result.stdout.splitlines():
        status, name, detail = line.split(None, 2)
        assert status in STATUSES, line
        found[name] = (status, detail)
    return found


def test_a_healthy_offline_install_and_a_missing_database(tmp_path: Path, sample_db_template: Path) -> None:
    missing = doctor(cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr == ""
    assert checks(missing)["database"][0] == "FAIL" and "no database at factbot.db" in missing.stdout
    assert not (tmp_path / "factbot.db").exists()  # the doctor never creates or changes a database
    found = checks(doctor(cwd=tmp_path, db=sample_db_template))
    assert [name for name, (status, _) in found.items() if status == "FAIL"] == []
    assert list(found) == ["settings", "database", "schema", "integrity", "contents", "token", "intents", "discord"]
    assert "(current)" in found["schema"][1] and "1 document, 22 facts" in found["contents"][1]
    assert found["token"][0] == found["discord"][0] == "skip"
    assert "GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT" in found["intents"][1]


def test_bad_settings_and_a_file_that_is_not_a_database_fail(tmp_path: Path) -> None:
    bad = doctor(cwd=tmp_path, env={"FACTBOT_MIN_CONFIDENCE": "high"})
    assert bad.returncode == 1
    assert checks(bad) == {"settings": ("FAIL", "FACTBOT_MIN_CONFIDENCE='high': must be a number")}
    (tmp_path / "notes.txt").write_text("shopping list")
    notes = doctor(cwd=tmp_path, db="notes.txt")
    assert notes.returncode == 1 and "not an SQLite file" in checks(notes)["database"][1]
    assert (tmp_path / "notes.txt").read_text() == "shopping list"


async def test_with_a_token_discord_is_asked_and_the_token_never_shown(
    discord_stand_in: DiscordStandIn, sample_db_template: Path, tmp_path: Path
) -> None:
    token = discord_stand_in.scenario.token
    env = discord_stand_in.env() | {"DISCORD_TOKEN": token, "FACTBOT_DB": str(sample_db_template)}
    accepted = await asyncio.to_thread(doctor, cwd=tmp_path, env=env)
    assert accepted.returncode == 0, accepted.stdout
    found = checks(accepted)
    assert found["token"][0] == "ok" and "never shown" in found["token"][1]
    assert found["discord"] == ("ok", f"Discord accepts the token: bot user {discord_stand_in.scenario.bot.username} "
                                      f"(id {discord_stand_in.scenario.bot.id})")
    assert found["portal"] == ("ok", "the Message Content intent is enabled for the application")
    assert [r.path for r in discord_stand_in.requests] == ["/users/@me", "/oauth2/applications/@me"]

    discord_stand_in.scenario.application.privileged_intents &= ~INTENT_MESSAGE_CONTENT
    wrong = token[:-6] + "abcdef"
    rejected = await asyncio.to_thread(doctor, cwd=tmp_path, env=env | {"DISCORD_TOKEN": wrong})
    assert rejected.returncode == 1 and "Discord rejected the token" in checks(rejected)["discord"][1]
    content_off = await asyncio.to_thread(doctor, cwd=tmp_path, env=env)
    assert content_off.returncode == 0 and "Message Content intent is off" in checks(content_off)["portal"][1]
    for run, secret in ((accepted, token), (rejected, wrong), (content_off, token)):
        output = run.stdout + run.stderr
        assert secret not in output and secret.split(".")[-1] not in output and secret.split(".")[0] not in output
