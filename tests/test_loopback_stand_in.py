"""The loopback Discord stand-in, proven with a minimal real discord.py bot (not factbot's)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.loopback import (
    ENV_VAR,
    DiscordStandIn,
    InteractionRefused,
    Permission,
    SpecError,
    SpecValidator,
    Upload,
    ViolationError,
    channel_permissions,
    default_scenario,
    eventually,
    text_of,
)
from tests.loopback.limits import check_request
from tests.loopback.spec import REQUIRE_VAR, spec_from_env

CHANNEL_MESSAGES = "/channels/{channel_id}/messages"


def _intents(*, members: bool = True, content: bool = True, presences: bool | None = None) -> discord.Intents:
    intents = discord.Intents.default()
    intents.members = members
    intents.presences = members if presences is None else presences
    intents.message_content = content
    return intents


class MiniView(discord.ui.View):
    """One button that edits the message it sits on."""

    @discord.ui.button(label="More", custom_id="mini:more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="More facts: none.", view=None)


class MiniModal(discord.ui.Modal, title="Suggest a fact"):
    text: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Fact", custom_id="mini:text", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks for: {self.text.value}", ephemeral=True)


class MiniBot(commands.Bot):
    """A tiny bot: !fact, /fact, /factmod edit|remove, /upload, /suggest, /more."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("intents", _intents())
        super().__init__(command_prefix="!", guild_ready_timeout=0.1, **options)
        self.seen: list[str] = []
        self.messages: list[discord.Message] = []
        self._register_commands()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def on_message(self, message: discord.Message) -> None:
        self.messages.append(message)
        if message.author.bot:
            return
        self.seen.append(message.content)
        if message.content.startswith("!fact"):
            topic = message.content.removeprefix("!fact").strip() or "nothing"
            await message.channel.send(f"Fact about {topic}.")
        elif self.user is not None and self.user in message.mentions:
            await message.reply("You called?", mention_author=False)

    def _register_commands(self) -> None:
        tree = self.tree

        @tree.command(name="fact", description="Look up a fact")
        @app_commands.describe(query="What to look up")
        async def fact(interaction: discord.Interaction, query: str, detailed: bool = False) -> None:
            embed = discord.Embed(title=f"About {query}", description="Troops were reported in Kursk.")
            embed.add_field(name="Source", value="example.org")
            await interaction.response.send_message(f"Result for {query}", embed=embed if detailed else None)

        @fact.autocomplete("query")
        async def fact_query(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            topics = ["kursk", "kyiv", "korea"]
            return [app_commands.Choice(name=t.title(), value=t) for t in topics if t.startswith(current)]

        factmod = app_commands.Group(
            name="factmod",
            description="Moderate facts",
            default_permissions=discord.Permissions(manage_messages=True),
            guild_only=True,
        )

        @factmod.command(name="edit", description="Edit a fact")
        async def edit(interaction: discord.Interaction, id: int, text: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await asyncio.sleep(0.05)
            perms = interaction.permissions
            await interaction.followup.send(f"Edited #{id}: {text} (manage={perms.manage_messages})")

        tree.add_command(factmod)

        @tree.command(name="upload", description="Read an attached file")
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(f"{file.filename}: {data.decode()}")

        @tree.command(name="more", description="Show a button")
        async def more(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Facts.", view=MiniView())

        @tree.command(name="suggest", description="Suggest a fact")
        async def suggest(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(MiniModal())

        @tree.command(name="long", description="Send too much")
        async def long(interaction: discord.Interaction) -> None:
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message("x" * 2001)

        @tree.command(name="slow", description="Answer after a while without deferring")
        async def slow(interaction: discord.Interaction, seconds: float) -> None:
            await asyncio.sleep(seconds)
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message("finally")

        @tree.context_menu(name="Check fact")
        async def check_fact(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"Checking: {message.content}", ephemeral=True)


class ShardedMiniBot(commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def _synced(bot: commands.Bot, stand_in: DiscordStandIn) -> None:
    await bot.tree.sync()
    assert stand_in.synced_commands()


# -- connecting, syncing ------------------------------------------------------------------------


async def test_connects_and_receives_both_guilds(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        assert bot.user is not None and bot.user.id == discord_stand_in.scenario.bot.id
        assert bot.application_id == discord_stand_in.scenario.application.id
        names = sorted(g.name for g in bot.guilds)
        assert names == ["Guild A", "Guild B"]
        guild_a = discord.utils.get(bot.guilds, name="Guild A")
        assert guild_a is not None
        assert guild_a.owner_id == discord_stand_in.scenario.user("owner").id
        assert {m.name for m in guild_a.members} >= {"alice", "bob", "carol", "dave", "erin", "FactBot"}
        carol = guild_a.get_member(discord_stand_in.scenario.user("moderator").id)
        assert carol is not None and [r.name for r in carol.roles if not r.is_default()] == ["Moderators"]
        mod_log = discord.utils.get(guild_a.text_channels, name="mod-log")
        assert mod_log is not None and not mod_log.permissions_for(guild_a.default_role).view_channel
        assert mod_log.permissions_for(guild_a.me).send_messages
    # discord.py asked for zlib-stream and the stand-in compressed the socket
    assert discord_stand_in.gateway.connect_queries[0]["compress"] == "zlib-stream"
    routes = [(r.method, r.route) for r in discord_stand_in.requests]
    assert ("GET", "/users/@me") in routes and ("GET", "/oauth2/applications/@me") in routes
    assert not discord_stand_in.unknown_requests


async def test_sync_stores_commands_with_ids_and_options(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        synced = await bot.tree.sync()
    stored = {c["name"]: c for c in discord_stand_in.synced_commands()}
    assert {c.name for c in synced} == set(stored)
    assert set(stored) == {"fact", "factmod", "upload", "more", "suggest", "long", "slow", "Check fact"}
    assert stored["Check fact"]["type"] == 3
    assert all(c["id"].isdigit() and c["application_id"] for c in stored.values())
    fact_options = {o["name"]: o for o in stored["fact"]["options"]}
    assert fact_options["query"]["type"] == 3 and fact_options["query"]["required"] is True
    assert fact_options["query"]["autocomplete"] is True
    assert fact_options["detailed"]["type"] == 5
    edit = stored["factmod"]["options"][0]
    assert edit["name"] == "edit" and edit["type"] == 1
    assert [(o["name"], o["type"]) for o in edit["options"]] == [("id", 4), ("text", 3)]
    assert stored["factmod"]["default_member_permissions"] == str(Permission.MANAGE_MESSAGES.value)
    assert stored["factmod"]["dm_permission"] is False


# -- interactions -------------------------------------------------------------------------------


async def test_slash_command_gets_an_interaction_response(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        with pytest.raises(InteractionRefused, match="not synced"):
            await discord_stand_in.slash_command("fact", {"query": "x"}, user="member", channel="a/general")
        unsynced = await discord_stand_in.slash_command(
            "fact", {"query": "x"}, user="member", channel="a/general", require_synced=False
        )
        assert (await unsynced.response_message())["content"] == "Result for x"
        await _synced(bot, discord_stand_in)
        handle = await discord_stand_in.slash_command(
            "fact", {"query": "kursk", "detailed": True}, user="member", channel="a/general"
        )
        callback = await handle.callback()
        assert callback.query.get("with_response") in ("1", "true")
        assert callback.json["type"] == 4
        message = await handle.response_message()
        assert message["content"] == "Result for kursk"
        assert "Troops were reported in Kursk." in text_of(message)
        assert message["interaction_metadata"]["user"]["id"] == str(discord_stand_in.scenario.user("member").id)
        assert not handle.is_ephemeral()


async def test_interaction_payload_carries_member_permissions(discord_stand_in: DiscordStandIn) -> None:
    scenario = discord_stand_in.scenario
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        handle = await discord_stand_in.slash_command("fact", {"query": "k"}, user="moderator", channel="a/mod-log")
        await handle.response_message()
    payload = handle.payload
    guild = scenario.guild("a")
    channel = scenario.channel("a/mod-log")
    carol = scenario.user("moderator")
    assert payload["guild_id"] == str(guild.id) and payload["channel"]["id"] == str(channel.id)
    assert payload["member"]["permissions"] == str(channel_permissions(guild, channel, carol.id))
    assert int(payload["member"]["permissions"]) & Permission.VIEW_CHANNEL
    assert payload["app_permissions"] == str(channel_permissions(guild, channel, scenario.bot.id))
    assert payload["member"]["roles"] == [str(guild.role("Moderators").id)]
    assert payload["locale"] == "en-US" and payload["guild_locale"] == "en-US"


async def test_subcommand_group_with_defer_and_followup(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        handle = await discord_stand_in.slash_command(
            "factmod edit", {"id": 42, "text": "new text"}, user="manager", channel="a/general"
        )
        message = await handle.response_message()
        assert message["content"] == "Edited #42: new text (manage=True)"
        assert handle.callback_type == 5 and handle.is_ephemeral()
        options = handle.payload["data"]["options"]
        assert options[0]["name"] == "edit" and options[0]["type"] == 1
        assert options[0]["options"] == [
            {"name": "id", "type": 4, "value": 42},
            {"name": "text", "type": 3, "value": "new text"},
        ]
        # a plain member does not even see the command (default_member_permissions)
        with pytest.raises(InteractionRefused):
            await discord_stand_in.slash_command(
                "factmod edit", {"id": 1, "text": "x"}, user="member", channel="a/general"
            )
        # ...but in Guild B the same user is a Moderator with MANAGE_MESSAGES
        cross = await discord_stand_in.slash_command(
            "factmod edit", {"id": 2, "text": "b"}, user="member", channel="b/general"
        )
        assert (await cross.response_message())["content"] == "Edited #2: b (manage=True)"
        # ...and it is guild-only
        with pytest.raises(InteractionRefused):
            await discord_stand_in.slash_command("factmod edit", {"id": 1, "text": "x"}, user="admin")


async def test_attachment_option_is_downloaded_from_the_stand_in(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        upload = Upload("facts.txt", b"The sky is blue.")
        handle = await discord_stand_in.slash_command("upload", {"file": upload}, user="member", channel="b/general")
        message = await handle.response_message()
    assert message["content"] == "facts.txt: The sky is blue."
    assert discord_stand_in.downloads and discord_stand_in.downloads[0].endswith("/facts.txt")
    resolved = handle.payload["data"]["resolved"]["attachments"]
    assert next(iter(resolved.values()))["url"].startswith(discord_stand_in.base_url)


async def test_autocomplete_button_and_modal(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        typing = await discord_stand_in.autocomplete(
            "fact", {"query": "k"}, focused="query", user="b_member", channel="b/general"
        )
        choices = await typing.autocomplete_choices()
        assert [c["value"] for c in choices] == ["kursk", "kyiv", "korea"]

        shown = await discord_stand_in.slash_command("more", user="member", channel="a/general")
        message = await shown.response_message()
        assert message["components"][0]["components"][0]["custom_id"] == "mini:more"
        click = await discord_stand_in.click_button(message, "mini:more", user="member")
        updated = await click.response_message()
        assert click.callback_type == 7
        assert updated["id"] == message["id"] and updated["content"] == "More facts: none."
        assert updated["components"] == []

        opened = await discord_stand_in.slash_command("suggest", user="member")
        modal = await opened.modal()
        assert modal["title"] == "Suggest a fact"
        submitted = await discord_stand_in.submit_modal(opened, {"mini:text": "Water is wet."})
        reply = await submitted.response_message()
        assert reply["content"] == "Thanks for: Water is wet." and submitted.is_ephemeral()
        assert submitted.payload["context"] == 1 and "user" in submitted.payload and "member" not in submitted.payload


# -- messages -----------------------------------------------------------------------------------


async def test_message_create_gets_a_channel_message(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()):
        sent = await discord_stand_in.send_message("member", "a/general", "!fact kursk")
        reply = await sent.reply()
        assert reply["content"] == "Fact about kursk."
        assert reply["author"]["id"] == str(discord_stand_in.scenario.bot.id)

        dm = await discord_stand_in.send_dm("stranger", "!fact dm")
        assert (await dm.reply())["content"] == "Fact about dm."

        ignored = await discord_stand_in.send_message("other_bot", "a/general", "!fact bots")
        mention = await discord_stand_in.send_message(
            "b_member", "b/general", f"hey {discord_stand_in.scenario.bot.mention}"
        )
        answer = await mention.reply()
        assert answer["content"] == "You called?" and answer["message_reference"]["message_id"] == str(mention.id)
        assert not [r for r in discord_stand_in.requests[ignored.since : mention.since] if r.method == "POST"]


async def test_message_content_is_blanked_without_the_intent(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot(intents=_intents(members=False, content=False))) as bot:
        plain = await discord_stand_in.send_message("member", "a/general", "!fact hidden")
        mentioned = await discord_stand_in.send_message(
            "member", "a/general", f"{discord_stand_in.scenario.bot.mention} visible"
        )
        await mentioned.reply()
        assert bot.seen[:2] == ["", f"{discord_stand_in.scenario.bot.mention} visible"]
        assert plain.delivered
        guild_a = discord.utils.get(bot.guilds, name="Guild A")
        assert guild_a is not None and len(guild_a.members) == 1  # no presences intent: only the bot


async def test_bot_cannot_post_where_it_lacks_send_messages(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        channel = bot.get_channel(discord_stand_in.scenario.channel("a/announcements").id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden):
            await channel.send("hello")


# -- faults -------------------------------------------------------------------------------------


async def test_reply_survives_a_429_and_a_500(discord_stand_in: DiscordStandIn) -> None:
    general = discord_stand_in.scenario.channel("a/general")
    async with discord_stand_in.run_bot(MiniBot()):
        # discord.py sleeps 1 + 2 * attempt seconds after a 5xx, so the 500 comes first
        broken = discord_stand_in.server_error("POST", CHANNEL_MESSAGES, params={"channel_id": general.id})
        limited = discord_stand_in.rate_limit("POST", CHANNEL_MESSAGES, params={"channel_id": general.id})
        sent = await discord_stand_in.send_message("member", general, "!fact resilience")
        reply = await sent.reply(timeout=10)
        assert reply["content"] == "Fact about resilience."
        attempts = [
            r for r in discord_stand_in.requests[sent.since :] if r.method == "POST" and r.route == CHANNEL_MESSAGES
        ]
        assert [r.status for r in attempts] == [500, 429, 200]
        assert attempts[1].fault == "429" and attempts[0].fault == "500"
        assert limited.hits == 1 and broken.hits == 1
        bot_messages = [
            m
            for m in discord_stand_in.messages_in(general)
            if m["author"]["id"] == str(discord_stand_in.scenario.bot.id)
        ]
        assert [m["content"] for m in bot_messages] == ["Fact about resilience."]


async def test_rate_limited_interaction_callback_is_retried(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        discord_stand_in.rate_limit("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
        handle = await discord_stand_in.slash_command("fact", {"query": "retry"}, user="member", channel="a/general")
        assert (await handle.response_message())["content"] == "Result for retry"


@pytest.mark.parametrize("code", [4000, None, "op7"])
async def test_gateway_drop_resumes_and_replays(discord_stand_in: DiscordStandIn, code: int | str | None) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        resumed = asyncio.Event()

        async def on_resumed() -> None:
            resumed.set()

        bot.add_listener(on_resumed)
        if code == "op7":
            await discord_stand_in.gateway.request_reconnect()
        else:
            assert await discord_stand_in.drop_gateway(code=code if isinstance(code, int) else None) == 1
        missed = await discord_stand_in.send_message("member", "a/general", "!fact missed")
        session = await discord_stand_in.wait_for_resume()
        assert (await missed.reply())["content"] == "Fact about missed."
        await asyncio.wait_for(resumed.wait(), 5)
        after = await discord_stand_in.send_message("member", "a/general", "!fact after")
        assert (await after.reply())["content"] == "Fact about after."
        assert session.resumes == 1 and discord_stand_in.gateway.identify_count == 1


async def test_invalid_session_makes_the_bot_identify_again(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()):
        await discord_stand_in.gateway.invalidate_session(resumable=False)
        await discord_stand_in.wait_for_identify(2)
        sent = await discord_stand_in.send_message("member", "a/general", "!fact again")
        assert (await sent.reply())["content"] == "Fact about again."


async def test_two_shards_route_guilds_by_id(discord_stand_in: DiscordStandIn) -> None:
    discord_stand_in.rest.options.recommended_shards = 2
    bot = ShardedMiniBot(command_prefix="!", intents=_intents(), guild_ready_timeout=0.1)
    seen: list[tuple[int, str]] = []

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if not message.author.bot and message.guild is not None:
            seen.append((message.guild.shard_id, message.guild.name))
            await message.channel.send("ok")

    async with discord_stand_in.run_bot(bot):
        assert bot.shard_count == 2 and sorted(g.name for g in bot.guilds) == ["Guild A", "Guild B"]
        assert {g.name: g.shard_id for g in bot.guilds} == {"Guild A": 0, "Guild B": 1}
        sessions = discord_stand_in.gateway.live_sessions()
        assert sorted((s.shard_id, s.shard_count) for s in sessions) == [(0, 2), (1, 2)]
        for channel in ("a/general", "b/general"):
            await (await discord_stand_in.send_message("member", channel, "hi")).reply()
        await discord_stand_in.drop_gateway(1)
        await discord_stand_in.wait_for_resume(1)
        await (await discord_stand_in.send_message("member", "b/general", "again")).reply()
    assert seen == [(0, "Guild A"), (1, "Guild B"), (1, "Guild B")]


# -- validation ---------------------------------------------------------------------------------


async def test_invalid_bot_payload_answers_400_and_is_recorded(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        handle = await discord_stand_in.slash_command("long", user="member", channel="a/general")
        rejected = await discord_stand_in.wait_for(lambda r: r.status == 400, since=handle.callback_since)
        assert rejected.response["code"] == 50035 and "content" in rejected.response["errors"]["data"]
        channel = bot.get_channel(discord_stand_in.scenario.channel("a/general").id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException):
            await channel.send(embed=discord.Embed(title="t" * 257))
    with pytest.raises(ViolationError) as failure:
        discord_stand_in.assert_no_violations()
    assert "data.content" in str(failure.value) and "embeds.0.title" in str(failure.value)
    taken = discord_stand_in.take_violations()
    assert {v.kind for v in taken} >= ({"schema", "limit"} if discord_stand_in.schema_validated else {"limit"})
    discord_stand_in.assert_no_violations()


def test_documented_limits_are_checked_without_the_spec() -> None:
    """What the stand-in checks itself (no OpenAPI spec needed): message, embed and command limits."""
    messages = "/channels/{channel_id}/messages"
    too_long = check_request("POST", "/channels/1/messages", messages, {"content": "x" * 2001}, has_files=False)
    assert [(v.kind, v.where) for v in too_long] == [("limit", "content")]
    embed = {"title": "t", "description": "d" * 4000, "fields": [{"name": "n", "value": "v" * 1024}] * 2}
    big = check_request("POST", "/channels/1/messages", messages, {"embeds": [embed]}, has_files=False)
    assert [v.code for v in big] == ["MAX_EMBED_SIZE_EXCEEDED"]
    assert [v.code for v in check_request("POST", "/channels/1/messages", messages, {}, has_files=False)] == ["50006"]
    commands = [
        {"name": "Fact", "description": "d", "options": [
            {"type": 3, "name": "opt", "description": "o",
             "choices": [{"name": str(i), "value": str(i)} for i in range(26)]},
            {"type": 3, "name": "req", "description": "r", "required": True}]},
        {"name": "ok_name", "description": "x" * 101},
    ]
    found = check_request("PUT", "/applications/1/commands", "/applications/{application_id}/commands", commands,
                          has_files=False)
    assert {v.where for v in found} == {"0.name", "0.options.0.choices", "0.options.1.required", "1.description"}


def test_validator_reports_content_over_2000(discord_api_spec: SpecValidator) -> None:
    body = {"content": "x" * 2001}
    schema = discord_api_spec.validate_request("POST", "/channels/1/messages", body, has_body=True)
    assert schema == []  # the spec allows 4000 (non-bot limit)...
    found = check_request("POST", "/channels/1/messages", "/channels/{channel_id}/messages", body, has_files=False)
    assert [v.where for v in found] == ["content"]  # ...the documented bot limit is 2000


def test_validator_reports_bad_command_names_and_limits(discord_api_spec: SpecValidator) -> None:
    commands_body = [
        {
            "name": "Fact",
            "description": "d",
            "type": 1,
            "default_member_permissions": "8192",
            "options": [
                {
                    "type": 3,
                    "name": "opt",
                    "description": "o",
                    "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
                },
                {"type": 3, "name": "req", "description": "r", "required": True},
            ],
        },
        {"name": "ok_name", "description": "x" * 101},
    ]
    path = "/applications/1/commands"
    template = "/applications/{application_id}/commands"
    violations = discord_api_spec.validate_request("PUT", path, commands_body, has_body=True)
    violations += check_request("PUT", path, template, commands_body, has_files=False)
    where = {v.where for v in violations}
    assert "0.name" in where  # uppercase
    assert "0.options.0.choices" in where  # 26 choices
    assert "0.options.1.required" in where  # required after optional
    assert "1.description" in where  # 101 characters


def test_validator_checks_embeds_snowflakes_and_multipart_payloads(discord_api_spec: SpecValidator) -> None:
    embed = {"title": "t", "description": "d" * 4000, "fields": [{"name": "n", "value": "v" * 1024}] * 2}
    body = {"content": "hi", "embeds": [embed], "message_reference": {"message_id": 123, "channel_id": "456"}}
    assert discord_api_spec.validate_request("POST", "/channels/1/messages", body, has_body=True) == []
    found = check_request("POST", "/channels/1/messages", "/channels/{channel_id}/messages", body, has_files=False)
    assert [v.code for v in found] == ["MAX_EMBED_SIZE_EXCEEDED"]
    empty = check_request("POST", "/channels/1/messages", "/channels/{channel_id}/messages", {}, has_files=False)
    assert [v.code for v in empty] == ["50006"]
    wrong = discord_api_spec.validate_request("POST", "/channels/1/messages", {"tts": "yes"}, has_body=True)
    assert [v.where for v in wrong] == ["tts"]


def test_without_the_spec_only_schema_validation_is_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv(REQUIRE_VAR, raising=False)
    assert spec_from_env() is None
    assert not DiscordStandIn(default_scenario()).schema_validated
    with pytest.raises(SpecError, match=ENV_VAR):
        SpecValidator.from_env()
    monkeypatch.setenv(REQUIRE_VAR, "1")  # what .ci/run sets: a missing spec is a failure, not a skip
    with pytest.raises(SpecError, match=ENV_VAR):
        DiscordStandIn(default_scenario())
    monkeypatch.delenv(REQUIRE_VAR)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope.json"))  # a wrong path given explicitly fails loudly
    with pytest.raises(SpecError, match="does not name a readable file"):
        spec_from_env()
    with pytest.raises(SpecError, match="does not name a readable file"):
        DiscordStandIn(default_scenario())


async def test_without_the_spec_documented_limits_still_answer_400() -> None:
    """The limits checks do not depend on the spec: a stand-in without one still refuses a 2,001-character reply."""
    bare = DiscordStandIn(default_scenario(), spec=None)
    assert not bare.schema_validated
    await bare.start()
    undo = bare.point_discord_py()
    try:
        async with bare.run_bot(MiniBot()) as bot:
            channel = bot.get_channel(bare.scenario.channel("a/general").id)
            assert isinstance(channel, discord.TextChannel)
            with pytest.raises(discord.HTTPException):
                await channel.send("x" * 2001)
            await channel.send("a fine message")
    finally:
        undo()
        await bare.stop()
    assert [(v.kind, v.where) for v in bare.take_violations()] == [("limit", "content")]


async def test_stand_in_responses_match_the_documented_shapes(
    discord_api_spec: SpecValidator, discord_stand_in: DiscordStandIn
) -> None:
    """Self-check: what the stand-in answers validates against the spec's response schemas."""
    scenario = discord_stand_in.scenario
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        for command, options, user in [
            ("fact", {"query": "shape", "detailed": True}, "member"),
            ("factmod edit", {"id": 1, "text": "t"}, "admin"),
        ]:
            await (
                await discord_stand_in.slash_command(command, options, user=user, channel="a/general")
            ).response_message()
        shown = await discord_stand_in.slash_command("more", user="member", channel="a/general")
        clicked = await discord_stand_in.click_button(await shown.response_message(), "mini:more", user="member")
        await clicked.response_message()
        await (await discord_stand_in.send_message("member", "a/general", "!fact shape")).reply()
        await (await discord_stand_in.send_dm("member", "!fact shape")).reply()
        channel = bot.get_channel(scenario.channel("a/general").id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("x", file=discord.File(io.BytesIO(b"1"), "one.txt"))
        await message.edit(content="y")
        await message.add_reaction("\N{THUMBS UP SIGN}")
        with pytest.raises(discord.Forbidden):  # the bot lacks MANAGE_MESSAGES / PIN_MESSAGES in Guild A
            await message.pin()
        await channel.fetch_message(message.id)
        await message.delete()
        async with channel.typing():
            pass
        assert [m async for m in channel.history(limit=5)]
        guild = bot.get_guild(scenario.guild("a").id)
        assert guild is not None
        await guild.fetch_member(scenario.user("member").id)
        await bot.fetch_guild(guild.id)
        await bot.fetch_channel(channel.id)
        stranger = await bot.fetch_user(scenario.user("stranger").id)
        dm = await stranger.send("hello")
        await dm.pin()
        assert [m.id async for m in dm.channel.pins()] == [dm.id]
        await dm.unpin()
        await bot.tree.fetch_commands()
    spec = discord_api_spec
    checked = set()
    for request in discord_stand_in.requests:
        if request.ok and request.response is not None:
            operation = spec.operation(request.method, request.path)
            assert operation is not None and request.route is not None
            problems = spec.validate_response(request.method, operation[0], request.status, request.response)
            assert problems == [], f"{request}: {problems}"
            checked.add((request.method, request.route))
    assert len(checked) >= 15
    assert not discord_stand_in.unknown_requests


async def test_guild_commands_context_menus_and_member_chunking(discord_stand_in: DiscordStandIn) -> None:
    scenario = discord_stand_in.scenario
    guild_b = scenario.guild("b")
    # without GUILD_PRESENCES, GUILD_CREATE carries only the bot; discord.py chunks the rest
    bot = MiniBot(intents=_intents(members=True, presences=False))
    async with discord_stand_in.run_bot(bot):
        chunked = discord.utils.get(bot.guilds, name="Guild A")
        assert chunked is not None and len(chunked.members) == len(scenario.guild("a").members)
        assert [f.op for f in discord_stand_in.frames if f.direction == "recv"].count(8) == 2

        target = discord.Object(guild_b.id)
        bot.tree.copy_global_to(guild=target)
        await bot.tree.sync(guild=target)
        assert {c["name"] for c in discord_stand_in.synced_commands("b")} >= {"fact", "Check fact"}
        handle = await discord_stand_in.slash_command("fact", {"query": "b"}, user="b_member", channel="b/general")
        assert handle.payload["data"]["guild_id"] == str(guild_b.id)
        assert handle.payload["locale"] == "de" and handle.payload["guild_locale"] == "de"
        assert (await handle.response_message())["content"] == "Result for b"

        said = await discord_stand_in.send_message("b_owner", "b/general", "Water boils at 100 C")
        check = await discord_stand_in.context_menu("Check fact", said.message, user="b_member", channel="b/general")
        reply = await check.response_message()
        assert reply["content"] == "Checking: Water boils at 100 C" and check.is_ephemeral()
        # the global command is not synced, so Guild A does not have it
        with pytest.raises(InteractionRefused):
            await discord_stand_in.context_menu("Check fact", said.message, user="member", channel="a/general")
        # members cannot invoke commands where they cannot see the channel
        with pytest.raises(InteractionRefused):
            await discord_stand_in.slash_command("fact", {"query": "x"}, user="member", channel="a/mod-log")


async def test_raw_requests_unknown_routes_and_auth(discord_stand_in: DiscordStandIn) -> None:
    headers = {"Authorization": f"Bot {discord_stand_in.scenario.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{discord_stand_in.api_url}/no/such/route", headers=headers) as response:
            assert response.status == 404 and response.headers["Content-Type"] == "application/json"
            assert (await response.json())["message"] == "404: Not Found"
        async with session.get(f"{discord_stand_in.api_url}/users/@me", headers={"Authorization": "Bot nope"}) as bad:
            assert bad.status == 401
        async with session.get(f"{discord_stand_in.api_url}/users/@me", headers=headers) as good:
            assert good.status == 200 and good.headers["X-RateLimit-Bucket"]
    unknown = discord_stand_in.unknown_requests
    assert [(r.method, r.path, r.status) for r in unknown] == [("GET", "/no/such/route", 404)]
    assert not discord_stand_in.violations


async def test_protocol_violations_are_recorded(discord_stand_in: DiscordStandIn) -> None:
    discord_stand_in.rest.options.interaction_deadline = 0.2
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        late = await discord_stand_in.slash_command("slow", {"seconds": 0.4}, user="member", channel="a/general")
        rejected = await discord_stand_in.wait_for(lambda r: r.status == 404, since=late.callback_since)
        assert rejected.response["code"] == 10062

        quick = await discord_stand_in.slash_command("slow", {"seconds": 0.0}, user="member", channel="a/general")
        await quick.response_message()
        url = f"{discord_stand_in.api_url}/interactions/{quick.id}/{quick.token}/callback"
        body = {"type": 4, "data": {"content": "again"}}
        async with aiohttp.ClientSession() as session, session.post(url, json=body) as twice:
            assert twice.status == 400 and (await twice.json())["code"] == 40060
    kinds = sorted(v.code for v in discord_stand_in.take_violations())
    assert kinds == ["10062", "40060"]


async def test_bot_uploads_are_recorded_and_validated(discord_stand_in: DiscordStandIn) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        channel = bot.get_channel(discord_stand_in.scenario.channel("a/general").id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("report", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "report.csv"))
        assert sent.attachments[0].filename == "report.csv"
        assert await sent.attachments[0].read() == b"a,b\n1,2\n"
        request = await discord_stand_in.wait_for(lambda r: r.ok and r.files)
        assert request.json["content"] == "report" and request.files[0].data == b"a,b\n1,2\n"
        with pytest.raises(discord.HTTPException):
            await channel.send("y" * 2001, file=discord.File(io.BytesIO(b"z"), "z.txt"))
    (violation,) = discord_stand_in.take_violations()
    assert violation.kind == "limit" and violation.where == "content"


async def test_raw_gateway_without_compression(discord_stand_in: DiscordStandIn) -> None:
    scenario = discord_stand_in.scenario
    url = f"{discord_stand_in.gateway_url}?v=10&encoding=json"
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=2)
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json(timeout=2))["op"] == 11
            identify = {"token": scenario.token, "intents": 1 | 512, "properties": {}, "shard": [1, 2]}
            await ws.send_json({"op": 2, "d": identify})
            ready = await ws.receive_json(timeout=2)
            assert ready["t"] == "READY" and ready["s"] == 1 and ready["d"]["shard"] == [1, 2]
            assert ready["d"]["resume_gateway_url"] == discord_stand_in.gateway_url
            assert [g["id"] for g in ready["d"]["guilds"]] == [str(scenario.guild("b").id)]
            guild_create = await ws.receive_json(timeout=2)
            assert guild_create["t"] == "GUILD_CREATE" and guild_create["d"]["name"] == "Guild B"
            roles = guild_create["d"]["roles"]
            assert all(isinstance(role["permissions"], str) for role in roles)
            session_id = ready["d"]["session_id"]
        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)
            await ws.send_json({"op": 6, "d": {"token": scenario.token, "session_id": session_id, "seq": 1}})
            replayed = await ws.receive_json(timeout=2)
            assert replayed["t"] == "GUILD_CREATE" and replayed["s"] == 2
            assert (await ws.receive_json(timeout=2))["t"] == "RESUMED"
        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)
            await ws.send_json({"op": 6, "d": {"token": scenario.token, "session_id": "nope", "seq": 1}})
            assert await ws.receive_json(timeout=2) == {"op": 9, "d": False}
        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)
            await ws.send_json({"op": 2, "d": dict(identify, token="wrong")})
            closing = await ws.receive(timeout=2)
            assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4004


async def test_message_create_fields_reach_discord_py(discord_stand_in: DiscordStandIn) -> None:
    scenario = discord_stand_in.scenario
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await discord_stand_in.send_message(
            "admin", "a/general", "@everyone read this", mention_roles=["Moderators"], mention_everyone=True
        )
        await discord_stand_in.send_message("other_bot", "a/general", "beep")
        await discord_stand_in.send_message("member", "a/general", "via hook", webhook_id=123456789012345678)
        upload = Upload("notes.txt", b"n")
        last = await discord_stand_in.send_message(
            "member", "a/general", f"hi {scenario.user('moderator').mention}", attachments=[upload]
        )
        await eventually(lambda: len(bot.messages) == 4, what="4 messages")
    everyone, beep, hook, mention = bot.messages
    assert everyone.mention_everyone and [r.name for r in everyone.role_mentions] == ["Moderators"]
    assert isinstance(everyone.author, discord.Member) and everyone.author.guild_permissions.administrator
    assert beep.author.bot and not everyone.author.bot
    assert hook.webhook_id == 123456789012345678 and hook.author.bot
    assert [u.id for u in mention.mentions] == [scenario.user("moderator").id]
    assert mention.attachments[0].filename == "notes.txt" and mention.id == last.id
    assert not mention.mention_everyone


async def test_the_bot_token_edits_public_interaction_responses_not_ephemeral_or_webhook_ones(
    discord_stand_in: DiscordStandIn,
) -> None:
    async with discord_stand_in.run_bot(MiniBot()) as bot:
        await _synced(bot, discord_stand_in)
        public = await discord_stand_in.slash_command("fact", {"query": "k"}, user="member", channel="a/general")
        shown = await public.response_message()
        private = await discord_stand_in.slash_command(
            "factmod edit", {"id": 42, "text": "new text"}, user="manager", channel="a/general")
        hidden = await private.response_message()
        hook = await discord_stand_in.send_message("member", "a/general", "via hook", webhook_id=123456789012345678)
    channel = discord_stand_in.scenario.channel("a/general").id
    headers = {"Authorization": f"Bot {discord_stand_in.scenario.token}"}
    statuses = []
    async with aiohttp.ClientSession() as session:
        for message_id in (shown["id"], hidden["id"], hook.message["id"]):
            url = f"{discord_stand_in.api_url}/channels/{channel}/messages/{message_id}"
            async with session.patch(url, headers=headers, json={"content": "edited"}) as response:
                statuses.append(response.status)
    # Public responses are the bot's own messages (no 15-minute limit); an ephemeral one is only
    # reachable with its interaction's token; a webhook's message is not the bot's.
    assert statuses == [200, 404, 403]
    assert discord_stand_in.world.messages[int(shown["id"])]["content"] == "edited"
