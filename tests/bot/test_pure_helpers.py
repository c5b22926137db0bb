"""Small pure helpers: error messages, question detection, command sync state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
from discord import app_commands

from bot.checks import MODERATOR_REQUIRED, ModeratorRequired
from bot.cogs.channel_questions import looks_like_question, strip_mentions
from bot.replies import user_message
from bot.sync import payload_hash, state_path, sync_commands
from facts.errors import FactNotFound


def test_factbot_errors_show_their_own_message():
    error = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    original = FactNotFound("No fact #9 here.")
    error.original = original
    error.__cause__ = original
    assert user_message(error) == "No fact #9 here."


def test_unexpected_errors_have_no_user_message():
    original = RuntimeError("secret internals /path/to/db")
    error = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    error.original = original
    error.__cause__ = original
    assert user_message(error) is None


def test_check_failures_and_cooldowns_are_polite():
    assert user_message(ModeratorRequired()) == MODERATOR_REQUIRED
    cooldown = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 3), 2.4)
    assert "2 seconds" in user_message(cooldown)
    assert user_message(app_commands.NoPrivateMessage()) == "This command only works in a server."


def test_question_detection():
    assert looks_like_question("who sent troops to Kursk?")
    assert looks_like_question("When did the troops arrive in Kursk")
    assert looks_like_question("who's the pentagon spokesperson")
    assert not looks_like_question("lol")
    assert not looks_like_question("I think the weather is nice today.")
    assert not looks_like_question("?" * 600)


def test_strip_mentions():
    assert strip_mentions("<@123> who is <@!123> here?", 123) == "who is here?"
    assert strip_mentions("<@1234> hi", 123) == "<@1234> hi"


def _tree() -> app_commands.CommandTree:
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None: ...

    return tree


def test_payload_hash_is_stable_and_changes_with_commands():
    tree = _tree()
    first = payload_hash(tree)
    assert first == payload_hash(tree)

    @tree.command(name="pong", description="Pong")
    async def pong(interaction: discord.Interaction) -> None: ...

    assert payload_hash(tree) != first


def test_sync_only_when_changed(tmp_path: Path):
    tree = _tree()
    calls: list[object] = []

    async def fake_sync(*, guild=None):
        calls.append(guild)
        return []

    tree.sync = fake_sync  # type: ignore[method-assign]
    state = state_path(tmp_path / "f.db")
    assert state.name == "f.db.commands.json"

    async def run() -> list[bool]:
        return [
            await sync_commands(tree, application_id=1, dev_guild_id=None, state_file=state),
            await sync_commands(tree, application_id=1, dev_guild_id=None, state_file=state),
            await sync_commands(tree, application_id=1, dev_guild_id=55, state_file=state),
        ]

    assert asyncio.run(run()) == [True, False, True]
    assert calls[0] is None and calls[1].id == 55
