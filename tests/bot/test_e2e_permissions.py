"""The permission matrix: every write command x every kind of caller, through the real client.

Client-side hints are bypassed first (a server admin shows /factmod to everyone; for DMs the
command is made visible there too), so what is tested is the bot's own check. Per README:
moderators (Manage Messages, a moderator role, server admins, owners) change their own server;
only owners change the shared corpus (``everywhere: True``); nobody changes anything from a DM
or from another server. A refusal is private, says why, and changes nothing; an accepted change
touches only its own scope.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.checks import MODERATOR_REQUIRED, OWNER_REQUIRED
from bot.client import FactBot
from tests.bot.conftest import open_factmod_to_everyone
from tests.fuzzing import injected
from tests.loopback import DiscordStandIn, InteractionRefused, Upload, text_of

TABLES = ("documents", "facts", "fact_history", "aliases", "review_items", "votes", "auto_answer")
SERVER_ONLY = "This command only works in a server."
CASES: list[str] = []
"""Every (caller, command) pair checked, for the record."""
LOCAL_DOCUMENT, SHARED_DOCUMENT = "the document ingested here", "the document ingested everywhere"
"""Stand-ins for document ids, resolved when the command runs (the ingest before it made the document)."""


def document(name: str) -> Upload:
    body = f"---\ntitle: {name}\npublished: 2024-11-20\n---\nThe {name} summit was moved to 12 May (a strike).\n"
    return Upload(f"{name}.md", body.encode(), "text/markdown")


def commands(channel: str | None, review_id: int) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(label, command, options, everywhere) for every write command, local then shared."""
    local: list[tuple[str, str, dict[str, Any], bool]] = [
        ("add", "factmod add", {"text": "The harbour summit was moved to 12 May.", "source": "Council note"}, False),
        ("edit", "factmod edit", {"id": 1, "text": "An edited version of the first fact.", "reason": "Fix"}, False),
        ("retract", "factmod retract", {"id": 1, "reason": "Outlet withdrew it"}, False),
        ("restore", "factmod restore", {"id": 1}, False),
        ("ingest", "factmod ingest", {"file": document("local")}, False),
        ("alias", "factmod alias", {"term": "DPRK", "means": "North Korea"}, False),
        ("review done", "factmod review", {"done": review_id}, False),
        ("document retract", "factmod document", {"action": "retract", "id": LOCAL_DOCUMENT, "reason": "Wrong"}, False),
        ("document restore", "factmod document", {"action": "restore", "id": LOCAL_DOCUMENT}, False),
    ]
    if channel is not None:
        local.append(("autoanswer", "factmod autoanswer", {"channel": channel, "enabled": True}, False))
    shared: list[tuple[str, str, dict[str, Any], bool]] = [
        ("add everywhere", "factmod add", {"text": "The shared summit was moved to 14 May.", "source": "Wire",
                                           "everywhere": True}, True),
        ("edit everywhere", "factmod edit", {"id": 2, "text": "A shared correction of fact two.", "reason": "Fix",
                                             "everywhere": True}, True),
        ("retract everywhere", "factmod retract", {"id": 3, "reason": "Withdrawn", "everywhere": True}, True),
        ("restore everywhere", "factmod restore", {"id": 3, "everywhere": True}, True),
        ("ingest everywhere", "factmod ingest", {"file": document("shared"), "everywhere": True}, True),
        ("alias everywhere", "factmod alias", {"term": "ISW", "means": "Institute for the Study of War",
                                               "everywhere": True}, True),
        ("document retract everywhere", "factmod document",
         {"action": "retract", "id": SHARED_DOCUMENT, "reason": "Wrong", "everywhere": True}, True),
        ("document restore everywhere", "factmod document",
         {"action": "restore", "id": SHARED_DOCUMENT, "everywhere": True}, True),
    ]
    return local + shared


async def snapshot(bot: FactBot) -> dict[str, set[tuple]]:
    def read(service: Any) -> dict[str, set[tuple]]:
        return {t: set(service.db.execute(f"select * from {t}").fetchall()) for t in TABLES}

    return await bot.bridge.run(read)


