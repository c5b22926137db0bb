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
    assert len(marked) == 4, names  # every report of the evacuation: the counts differ, and two give other days
    assert {next(n for n in ("3,000", "4,500", "5,200") if n in f["value"]) for f in marked} == {
        "3,000", "4,500", "5,200"}
    sunday = next(f for f in marked if "on Sunday" in f["value"])
    monday = next(f for f in marked if "on Monday after" in f["value"])  # same count, another day
    assert _fact_number(monday) in sunday["name"].split("contradicted by")[1]
    assert _fact_number(sunday) in monday["name"].split("contradicted by")[1]
    dates = [n.split(" · ")[0] for n in names]
    assert dates == sorted(dates)


def _fact_number(field: dict) -> str:
    return "#" + field["name"].split("Fact #")[1].split(" ")[0]
