"""Crash safety: SIGKILL an ingest or a moderator's edits at random points; nothing is ever half-written.

Each kill is either statement-exact (the child kills itself just before its N-th SQL statement,
N drawn at random over the whole run, so most land inside the write transaction) or timed (the
test kills the child after a random delay). After every kill the database must open, pass
``PRAGMA integrity_check`` and the FTS index check, hold all or none of the document (or every
edit whole), keep the vocabulary counts in step with the live facts, and accept the work again.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from facts.models import SHARED_SCOPE
from facts.postings import missing_entries
from facts.service import FactService
from facts.vocabulary import counter_key
from tests.fuzzing import injected
from tests.helpers import CITY_REPORT, REPO_ROOT, clean_env

SEED = 20241025
STATEMENT_KILLS = 14
TIMED_KILLS = 6


def large_document(sentences: int = 1500) -> str:
    rng = random.Random(SEED)
    towns = ["Riverton", "Clearwater", "Ostend", "Maribor", "Tallinn", "Ayacucho"]
    paragraphs = []
    for p in range(sentences // 5):
        paragraphs.append(" ".join(
            f"Officials in {rng.choice(towns)} said on March {rng.randint(1, 28)} that {rng.randint(2, 9999)} "
            f"workers repaired bridge {p}-{k}." for k in range(5)))
    return "\n\n".join(paragraphs) + "\n"


def child(db: Path, mode: str, target: str, kill_at: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.facts.crash_child", str(db), mode, target, str(kill_at)],
        cwd=REPO_ROOT, env=clean_env(REPO_ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def vocabulary_in_step(service: FactService) -> bool:
    """Per scope, the counts hold the live facts holding each term, and the counters the live facts
    (vocab and ``active_facts`` for the shared scope, vocab_scoped and ``active_facts:<scope>`` for a server)."""
    expected: dict[int, Counter[str]] = {SHARED_SCOPE: Counter()}
    facts: Counter[int] = Counter()
    for scope, terms in service.db.execute("select scope, terms from facts where status = 'active'"):
        expected.setdefault(scope, Counter()).update(set(terms.split()))
        facts[scope] += 1
    stored: dict[int, dict[str, int]] = {}
    stored[SHARED_SCOPE] = {t: df for t, df in service.db.execute("select term, df from vocab where df > 0")}
    for scope, term, df in service.db.execute("select scope, term, df from vocab_scoped where df > 0"):
        stored.setdefault(scope, {})[term] = df
    counters = {key: value for key, value in service.db.execute("select key, value from index_state")}
    return stored == {scope: dict(counts) for scope, counts in expected.items()} and all(
        counters.get(counter_key(scope), 0) == facts[scope] for scope in {SHARED_SCOPE, *facts})


def healthy(db: Path) -> FactService:
    """Open after a crash; the file is intact and its derived data agrees with its facts."""
    service = FactService(db)
    assert service.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not missing_entries(service.db.conn)
    assert vocabulary_in_step(service)
    return service


@pytest.fixture(scope="module")
def ingest_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, int, float]:
    """A base database, the large document, its fact count, its ingest's SQL statements and seconds."""
    folder = tmp_path_factory.mktemp("crash")
    base = folder / "base.db"
    service = FactService(base)
    service.ingest_text(CITY_REPORT, name="riverton.md")
    service.close()
    document = folder / "large-report.txt"
    document.write_text(large_document(), encoding="utf-8")
    reference = folder / "reference.db"
    shutil.copy(base, reference)
    service = FactService(reference)
    statements = 0

    def count(_statement: str) -> None:
        nonlocal statements
        statements += 1

    service.db.conn.set_trace_callback(count)
    started = time.monotonic()
    report = service.ingest_path(document, title="Large report", published="2024-03-30")
    elapsed = time.monotonic() - started
    service.close()
    assert report.facts_added > 1000
    return base, document, report.facts_added, statements, elapsed


