"""Reliability through the real client: bursts and cooldowns, concurrent edits, REST and gateway faults,
another program's database lock, hostile long content, and the token kept out of every log."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot import launcher
from bot.bridge import EngineBridge
from bot.client import FactBot
from config.settings import Secret, Settings
from tests.bot.conftest import CONFIDENT_QUESTION, UNKNOWN_QUESTION, assert_no_pings, bot_messages, make_bot
from tests.fuzzing import injected
from tests.loopback import DiscordStandIn, Upload, text_of

CHANNEL_MESSAGES = "/channels/{channel_id}/messages"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
NOTICE = "Easy there"


def replies_to(stand_in: DiscordStandIn, channel: object) -> dict[str, list[dict]]:
    """The bot's replies in ``channel``, by the id of the message each replies to."""
    out: dict[str, list[dict]] = {}
    for message in bot_messages(stand_in, channel):
        reference = (message.get("message_reference") or {}).get("message_id")
        if reference:
            out.setdefault(reference, []).append(message)
    return out


async def settle(seconds: float = 0.5) -> None:
    await asyncio.sleep(seconds)


# -- bursts and cooldowns ------------------------------------------------------------------------
async def test_a_burst_of_100_mentions_gets_one_answer_and_one_polite_notice(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, ask_cooldown_seconds=30))):
        text = f"{discord_stand_in.scenario.bot.mention} {CONFIDENT_QUESTION}"
        sent = [await discord_stand_in.send_message("member", "a/general", text) for _ in range(100)]
        await sent[0].reply()
        await settle()
        replies = [m for ms in replies_to(discord_stand_in, "a/general").values() for m in ms]
        answers = [m for m in replies if "Fact #" in text_of(m)]
        notices = [m for m in replies if m["content"].startswith(NOTICE)]
        assert (len(answers), len(notices), len(replies)) == (1, 1, 2)
        # Another person is not held back by the first one's cooldown.
        other = await discord_stand_in.send_message("owner", "a/general", text)
        assert "Fact #" in text_of(await other.reply())
    assert_no_pings(discord_stand_in)


async def test_a_burst_of_100_asks_gets_one_public_answer_and_private_notices(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, ask_cooldown_seconds=30))):
        handles = [await discord_stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user="member",
                                                        channel="a/general") for _ in range(100)]
        messages = [await h.response_message() for h in handles]
        public = [m for h, m in zip(handles, messages, strict=True) if not h.is_ephemeral()]
        assert len(public) == 1 and "Fact #" in text_of(public[0])
        # Discord needs an answer to every slash command: the rest get a private note only the asker sees.
        assert all(m["content"].startswith(NOTICE) for h, m in zip(handles, messages, strict=True)
                   if h.is_ephemeral())
    assert_no_pings(discord_stand_in)


