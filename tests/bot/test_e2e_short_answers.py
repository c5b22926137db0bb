"""/ask through the real client and the loopback Discord on the project's held-out documents: the embed's
title is the short answer a reader wants (the date, the quantity, the person, the place, the name), and
"Answer" only for a why-question, which has none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.client import FactBot
from facts.evaluation import load_questions, short_answer_found
from facts.service import FactService
from tests.bot.conftest import embed_of, make_bot
from tests.helpers import REPO_ROOT
from tests.loopback import DiscordStandIn

HELDOUT = REPO_ROOT / "tests" / "data" / "heldout"
CASES = {
    "westbridge-green-line-extension": {"wgl-004": "when", "wgl-017": "when", "wgl-005": "who",
                                        "wgl-011": "where", "wgl-006": "why"},
    "harborline-prairie-state-merger": {"hps-001": "how-many", "hps-008": "where", "hps-018": "who",
                                        "hps-004": "which"},
    "ayacucho-earthquake-response": {"ayq-001": "how-many", "ayq-004": "when", "ayq-005": "which"},
}


def _questions(document: str) -> dict[str, dict]:
    return {str(item["id"]): item for item in load_questions((HELDOUT / document).with_suffix(".jsonl"))}


@pytest.fixture
def heldout_bot_settings(bot_settings, request):
    """The sample database with one held-out document added, as a moderator would add it."""
    service = FactService(bot_settings.db_path)
    service.ingest_path((HELDOUT / request.param).with_suffix(".md"))
    service.close()
    # A low threshold: the embed's title is under test here, not the decision to answer.
    return replace(bot_settings, min_confidence=0.3)


async def _ask_title(stand_in: DiscordStandIn, question: str) -> str:
    handle = await stand_in.slash_command("ask", {"question": question}, user="member", channel="a/general")
    message = await handle.response_message()
    return embed_of(message)["title"]


@pytest.mark.parametrize("heldout_bot_settings", sorted(CASES), indirect=True)
async def test_the_embed_title_is_the_short_answer(discord_stand_in: DiscordStandIn, heldout_bot_settings,
                                                  request) -> None:
    document = request.node.callspec.params["heldout_bot_settings"]
    questions = _questions(document)
    bot: FactBot = make_bot(heldout_bot_settings)
    async with discord_stand_in.run_bot(bot):
        for qid, kind in CASES[document].items():
            item = questions[qid]
            title = await _ask_title(discord_stand_in, str(item["question"]))
            if kind == "why":
                assert title == "Answer", (qid, title)
            else:
                assert title != "Answer" and short_answer_found(title, item["answer"]), (qid, title, item["answer"])
