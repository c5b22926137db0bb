"""Claims side by side and 'as of' through the `factbot` command (real subprocesses): the bundled
report plus the project's own invented multi-outlet reports (tests/data/claims)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import factbot
from tests.helpers import REPO_ROOT

CLAIMS = REPO_ROOT / "tests" / "data" / "claims"
HOW_MANY = "How many residents were evacuated from Kessling?"
AGREED = "Where is the regional emergency office based?"


def _database(tmp_path: Path) -> None:
    built = factbot("--db", "c.db", "sample", cwd=tmp_path)  # the bundled report first
    assert built.returncode == 0, built.stderr
    reports = sorted(str(p) for p in CLAIMS.glob("*.md") if p.name != "README.md")
    assert len(reports) == 4
    ingested = factbot("--db", "c.db", "ingest", *reports, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr


def _ask(tmp_path: Path, *questions: str) -> list[dict]:
    result = factbot("--db", "c.db", "ask", "--json", "-", cwd=tmp_path, stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_documents_that_disagree_are_shown_side_by_side_newest_first(tmp_path: Path) -> None:
    _database(tmp_path)
    differ, agree, isw = _ask(tmp_path, HOW_MANY, AGREED, "where is the ISW based?")

    claims = differ["claims"]
    assert differ["agreement"] == "differ"
    assert len({c["source"]["document"] for c in claims}) == len(claims) >= 2
    figures = [next(n for n in ("3,000", "4,500", "5,200") if n in c["answer"]) for c in claims]
    assert sorted(set(figures)) == ["3,000", "4,500", "5,200"]  # different answers
    published = [c["source"]["published"] for c in claims]
    assert published == sorted(published, reverse=True)  # newest first
    for claim in claims:
        assert claim["answer"] in claim["text"]
        assert set(claim["source"]) >= {"document", "title", "url", "outlet", "published", "paragraph", "sentence"}
        assert "speaker" in claim and claim["fact_id"] > 0
    assert {c["source"]["outlet"] for c in claims} == {"Coastline Daily", "Riverside Gazette", "Lakeside Courier",
                                                      "Northgate Herald"}
    # The answer itself is the newest claim's.
    assert (differ["answer"], differ["text"], differ["fact_id"]) == (
        claims[0]["answer"], claims[0]["text"], claims[0]["fact_id"])
    assert differ["as_of"] == claims[0]["source"]["published"]

    # The same documents, another question: all sources agree, no conflict.
    assert agree["agreement"] == "agree" and len(agree["claims"]) >= 2
    assert {c["answer"] for c in agree["claims"]} == {agree["answer"]}

    # One document answers: no claims at all.
    assert isw["answered"] and "claims" not in isw and isw["as_of"] == "2024-10-25"


def test_the_text_answer_says_the_sources_differ_and_when_each_was_published(tmp_path: Path) -> None:
    _database(tmp_path)
    result = factbot("--db", "c.db", "ask", HOW_MANY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "The sources differ" in out and "As of 8 Apr 2025" in out
    assert out.index("Coastline Daily, 8 Apr 2025") < out.index("Riverside Gazette, 4 Apr 2025") < out.index(
        "Lakeside Courier, 2 Apr 2025") < out.index("Northgate Herald, 1 Apr 2025")
    agreed = factbot("--db", "c.db", "ask", AGREED, cwd=tmp_path).stdout
    assert "differ" not in agreed and "3 sources agree" in agreed


def test_an_undated_document_is_shown_as_undated(tmp_path: Path) -> None:
    undated = CLAIMS / "undated" / "kessling-volunteers.md"
    ingested = factbot("--db", "u.db", "ingest", str(undated), cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    data = _ask_db(tmp_path, "u.db", "How many volunteers filled sandbags in Kessling?")
    assert data["answered"] and data["source"]["published"] is None and data["as_of"] is None
    text = factbot("--db", "u.db", "ask", "How many volunteers filled sandbags in Kessling?", cwd=tmp_path).stdout
    assert "Undated source" in text and "As of" not in text


def _ask_db(tmp_path: Path, db: str, question: str) -> dict:
    result = factbot("--db", db, "ask", "--json", question, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_timeline_merges_documents_and_marks_contradicted_facts(tmp_path: Path) -> None:
    _database(tmp_path)
    result = factbot("--db", "c.db", "timeline", "--limit", "50", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line[:4].isdigit()]
    dates = [row.split()[0] for row in rows]
    assert dates == sorted(dates)  # one order across every document
    titles = ("North Korean troops identified", "Reservoir overflow forces", "Kessling evacuation widens",
              "Ministry raises Kessling")
    assert all(title in result.stdout for title in titles)
    marked = [row for row in rows if "[contradicted by" in row]
    assert {("3,000" in r, "4,500" in r, "5,200" in r).index(True) for r in marked} == {0, 1, 2}
    assert all("Kessling" in row for row in marked)  # nothing from the bundled report is marked
