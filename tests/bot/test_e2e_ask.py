"""/ask, autocomplete, sync and feedback buttons through the real client and the loopback Discord."""

from __future__ import annotations

import asyncio

from bot.client import FactBot
from tests.bot.conftest import (
    CONFIDENT_QUESTION,
    UNKNOWN_QUESTION,
    custom_ids,
    embed_of,
    make_bot,
)
from tests.loopback import DiscordStandIn, text_of

EXPECTED = {"ask", "sources", "fact", "timeline", "factmod"}
FACTMOD_SUBCOMMANDS = {"add", "edit", "retract", "restore", "history", "review", "ingest", "autoanswer", "alias",
                       "document"}


def _described(option: dict) -> None:
    assert option.get("description"), option
    for child in option.get("options") or []:
        _described(child)


async def test_start_up_syncs_described_commands_once(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    async with discord_stand_in.run_bot(make_bot(bot_settings)) as bot:
        assert bot.synced_commands is True
    commands = {c["name"]: c for c in discord_stand_in.synced_commands()}
    assert set(commands) == EXPECTED
    for command in commands.values():
        _described(command)
    factmod = commands["factmod"]
    assert factmod["default_member_permissions"] == "8192"  # Manage Messages
    assert factmod.get("dm_permission") is False or factmod.get("contexts") == [0]
    assert {o["name"] for o in factmod["options"]} == FACTMOD_SUBCOMMANDS
    ask = commands["ask"]["options"][0]
    assert ask["name"] == "question" and ask["autocomplete"] and ask["max_length"] == 300
    assert commands["ask"].get("default_member_permissions") is None

    # A restart with the same commands makes no sync request.
    mark = discord_stand_in.mark()
    async with discord_stand_in.run_bot(make_bot(bot_settings)) as again:
        assert again.synced_commands is False
    assert not [r for r in discord_stand_in.requests[mark:] if r.method == "PUT" and "/commands" in r.path]


async def test_dev_guild_sync(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    from dataclasses import replace

    guild = discord_stand_in.scenario.guild("a")
    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, dev_guild_id=guild.id))):
        pass
    assert {c["name"] for c in discord_stand_in.synced_commands("a")} == EXPECTED
    assert discord_stand_in.synced_commands() == []


async def test_ask_answers_publicly_with_a_sourced_embed(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    handle = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
    )
    message = await handle.response_message()
    assert not handle.is_ephemeral()
    embed = embed_of(message)
    assert "**" in embed["description"]
    assert embed["footer"]["text"].startswith("Fact #")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "paragraph" in fields["Source"] and fields["Confidence"].endswith("%")
    fact_id = int(embed["footer"]["text"].removeprefix("Fact #"))
    assert custom_ids(message) == [f"factbot:fb:helpful:{fact_id}", f"factbot:fb:wrong:{fact_id}"]


async def test_ask_abstains_privately_and_records_the_question(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    handle = await discord_stand_in.slash_command(
        "ask", {"question": UNKNOWN_QUESTION}, user="member", channel="a/general"
    )
    message = await handle.response_message()
    assert handle.is_ephemeral()
    assert "Not in my sources" in text_of(message)
    assert not custom_ids(message)
    guild_id = discord_stand_in.scenario.guild("a").id
    queue = await factbot.bridge.run(lambda s: s.review_queue(guild_id=guild_id))
    assert [item.question for item in queue if item.kind != "wrong_answer"] == [UNKNOWN_QUESTION]


async def test_ask_in_a_dm_uses_the_shared_corpus(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    handle = await discord_stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user="stranger")
    assert "Fact #" in text_of(await handle.response_message())


async def test_autocomplete_offers_at_most_25_short_choices(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    handle = await discord_stand_in.autocomplete(
        "ask", {"question": "north"}, focused="question", user="member", channel="a/general"
    )
    choices = await handle.autocomplete_choices()
    assert 0 < len(choices) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_ask_cooldown_is_polite(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    from dataclasses import replace

    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, ask_cooldown_seconds=60))):
        first = await discord_stand_in.slash_command(
            "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
        )
        await first.response_message()
        second = await discord_stand_in.slash_command(
            "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
        )
        message = await second.response_message()
        assert second.is_ephemeral() and "again in" in message["content"]
        other = await discord_stand_in.slash_command(
            "ask", {"question": CONFIDENT_QUESTION}, user="owner", channel="a/general"
        )
        assert not other.is_ephemeral() or "Fact #" in text_of(await other.response_message())


