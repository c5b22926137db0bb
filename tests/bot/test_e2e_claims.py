"""Several outlets on one event through the real bot: /timeline marks what another document contradicts."""

from __future__ import annotations

from bot.client import FactBot
from tests.helpers import REPO_ROOT
from tests.loopback import DiscordStandIn

CLAIMS = REPO_ROOT / "tests" / "data" / "claims"


async def test_timeline_marks_facts_another_document_contradicts(
    discord_stand_in: DiscordStandIn, factbot: FactBot
) -> None:
    for path in sorted(p for p in CLAIMS.glob("*.md") if p.name != "README.md"):
        await factbot.bridge.run(lambda s, path=path: s.ingest_path(path))
    handle = await discord_stand_in.slash_command("timeline", {"about": "Kessling evacuated residents"},
                                                  user="member", channel="a/general")
    embed = (await handle.response_message())["embeds"][0]
    names = [f["name"] for f in embed["fields"]]
    marked = [f for f in embed["fields"] if "contradicted by" in f["name"]]
    assert len(marked) == 3, names
    assert {next(n for n in ("3,000", "4,500", "5,200") if n in f["value"]) for f in marked} == {
        "3,000", "4,500", "5,200"}
    dates = [n.split(" · ")[0] for n in names]
    assert dates == sorted(dates)
