"""Turn engine results into Discord embeds and message text, within Discord's limits.

Everything quoted from a document is escaped, so a fact can neither format the message nor ping
anyone. Long text is cut at a word boundary and ends with an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from facts.answering import RELATED_LIMIT, SUGGESTION_LIMIT
from facts.models import Answer, DocumentInfo, Fact, HistoryEntry, ReviewItem, Source

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000

ELLIPSIS = "…"
ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.light_grey()
MAX_RELATED = RELATED_LIMIT
MAX_SUGGESTIONS = SUGGESTION_LIMIT
# A quoted fact is cut to this many raw characters (around the answer) before escaping.
QUOTE_BUDGET = 1500
_QUESTION_PREFIX = "Q: "
_URL_OK = re.compile(r"^https?://[^\s<>]+$")


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, at a word boundary when one is near, with '…'."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= len(cut) * 0.6:
        cut = cut[:space]
    # Never end on a lone backslash (it would escape the ellipsis) or a broken emphasis marker.
    cut = cut.rstrip(" \\*_~|`>")
    return cut + ELLIPSIS


def safe(text: str) -> str:
    """Escape Markdown and mentions so quoted text shows literally and pings no one."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return escaped.replace("<@", "<@\u200b")


def safe_clip(text: str, limit: int) -> str:
    """Escape then fit ``text`` into ``limit`` characters without splitting an escape."""
    escaped = safe(text)
    if len(escaped) <= limit:
        return escaped
    # Clip the raw text, then escape: the largest raw cut whose escaped form fits.
    low, high = 0, min(len(text), limit)
    while low < high:
        mid = (low + high + 1) // 2
        if len(safe(clip(text, mid))) <= limit:
            low = mid
        else:
            high = mid - 1
    return safe(clip(text, low)) if low else ELLIPSIS[:limit]