def scopes_changed(before: dict[str, set[tuple]], after: dict[str, set[tuple]], bot_db_columns: dict[str, int]
                   ) -> set[int]:
    """The scopes of every row added or changed between two snapshots."""
    scopes = set()
    for table, rows in after.items():
        for row in rows - before[table]:
            scopes.add(row[bot_db_columns[table]])
    return scopes


# (caller, user, channel, local changes allowed, shared changes allowed)
MATRIX = [
    ("plain member", "member", "a/general", False, False),
    ("member with the moderator role", "moderator", "a/general", True, False),
    ("member with Manage Messages", "manager", "a/general", True, False),
    ("server admin", "admin", "a/general", True, False),
    ("configured owner", "owner", "a/general", True, True),
    ("plain member of another server, in that server", "b_member", "b/general", False, False),
    ("moderator of another server, in that server", "member", "b/general", True, False),
    ("DM (a plain member)", "member", None, False, False),
    ("DM (the owner)", "owner", None, False, False),
]


@pytest.mark.parametrize(("caller", "user", "channel", "local_ok", "shared_ok"), MATRIX, ids=[m[0] for m in MATRIX])
async def test_permission_matrix(discord_stand_in: DiscordStandIn, factbot: FactBot, caller: str, user: str,
                                 channel: str | None, local_ok: bool, shared_ok: bool) -> None:
    stand_in = discord_stand_in
    open_factmod_to_everyone(stand_in)
    if channel is None:  # bypass the client's "not in DMs" too: the bot must still refuse
        command = stand_in.world.find_command("factmod", None)
        command.pop("dm_permission", None)
        command["contexts"] = [0, 1, 2]
    guild = None if channel is None else stand_in.scenario.channel(channel).guild_id
    other = {stand_in.scenario.guild("a").id, stand_in.scenario.guild("b").id} - {guild}
    review = await factbot.bridge.run(lambda s: s.record_unanswered("Who built it?", guild_id=guild, channel_id=None))
    columns = await factbot.bridge.run(
        lambda s: {t: [r[1] for r in s.db.execute(f"pragma table_info({t})")].index("scope") for t in TABLES})

    for label, name, options, everywhere in commands(channel, review.id):
        CASES.append(f"{caller}: {label}")
        injected("permission matrix case")
        allowed = (shared_ok if everywhere else local_ok) and channel is not None
        if options.get("id") in (LOCAL_DOCUMENT, SHARED_DOCUMENT):
            name_of = "local.md" if options["id"] == LOCAL_DOCUMENT else "shared.md"
            found = await factbot.bridge.run(
                lambda s, n=name_of: s.db.execute("select max(id) from documents where name = ?", [n]).fetchone()[0])
            options = {**options, "id": found or 1}
        before = await snapshot(factbot)
        downloads = len(stand_in.downloads)
        try:
            handle = await stand_in.slash_command(name, options, user=user, channel=channel)
        except InteractionRefused as refused:  # pragma: no cover - the bypass above should make this unreachable
            pytest.fail(f"{caller} / {label}: the client refused ({refused}); the bot's check was not reached")
        message = await handle.response_message()
        text = text_of(message)
        assert handle.is_ephemeral(), (caller, label)
        after = await snapshot(factbot)
        if not allowed:
            expected = SERVER_ONLY if channel is None else OWNER_REQUIRED if local_ok else MODERATOR_REQUIRED
            assert message["content"] == expected, (caller, label, text)
            assert after == before, (caller, label)
            assert len(stand_in.downloads) == downloads, "a refused ingest must not fetch the attachment"
            continue
        assert MODERATOR_REQUIRED not in text and OWNER_REQUIRED not in text and "went wrong" not in text, text
        changed = scopes_changed(before, after, columns)
        assert changed, (caller, label, text)
        assert changed <= ({0} if everywhere else {guild}), (caller, label, changed)
        assert not changed & other
