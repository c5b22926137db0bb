"""Reading a document: bytes -> text, optional front matter, light Markdown clean-up, paragraphs.

Everything here is a pure function on strings; errors are :class:`IngestError` with a message
that names the file and is safe to show a user.

Supported input
---------------
* UTF-8 text, with or without a byte-order mark; any newline style (normalised to ``\\n``).
* An optional front-matter block at the very top, between two ``---`` lines::

      ---
      title: "North Korean troops in Kursk"
      url: https://example.com/story
      outlet: Example News
      published: 2024-10-25
      ---

  Values may be quoted; unknown keys are ignored; ``published`` must be ``YYYY-MM-DD`` (a time
  after the date, as in ``2024-10-25T08:00:00Z``, is accepted and dropped); ``url`` must be http(s).
* Light Markdown: heading markers, emphasis markers, ``[text](url)`` links, images, list bullets,
  block quotes, inline code ticks and horizontal rules are removed. A leading ``# Title`` line
  becomes the title when the front matter has none, and is never a fact paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from facts.errors import IngestError

__all__ = [
    "DocumentMeta",
    "Paragraph",
    "ParsedDocument",
    "decode_document",
    "parse_document",
    "split_paragraphs",
]


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of a document; every field is optional. ``published`` is ISO ``YYYY-MM-DD``."""

    title: str | None
    url: str | None
    outlet: str | None
    published: str | None


@dataclass(frozen=True)
class ParsedDocument:
    """A document body (front matter removed, Markdown cleaned) and its metadata.

    ``body_offset`` is where the body starts in the text given to :func:`parse_document`
    (after the front matter). Markdown clean-up may shorten lines, so offsets inside ``text``
    refer to ``text`` itself.
    """

    text: str
    meta: DocumentMeta
    body_offset: int


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: 1-based ``index``; ``start``/``end`` offsets into the text that was split.

    ``text`` always has the same length as ``source[start:end]``: it is that slice with newlines
    (and tabs) turned into spaces, so offsets inside ``text`` map 1:1 onto the source.
    """

    index: int
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------
# Decoding

_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # control characters other than \t\n\v\f\r


def decode_document(data: bytes, name: str) -> str:
    """Decode a document's bytes as UTF-8 text with ``\\n`` newlines.

    Raises :class:`IngestError` naming ``name`` when the data is empty or whitespace only,
    binary (NUL bytes or mostly control characters) or not valid UTF-8.
    """
    if not data:
        raise IngestError(f"{name} is empty")
    if b"\x00" in data:
        raise IngestError(f"{name} looks like a binary file, not text")
    offset = 0
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        offset = len(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name} is not UTF-8 text (invalid byte at position {exc.start + offset})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if not text.strip():
        raise IngestError(f"{name} is empty")
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 10):
        raise IngestError(f"{name} looks like a binary file, not text")
    return text


# ---------------------------------------------------------------------------------------------
# Front matter

_FENCE = re.compile(r"^---[ \t]*$")
_FM_LINE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z ]*)?$")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _front_matter(text: str, name: str) -> tuple[dict[str, str], int]:
    """Return the front-matter fields and the offset of the body (0 when there is none)."""
    # Leading blank lines before the opening fence are allowed.
    stripped = text.lstrip("\n \t")
    lead = len(text) - len(stripped)
    first_end = stripped.find("\n")
    first = stripped if first_end < 0 else stripped[:first_end]
    if not _FENCE.match(first) or first_end < 0:
        return {}, 0
    fields: dict[str, str] = {}
    pos = lead + first_end + 1
    while pos <= len(text):
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if _FENCE.match(line) or line.rstrip() == "...":
            return fields, (len(text) if nl < 0 else nl + 1)
        m = _FM_LINE.match(line)
        if m:
            fields[m.group(1).lower()] = _unquote(m.group(2))
        if nl < 0:
            break
        pos = nl + 1
    raise IngestError(f"{name}: the front matter that starts with '---' is never closed by a '---' line")


def _check_published(value: str, name: str) -> str | None:
    if not value:
        return None
    m = _ISO_DAY.match(value)
    if m:
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    raise IngestError(f"{name}: front matter 'published' must be a date written YYYY-MM-DD, not {value!r}")


def _check_url(value: str, name: str) -> str | None:
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in value):
        raise IngestError(f"{name}: front matter 'url' must start with http:// or https://, not {value!r}")
    return value


# ---------------------------------------------------------------------------------------------
# Markdown

_ATX = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_OR_RULE = re.compile(r"^[ ]{0,3}(?:=+|-{3,}|\*{3,}|_{3,}|(?:[-*_][ \t]*){3,})[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)(?:[-*+•]|\d{1,2}[.)])[ \t]+")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]+|[^()\s]*\([^()\s]*\)[^()\s]*)(?:[ \t]+\"[^\"\n]*\")?\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_MARKDOWN_HINT = re.compile(r"[#*_\[`>]|^[ \t]*(?:[-+•]|\d{1,2}[.)])[ \t]", re.M)


def _inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EM_STAR.sub(r"\1", line)
    line = _EM_UNDER.sub(r"\1", line)
    return _CODE.sub(r"\1", line)


def _clean_markdown(body: str) -> tuple[str, str | None]:
    """Strip Markdown markup line by line; return the body and a leading ``# Title`` (if any)."""
    if not _MARKDOWN_HINT.search(body):
        return body, None
    lines = body.split("\n")
    blank_blocks = _has_blank_line_blocks(body)
    out: list[str] = []
    title: str | None = None
    seen_text = False
    for line in lines:
        heading = _ATX.match(line)
        if heading:
            text = _inline(heading.group(2)).strip()
            if not seen_text and title is None and len(heading.group(1)) == 1:
                title = text or None
                seen_text = True
                continue
            seen_text = True
            if blank_blocks:
                # A heading is its own paragraph even when no blank line follows it.
                out.extend(["", text, ""])
            else:
                out.append(text)
            continue
        if _SETEXT_OR_RULE.match(line):
            out.append("")
            continue
        line = _QUOTE.sub("", line)
        line = _BULLET.sub(r"\1", line)
        line = _inline(line)
        if line.strip():
            seen_text = True
        out.append(line)
    return "\n".join(out), title


