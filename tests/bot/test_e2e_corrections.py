"""Corrections reach earlier answers: a moderator's edit, retraction or restore edits the bot's own
public answers that cited the fact, in that server only (or everywhere for the shared facts)."""

from __future__ import annotations

import copy
import dataclasses
import itertools
from typing import Any

import pytest

from bot.client import FactBot
from config.settings import Settings
from tests.bot.conftest import CONFIDENT_QUESTION
from tests.helpers import REPO_ROOT
from tests.loopback import DiscordStandIn, text_of
from tests.loopback.permissions import Permission
from tests.loopback.scenario import Overwrite

CLAIMS = REPO_ROOT / "tests" / "data" / "claims"

NEW_TEXT = "Pentagon spokesperson Sabrina Singh said the US has evidence of North Korean troops in Russia (corrected)."


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    """The usual test settings, with a short pause between correction edits."""
    return dataclasses.replace(bot_settings, correction_spacing_seconds=0.05)


def _fact_id(message: dict[str, Any]) -> int:
    return int(message["embeds"][0]["footer"]["text"].removeprefix("Fact #"))


def _stored(stand_in: DiscordStandIn, message: dict[str, Any]) -> dict[str, Any] | None:
    return stand_in.world.messages.get(int(message["id"]))


async def _ask(stand_in: DiscordStandIn, channel: str, user: str = "member") -> dict[str, Any]:
    handle = await stand_in.slash_command("ask", {"question": CONFIDENT_QUESTION}, user=user, channel=channel)
    message = await handle.response_message()
    assert not handle.is_ephemeral()
    return copy.deepcopy(message)  # the stand-in's stored copy changes when the bot edits it