async def test_wrong_answer_button_reaches_the_review_queue(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    handle = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
    )
    message = await handle.response_message()
    wrong = next(c for c in custom_ids(message) if ":wrong:" in c)
    fact_id = int(wrong.rsplit(":", 1)[1])

    click = await discord_stand_in.click_button(message, wrong, user="member")
    ack = await click.response_message()
    assert click.is_ephemeral() and "review" in ack["content"]
    guild_id = discord_stand_in.scenario.guild("a").id
    queue = await factbot.bridge.run(lambda s: s.review_queue(guild_id=guild_id))
    reports = [item for item in queue if item.fact_id == fact_id]
    assert reports and reports[0].question == CONFIDENT_QUESTION

    helpful = await discord_stand_in.click_button(message, f"factbot:fb:helpful:{fact_id}", user="owner")
    assert "Thanks" in (await helpful.response_message())["content"]


async def test_feedback_buttons_work_after_a_restart(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    async with discord_stand_in.run_bot(make_bot(bot_settings)):
        handle = await discord_stand_in.slash_command(
            "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
        )
        message = await handle.response_message()
    await asyncio.sleep(0)
    async with discord_stand_in.run_bot(make_bot(bot_settings)) as bot:
        wrong = next(c for c in custom_ids(message) if ":wrong:" in c)
        click = await discord_stand_in.click_button(message, wrong, user="member")
        assert "review" in (await click.response_message())["content"]
        guild_id = discord_stand_in.scenario.guild("a").id
        assert await bot.bridge.run(lambda s: s.review_queue(guild_id=guild_id))


async def test_browse_commands(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    sources = await discord_stand_in.slash_command("sources", user="member", channel="a/general")
    assert "fact" in text_of(await sources.response_message())

    fact = await discord_stand_in.slash_command("fact", {"id": 1}, user="member", channel="a/general")
    assert "Fact #1" in text_of(await fact.response_message())

    missing = await discord_stand_in.slash_command("fact", {"id": 999999}, user="member", channel="a/general")
    missing_message = await missing.response_message()
    assert missing.is_ephemeral() and "went wrong" not in missing_message["content"]

    timeline = await discord_stand_in.slash_command("timeline", user="member", channel="a/general")
    first = await timeline.response_message()
    assert "Page 1 of" in text_of(first)
    buttons = [c for row in first["components"] for c in row["components"]]
    assert buttons[0]["disabled"] is True  # Previous, on page 1
    page_two = await discord_stand_in.click_button(first, buttons[1]["custom_id"], user="member")
    assert "Page 2 of" in text_of(await page_two.response_message())


async def test_slow_engine_defers_then_follows_up(
    discord_stand_in: DiscordStandIn, factbot: FactBot, monkeypatch
) -> None:
    import bot.cogs.ask as ask_module

    monkeypatch.setattr(ask_module, "RESPOND_WITHIN", 0.0)
    handle = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
    )
    message = await handle.response_message()
    assert handle.callback_type == 5
    assert "Fact #" in text_of(message)
    unknown = await discord_stand_in.slash_command(
        "ask", {"question": UNKNOWN_QUESTION}, user="member", channel="a/general"
    )
    assert "Not in my sources" in text_of(await unknown.response_message())


async def test_two_shards_answer_in_both_servers(discord_stand_in: DiscordStandIn, bot_settings) -> None:
    from dataclasses import replace

    async with discord_stand_in.run_bot(make_bot(replace(bot_settings, shard_count=2))) as bot:
        assert bot.shard_count == 2
        for channel, user in (("a/general", "member"), ("b/general", "b_member")):
            handle = await discord_stand_in.slash_command(
                "ask", {"question": CONFIDENT_QUESTION}, user=user, channel=channel
            )
            assert "Fact #" in text_of(await handle.response_message())
        assert {s.shard_id for s in discord_stand_in.gateway.live_sessions()} == {0, 1}