async def test_a_busy_auto_answer_channel_gets_one_answer_per_cooldown(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    general = discord_stand_in.scenario.channel("a/general")
    settings = replace(bot_settings, channel_cooldown_seconds=30, auto_confidence=0.0,
                       answer_channel_ids=frozenset({general.id}))
    async with discord_stand_in.run_bot(make_bot(settings)):
        for n in range(100):
            await discord_stand_in.send_message(("member", "owner", "moderator")[n % 3], general, CONFIDENT_QUESTION)
        await discord_stand_in.wait_for_message(general, timeout=10)
        await settle(1.0)
        assert len(bot_messages(discord_stand_in, general)) == 1


# -- concurrent edits through Discord ------------------------------------------------------------
async def test_two_moderators_editing_at_once_one_is_told_it_changed(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    shown = await discord_stand_in.slash_command("fact", {"id": 1}, user="manager", channel="a/general")
    assert "version 1" in text_of(await shown.response_message())
    edits = [
        await discord_stand_in.slash_command(
            "factmod edit", {"id": 1, "text": f"Moderator {who} corrected the first fact.", "reason": "Fix",
                             "version": 1}, user=who, channel="a/general")
        for who in ("manager", "admin")
    ]
    texts = sorted([text_of(await h.response_message()) for h in edits])
    assert all(h.is_ephemeral() for h in edits)
    assert "changed while you were editing" in texts[0] and "edited in this server" in texts[1], texts
    guild_id = discord_stand_in.scenario.guild("a").id
    history = await factbot.bridge.run(lambda s: s.history(1, guild_id=guild_id))
    assert sorted(e.action for e in history) == ["conflict", "edit"]
    fact = await factbot.bridge.run(lambda s: s.get_fact(1, guild_id=guild_id))
    assert fact.text == next(e.after for e in history if e.action == "edit")


# -- REST and gateway faults -----------------------------------------------------------------------
async def test_gateway_drop_mid_burst_with_429_and_500_answers_every_question_once(
    discord_stand_in: DiscordStandIn, factbot: FactBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    general = discord_stand_in.scenario.channel("a/general")
    question = f"{discord_stand_in.scenario.bot.mention} {CONFIDENT_QUESTION}"
    discord_stand_in.rate_limit("POST", CHANNEL_MESSAGES, times=3, params={"channel_id": general.id})
    discord_stand_in.server_error("POST", CHANNEL_MESSAGES, times=2, params={"channel_id": general.id})
    discord_stand_in.rate_limit("POST", CALLBACK, times=2)
    injected("REST 429 on the reply routes", 5)
    injected("REST 500 on the reply routes", 2)
    sent = [await discord_stand_in.send_message("member", general, question) for _ in range(6)]
    asked = await discord_stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user="owner",
                                                 channel=general)
    assert await discord_stand_in.drop_gateway(code=None) == 1
    injected("gateway closed mid-burst")
    sent += [await discord_stand_in.send_message("member", general, question) for _ in range(6)]
    await discord_stand_in.wait_for_resume()
    assert "Fact #" in text_of(await asked.response_message(timeout=15))

    async def all_answered() -> None:
        while len(replies_to(discord_stand_in, general)) < len(sent):
            await asyncio.sleep(0.05)

    await asyncio.wait_for(all_answered(), 30)
    await settle()
    replies = replies_to(discord_stand_in, general)
    assert {str(m.id) for m in sent} == set(replies)
    assert all(len(ms) == 1 and "Fact #" in text_of(ms[0]) for ms in replies.values())
    logged = caplog.text.lower()
    assert "rate limit" in logged  # discord.py says it waited
    # Recovered without a restart: a new question still gets its answer.
    after = await discord_stand_in.send_message("member", general, question)
    assert "Fact #" in text_of(await after.reply())


async def test_another_programs_database_lock_is_survived_and_explained(
    discord_stand_in: DiscordStandIn, bot_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    def open_service():
        from facts.service import FactService

        return FactService(bot_settings.db_path, busy_timeout=0.5)

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute(\"insert into meta values ('lock', 'held')\")\n"
         "print('LOCKED', flush=True); sys.stdin.readline(); c.execute('ROLLBACK')", str(bot_settings.db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        async with discord_stand_in.run_bot(FactBot(bot_settings, EngineBridge(open_service))) as bot:
            assert holder.stdout is not None
            assert await asyncio.to_thread(holder.stdout.readline) == "LOCKED\n"
            injected("database write lock held by another process (bot)")
            asked = await discord_stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user="member",
                                                         channel="a/general")
            assert "Fact #" in text_of(await asked.response_message())
            unknown = await discord_stand_in.slash_command("ask", {"question": UNKNOWN_QUESTION}, user="member",
                                                           channel="a/general")
            assert "Not in my sources" in text_of(await unknown.response_message())  # recording it failed: logged
            refused = await discord_stand_in.slash_command(
                "factmod retract", {"id": 1, "reason": "while locked"}, user="manager", channel="a/general")
            message = await refused.response_message()
            assert refused.is_ephemeral() and "busy" in message["content"] and "Nothing was changed" in message[
                "content"]
            assert "database is locked" in caplog.text
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            await asyncio.to_thread(holder.wait, 30)
            retried = await discord_stand_in.slash_command(
                "factmod retract", {"id": 1, "reason": "after the lock"}, user="manager", channel="a/general")
            assert "retracted in this server" in (await retried.response_message())["content"]
            guild_id = discord_stand_in.scenario.guild("a").id
            assert [e.action for e in await bot.bridge.run(lambda s: s.history(1, guild_id=guild_id))] == ["retract"]
    finally:
        if holder.poll() is None:
            holder.kill()
    assert_no_pings(discord_stand_in)


# -- hostile, long content -------------------------------------------------------------------------
HOSTILE = ("@everyone @here <@&1> <@1> **bold** __u__ ||spoiler|| `code` [link](https://example.org) "
           "\u202e\u200d 👨\u200d👩\u200d👧 e\u0301 ")


async def test_hostile_and_very_long_facts_and_questions_stay_within_discords_limits(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    long_sentence = "The harbour council said " + ", and ".join(
        f"{HOSTILE}clause {n} about the Riverton harbour summit" for n in range(120)) + " on 12 May."
    body = f"---\ntitle: {HOSTILE * 8}\npublished: 2024-11-20\nurl: https://example.org/{'x' * 600}\n---\n"
    body += long_sentence + "\n\n" + "The summit moved to Riverton harbour because of the strike.\n"
    ingest = await discord_stand_in.slash_command(
        "factmod ingest", {"file": Upload("hostile.md", body.encode(), "text/markdown")}, user="owner",
        channel="a/general")
    assert "Ingested" in text_of(await ingest.response_message())
    add = await discord_stand_in.slash_command(
        "factmod add", {"text": ((HOSTILE + "Riverton harbour summit. ") * 12)[:1000], "source": (HOSTILE * 3)[:300]},
        user="manager", channel="a/general")
    assert "added" in text_of(await add.response_message())
    for command, options in [
        ("ask", {"question": (HOSTILE + "Riverton harbour summit clause? ")[:300]}),
        ("ask", {"question": "what did the harbour council say about the riverton harbour summit clause 7"}),
        ("sources", {}), ("timeline", {"about": ("harbour summit " + HOSTILE)[:100]}), ("fact", {"id": 23}),
    ]:
        handle = await discord_stand_in.slash_command(command, options, user="member", channel="a/general")
        assert text_of(await handle.response_message())
    mention = await discord_stand_in.send_message(
        "member", "a/general", (discord_stand_in.scenario.bot.mention + " " + HOSTILE * 40)[:2000])
    assert await mention.reply()
    # The stand-in has checked every request against the spec and the limits (the fixture fails on any
    # violation); no message may ping anyone.
    assert_no_pings(discord_stand_in)


# -- the token -------------------------------------------------------------------------------------
async def test_the_token_never_reaches_logs_or_the_console(
    discord_stand_in: DiscordStandIn, bot_settings: Settings, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    token = discord_stand_in.scenario.token
    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, discord_token=Secret(token))), token=token):
        handle = await discord_stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user="member",
                                                      channel="a/general")
        await handle.response_message()
    wrong = token[:-6] + "abcdef"
    code = await launcher.run_async(replace(bot_settings, discord_token=Secret(wrong)),
                                    bridge_factory=lambda s: make_bot(s).bridge)
    assert code == launcher.EXIT_CONFIG
    injected("failed login (rejected token)")
    captured = capsys.readouterr()
    for secret in (token, wrong, token.split(".")[-1]):
        assert secret not in caplog.text
        assert all(secret not in str(record.args) for record in caplog.records)
        assert secret not in captured.out and secret not in captured.err
    assert token not in repr(replace(bot_settings, discord_token=Secret(token)))
    # And the console: `factbot run` with a token it cannot use says so without showing it.
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "DISCORD_TOKEN": wrong,
           "FACTBOT_DISCORD_API_URL": discord_stand_in.api_url, "FACTBOT_DISCORD_GATEWAY_URL":
           discord_stand_in.gateway_url, "FACTBOT_LOG_LEVEL": "DEBUG", "PATH": "/usr/bin:/bin"}
    run = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli.main", "--db", "t.db", "run"],
                                  cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == launcher.EXIT_CONFIG, run.stderr[-2000:]
    assert wrong not in run.stdout + run.stderr and wrong.split(".")[-1] not in run.stderr
