"""Ingest: documents become sourced sentence facts, idempotently and atomically."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from facts.errors import IngestError
from facts.service import FactService
from tests.helpers import CITY_REPORT


def _counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"select count(*) from {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("documents", "facts", "fact_history"))
    finally:
        conn.close()


def test_front_matter_gives_the_source_of_every_fact(service: FactService) -> None:
    report = service.ingest_text(CITY_REPORT, name="riverton.md")
    assert report.facts_added == 5
    docs = service.documents()
    assert [(d.title, d.url, d.outlet, d.published, d.fact_count) for d in docs] == [
        ("Riverton council approves new bridge", "https://news.example.org/riverton-bridge", "Example News",
         "2023-03-10", 5)
    ]
    answer = service.ask("How much will the Riverton bridge cost?")
    assert answer.answered
    assert answer.fact.text == "Mayor Helena Ortiz said the bridge would cost about $12 million and open in 2025."
    assert (answer.fact.source.paragraph, answer.fact.source.sentence) == (1, 2)
    assert answer.fact.source.published == "2023-03-10"


def test_options_win_over_front_matter(service: FactService) -> None:
    service.ingest_text(CITY_REPORT, name="riverton.md", title="Bridge vote", published="2023-03-09")
    (doc,) = service.documents()
    assert (doc.title, doc.published) == ("Bridge vote", "2023-03-09")


def test_same_document_twice_adds_nothing(service: FactService) -> None:
    first = service.ingest_text(CITY_REPORT, name="riverton.md")
    again = service.ingest_text(CITY_REPORT, name="riverton.md")
    assert again.unchanged and again.facts_added == 0 and again.document_id == first.document_id
    assert len(service.documents()) == 1


def test_changed_document_supersedes_old_facts_without_deleting(service: FactService, tmp_path: Path) -> None:
    service.ingest_text(CITY_REPORT, name="riverton.md")
    changed = CITY_REPORT.replace("$12 million", "$15 million")
    report = service.ingest_text(changed, name="riverton.md")
    assert report.facts_superseded == 5 and report.facts_added == 5
    answer = service.ask("How much will the Riverton bridge cost?")
    assert "$15 million" in answer.fact.text
    conn = sqlite3.connect(tmp_path / "facts.db")
    statuses = dict(conn.execute("select status, count(*) from facts group by status").fetchall())
    conn.close()
    assert statuses == {"active": 5, "superseded": 5}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00bad bytes \x80\x81", "riverton.md"),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"---\ntitle: x\npublished: 24/10/2024\n---\nSome text here.", "published"),
    ],
)
def test_bad_documents_are_refused_and_change_nothing(
    service: FactService, tmp_path: Path, data: bytes, message: str
) -> None:
    service.ingest_text(CITY_REPORT, name="first.md")
    before = _counts(tmp_path / "facts.db")
    with pytest.raises(IngestError) as error:
        service.ingest_text(data, name="riverton.md")
    assert message in str(error.value)
    assert _counts(tmp_path / "facts.db") == before


def test_missing_file_is_named(service: FactService, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        service.ingest_path(tmp_path / "nope.txt")


def test_long_document_reports_progress(service: FactService) -> None:
    lines = [f"Reporter number {i} filed story {i} about the harbour on May {1 + i % 28}." for i in range(4500)]
    seen: list[tuple[int, int]] = []
    report = service.ingest_text("\n".join(lines), name="long.txt", progress=lambda d, t: seen.append((d, t)))
    assert report.facts_added == 4500
    assert seen[0] == (2000, 4500) and seen[-1] == (4500, 4500)


def test_sample_corpus_is_bundled_with_its_date(sample_service: FactService) -> None:
    (doc,) = sample_service.documents()
    assert doc.published == "2024-10-25"
    assert doc.fact_count >= 20
    assert sample_service.ensure_sample_corpus() is None
