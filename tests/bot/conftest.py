"""End-to-end fixtures: the real bot, a real FactService on a temporary SQLite file, the loopback Discord."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.bridge import EngineBridge
from bot.client import FactBot
from config.settings import Settings
from tests.loopback import DiscordStandIn, Scenario

NO_PINGS = {"parse": []}


@pytest.fixture
def db_path(tmp_path: Path, sample_db_template: Path) -> Path:
    """A private copy of the sample database for one test."""
    target = tmp_path / "factbot.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(sample_db_template) + suffix)
        if source.exists():
            shutil.copy(source, Path(str(target) + suffix))
    return target


@pytest.fixture
def bot_settings(loopback_scenario: Scenario, db_path: Path) -> Settings:
    """Owner = the application owner, 'Moderators' of guild a as moderator role, mod-log as log channel."""
    guild = loopback_scenario.guild("a")
    return Settings(
        db_path=db_path,
        owner_ids=frozenset({loopback_scenario.user("owner").id}),
        moderator_role_ids=frozenset({guild.role("Moderators").id}),
        log_channel_id=guild.channel("mod-log").id,
        ask_cooldown_seconds=0,
        channel_cooldown_seconds=0,
    )


def make_bot(settings: Settings, **kwargs: Any) -> FactBot:
    """The production bot class over a real FactService opened on the bridge's thread."""

    def open_service():
        from facts.service import FactService

        return FactService(settings.db_path, min_confidence=settings.min_confidence)

    return FactBot(settings, EngineBridge(open_service), **kwargs)


@pytest.fixture
async def factbot(discord_stand_in: DiscordStandIn, bot_settings: Settings) -> AsyncIterator[FactBot]:
    """The bot, started against the stand-in and ready (commands synced in setup_hook)."""
    bot = make_bot(bot_settings)
    async with discord_stand_in.run_bot(bot):
        yield bot
    assert_no_pings(discord_stand_in)


def message_bodies(stand_in: DiscordStandIn) -> list[tuple[str, dict[str, Any]]]:
    """Every message body the bot sent: channel messages, interaction responses, followups, edits."""
    bodies = []
    for request in stand_in.requests:
        body = request.json
        if not isinstance(body, dict):
            continue
        if request.path.endswith("/callback"):
            data = body.get("data")
            if body.get("type") in (4, 7) and isinstance(data, dict):
                bodies.append((request.path, data))
        elif "/messages" in request.path and request.method in ("POST", "PATCH"):
            bodies.append((request.path, body))
    return bodies


def assert_no_pings(stand_in: DiscordStandIn) -> None:
    """Every message the bot sent disabled all mentions (and never pinged a replied-to author)."""
    for path, body in message_bodies(stand_in):
        allowed = body.get("allowed_mentions")
        assert allowed is not None, f"no allowed_mentions on {path}"
        assert allowed.get("parse") == [], f"mentions allowed on {path}: {allowed}"
        assert not allowed.get("users") and not allowed.get("roles"), path
        assert not allowed.get("replied_user"), path


def embed_of(message: dict[str, Any]) -> dict[str, Any]:
    """The first embed of a message."""
    assert message.get("embeds"), f"no embed in {message.get('content')!r}"
    return message["embeds"][0]


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Custom ids of every button in a message."""
    ids = []
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            if component.get("custom_id"):
                ids.append(component["custom_id"])
    return ids


def bot_messages(stand_in: DiscordStandIn, channel: Any) -> list[dict[str, Any]]:
    """Messages the bot itself posted in ``channel``."""
    bot_id = str(stand_in.scenario.bot.id)
    return [m for m in stand_in.messages_in(channel) if m["author"]["id"] == bot_id]


def open_factmod_to_everyone(stand_in: DiscordStandIn, guild: str | None = None) -> None:
    """What a server admin does under Integrations: let everyone see /factmod (the bot still checks)."""
    guild_id = None if guild is None else stand_in.scenario.guild(guild).id
    command = stand_in.world.find_command("factmod", guild_id)
    assert command is not None
    command["default_member_permissions"] = None


CONFIDENT_QUESTION = "who's the pentagon spox that said the US military has evidence of DPRK troops going to russia"
UNKNOWN_QUESTION = "What is the capital of Australia?"
