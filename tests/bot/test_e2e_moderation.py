"""/factmod: refused for plain members (even when a server shows it to them), accepted for moderators."""

from __future__ import annotations

from typing import Any

import pytest

from bot.checks import MODERATOR_REQUIRED, OWNER_REQUIRED
from bot.client import FactBot
from tests.bot.conftest import CONFIDENT_QUESTION, open_factmod_to_everyone
from tests.loopback import DiscordStandIn, InteractionRefused, Upload, text_of

DOCUMENT = b"""---
title: Harbour summit moved
published: 2024-11-20
---
The harbour summit between the two mayors was moved to 12 May because of the ferry strike.
Mayor Lina Voss said the new date gives both councils time to prepare.
"""


def _calls(stand_in: DiscordStandIn) -> dict[str, dict[str, Any]]:
    general = stand_in.scenario.channel("a/general")
    return {
        "add": {"text": "The harbour summit was moved to 12 May.", "source": "Council press release"},
        "edit": {"id": 1, "text": "An edited version of the first fact.", "reason": "Corrected figure"},
        "retract": {"id": 1, "reason": "Outlet withdrew it"},
        "restore": {"id": 1},
        "history": {"id": 1},
        "review": {},
        "ingest": {"file": Upload("summit.md", DOCUMENT, "text/markdown")},
        "autoanswer": {"channel": general, "enabled": True},
        "alias": {"term": "DPRK", "means": "North Korea"},
        "document": {"action": "retract", "id": 1, "reason": "Wrong file"},
    }


async def _state(bot: FactBot, guild_id: int) -> tuple:
    """Everything a /factmod command could change, as seen from guild a."""
    fact = await bot.bridge.run(lambda s: s.get_fact(1, guild_id=guild_id))
    history = await bot.bridge.run(lambda s: s.history(1, guild_id=guild_id))
    documents = await bot.bridge.run(lambda s: s.documents(guild_id=guild_id))
    channels = await bot.bridge.run(lambda s: s.auto_answer_channels(guild_id=guild_id))
    return fact, len(history), [(d.id, d.fact_count) for d in documents], channels


@pytest.mark.parametrize(
    "sub", ["add", "edit", "retract", "restore", "history", "review", "ingest", "autoanswer", "alias", "document"]
)
async def test_every_factmod_command_is_refused_for_a_plain_member(
    discord_stand_in: DiscordStandIn, factbot: FactBot, sub: str
) -> None:
    with pytest.raises(InteractionRefused):  # hidden by default member permissions
        await discord_stand_in.slash_command(
            f"factmod {sub}", _calls(discord_stand_in)[sub], user="member", channel="a/general"
        )
    open_factmod_to_everyone(discord_stand_in)  # a server admin overrides the default: the bot still checks
    guild_id = discord_stand_in.scenario.guild("a").id
    before = await _state(factbot, guild_id)
    handle = await discord_stand_in.slash_command(
        f"factmod {sub}", _calls(discord_stand_in)[sub], user="member", channel="a/general"
    )
    message = await handle.response_message()
    assert handle.is_ephemeral() and message["content"] == MODERATOR_REQUIRED
    assert await _state(factbot, guild_id) == before
    assert not discord_stand_in.downloads


@pytest.mark.parametrize("user", ["manager", "moderator", "admin", "owner"])
async def test_moderators_are_accepted(discord_stand_in: DiscordStandIn, factbot: FactBot, user: str) -> None:
    open_factmod_to_everyone(discord_stand_in)  # lets the role-only moderator see it
    handle = await discord_stand_in.slash_command("factmod history", {"id": 1}, user=user, channel="a/general")
    message = await handle.response_message()
    assert handle.is_ephemeral() and "History of fact #1" in text_of(message)


