"""Property-based tests of what the bot sends: every embed and text within Discord's limits, pinging no one."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from facts.models import Answer, Claim, DocumentInfo, Fact, HistoryEntry, ReviewItem, Source
from tests.fuzzing import examples, long_text, nasty_text, tried

LIMITS = {"title": 256, "description": 4096, "field_name": 256, "field_value": 1024, "fields": 25,
          "footer": 2048, "author": 256, "total": 6000}
# A mention Discord would resolve: <@id>, <@!id>, <@&id> or a bare @everyone / @here (escaped ones carry U+200B).
_LIVE_MENTION = re.compile(r"<@[!&]?\d+>|(?<!\u200b)@(everyone|here)\b")

_LINK_TARGET = re.compile(r"\]\(https?://[^\s)]*\)")

texts = st.one_of(nasty_text, long_text, st.text(max_size=200), st.just(""))
short = st.one_of(nasty_text, st.none())
sources = st.builds(
    Source, document_id=st.integers(1, 2**53), title=texts,
    url=st.one_of(st.none(), st.just("https://example.org/a_(b)*c"), nasty_text, texts.map(
        lambda t: "https://example.org/" + t)),
    outlet=short, published=short, paragraph=st.integers(0, 10**6), sentence=st.integers(0, 10**6),
)
facts = st.builds(
    Fact, id=st.integers(1, 2**53), text=texts, source=sources, event_date=short, speaker=short, note=short,
    status=st.sampled_from(["active", "retracted"]), version=st.integers(1, 10**6),
)


@st.composite
def claim_items(draw: st.DrawFn) -> Claim:
    fact = draw(facts)
    start = draw(st.integers(-5, len(fact.text) + 5))
    return Claim(fact, draw(short), draw(st.one_of(st.none(), st.just((start, start + draw(st.integers(-3, 50)))))))


claims = claim_items()


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    fact = draw(facts)
    answered = draw(st.booleans())
    start = draw(st.integers(-5, len(fact.text) + 5))
    end = draw(st.integers(-5, len(fact.text) + 5))
    span = draw(st.one_of(st.none(), st.just((start, end))))
    return Answer(
        question=draw(texts), answered=answered, confidence=draw(st.floats(-1, 2, allow_nan=False)),
        fact=fact if answered else None, answer=draw(short), span=span,
        related=tuple(draw(st.lists(facts, max_size=4))), suggestions=tuple(draw(st.lists(facts, max_size=5))),
        claims=tuple(draw(st.lists(claims, max_size=9))), agreement=draw(st.sampled_from(["differ", "agree", None])),
        newer=draw(st.one_of(st.none(), facts)),
    )


def check_embed(data: dict[str, Any]) -> None:
    """Discord's embed limits, counted the way Discord counts them."""
    assert len(data.get("title") or "") <= LIMITS["title"]
    assert len(data.get("description") or "") <= LIMITS["description"]
    fields = data.get("fields") or []
    assert len(fields) <= LIMITS["fields"]
    for field in fields:
        assert 0 < len(field["name"]) <= LIMITS["field_name"] and 0 < len(field["value"]) <= LIMITS["field_value"]
    footer = (data.get("footer") or {}).get("text") or ""
    author = (data.get("author") or {}).get("name") or ""
    assert len(footer) <= LIMITS["footer"] and len(author) <= LIMITS["author"]
    total = len(data.get("title") or "") + len(data.get("description") or "") + len(footer) + len(author) + sum(
        len(f["name"]) + len(f["value"]) for f in fields)
    assert total <= LIMITS["total"]
    for part in [data.get("title"), data.get("description"), *(f["value"] for f in fields)]:
        shown = _LINK_TARGET.sub("]", part or "")  # a link's url is not rendered as text
        assert not _LIVE_MENTION.search(shown), part


def test_answer_embeds_fit_whatever_the_fact_and_question() -> None:
    @settings(max_examples=examples(1500))
    @given(answer=answers())
    def run(answer: Answer) -> None:
        tried("render: answer embeds")
        check_embed(render.answer_embed(answer).to_dict())
        assert len(render.answer_text(answer)) <= 2000

    run()


def test_correction_notes_fit_and_replace_each_other() -> None:
    kinds = st.sampled_from(["edited", "retracted", "restored"])

    @settings(max_examples=examples(500))
    @given(answer=answers(), kind=kinds, again=kinds, fact_id=st.integers(1, 2**53), text=texts, reason=short,
           document=short)
    def run(answer: Answer, kind: str, again: str, fact_id: int, text: str, reason: str | None,
            document: str | None) -> None:
        tried("render: correction notes")
        embed = render.correction_note(render.answer_embed(answer), kind, fact_id, text, reason)
        check_embed(embed.to_dict())
        embed = render.correction_note(embed, again, fact_id, text, reason, document=document)  # a whole document
        check_embed(embed.to_dict())
        notes = [f for f in embed.fields if f.name.endswith(f"(fact #{fact_id})")]
        assert len(notes) == 1 and embed.fields[0].name == notes[0].name

    run()


def test_other_embeds_and_texts_fit() -> None:
    entries = st.builds(HistoryEntry, id=st.integers(1, 10**9), fact_id=st.integers(1, 10**9), action=nasty_text,
                        actor=nasty_text, scope=st.integers(0, 2**62), reason=short, before=short, after=short,
                        at=nasty_text)
    documents = st.builds(DocumentInfo, id=st.integers(1, 10**9), title=texts, url=short, outlet=short,
                          published=short, scope=st.integers(0, 2**62), fact_count=st.integers(0, 10**6),
                          ingested_at=nasty_text)
    items = st.builds(ReviewItem, id=st.integers(1, 10**9), kind=nasty_text, question=texts,
                      fact_id=st.one_of(st.none(), st.integers(1, 10**9)), scope=st.integers(0, 2**62),
                      channel_id=st.none(), created_at=nasty_text)

    @settings(max_examples=examples(700))
    @given(fact=facts, history=st.lists(entries, max_size=12), docs=st.lists(documents, max_size=12),
           queue=st.lists(items, max_size=12), about=st.one_of(st.none(), texts), text=texts,
           page=st.lists(facts, max_size=6))
    def run(fact: Fact, history: list[HistoryEntry], docs: list[DocumentInfo], queue: list[ReviewItem],
            about: str | None, text: str, page: list[Fact]) -> None:
        tried("render: fact, history, sources, timeline, review")
        check_embed(render.fact_embed(fact, history).to_dict())
        check_embed(render.documents_embed(docs).to_dict())
        check_embed(render.review_embed(queue).to_dict())
        check_embed(render.timeline_embed(page, len(page), 1, 3, about).to_dict())
        disputed = {f.id: [f.id + 1, 2**53] * 4 for f in page}
        check_embed(render.timeline_embed(page, len(page), 1, 3, about, disputed).to_dict())
        assert len(render.history_text(history, 4000)) <= 4000
        assert len(render.content(text)) <= 2000
        assert len(render.safe_clip(text, 300)) <= 300

    run()
