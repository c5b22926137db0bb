"""The renderer: limits, bolding, escaping, abstentions."""

from __future__ import annotations

import discord
import pytest

from bot import render
from facts.models import Answer, Fact, Source


def make_fact(fact_id: int = 7, text: str = "North Korea sent about 11,000 troops to Kursk.", **kw) -> Fact:
    source = Source(
        document_id=1,
        title=kw.pop("title", "Troops in Kursk"),
        url=kw.pop("url", "https://example.org/a"),
        outlet="Example News",
        published="2024-11-04",
        paragraph=3,
        sentence=1,
    )
    return Fact(id=fact_id, text=text, source=source, **kw)


def answered(text: str = "North Korea sent about 11,000 troops to Kursk.", span=(23, 29), **kw) -> Answer:
    fact = make_fact(text=text, event_date="2024-10", speaker="Pentagon")
    return Answer(
        question="How many troops?",
        answered=True,
        confidence=0.873,
        fact=fact,
        answer=text[span[0] : span[1]],
        span=span,
        **kw,
    )


def test_answer_embed_has_title_bold_span_source_confidence_footer():
    embed = render.answer_embed(answered())
    assert embed.title == "11,000"
    assert "**11,000**" in embed.description
    assert embed.description.startswith("As of 4 Nov 2024 (Example News), Pentagon said:\n> ")
    fields = {f.name: f.value for f in embed.fields}
    assert "[Troops in Kursk](https://example.org/a)" in fields["Source"]
    assert "paragraph 3" in fields["Source"]
    assert fields["Confidence"] == "87%"
    assert fields["Event date"] == "2024-10"
    assert fields["Speaker"] == "Pentagon"
    assert embed.footer.text == "Fact #7"
    assert render.question_of(embed) == "How many troops?"


def test_related_limited_to_two():
    related = tuple(make_fact(i, f"Related fact number {i}.") for i in range(10, 15))
    embed = render.answer_embed(answered(related=related))
    assert sum(1 for f in embed.fields if f.name == "Related") == 2


def test_quoted_text_cannot_format_or_ping():
    text = "Officials said **bold** and @everyone and <@&123456789012345678> and <@456> were _told_ `x`."
    embed = render.answer_embed(answered(text=text, span=(0, 9)))
    assert "@everyone" not in embed.description.replace("@\u200beveryone", "")
    assert "<@&123456789012345678>" not in embed.description
    assert "<@456>" not in embed.description
    assert "\\*\\*bold\\*\\*" in embed.description
    assert "\\_told\\_" in embed.description


def test_abstention_lists_suggestions_as_not_answers():
    answer = Answer(
        question="Who won the 2030 cup?",
        answered=False,
        confidence=0.2,
        suggestions=(make_fact(3, "A close fact."), make_fact(4, "Another.")),
    )
    embed = render.answer_embed(answer)
    assert embed.title == "Not in my sources"
    assert embed.fields[0].name == "Closest facts (not answers)"
    assert "#3" in embed.fields[0].value and "#4" in embed.fields[0].value
    assert not embed.footer.text


def test_long_everything_fits_discords_limits():
    long = "word " * 3000
    related = tuple(make_fact(i, long, title="T" * 400) for i in range(2))
    fact = make_fact(text=long + "ANSWER " + long, title="T" * 400, speaker="S" * 3000, event_date="D" * 500)
    span = (len(long), len(long) + 6)
    answer = Answer(
        question="Q" * 3000, answered=True, confidence=1.0, fact=fact, answer="A" * 1000, span=span, related=related
    )
    embed = render.answer_embed(answer)
    assert len(embed.title) <= 256
    assert len(embed.description) <= 4096
    assert "**ANSWER**" in embed.description
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert len(embed.author.name) <= 256
    assert len(embed) <= 6000
    assert embed.title.endswith("…")


def test_fit_drops_fields_beyond_25_and_over_6000():
    embed = discord.Embed(title="x", description="d" * 4096)
    for i in range(40):
        embed.add_field(name=f"n{i}", value="v" * 1024)
    render.fit(embed)
    assert len(embed.fields) <= 25
    assert len(embed) <= 6000


