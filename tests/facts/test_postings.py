"""The posting-list search's budget: what a list past it may and may not do."""

from __future__ import annotations

import sqlite3
from array import array

import pytest

from facts.postings import BOOST_ONLY_UP_TO, Accumulator


def _index(lists: dict[str, list[tuple[int, bool]]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create table postings (term text, seg integer, n integer, ids blob, primary key (term, seg))")
    for term, entries in lists.items():
        ids = array("I", sorted(fact << 1 | own for fact, own in entries))
        conn.execute("insert into postings values (?, 1, ?, ?)", [term, len(ids), ids.tobytes()])
    return conn


@pytest.fixture
def accumulator() -> Accumulator:
    return Accumulator()


def test_a_list_within_the_budget_is_read_whole(accumulator: Accumulator) -> None:
    conn = _index({"rare": [(1, True), (2, True)], "common": [(n, True) for n in range(1, 9)]})
    hits = accumulator.search(conn, [("rare", 5.0, 2), ("common", 1.0, 8)], limit=10, budget=100)
    assert hits.complete and hits.entries == 10
    assert hits.ids[:2] == [1, 2] and sorted(hits.ids) == list(range(1, 9))
    assert not accumulator.scores.any()  # reset for the next question


def test_the_first_list_may_overshoot_the_budget(accumulator: Accumulator) -> None:
    conn = _index({"common": [(n, n % 2 == 0) for n in range(1, 51)]})
    hits = accumulator.search(conn, [("common", 1.0, 50)], limit=5, budget=10)
    assert hits.complete and hits.entries == 50
    assert len(hits.ids) == 5 and all(i % 2 == 0 for i in hits.ids)  # own-sentence entries first


def test_a_list_past_the_budget_only_reweights_what_rarer_terms_found(accumulator: Accumulator) -> None:
    conn = _index({
        "rare": [(n, True) for n in (3, 5, 7)],
        "common": [(n, n == 7) for n in range(1, 41)],
        "commoner": [(n, True) for n in range(1, 61)],
    })
    terms = [("rare", 5.0, 3), ("common", 1.0, 40), ("commoner", 0.5, 60)]
    hits = accumulator.search(conn, terms, limit=10, budget=20)
    assert not hits.complete
    assert hits.ids[0] == 7  # the common term still decides the order of the rare term's facts...
    assert sorted(hits.ids) == [3, 5, 7]  # ...but brings no facts of its own, and "commoner" is not read
    assert not accumulator.scores.any()


def test_a_very_long_list_past_the_budget_is_skipped(accumulator: Accumulator) -> None:
    budget = 3
    long = [(n, n == 5) for n in range(1, BOOST_ONLY_UP_TO * budget + 10)]
    conn = _index({"rare": [(3, True), (5, True)], "common": long})
    hits = accumulator.search(conn, [("rare", 5.0, 2), ("common", 1.0, len(long))], limit=10, budget=budget)
    assert not hits.complete and hits.entries == 2
    assert hits.ids == [3, 5]  # fact 5 would lead had the list been read


def test_without_a_budget_every_list_is_read(accumulator: Accumulator) -> None:
    conn = _index({"rare": [(1, True)], "common": [(n, True) for n in range(1, 30)]})
    hits = accumulator.search(conn, [("rare", 5.0, 1), ("common", 1.0, 29)], limit=50, budget=None)
    assert hits.complete and len(hits.ids) == 29
