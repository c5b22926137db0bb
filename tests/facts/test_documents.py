"""Decoding, front matter, Markdown clean-up and paragraph splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts.documents import DocumentMeta, Paragraph, decode_document, parse_document, split_paragraphs
from facts.errors import IngestError

CORPUS = Path(__file__).resolve().parents[2] / "facts" / "data" / "corpus"
SAMPLE = CORPUS / "north-korean-troops-in-kursk.txt"


# --- decode_document ---------------------------------------------------------------------------


def test_decode_plain_and_bom_utf8() -> None:
    assert decode_document("Café opens.".encode(), "a.txt") == "Café opens."
    assert decode_document(b"\xef\xbb\xbfHello.", "a.txt") == "Hello."


def test_decode_normalises_newlines() -> None:
    assert decode_document(b"One.\r\nTwo.\rThree.\n", "a.txt") == "One.\nTwo.\nThree.\n"


def test_decode_rejects_latin1_with_position() -> None:
    with pytest.raises(IngestError) as err:
        decode_document(b"Hello world\xe9 again", "x.txt")
    assert str(err.value) == "x.txt is not UTF-8 text (invalid byte at position 11)"


def test_decode_position_counts_the_bom() -> None:
    with pytest.raises(IngestError, match=r"position 4\)"):
        decode_document(b"\xef\xbb\xbfA\xff", "x.txt")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf  \r\n"])
def test_decode_rejects_empty(data: bytes) -> None:
    with pytest.raises(IngestError, match=r"^x\.txt is empty$"):
        decode_document(data, "x.txt")


def test_decode_rejects_binary() -> None:
    with pytest.raises(IngestError, match=r"x\.pdf .*binary"):
        decode_document(b"%PDF-1.4\x00\x01\x02", "x.pdf")
    with pytest.raises(IngestError, match="binary"):
        decode_document(bytes(range(1, 32)) * 10, "x.bin")


def test_decode_accepts_a_tab_or_form_feed() -> None:
    assert decode_document(b"A\tb.\x0cC.", "a.txt") == "A\tb.\x0cC."


# --- parse_document ----------------------------------------------------------------------------


def test_front_matter_fields_and_body_offset() -> None:
    text = (
        "---\n"
        'title: "Flood hits Porto Alegre"\n'
        "url: https://news.example.org/floods\n"
        "outlet: 'Example Wire'\n"
        "published: 2024-05-06\n"
        "tags: [weather]\n"
        "---\n"
        "Rain fell for days.\n"
    )
    doc = parse_document(text, "f.md")
    assert doc.meta == DocumentMeta(
        title="Flood hits Porto Alegre",
        url="https://news.example.org/floods",
        outlet="Example Wire",
        published="2024-05-06",
    )
    assert doc.text == "Rain fell for days.\n"
    assert text[doc.body_offset :] == "Rain fell for days.\n"


def test_no_front_matter() -> None:
    doc = parse_document("Just a sentence.", "a.txt")
    assert doc.meta == DocumentMeta(None, None, None, None)
    assert doc.text == "Just a sentence."
    assert doc.body_offset == 0


def test_published_with_time_is_accepted() -> None:
    doc = parse_document("---\npublished: 2023-03-01T09:30:00Z\n---\nText.", "a.md")
    assert doc.meta.published == "2023-03-01"


@pytest.mark.parametrize("value", ["March 1", "2023-02-30", "01/03/2023", "2023-3-1"])
def test_bad_published_date_names_the_key(value: str) -> None:
    with pytest.raises(IngestError, match=r"a\.md: .*'published'"):
        parse_document(f"---\npublished: {value}\n---\nText.", "a.md")


@pytest.mark.parametrize("value", ["ftp://example.com/x", "example.com", "javascript:alert(1)", "https://"])
def test_url_must_be_http(value: str) -> None:
    with pytest.raises(IngestError, match="'url'"):
        parse_document(f"---\nurl: {value}\n---\nText.", "a.md")


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(IngestError, match="never closed"):
        parse_document("---\ntitle: x\nBody text.\n", "a.md")


def test_markdown_heading_becomes_title_and_markup_is_stripped() -> None:
    text = (
        "# Storm season begins\n\n"
        "The **National Weather Service** said on _Monday_ that [Hurricane Ana](https://x.org/ana) "
        "had formed.\n\n"
        "## Background\n\n"
        "- Ana is the *first* storm.\n"
        "- Forecasters expect more.\n\n"
        "> It will be busy, one forecaster said.\n\n"
        "![a map](map.png)Officials use `snake_case` names like storm_ana.\n"
    )
    doc = parse_document(text, "s.md")
    assert doc.meta.title == "Storm season begins"
    paragraphs = [p.text for p in split_paragraphs(doc.text)]
    assert paragraphs == [
        "The National Weather Service said on Monday that Hurricane Ana had formed.",
        "Background",
        "Ana is the first storm. Forecasters expect more.",
        "It will be busy, one forecaster said.",
        "Officials use snake_case names like storm_ana.",
    ]


def test_front_matter_title_wins_over_heading() -> None:
    doc = parse_document("---\ntitle: Given\n---\n# Heading\nText.", "a.md")
    assert doc.meta.title == "Given"


def test_plain_text_with_asterisk_and_hash_is_left_alone() -> None:
    text = "The #1 seed won 3*4 games. Rates rose 5% to a 2_000 mark."
    assert parse_document(text, "a.txt").text == text


# --- split_paragraphs --------------------------------------------------------------------------


def test_one_paragraph_per_line_without_blank_lines() -> None:
    text = "  First line.  \nSecond line.\n"
    paras = split_paragraphs(text)
    assert paras == [Paragraph(1, 2, 13, "First line."), Paragraph(2, 16, 28, "Second line.")]


def test_blank_line_blocks_are_joined_hard_wrapped() -> None:
    text = "The council met on\nTuesday to vote.\n\n  A second\nparagraph here.\n"
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["The council met on Tuesday to vote.", "A second paragraph here."]
    for p in paras:
        assert len(p.text) == p.end - p.start
        assert text[p.start : p.end].replace("\n", " ") == p.text
    assert [p.index for p in paras] == [1, 2]


def test_block_of_long_lines_is_one_paragraph_per_line() -> None:
    long1 = "A" + " word" * 30 + "."
    long2 = "B" + " word" * 30 + "."
    text = f"Title line\n\n{long1}\n{long2}\n"
    assert [p.text for p in split_paragraphs(text)] == ["Title line", long1, long2]


def test_sample_document_has_twelve_paragraphs() -> None:
    text = decode_document(SAMPLE.read_bytes(), SAMPLE.name)
    doc = parse_document(text, SAMPLE.name)
    paras = split_paragraphs(doc.text)
    assert len(paras) == 12
    assert paras[0].text.startswith("On October 24, Ukraine’s defense intelligence agency")
    assert paras[-1].text.endswith("transferring weapons.”")
    assert all(doc.text[p.start : p.end] == p.text for p in paras)


def test_a_plain_text_headline_becomes_the_title_not_a_fact() -> None:
    text = (
        "Harbour reopens after storm\n\nBy Ana Ruiz\n\n"
        "The harbour reopened on May 3.\n\nShips returned the next day.\n"
    )
    parsed = parse_document(text, "harbour.txt")
    assert parsed.meta.title == "Harbour reopens after storm"
    paragraphs = [p.text.strip() for p in split_paragraphs(parsed.text)]
    assert paragraphs == ["The harbour reopened on May 3.", "Ships returned the next day."]


def test_a_lead_sentence_is_not_mistaken_for_a_headline() -> None:
    text = "The harbour reopened on May 3.\nShips returned the next day.\n"
    parsed = parse_document(text, "harbour.txt")
    assert parsed.meta.title is None
    assert len(split_paragraphs(parsed.text)) == 2