def quote_fact(text: str, span: tuple[int, int] | None, limit: int = DESCRIPTION_LIMIT) -> str:
    """The fact as a block quote with the answering span in bold, escaped and within ``limit``."""
    start, end = span if span else (0, 0)
    if not (0 <= start < end <= len(text)):
        start = end = 0
    before, middle, after = text[:start], text[start:end], text[end:]
    # Keep the answer whole; trim context around it to the budget.
    budget = max(0, QUOTE_BUDGET - len(middle))
    if len(before) + len(after) > budget:
        keep_before = min(len(before), budget // 2)
        keep_after = min(len(after), budget - keep_before)
        keep_before = min(len(before), budget - keep_after)
        if keep_before < len(before):
            before = ELLIPSIS + before[len(before) - keep_before :].lstrip()
        if keep_after < len(after):
            after = after[:keep_after].rstrip() + ELLIPSIS
    if len(middle) > QUOTE_BUDGET:
        middle = clip(middle, QUOTE_BUDGET)
    body = safe(before) + (_bold(middle) if middle.strip() else safe(middle)) + safe(after)
    return clip("> " + body.replace("\n", "\n> "), limit)


def _bold(middle: str) -> str:
    """Bold ``middle`` keeping its surrounding spaces outside the markers (Discord needs that)."""
    lead = middle[: len(middle) - len(middle.lstrip())]
    trail = middle[len(middle.rstrip()) :]
    return f"{lead}**{safe(middle.strip())}**{trail}"


def percent(confidence: float) -> str:
    """0.873 -> '87%'."""
    return f"{round(max(0.0, min(1.0, confidence)) * 100)}%"


def source_line(source: Source) -> str:
    """Document title (linked when it has a usable url) and paragraph."""
    title = safe_clip(source.title or "Untitled document", 200)
    url = source.url or ""
    if _URL_OK.match(url) and len(url) <= 500:
        link = url.replace("(", "%28").replace(")", "%29")
        title = f"[{title}]({link})"
    parts = [title, f"paragraph {source.paragraph}"]
    if source.outlet:
        parts.append(safe_clip(source.outlet, 100))
    if source.published:
        parts.append(f"published {safe_clip(source.published, 40)}")
    return " · ".join(parts)


def _brief(fact: Fact, limit: int = 300) -> str:
    return f"#{fact.id}: {safe_clip(fact.text, limit)}\n↳ {source_line(fact.source)}"


def answer_embed(answer: Answer) -> discord.Embed:
    """An answer (or an abstention) as an embed; the question rides in the author line."""
    if not answer.answered or answer.fact is None:
        return abstain_embed(answer)
    fact = answer.fact
    title = safe_clip(answer.answer.strip(), TITLE_LIMIT) if answer.answer and answer.answer.strip() else "Answer"
    embed = discord.Embed(title=title, description=quote_fact(fact.text, answer.span), colour=ANSWER_COLOUR)
    embed.set_author(name=clip(_QUESTION_PREFIX + " ".join(answer.question.split()), AUTHOR_LIMIT))
    embed.add_field(name="Source", value=clip(source_line(fact.source), FIELD_VALUE_LIMIT), inline=False)
    if fact.event_date:
        embed.add_field(name="Event date", value=safe_clip(fact.event_date, 100), inline=True)
    if fact.speaker:
        embed.add_field(name="Speaker", value=safe_clip(fact.speaker, 200), inline=True)
    embed.add_field(name="Confidence", value=percent(answer.confidence), inline=True)
    for related in answer.related[:MAX_RELATED]:
        embed.add_field(name="Related", value=clip(_brief(related), FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=f"Fact #{fact.id}")
    return fit(embed)


def abstain_embed(answer: Answer) -> discord.Embed:
    """'Not in my sources', with the closest facts listed as suggestions, never as answers."""
    question = safe_clip(" ".join(answer.question.split()), 300)
    embed = discord.Embed(
        title="Not in my sources",
        description=f"I couldn't find a sourced answer to “{question}”.",
        colour=ABSTAIN_COLOUR,
    )
    embed.set_author(name=clip(_QUESTION_PREFIX + " ".join(answer.question.split()), AUTHOR_LIMIT))
    if answer.suggestions:
        lines = [_brief(f, 200) for f in answer.suggestions[:MAX_SUGGESTIONS]]
        embed.add_field(
            name="Closest facts (not answers)", value=clip("\n".join(lines), FIELD_VALUE_LIMIT), inline=False
        )
    return fit(embed)


def question_of(embed: discord.Embed) -> str | None:
    """The question an answer embed was made for (read back by the feedback buttons)."""
    name = embed.author.name if embed.author else None
    if name and name.startswith(_QUESTION_PREFIX):
        return name[len(_QUESTION_PREFIX) :]
    return None


def fact_embed(fact: Fact, history: Sequence[HistoryEntry] = ()) -> discord.Embed:
    """One fact, its source, status and recent history."""
    embed = discord.Embed(
        title=f"Fact #{fact.id}", description=quote_fact(fact.text, None), colour=ANSWER_COLOUR
    )
    embed.add_field(name="Source", value=clip(source_line(fact.source), FIELD_VALUE_LIMIT), inline=False)
    if fact.event_date:
        embed.add_field(name="Event date", value=safe_clip(fact.event_date, 100), inline=True)
    if fact.speaker:
        embed.add_field(name="Speaker", value=safe_clip(fact.speaker, 200), inline=True)
    embed.add_field(name="Status", value=f"{fact.status} (version {fact.version})", inline=True)
    if fact.note:
        embed.add_field(name="Note", value=safe_clip(fact.note, FIELD_VALUE_LIMIT), inline=False)
    if history:
        embed.add_field(name="History", value=history_text(history[-10:]), inline=False)
    embed.set_footer(text=f"Fact #{fact.id}")
    return fit(embed)


def history_text(entries: Sequence[HistoryEntry], limit: int = FIELD_VALUE_LIMIT) -> str:
    """History entries one per line, oldest first, newest kept when space runs out."""
    lines = []
    for entry in entries:
        reason = f": {safe_clip(entry.reason, 120)}" if entry.reason else ""
        who = safe_clip(entry.actor, 40)
        lines.append(f"{safe_clip(entry.at, 25)} · {safe_clip(entry.action, 30)} by {who}{reason}")
    while lines and len("\n".join(lines)) > limit:
        lines.pop(0)
    return "\n".join(lines) or "No changes recorded."


def documents_embed(documents: Sequence[DocumentInfo], limit: int = 20) -> discord.Embed:
    """The documents visible here, with their dates and live fact counts."""
    embed = discord.Embed(title="Sources", colour=ANSWER_COLOUR)
    lines = []
    for doc in documents[:limit]:
        title = safe_clip(doc.title or "Untitled", 150)
        if doc.url and _URL_OK.match(doc.url) and len(doc.url) <= 400:
            title = f"[{title}]({doc.url.replace('(', '%28').replace(')', '%29')})"
        date = safe_clip(doc.published, 30) if doc.published else "undated"
        count = f"{doc.fact_count} fact" + ("" if doc.fact_count == 1 else "s")
        if doc.retracted:
            count = "**retracted** (moderators only; never used in answers)"
        lines.append(f"`#{doc.id}` {title} · {date} · {count}")
    text = _join_within(lines, DESCRIPTION_LIMIT - 100)
    hidden = len(documents) - text.count("\n") - (1 if text else 0)
    if hidden > 0:
        text += f"\n…and {hidden} more."
    embed.description = text or "No documents yet."
    return fit(embed)


def timeline_embed(
    facts: Sequence[Fact], total: int, page: int, pages: int, about: str | None
) -> discord.Embed:
    """One page of dated facts, each with its source."""
    title = "Timeline" + (f": {safe_clip(' '.join(about.split()), 200)}" if about else "")
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), colour=ANSWER_COLOUR)
    if not facts:
        embed.description = "No dated facts" + (" about that." if about else ".")
    for fact in facts[:FIELD_COUNT_LIMIT]:
        name = clip(f"{fact.event_date or 'undated'} · Fact #{fact.id}", FIELD_NAME_LIMIT)
        value = f"{safe_clip(fact.text, 600)}\n↳ {source_line(fact.source)}"
        embed.add_field(name=name, value=clip(value, FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=f"Page {page} of {max(pages, 1)} · {total} dated facts")
    return fit(embed)


def review_embed(items: Sequence[ReviewItem]) -> discord.Embed:
    """Open review items: wrong-answer reports and unanswered questions."""
    embed = discord.Embed(title="Review queue", colour=ABSTAIN_COLOUR)
    labels = {"wrong_answer": "Wrong answer", "unanswered": "Unanswered"}
    lines = []
    for item in items:
        fact = f" (fact #{item.fact_id})" if item.fact_id else ""
        label = labels.get(item.kind, safe_clip(item.kind, 30))
        when = safe_clip(item.created_at, 25)
        lines.append(f"`#{item.id}` {label}{fact}: “{safe_clip(item.question, 200)}” · {when}")
    embed.description = _join_within(lines, DESCRIPTION_LIMIT) or "Nothing to review."
    return fit(embed)


def _join_within(lines: Sequence[str], limit: int) -> str:
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)