def kill_points(total_statements: int) -> list[tuple[str, float]]:
    rng = random.Random(SEED)
    points = [("statement", float(rng.randint(1, total_statements))) for _ in range(STATEMENT_KILLS)]
    points += [("timed", rng.uniform(0.05, 0.9)) for _ in range(TIMED_KILLS)]
    return points


def run_and_kill(db: Path, mode: str, target: str, kind: str, where: float, duration: float = 2.0) -> bool:
    """Run the child and kill it; True when it was killed (False: it finished first).

    ``where`` is a statement number, or for timed kills a share of the work's ``duration`` (seconds).
    """
    process = child(db, mode, target, int(where) if kind == "statement" else 0)
    if kind == "timed":
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "READY"
        time.sleep(where * duration)
        process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    was_killed = process.returncode == -signal.SIGKILL
    if was_killed:
        injected(f"SIGKILL during {'an ingest' if mode == 'ingest' else 'moderator edits'} ({kind} kill point)")
    return was_killed


def test_a_killed_ingest_leaves_all_or_none_and_can_be_rerun(ingest_setup, tmp_path: Path) -> None:
    base, document, facts_added, statements, duration = ingest_setup
    killed = 0
    for n, (kind, where) in enumerate(kill_points(statements)):
        db = tmp_path / f"ingest-{n}.db"
        shutil.copy(base, db)
        killed += run_and_kill(db, "ingest", str(document), kind, where, duration)
        service = healthy(db)
        try:
            rows = service.db.execute(
                "select d.id, (select count(*) from facts f where f.document_id = d.id) from documents d "
                "where d.name = ?", [document.name]).fetchall()
            assert rows in ([], [(rows[0][0] if rows else 0, facts_added)]), (kind, where, rows)
            assert service.ask("How much will the Riverton bridge cost?").answered  # the rest is untouched
            again = service.ingest_path(document, title="Large report", published="2024-03-30")
            assert again.unchanged == bool(rows)
            assert again.unchanged or again.facts_added == facts_added
            (count,) = service.db.execute(
                "select count(*) from facts f join documents d on d.id = f.document_id where d.name = ?",
                [document.name]).fetchone()
            assert count == facts_added
            assert vocabulary_in_step(service)
        finally:
            service.close()
    # Statement-exact kills always land; a timed kill on a busy machine may come after the ingest ended.
    assert killed >= STATEMENT_KILLS


def test_killed_moderator_edits_are_each_whole(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("crash-edit")
    base = folder / "base.db"
    service = FactService(base)
    service.ingest_text(CITY_REPORT, name="riverton.md")
    fact_id = service.ask("How much will the Riverton bridge cost?").fact.id
    service.close()
    killed = 0
    # One edit round runs a few dozen statements; kill somewhere in the first sixty or so rounds.
    for n, (kind, where) in enumerate(kill_points(2500)):
        db = folder / f"edit-{n}.db"
        shutil.copy(base, db)
        killed += run_and_kill(db, "edit", str(fact_id), kind, where, 0.5)
        service = healthy(db)
        try:
            fact = service.get_fact(fact_id)
            history = service.history(fact_id)
            changes = [e for e in history if e.action in ("edit", "retract", "restore")]
            assert fact.version == 1 + len(changes), (kind, where)  # no lost or half-made change
            edits = [e for e in changes if e.action == "edit"]
            if edits:
                assert fact.text == edits[-1].after
            expected_status = "retracted" if changes and changes[-1].action == "retract" else "active"
            assert fact.status == expected_status
            # The moderator tries again after the crash: it works.
            if fact.status == "retracted":
                service.restore_fact(fact_id, actor="mod:again", guild_id=None)
            result = service.edit_fact(fact_id, "After the crash, 77 workers repaired the bridge.", actor="mod:again",
                                       guild_id=None, reason="redo", expected_version=service.get_fact(fact_id).version)
            assert result.fact.version == service.get_fact(fact_id).version
            assert vocabulary_in_step(service)
        finally:
            service.close()
    assert killed == len(kill_points(2500))