async def test_an_edit_corrects_the_earlier_public_answer(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    answer = await _ask(discord_stand_in, "a/general")
    fact_id = _fact_id(answer)
    assert "Corrected" not in text_of(answer)
    edit = await discord_stand_in.slash_command(
        "factmod edit", {"id": fact_id, "text": NEW_TEXT, "reason": "Wrong attribution"},
        user="manager", channel="a/general",
    )
    assert "edited in this server" in (await edit.response_message())["content"]
    await factbot.corrections.drained()
    corrected = _stored(discord_stand_in, answer)
    assert corrected is not None
    text = text_of(corrected)
    assert "Corrected by a moderator" in text and "(corrected)" in text and "Wrong attribution" in text
    assert "/fact id:" in text
    assert corrected["embeds"][0]["title"] == answer["embeds"][0]["title"]  # the answer is kept, with a note
    # The edit went through the channel message endpoint, pinging nobody (checked by the fixture too).
    patches = [r for r in discord_stand_in.requests
               if r.method == "PATCH" and r.path.endswith(f"/messages/{answer['id']}")]
    assert len(patches) == 1 and patches[0].ok


async def test_a_retraction_in_server_a_leaves_server_b_alone(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    here = await _ask(discord_stand_in, "a/general")
    there = await _ask(discord_stand_in, "b/general", user="b_member")
    fact_id = _fact_id(here)
    assert _fact_id(there) == fact_id  # both cite the same shared fact
    retract = await discord_stand_in.slash_command(
        "factmod retract", {"id": fact_id, "reason": "Outlet withdrew the claim"}, user="manager", channel="a/general"
    )
    await retract.response_message()
    await factbot.corrections.drained()
    assert "Retracted by a moderator" in text_of(_stored(discord_stand_in, here))
    assert "Outlet withdrew the claim" in text_of(_stored(discord_stand_in, here))
    assert _stored(discord_stand_in, there) == there  # untouched
    # A restore replaces the note rather than adding a second one.
    restore = await discord_stand_in.slash_command(
        "factmod restore", {"id": fact_id, "reason": "Confirmed again"}, user="manager", channel="a/general"
    )
    await restore.response_message()
    await factbot.corrections.drained()
    restored = text_of(_stored(discord_stand_in, here))
    assert "Restored by a moderator" in restored and "Retracted by a moderator" not in restored


async def test_a_deleted_answer_is_skipped_and_the_others_still_corrected(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    first = await _ask(discord_stand_in, "a/general")
    second = await _ask(discord_stand_in, "a/general")
    fact_id = _fact_id(first)
    discord_stand_in.world.delete(int(first["id"]))  # someone deleted the first answer meanwhile
    edit = await discord_stand_in.slash_command(
        "factmod edit", {"id": fact_id, "text": NEW_TEXT, "reason": "Wrong attribution"},
        user="manager", channel="a/general",
    )
    await edit.response_message()
    await factbot.corrections.drained()
    assert "Corrected by a moderator" in text_of(_stored(discord_stand_in, second))
    guild_id = discord_stand_in.scenario.guild("a").id
    remembered = await factbot.bridge.run(lambda s: s.answer_messages_citing([fact_id], guild_id=guild_id))
    assert [m.message_id for m in remembered] == [int(second["id"])]  # the deleted one is forgotten


async def test_mention_replies_are_corrected_and_dms_are_not_touched(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    bot_user = discord_stand_in.scenario.bot
    mention = await discord_stand_in.send_message("member", "a/general", f"{bot_user.mention} {CONFIDENT_QUESTION}")
    reply = await mention.reply()
    dm = await discord_stand_in.send_dm("owner", CONFIDENT_QUESTION)
    dm_reply = await dm.reply()
    fact_id = _fact_id(reply)
    assert _fact_id(dm_reply) == fact_id
    # An owner's change to the shared facts reaches every server, still never a DM.
    edit = await discord_stand_in.slash_command(
        "factmod edit", {"id": fact_id, "text": NEW_TEXT, "reason": "Shared fix", "everywhere": True},
        user="owner", channel="a/general",
    )
    assert "for every server" in (await edit.response_message())["content"]
    await factbot.corrections.drained()
    assert "Corrected by a moderator" in text_of(_stored(discord_stand_in, reply))
    assert _stored(discord_stand_in, dm_reply) == dm_reply
    assert not [r for r in discord_stand_in.requests
                if r.method == "PATCH" and r.path.endswith(f"/messages/{dm_reply['id']}")]


async def test_nothing_about_the_asker_is_kept(discord_stand_in: DiscordStandIn, factbot: FactBot) -> None:
    answer = await _ask(discord_stand_in, "a/general")
    member_id = discord_stand_in.scenario.user("member").id
    rows = await factbot.bridge.run(lambda s: s.db.execute("select * from answer_messages").fetchall())
    assert rows and all(member_id not in row for row in rows)
    assert {row[0] for row in rows} == {int(answer["id"])}


async def test_a_lost_channel_permission_does_not_stop_the_other_corrections(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    general = await _ask(discord_stand_in, "a/general")
    private = await _ask(discord_stand_in, "a/mod-log", user="moderator")
    fact_id = _fact_id(general)
    guild = discord_stand_in.scenario.guild("a")
    bot_role = next(r for r in guild.roles if r.managed)
    # The server takes the bot's access to #general away after it answered there.
    discord_stand_in.scenario.channel("a/general").overwrites.append(
        Overwrite.for_role(bot_role, deny=int(Permission.VIEW_CHANNEL)))
    edit = await discord_stand_in.slash_command(
        "factmod edit", {"id": fact_id, "text": NEW_TEXT, "reason": "Wrong attribution"},
        user="manager", channel="a/general",
    )
    await edit.response_message()
    await factbot.corrections.drained()
    assert "Corrected by a moderator" not in text_of(_stored(discord_stand_in, general))
    assert "Corrected by a moderator" in text_of(_stored(discord_stand_in, private))


async def test_claims_show_side_by_side_and_a_correction_to_any_of_them_reaches_the_answer(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    reports = sorted(p for p in CLAIMS.glob("*.md") if p.name != "README.md")
    for path in reports:
        await factbot.bridge.run(lambda s, path=path: s.ingest_path(path))
    handle = await discord_stand_in.slash_command(
        "ask", {"question": "How many residents were evacuated from Kessling?"}, user="member", channel="a/general")
    answer = copy.deepcopy(await handle.response_message())
    assert not handle.is_ephemeral() and len(answer["embeds"]) == 1
    embed = answer["embeds"][0]
    assert "The sources differ" in embed["description"] and "As of 8 Apr 2025" in embed["description"]
    claim_fields = [f for f in embed["fields"] if "Fact #" in f["value"] and " · " in f["name"]]
    assert [f["name"].split(" · ")[1] for f in claim_fields] == ["Coastline Daily", "Riverside Gazette",
                                                                  "Lakeside Courier", "Northgate Herald"]
    oldest = int(claim_fields[-1]["value"].rsplit("Fact #", 1)[1])
    retract = await discord_stand_in.slash_command(
        "factmod retract", {"id": oldest, "reason": "Outlet corrected its figure"}, user="manager", channel="a/general")
    await retract.response_message()
    await factbot.corrections.drained()
    corrected = _stored(discord_stand_in, answer)
    assert f"Retracted by a moderator (fact #{oldest})" in text_of(corrected)


async def test_records_past_the_retention_period_are_deleted_at_start_up(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    from tests.bot.conftest import make_bot

    first = make_bot(bot_settings)
    async with discord_stand_in.run_bot(first):
        await _ask(discord_stand_in, "a/general")
        await first.bridge.run(lambda s: s.db.execute(
            "update answer_messages set created_at = '2000-01-01T00:00:00+00:00'"))
    second = make_bot(bot_settings)
    async with discord_stand_in.run_bot(second):
        rows = await second.bridge.run(lambda s: s.db.execute("select count(*) from answer_messages").fetchone())
    assert rows == (0,)


async def test_edits_are_spread_out_and_answering_does_not_wait_for_them(
    discord_stand_in: DiscordStandIn, bot_settings: Settings
) -> None:
    from tests.bot.conftest import make_bot

    settings = dataclasses.replace(bot_settings, correction_spacing_seconds=0.4)
    bot = make_bot(settings)
    async with discord_stand_in.run_bot(bot):
        answers = [await _ask(discord_stand_in, "a/general") for _ in range(3)]
        fact_id = _fact_id(answers[0])
        edit = await discord_stand_in.slash_command(
            "factmod edit", {"id": fact_id, "text": NEW_TEXT, "reason": "Wrong attribution"},
            user="manager", channel="a/general",
        )
        await edit.response_message()
        # While the corrections run, a new question is answered at once.
        asked = discord_stand_in.mark()
        await _ask(discord_stand_in, "a/general")
        await bot.corrections.drained()
    ids = {a["id"] for a in answers}
    patches = [r for r in discord_stand_in.requests
               if r.method == "PATCH" and r.path.rsplit("/", 1)[-1] in ids]
    assert len(patches) == 3
    gaps = [b.at - a.at for a, b in itertools.pairwise(patches)]
    assert all(gap >= 0.35 for gap in gaps), gaps
    answered = next(r for r in discord_stand_in.requests[asked:] if r.path.endswith("/callback"))
    assert answered.index < patches[-1].index  # the answer did not queue behind the edits


async def _ask_about(stand_in: DiscordStandIn, question: str, channel: str, user: str) -> dict[str, Any]:
    handle = await stand_in.slash_command("ask", {"question": question}, user=user, channel=channel)
    message = await handle.response_message()
    assert not handle.is_ephemeral()
    return copy.deepcopy(message)


async def test_a_document_retraction_reaches_earlier_answers_in_that_server_only(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    question = "How many residents were evacuated from Kessling?"
    newest = CLAIMS / "kessling-flood-coastline-daily.md"
    documents = {}
    for guild in ("a", "b"):  # each server ingests the same reports as its own documents
        guild_id = discord_stand_in.scenario.guild(guild).id
        for path in sorted(p for p in CLAIMS.glob("*.md") if p.name != "README.md"):
            report = await factbot.bridge.run(lambda s, path=path, g=guild_id: s.ingest_path(path, guild_id=g))
            documents[(guild, path.name)] = report.document_id
    here = await _ask_about(discord_stand_in, question, "a/general", "member")
    shared = await _ask(discord_stand_in, "a/general")  # cites the shared corpus only
    there = await _ask_about(discord_stand_in, question, "b/general", "b_member")
    assert "Coastline Daily" in text_of(here) and "Coastline Daily" in text_of(there)
    retract = await discord_stand_in.slash_command(
        "factmod document", {"action": "retract", "id": documents[("a", newest.name)], "reason": "Outlet withdrew it"},
        user="manager", channel="a/general",
    )
    assert "retracted in this server" in (await retract.response_message())["content"]
    await factbot.corrections.drained()
    noted = text_of(_stored(discord_stand_in, here))
    assert "Retracted by a moderator" in noted and "Outlet withdrew it" in noted
    assert f"#{documents[('a', newest.name)]} “Ministry raises Kessling evacuation figure”" in noted
    assert _stored(discord_stand_in, there) == there  # the other server's answer is untouched
    assert _stored(discord_stand_in, shared) == shared  # and so is the answer citing no fact of the document
    restore = await discord_stand_in.slash_command(
        "factmod document", {"action": "restore", "id": documents[("a", newest.name)], "reason": "Confirmed"},
        user="manager", channel="a/general",
    )
    await restore.response_message()
    await factbot.corrections.drained()
    restored = text_of(_stored(discord_stand_in, here))
    assert "Restored by a moderator" in restored and "Retracted by a moderator" not in restored
    assert "answers questions here again" in restored and "Confirmed" in restored
    assert _stored(discord_stand_in, there) == there


async def test_an_owners_shared_document_retraction_reaches_every_server_except_where_it_stays_retracted(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    here = await _ask(discord_stand_in, "a/general")
    there = await _ask(discord_stand_in, "b/general", user="b_member")
    fact_id = _fact_id(here)
    document_id = await factbot.bridge.run(lambda s: s.get_fact(fact_id).source.document_id)
    # Server a retracts the fact on its own first: its answer gets that note.
    retract = await discord_stand_in.slash_command(
        "factmod retract", {"id": fact_id, "reason": "Not sure here"}, user="manager", channel="a/general")
    await retract.response_message()
    await factbot.corrections.drained()
    after_own = copy.deepcopy(_stored(discord_stand_in, here))
    assert "Not sure here" in text_of(after_own)
    document = await discord_stand_in.slash_command(
        "factmod document", {"action": "retract", "id": document_id, "reason": "Wrong file", "everywhere": True},
        user="owner", channel="a/general",
    )
    assert "for every server" in (await document.response_message())["content"]
    await factbot.corrections.drained()
    elsewhere = text_of(_stored(discord_stand_in, there))
    assert "Retracted by a moderator" in elsewhere and "Wrong file" in elsewhere and f"#{document_id}" in elsewhere
    assert _stored(discord_stand_in, here) == after_own  # server a's own retraction stands; its note too
    restore = await discord_stand_in.slash_command(
        "factmod document", {"action": "restore", "id": document_id, "everywhere": True},
        user="owner", channel="a/general",
    )
    await restore.response_message()
    await factbot.corrections.drained()
    assert "Restored by a moderator" in text_of(_stored(discord_stand_in, there))
    assert _stored(discord_stand_in, here) == after_own  # still retracted in server a: no "Restored" there
    guild_a = discord_stand_in.scenario.guild("a").id
    seen_in_a = await factbot.bridge.run(lambda s: s.get_fact(fact_id, guild_id=guild_a))
    assert seen_in_a.status == "retracted"
