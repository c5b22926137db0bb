"""Questions in messages: mentions, DMs, auto-answer channels, pings, duplicates, faults."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.client import FactBot
from tests.bot.conftest import (
    CONFIDENT_QUESTION,
    UNKNOWN_QUESTION,
    assert_no_pings,
    bot_messages,
    custom_ids,
    embed_of,
    make_bot,
)
from tests.loopback import INTENT_MESSAGE_CONTENT, DiscordStandIn, text_of

CHANNEL_MESSAGES = "/channels/{channel_id}/messages"


def replies(stand_in: DiscordStandIn, channel: object) -> list[dict]:
    """The bot's replies to messages in ``channel`` (not interaction responses)."""
    return [m for m in bot_messages(stand_in, channel) if m.get("message_reference")]


async def test_mention_gets_a_reply_to_the_message(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    bot_user = discord_stand_in.scenario.bot
    sent = await discord_stand_in.send_message("member", "a/general", f"{bot_user.mention} {CONFIDENT_QUESTION}")
    reply = await sent.reply()
    assert reply["message_reference"]["message_id"] == str(sent.id)
    assert embed_of(reply)["footer"]["text"].startswith("Fact #")
    assert any(":wrong:" in c for c in custom_ids(reply))
    request = next(r for r in discord_stand_in.requests if r.method == "POST" and r.route == CHANNEL_MESSAGES)
    assert request.json["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_mention_without_a_question_gets_a_hint(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    sent = await discord_stand_in.send_message("member", "a/general", discord_stand_in.scenario.bot.mention)
    assert "/ask" in (await sent.reply())["content"]


async def test_dm_question_and_abstention(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    sent = await discord_stand_in.send_dm("stranger", CONFIDENT_QUESTION)
    assert "Fact #" in text_of(await sent.reply())
    unknown = await discord_stand_in.send_dm("stranger", UNKNOWN_QUESTION)
    assert "Not in my sources" in text_of(await unknown.reply())


async def test_everyone_and_role_mentions_in_a_question_ping_nobody(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    scenario = discord_stand_in.scenario
    role = scenario.guild("a").role("Moderators")
    content = f"{scenario.bot.mention} @everyone {role.mention} <@{scenario.user('owner').id}> {UNKNOWN_QUESTION}"
    sent = await discord_stand_in.send_message(
        "member", "a/general", content, mention_everyone=True, mention_roles=[role], mentions=[scenario.bot]
    )
    reply = await sent.reply()
    assert "@everyone" not in text_of(reply).replace("@\u200beveryone", "")
    assert_no_pings(discord_stand_in)


async def _auto_channel(stand_in: DiscordStandIn, bot: FactBot) -> int:
    general = stand_in.scenario.channel("a/general")
    handle = await stand_in.slash_command(
        "factmod autoanswer", {"channel": general, "enabled": True}, user="manager", channel="a/general"
    )
    assert "now on" in (await handle.response_message())["content"]
    return general.id


async def test_unprompted_answers_only_above_the_threshold(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    await _auto_channel(discord_stand_in, factbot)
    guild_id = discord_stand_in.scenario.guild("a").id
    answer = await factbot.bridge.run(lambda s: s.ask(CONFIDENT_QUESTION, guild_id=guild_id))
    assert answer.answered

    # Below the threshold: silence.
    factbot.settings = replace(factbot.settings, auto_confidence=min(answer.confidence + 0.01, 1.01))
    quiet = await discord_stand_in.send_message("member", "a/general", CONFIDENT_QUESTION)
    with pytest.raises(TimeoutError):
        await quiet.reply(timeout=0.5)
    # Not a question, unknown question: silence.
    chat = await discord_stand_in.send_message("member", "a/general", "nice weather today everyone")
    unknown = await discord_stand_in.send_message("member", "a/general", UNKNOWN_QUESTION)
    with pytest.raises(TimeoutError):
        await unknown.reply(timeout=0.5)
    assert chat.delivered

    # At or above the threshold: a reply to the asking message.
    factbot.settings = replace(factbot.settings, auto_confidence=max(answer.confidence - 0.01, 0.0))
    loud = await discord_stand_in.send_message("member", "a/general", CONFIDENT_QUESTION)
    reply = await loud.reply()
    assert reply["message_reference"]["message_id"] == str(loud.id)
    assert len(replies(discord_stand_in, "a/general")) == 1


async def test_unprompted_answers_respect_the_channel_cooldown(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    settings = replace(
        bot_settings,
        channel_cooldown_seconds=60,
        auto_confidence=0.0,
        answer_channel_ids=frozenset({discord_stand_in.scenario.channel("a/general").id}),
    )
    async with discord_stand_in.run_bot(make_bot(settings)):
        first = await discord_stand_in.send_message("member", "a/general", CONFIDENT_QUESTION)
        await first.reply()
        second = await discord_stand_in.send_message("owner", "a/general", CONFIDENT_QUESTION)
        with pytest.raises(TimeoutError):
            await second.reply(timeout=0.5)
        # A mention is prompted: the channel cooldown does not apply.
        bot_user = discord_stand_in.scenario.bot
        mention = await discord_stand_in.send_message("owner", "a/general", f"{bot_user.mention} {CONFIDENT_QUESTION}")
        await mention.reply()


async def test_bots_webhooks_and_duplicates_are_ignored(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    bot_user = discord_stand_in.scenario.bot
    text = f"{bot_user.mention} {CONFIDENT_QUESTION}"
    other_bot = await discord_stand_in.send_message("other_bot", "a/general", text)
    hook = await discord_stand_in.send_message("member", "a/general", text, webhook_id=4242)
    with pytest.raises(TimeoutError):
        await other_bot.reply(timeout=0.4)
    assert hook.delivered
    # The same MESSAGE_CREATE delivered twice is answered once.
    sent = await discord_stand_in.send_message("member", "a/general", text)
    await sent.reply()
    cached = next(m for m in factbot.cached_messages if m.id == sent.id)
    factbot.dispatch("message", cached)
    await asyncio.sleep(0.3)
    assert len(replies(discord_stand_in, "a/general")) == 1


async def test_without_message_content_mentions_and_dms_still_work(
    discord_stand_in: DiscordStandIn, bot_settings
) -> None:
    discord_stand_in.scenario.application.privileged_intents &= ~INTENT_MESSAGE_CONTENT
    async with discord_stand_in.run_bot(make_bot(bot_settings, message_content=False)):
        bot_user = discord_stand_in.scenario.bot
        sent = await discord_stand_in.send_message("member", "a/general", f"{bot_user.mention} {CONFIDENT_QUESTION}")
        assert "Fact #" in text_of(await sent.reply())
        dm = await discord_stand_in.send_dm("stranger", CONFIDENT_QUESTION)
        assert "Fact #" in text_of(await dm.reply())
        handle = await discord_stand_in.slash_command(
            "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
        )
        assert "Fact #" in text_of(await handle.response_message())


async def test_429_500_and_a_dropped_gateway_lose_no_answer(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    general = discord_stand_in.scenario.channel("a/general")
    bot_user = discord_stand_in.scenario.bot
    question = f"{bot_user.mention} {CONFIDENT_QUESTION}"
    discord_stand_in.server_error("POST", CHANNEL_MESSAGES, params={"channel_id": general.id})
    discord_stand_in.rate_limit("POST", CHANNEL_MESSAGES, params={"channel_id": general.id})
    sent = await discord_stand_in.send_message("member", general, question)
    assert "Fact #" in text_of(await sent.reply(timeout=10))

    discord_stand_in.rate_limit("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
    handle = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel=general
    )
    assert "Fact #" in text_of(await handle.response_message())

    assert await discord_stand_in.drop_gateway(code=None) == 1
    missed = await discord_stand_in.send_message("member", general, question)
    await discord_stand_in.wait_for_resume()
    assert "Fact #" in text_of(await missed.reply(timeout=10))
    assert len(replies(discord_stand_in, general)) == 2
