"""Plain-text rendering of answers and facts for the CLI and the offline console."""

from __future__ import annotations

import textwrap

from facts.claims import as_of, first_reported, readable_date
from facts.models import Answer, Fact, HistoryEntry


def source_line(fact: Fact) -> str:
    """'Title (published), paragraph N, sentence M: url' for one fact."""
    src = fact.source
    parts = [src.title]
    if src.published:
        parts[0] += f" ({src.published})"
    where = f"paragraph {src.paragraph}, sentence {src.sentence}" if src.paragraph else ""
    line = ", ".join(p for p in [parts[0], where] if p)
    if fact.note:
        line += f"; source note: {fact.note}"
    if src.url:
        line += f" <{src.url}>"
    return line


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def format_answer(answer: Answer) -> str:
    """An answer, or an abstention with the closest facts, as a person reads it in a terminal."""
    if not answer.answered or answer.fact is None:
        lines = [f"Not in my sources (confidence {answer.confidence:.0%})."]
        if answer.suggestions:
            lines.append("Closest facts I have (not answers):")
            for fact in answer.suggestions:
                lines.append(_wrap(f"#{fact.id}: {fact.text}"))
                lines.append(_wrap(f"source: {source_line(fact)}", "      "))
        return "\n".join(lines)
    fact = answer.fact
    text = fact.text
    if answer.span:
        start, end = answer.span
        text = f"{text[:start]}**{text[start:end]}**{text[end:]}"
    lines = []
    if answer.claims and answer.agreement == "differ":
        lines.append(f"The sources differ: {len(answer.claims)} documents give different answers (newest first).")
    if answer.answer:
        lines.append(f"Answer: {answer.answer}")
    lines.append(f"{as_of(fact)}:")
    lines.append(_wrap(f"“{text}”"))
    lines.append(f"Source: {source_line(fact)}")
    details = [f"fact #{fact.id}", f"confidence {answer.confidence:.0%}"]
    if fact.event_date:
        details.insert(0, f"event date {fact.event_date}")
    if fact.speaker:
        details.insert(0, f"speaker {fact.speaker}")
    lines.append("(" + "; ".join(details) + ")")
    if answer.claims and answer.agreement == "differ":
        lines.append("What each source says:")
        for claim in answer.claims:
            src = claim.fact.source
            lines.append(_wrap(f"- {claim.answer} ({src.outlet or src.title}, {readable_date(src.published)}; "
                               f"fact #{claim.fact.id}): {as_of(claim.fact)}: “{claim.fact.text}”"))
    elif answer.claims:
        first = first_reported(answer.claims)
        lines.append(f"{len(answer.claims)} sources agree (first reported by: {source_line(first.fact)}).")
    if answer.newer is not None:
        newer = answer.newer.source
        lines.append(_wrap(f"A newer source ({newer.title}, {readable_date(newer.published)}) also covers this: "
                           f"fact #{answer.newer.id}.", ""))
    if answer.related:
        lines.append("Related:")
        for rel in answer.related:
            lines.append(_wrap(f"#{rel.id}: {rel.text}"))
    return "\n".join(lines)


def format_fact(fact: Fact, history: list[HistoryEntry] | None = None) -> str:
    """One fact with its source and, when given, its history."""
    lines = [f"Fact #{fact.id} ({fact.status}, version {fact.version})", _wrap(fact.text),
             f"Source: {source_line(fact)}"]
    if fact.event_date:
        lines.append(f"Event date: {fact.event_date}")
    if fact.speaker:
        lines.append(f"Speaker: {fact.speaker}")
    if fact.overrides:
        lines.append(f"This server's version of shared fact #{fact.overrides}")
    for entry in history or []:
        change = f"{entry.at} {entry.action} by {entry.actor}"
        if entry.reason:
            change += f": {entry.reason}"
        lines.append(f"  - {change}")
        if entry.action == "edit":
            lines.append(_wrap(f"before: {entry.before}", "      "))
            lines.append(_wrap(f"after:  {entry.after}", "      "))
    return "\n".join(lines)