@pytest.mark.parametrize("limit", [1, 2, 5, 10, 50])
def test_clip_and_safe_clip_respect_limit(limit):
    text = "***__~~`@everyone`~~__*** " * 20
    assert len(render.clip(text, limit)) <= limit
    clipped = render.safe_clip(text, limit)
    assert len(clipped) <= limit
    assert not clipped.rstrip("…").endswith("\\")


def test_clip_cuts_at_word_boundary_with_ellipsis():
    assert render.clip("alpha beta gamma delta", 14) == "alpha beta…"
    assert render.clip("short", 10) == "short"


def test_bad_span_and_spaces_around_span():
    fact_text = "The talks ended on Friday."
    assert "**" not in render.quote_fact(fact_text, (30, 40))
    quoted = render.quote_fact(fact_text, (9, 16))  # " ended " with its spaces
    assert "talks **ended** on" in quoted


def test_url_that_is_not_http_is_not_linked():
    embed = render.answer_embed(
        Answer(question="q?", answered=True, confidence=0.5, fact=make_fact(url="javascript:alert(1)"), span=None)
    )
    assert "](" not in embed.fields[0].value


def test_content_within_2000():
    assert len(render.content("x" * 5000)) == 2000
    assert render.percent(1.7) == "100%" and render.percent(0.004) == "0%"


def _claim_fact(fact_id: int, text: str, published: str | None, outlet: str) -> Fact:
    source = Source(document_id=fact_id, title=f"Report {fact_id}", url=None, outlet=outlet, published=published,
                    paragraph=1, sentence=1)
    return Fact(id=fact_id, text=text, source=source, speaker="the ministry")


def _claims_answer(count: int, agreement: str) -> Answer:
    from facts.models import Claim

    claims = []
    for i in range(count):
        number = "5,000" if agreement == "agree" else f"{1000 + i},000"
        text = f"About {number} people were evacuated, the ministry said."
        published = f"2025-04-{20 - i:02d}" if i < count - 1 else None
        claims.append(Claim(_claim_fact(100 + i, text, published, f"Outlet {i}"), number, (6, 6 + len(number))))
    top = claims[0]
    return Answer(question="How many people were evacuated?", answered=True, confidence=0.8, fact=top.fact,
                  answer=top.answer, span=top.span, claims=tuple(claims), agreement=agreement)


def test_differing_claims_are_shown_side_by_side_newest_first_five_at_most():
    embed = render.answer_embed(_claims_answer(7, "differ"))
    assert "The sources differ" in embed.description
    claim_fields = [f for f in embed.fields if " · Outlet " in f.name]
    assert [f.name.split(" · ")[0] for f in claim_fields] == [f"{1000 + i},000" for i in range(5)]
    assert claim_fields[0].name.endswith("20 Apr 2025") and "Fact #100" in claim_fields[0].value
    assert "the ministry" in claim_fields[0].value
    assert any(f.name == "+2 more" for f in embed.fields)
    assert len(embed) <= render.EMBED_TOTAL_LIMIT and len(embed.fields) <= render.FIELD_COUNT_LIMIT


def test_agreeing_claims_say_how_many_agree_and_link_the_first():
    embed = render.answer_embed(_claims_answer(3, "agree"))
    assert "differ" not in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Sources agree"].startswith("3 sources agree; first reported in Report 101")


def test_an_undated_source_is_shown_as_undated_never_as_today():
    source = Source(document_id=1, title="Notes", url=None, outlet=None, published=None, paragraph=1, sentence=1)
    fact = Fact(id=3, text="More than 600 volunteers filled sandbags.", source=source)
    embed = render.answer_embed(Answer(question="How many volunteers?", answered=True, confidence=0.9, fact=fact,
                                       answer="More than 600 volunteers", span=(0, 24)))
    assert embed.description.startswith("Undated source:")
    assert "As of" not in embed.description