async def test_every_factmod_command_works_for_a_moderator(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    calls = _calls(discord_stand_in)
    for sub in ["add", "edit", "retract", "restore", "history", "alias", "autoanswer", "ingest", "document", "review"]:
        if sub == "document":  # the server's own document just ingested
            calls[sub]["id"] = await factbot.bridge.run(
                lambda s: s.db.execute("select max(id) from documents where name = 'summit.md'").fetchone()[0])
        handle = await discord_stand_in.slash_command(f"factmod {sub}", calls[sub], user="manager", channel="a/general")
        message = await handle.response_message()
        assert handle.is_ephemeral(), sub
        assert MODERATOR_REQUIRED not in text_of(message), sub
        assert "went wrong" not in text_of(message), (sub, text_of(message))
    assert discord_stand_in.downloads  # the attachment was fetched
    guild_id = discord_stand_in.scenario.guild("a").id
    history = await factbot.bridge.run(lambda s: s.history(1, guild_id=guild_id))
    manager_id = discord_stand_in.scenario.user("manager").id
    assert {e.actor for e in history if e.action != "ingest"} >= {f"discord:{manager_id}"}
    # Each change posted a note in the log channel, pinging nobody.
    notes = [m for m in discord_stand_in.messages_in("a/mod-log")]
    assert len(notes) >= 6


async def test_ingested_attachment_answers_in_that_server_only(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    handle = await discord_stand_in.slash_command(
        "factmod ingest",
        {"file": Upload("summit.md", DOCUMENT, "text/markdown"), "url": "https://example.org/s"},
        user="manager",
        channel="a/general",
    )
    assert "Ingested" in text_of(await handle.response_message())
    question = "When was the harbour summit moved to?"
    here = await discord_stand_in.slash_command("ask", {"question": question}, user="member", channel="a/general")
    assert "12 May" in text_of(await here.response_message())
    there = await discord_stand_in.slash_command("ask", {"question": question}, user="member", channel="b/general")
    assert "12 May" not in text_of(await there.response_message())


async def test_oversized_or_binary_attachments_are_refused(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    big = Upload("big.txt", b"A sentence about things. " * 30_000)
    handle = await discord_stand_in.slash_command("factmod ingest", {"file": big}, user="manager", channel="a/general")
    assert "too large" in (await handle.response_message())["content"]
    image = Upload("photo.png", b"\x89PNG....", "image/png")
    handle = await discord_stand_in.slash_command(
        "factmod ingest", {"file": image}, user="manager", channel="a/general"
    )
    assert ".txt or .md" in (await handle.response_message())["content"]
    assert not discord_stand_in.downloads


async def test_a_servers_retraction_is_invisible_in_another_server(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    asked = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
    )
    footer = (await asked.response_message())["embeds"][0]["footer"]["text"]
    fact_id = int(footer.removeprefix("Fact #"))

    retract = await discord_stand_in.slash_command(
        "factmod retract", {"id": fact_id, "reason": "Disputed here"}, user="manager", channel="a/general"
    )
    assert "retracted in this server" in (await retract.response_message())["content"]

    here = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="member", channel="a/general"
    )
    assert footer not in text_of(await here.response_message())
    there = await discord_stand_in.slash_command(
        "ask", {"question": CONFIDENT_QUESTION}, user="b_member", channel="b/general"
    )
    assert footer in text_of(await there.response_message())


async def test_only_owners_change_the_shared_corpus(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    args = {"id": 1, "text": "A shared correction of fact one.", "reason": "Shared fix", "everywhere": True}
    refused = await discord_stand_in.slash_command("factmod edit", args, user="manager", channel="a/general")
    assert (await refused.response_message())["content"] == OWNER_REQUIRED
    accepted = await discord_stand_in.slash_command("factmod edit", args, user="owner", channel="a/general")
    assert "for every server" in (await accepted.response_message())["content"]
    shared = await factbot.bridge.run(lambda s: s.get_fact(1, guild_id=None))
    assert shared.text == "A shared correction of fact one."


async def test_factmod_is_not_offered_in_dms(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    with pytest.raises(InteractionRefused):
        await discord_stand_in.slash_command("factmod history", {"id": 1}, user="owner")


async def test_a_moderator_retracts_and_restores_a_whole_document(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    stand_in = discord_stand_in
    ingest = await stand_in.slash_command(
        "factmod ingest", {"file": Upload("summit.md", DOCUMENT, "text/markdown")}, user="manager", channel="a/general"
    )
    document_id = int(text_of(await ingest.response_message()).split("(document #")[1].split(")")[0])
    question = "When was the harbour summit moved to?"

    async def answer() -> str:
        handle = await stand_in.slash_command("ask", {"question": question}, user="member", channel="a/general")
        return text_of(await handle.response_message())

    assert "12 May" in await answer()
    no_reason = await stand_in.slash_command(
        "factmod document", {"action": "retract", "id": document_id}, user="manager", channel="a/general")
    assert "reason" in text_of(await no_reason.response_message())
    retract = await stand_in.slash_command(
        "factmod document", {"action": "retract", "id": document_id, "reason": "Wrong file"},
        user="manager", channel="a/general",
    )
    message = await retract.response_message()
    assert retract.is_ephemeral()
    assert f"Document #{document_id}" in text_of(message) and "retracted in this server" in text_of(message)
    assert "12 May" not in await answer()  # from the very next question

    mine = await stand_in.slash_command("sources", user="manager", channel="a/general")
    listed = text_of(await mine.response_message())
    assert mine.is_ephemeral() and "Harbour summit moved" in listed and "retracted" in listed
    theirs = await stand_in.slash_command("sources", user="member", channel="a/general")
    assert "Harbour summit moved" not in text_of(await theirs.response_message())
    guild_id = stand_in.scenario.guild("a").id
    history = await factbot.bridge.run(lambda s: s.history(
        s.db.execute("select min(id) from facts where document_id = ?", [document_id]).fetchone()[0],
        guild_id=guild_id))
    assert [e.reason for e in history if e.action == "retract-document"] == ["Wrong file"]

    restore = await stand_in.slash_command(
        "factmod document", {"action": "restore", "id": document_id}, user="manager", channel="a/general")
    assert "restored in this server" in text_of(await restore.response_message())
    assert "12 May" in await answer()
    assert any("retracted in this server" in text_of(m) for m in stand_in.messages_in("a/mod-log"))


async def test_a_server_cannot_retract_the_shared_corpus_or_another_servers_document(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    stand_in = discord_stand_in
    shared = await stand_in.slash_command(
        "factmod document", {"action": "retract", "id": 1, "reason": "Not for us"}, user="manager", channel="a/general"
    )
    assert "shared corpus" in text_of(await shared.response_message())
    ingest = await stand_in.slash_command(
        "factmod ingest", {"file": Upload("summit.md", DOCUMENT, "text/markdown")}, user="manager", channel="a/general"
    )
    document_id = int(text_of(await ingest.response_message()).split("(document #")[1].split(")")[0])
    other = await stand_in.slash_command(
        "factmod document", {"action": "retract", "id": document_id, "reason": "Not ours"},
        user="member", channel="b/general",
    )
    assert f"no document #{document_id}" in text_of(await other.response_message())
    documents = await factbot.bridge.run(lambda s: s.documents(guild_id=stand_in.scenario.guild("a").id))
    assert not any(d.retracted for d in documents)
