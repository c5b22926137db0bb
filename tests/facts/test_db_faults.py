"""Database faults: read-only files, a full disk (a tiny file-size limit), damage, another program's lock.

Each ends in a clear error (at start-up or on the write), never a traceback, and nothing half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.errors import DatabaseError, FactbotError
from facts.service import FactService
from tests.facts.test_crash_safety import large_document, vocabulary_in_step
from tests.fuzzing import examples, injected, tried
from tests.helpers import CITY_REPORT, REPO_ROOT, clean_env

QUESTION = "where is the ISW based"


def copy_of(sample: Path, folder: Path, name: str = "f.db") -> Path:
    target = folder / name
    shutil.copy(sample, target)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def factbot(*args: str, cwd: Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a process, optionally under RLIMIT_FSIZE (a full disk, as far as its writes go)."""

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=clean_env(REPO_ROOT), preexec_fn=limit)


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files or folders read-only for this process (root ignores modes, so it gets chattr +i)."""
    if os.geteuid() != 0:
        modes = [p.stat().st_mode for p in paths]
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in zip(paths, modes, strict=True):
                p.chmod(mode)
        return
    done: list[Path] = []
    try:
        for p in paths:
            if subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode != 0:
                pytest.skip("cannot make a file read-only here (root, and no chattr +i)")
            done.append(p)
        yield
    finally:
        for p in done:
            subprocess.run(["chattr", "-i", str(p)], capture_output=True)


def test_a_read_only_database_answers_and_refuses_writes_clearly(sample_db_template: Path, tmp_path: Path) -> None:
    db = copy_of(sample_db_template, tmp_path)
    before = digest(db)
    with read_only(db):
        injected("read-only database file")
        service = FactService(db)
        try:
            assert service.ask(QUESTION).answered  # reading still works
            writes = [
                lambda: service.add_fact("The bridge opened on May 3 in Riverton.", source="x", actor="a",
                                         guild_id=None),
                lambda: service.retract_fact(1, actor="a", guild_id=None, reason="test"),
                lambda: service.ingest_text(CITY_REPORT, name="riverton.md"),
                lambda: service.record_unanswered("who?", guild_id=1, channel_id=2),
            ]
            for write in writes:
                with pytest.raises(DatabaseError, match="read-only"):
                    write()
        finally:
            service.close()
        cli = factbot("--db", str(db), "retract", "1", "--reason", "testing", cwd=tmp_path)
        assert cli.returncode == 1 and "read-only" in cli.stderr and "Traceback" not in cli.stderr
    assert digest(db) == before


def test_a_new_database_in_a_read_only_folder_fails_at_start_up(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        injected("read-only folder")
        with pytest.raises(DatabaseError, match=r"cannot|read-only"):
            FactService(folder / "new.db")
        cli = factbot("--db", str(folder / "new.db"), "ask", QUESTION, cwd=tmp_path)
        assert cli.returncode == 1 and cli.stderr.startswith("factbot: ") and "Traceback" not in cli.stderr
    assert not list(folder.iterdir())


def test_a_full_disk_fails_the_write_cleanly_and_the_rerun_completes(sample_db_template: Path, tmp_path: Path) -> None:
    db = copy_of(sample_db_template, tmp_path)
    document = tmp_path / "large-report.txt"
    document.write_text(large_document(1000), encoding="utf-8")
    limit = db.stat().st_size + 64 * 1024
    injected("full disk (RLIMIT_FSIZE) during an ingest")
    full = factbot("--db", str(db), "ingest", str(document), cwd=tmp_path, file_size_limit=limit)
    assert full.returncode == 1, full.stdout + full.stderr
    assert "could not be written" in full.stderr and "Traceback" not in full.stderr
    service = FactService(db)
    try:
        assert service.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not service.db.execute("select 1 from documents where name = ?", [document.name]).fetchone()
        assert vocabulary_in_step(service) and service.ask(QUESTION).answered
    finally:
        service.close()
    again = factbot("--db", str(db), "ingest", str(document), cwd=tmp_path)
    assert again.returncode == 0 and "1000 facts added" in again.stdout, again.stderr


def test_a_full_disk_at_start_up_is_a_clear_error_and_leaves_no_half_database(tmp_path: Path) -> None:
    injected("full disk (RLIMIT_FSIZE) at start-up")
    full = factbot("--db", "new.db", "ask", QUESTION, cwd=tmp_path, file_size_limit=8 * 1024)
    assert full.returncode == 1 and full.stderr.startswith("factbot: "), full.stderr
    assert "Traceback" not in full.stderr
    if (tmp_path / "new.db").exists():  # whatever was left must open and migrate cleanly
        FactService(tmp_path / "new.db").close()
    assert factbot("--db", "new.db", "ask", QUESTION, cwd=tmp_path).returncode == 0


def test_another_programs_lock_makes_writes_fail_clearly_then_recover(sample_db_template: Path, tmp_path: Path) -> None:
    db = copy_of(sample_db_template, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute(\"insert into meta values ('lock', 'held')\")\n"
         "print('LOCKED', flush=True); sys.stdin.readline(); c.execute('ROLLBACK')", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    service = FactService(db, busy_timeout=0.3)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        injected("write lock held by another process")
        started = time.monotonic()
        assert service.ask(QUESTION).answered  # readers are not blocked (WAL)
        with pytest.raises(DatabaseError, match="busy"):
            service.retract_fact(1, actor="a", guild_id=None, reason="while locked")
        assert time.monotonic() - started < 5
        assert service.get_fact(1).status == "active"
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    try:
        assert service.retract_fact(1, actor="a", guild_id=None, reason="after the lock").fact.status == "retracted"
    finally:
        service.close()


def test_damaged_database_files_give_clear_errors(sample_db_template: Path, tmp_path: Path) -> None:
    data = sample_db_template.read_bytes()
    page = 4096

    @settings(max_examples=examples(400))
    @given(offset=st.integers(0, len(data) - 1), garbage=st.binary(min_size=1, max_size=2 * page),
           truncate=st.booleans())
    def run(offset: int, garbage: bytes, truncate: bool) -> None:
        tried("faults: damaged database file")
        injected("damaged database file")
        damaged = bytearray(data)
        damaged[offset:offset + len(garbage)] = garbage
        db = tmp_path / "damaged.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        db.write_bytes(bytes(damaged[:offset] if truncate else damaged))
        try:
            service = FactService(db)
        except FactbotError:
            return
        try:
            for call in (lambda: service.ask(QUESTION), lambda: service.get_fact(3), lambda: service.history(3),
                         lambda: service.documents(), lambda: service.timeline(), lambda: service.suggest("north"),
                         lambda: service.retract_fact(3, actor="a", guild_id=None, reason="damaged"),
                         lambda: service.ingest_text(CITY_REPORT, name="riverton.md")):
                with contextlib.suppress(FactbotError):
                    call()
        finally:
            with contextlib.suppress(FactbotError):
                service.close()

    run()
