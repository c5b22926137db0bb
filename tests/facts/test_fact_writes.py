"""The one write path keeps the index in step: after any writes in any scopes, the index is what
rebuilding it from the facts table gives, and an export imported elsewhere answers the same.
"""

from __future__ import annotations

import io
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facts.errors import FactbotError
from facts.service import FactService
from tests.fuzzing import examples, tried
from tests.helpers import CITY_REPORT, TRADE_REPORT

GUILDS = (None, 101, 202)
DOCUMENTS = [
    ("riverton.md", CITY_REPORT),
    ("riverton.md", CITY_REPORT.replace("$12 million", "$15 million").replace("June", "July")),
    ("trade.txt", TRADE_REPORT),
    ("harbour.md", "# Harbour dredging\n\nThe port authority said on Monday that dredging of the harbour would "
                   "start in April.\nWorkers found an old anchor near the pier.\n\nThe mayor praised the crews.\n"),
]
QUESTIONS = [
    "When did the Riverton council approve the bridge?", "How much will the bridge cost?",
    "Who is the city engineer?", "How much did soybean exports rise?", "When will dredging start?",
    "What did workers find?", "Who praised the crews?", "Why did opponents object?",
]
EDITS = ["The council postponed the vote on the bridge until April.", "Workers found a rusty anchor near the dock.",
         "Soybean exports fell sharply in 2022."]

write = st.one_of(
    st.tuples(st.just("ingest"), st.sampled_from(GUILDS), st.integers(0, len(DOCUMENTS) - 1)),
    st.tuples(st.just("add"), st.sampled_from(GUILDS), st.sampled_from(EDITS)),
    st.tuples(st.just("edit"), st.sampled_from(GUILDS), st.integers(0, 50), st.sampled_from(EDITS)),
    st.tuples(st.just("retract"), st.sampled_from(GUILDS), st.integers(0, 50)),
    st.tuples(st.just("restore"), st.sampled_from(GUILDS), st.integers(0, 50)),
    st.tuples(st.just("retract-document"), st.sampled_from(GUILDS), st.integers(0, 10)),
    st.tuples(st.just("restore-document"), st.sampled_from(GUILDS), st.integers(0, 10)),
)


def apply(service: FactService, step: tuple) -> None:
    """One write; refusals (a fact already retracted, another scope's document...) are part of the game."""
    kind, guild, *rest = step
    ids = [r[0] for r in service.db.execute("select id from facts order by id")]
    docs = [r[0] for r in service.db.execute("select id from documents order by id")]
    try:
        if kind == "ingest":
            name, text = DOCUMENTS[rest[0]]
            service.ingest_text(text, name=name, guild_id=guild, actor="test")
        elif kind == "add":
            service.add_fact(rest[0], source="a note", actor="test", guild_id=guild)
        elif kind in ("edit", "retract", "restore") and ids:
            fact_id = ids[rest[0] % len(ids)]
            if kind == "edit":
                service.edit_fact(fact_id, rest[1], actor="test", guild_id=guild, reason="fix")
            elif kind == "retract":
                service.retract_fact(fact_id, actor="test", guild_id=guild, reason="wrong")
            else:
                service.restore_fact(fact_id, actor="test", guild_id=guild)
        elif kind.endswith("-document") and docs:
            document_id = docs[rest[0] % len(docs)]
            if kind == "retract-document":
                service.retract_document(document_id, actor="test", guild_id=guild, reason="wrong file")
            else:
                service.restore_document(document_id, actor="test", guild_id=guild)
    except FactbotError:
        pass


def index_state(conn: sqlite3.Connection) -> tuple[dict, dict, dict[str, list[int]]]:
    """(term counts per scope, live facts per scope, posting entries per term in the order search reads them)."""
    counts: dict[int, dict[str, int]] = {0: dict(conn.execute("select term, df from vocab where df > 0").fetchall())}
    for scope, term, df in conn.execute("select scope, term, df from vocab_scoped"):
        counts.setdefault(scope, {})[term] = df
    live = {key: value for key, value in conn.execute(
        "select key, value from index_state where key glob 'active_facts*' and value != 0")}
    postings: dict[str, list[int]] = {}
    for term, blob in conn.execute("select term, ids from postings order by term, seg"):
        postings.setdefault(term, []).extend(np.frombuffer(blob, dtype=np.uint32).tolist())
    return counts, live, postings


def rebuilt_from_facts(conn: sqlite3.Connection) -> tuple[dict, dict, dict[str, list[int]]]:
    """The same, computed here from the facts table alone (independently of the engine's code)."""
    counts: dict[int, Counter[str]] = {0: Counter()}
    live: Counter[str] = Counter()
    postings: dict[str, list[int]] = {}
    for fact_id, scope, terms, context_terms, status in conn.execute(
        "select id, scope, terms, context_terms, status from facts order by id"
    ):
        own = set(terms.split())
        if status == "active":
            counts.setdefault(scope, Counter()).update(own)
            live["active_facts" if scope == 0 else f"active_facts:{scope}"] += 1
        for term in own:
            postings.setdefault(term, []).append(fact_id << 1 | 1)
        for term in set((context_terms or "").split()) - own:
            postings.setdefault(term, []).append(fact_id << 1)
    return {s: dict(c) for s, c in counts.items() if c or s == 0}, dict(live), postings


def answers(service: FactService) -> list[tuple]:
    out = []
    for guild in GUILDS:
        for question in QUESTIONS:
            a = service.ask(question, guild_id=guild)
            out.append((guild, question, a.answered, a.fact.id if a.fact else None, a.fact.text if a.fact else None,
                        round(a.confidence, 6), a.answer, tuple(f.id for f in a.suggestions),
                        tuple(f.id for f in a.related)))
    return out


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(write, min_size=1, max_size=12))
def test_any_writes_leave_the_index_as_a_rebuild_would_and_an_export_answers_the_same(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple]
) -> None:
    tried("engine: index after random writes")
    folder = tmp_path_factory.mktemp("writes")
    service = FactService(folder / "facts.db")
    try:
        for step in steps:
            apply(service, step)
        state = index_state(service.db.conn)
        assert state == rebuilt_from_facts(service.db.conn)

        exported = io.StringIO()
        service.export_jsonl(exported)
        copy = FactService(folder / "copy.db")
        try:
            copy.import_jsonl(io.StringIO(exported.getvalue()))
            assert index_state(copy.db.conn) == state
            assert answers(copy) == answers(service)
        finally:
            copy.close()
    finally:
        service.close()


def test_a_failed_write_changes_neither_facts_nor_index(tmp_path: Path) -> None:
    service = FactService(tmp_path / "facts.db")
    try:
        service.ingest_text(CITY_REPORT, name="riverton.md")
        before = index_state(service.db.conn), service.db.execute("select id, status from facts").fetchall()
        service.db.conn.execute(
            "create trigger refuse before insert on fact_history begin select raise(abort, 'refused'); end"
        )
        with pytest.raises(FactbotError):
            service.retract_document(1, actor="test", guild_id=None, reason="wrong file")
        after = index_state(service.db.conn), service.db.execute("select id, status from facts").fetchall()
        assert after == before
        assert service.ask("When did the Riverton council approve the bridge?").answered
    finally:
        service.close()