def fit(embed: discord.Embed) -> discord.Embed:
    """Enforce every embed limit: clip each part, drop trailing fields until the total fits."""
    if embed.title:
        embed.title = clip(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_LIMIT)
    if embed.author and embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR_LIMIT), url=embed.author.url)
    if embed.footer and embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_LIMIT))
    fields = [(f.name or "\u200b", f.value or "\u200b", f.inline) for f in embed.fields][:FIELD_COUNT_LIMIT]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(
            name=clip(name, FIELD_NAME_LIMIT), value=clip(value, FIELD_VALUE_LIMIT), inline=inline
        )
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        over = len(embed) - EMBED_TOTAL_LIMIT
        embed.description = clip(embed.description, max(1, len(embed.description) - over))
    return embed


def answer_text(answer: Answer, limit: int = CONTENT_LIMIT) -> str:
    """A plain-text form of an answer (for logs and places without embeds), escaped and clipped."""
    if not answer.answered or answer.fact is None:
        return clip("Not in my sources.", limit)
    fact = answer.fact
    quoted = quote_fact(fact.text, answer.span, 1500)
    text = f"{quoted}\n— {source_line(fact.source)} ({percent(answer.confidence)})"
    return clip(text, limit)


def content(text: str) -> str:
    """Any message text, within the 2000-character limit."""
    return clip(text, CONTENT_LIMIT)