def parse_document(text: str, name: str) -> ParsedDocument:
    """Split off front matter, clean Markdown and return the body with its metadata.

    Raises :class:`IngestError` for an unclosed front matter, a bad ``published`` date or a
    non-http(s) ``url`` (the message names the key).
    """
    fields, body_offset = _front_matter(text, name)
    published = _check_published(fields.get("published", "") or fields.get("date", ""), name)
    url = _check_url(fields.get("url", ""), name)
    body, heading_title = _clean_markdown(text[body_offset:])
    body = _blank_byline(body)
    headline = None
    if not (fields.get("title") or heading_title):
        body, headline = _take_headline(body)
    title = fields.get("title") or heading_title or headline
    meta = DocumentMeta(
        title=title or None,
        url=url,
        outlet=fields.get("outlet") or None,
        published=published,
    )
    return ParsedDocument(text=body, meta=meta, body_offset=body_offset)


_SENTENCE_END = tuple(".!?:;\"'”’)")
_BYLINE = re.compile(r"(?m)^[ \t]*(?:By|BY) [A-Z][\w.'’-]*(?:,? (?:and )?[A-Z][\w.'’-]*){0,5}[ \t]*$")


def _blank(body: str, start: int, end: int) -> str:
    """Replace a span with spaces: it stops being text, and every offset after it stays put."""
    return body[:start] + " " * (end - start) + body[end:]


def _take_headline(body: str) -> tuple[str, str | None]:
    """A plain-text headline: a short first line without closing punctuation, standing alone.

    It becomes the title (and stops being a fact) when the text goes on after it and the line is
    its own paragraph (a blank line follows, or the text has one paragraph per line).
    """
    lines = _line_spans(body, 0, len(body))
    if len(lines) < 2:
        return body, None
    start, end = lines[0]
    line = body[start:end]
    after = body[end : lines[1][0]]
    stands_alone = after.count("\n") >= 2 or not _has_blank_line_blocks(body)
    if not stands_alone or len(line) > 150 or len(line.split()) < 3 or line.endswith(_SENTENCE_END):
        return body, None
    return _blank(body, start, end), line


def _blank_byline(body: str) -> str:
    """Drop a 'By Jane Doe' line near the top: it names the writer, it is not a fact."""
    match = _BYLINE.search(body, 0, 400)
    return _blank(body, match.start(), match.end()) if match else body


# ---------------------------------------------------------------------------------------------
# Paragraphs

_BLANK_SPLIT = re.compile(r"\n[ \t\f\v]*\n")
_WRAP_WIDTH = 100
"""A block whose lines (but the last) are all at most this long is hard-wrapped prose."""


def _has_blank_line_blocks(text: str) -> bool:
    """True when the text has at least two non-empty blocks separated by a blank line."""
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    return any(m.start() > first and m.end() < last for m in _BLANK_SPLIT.finditer(text, first, last))


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stripped non-empty lines of ``text[start:end]`` as (start, end) offsets."""
    spans = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        s, e = pos, line_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
        pos = line_end + 1
    return spans


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split text into paragraphs.

    When the text has blank-line-separated blocks, each block is a paragraph and its single
    newlines are read as hard wrapping (joined with spaces) - unless a block holds a line longer
    than about 100 characters before its last line, in which case it is a block of
    one-paragraph-per-line text and every line is a paragraph. Text without blank lines has one
    paragraph per non-empty line. Offsets are into ``text``; see :class:`Paragraph`.
    """
    spans: list[tuple[int, int]] = []
    if _has_blank_line_blocks(text):
        pos = 0
        bounds = [*(m.span() for m in _BLANK_SPLIT.finditer(text)), (len(text), len(text))]
        for sep_start, sep_end in bounds:
            lines = _line_spans(text, pos, sep_start)
            pos = sep_end
            if not lines:
                continue
            if any(e - s > _WRAP_WIDTH for s, e in lines[:-1]):
                spans.extend(lines)
            else:
                spans.append((lines[0][0], lines[-1][1]))
    else:
        spans = _line_spans(text, 0, len(text))
    return [
        Paragraph(index=i, start=s, end=e, text=_spaces(text[s:e])) for i, (s, e) in enumerate(spans, start=1)
    ]


def _spaces(chunk: str) -> str:
    """Newlines and other layout whitespace -> plain spaces (same length)."""
    if "\n" in chunk:
        chunk = chunk.replace("\n", " ")
    if "\t" in chunk or "\f" in chunk or "\v" in chunk:
        chunk = chunk.replace("\t", " ").replace("\f", " ").replace("\v", " ")
    return chunk
