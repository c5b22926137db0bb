"""One measured system in its own process (so peak RSS is its own): ``python -m bench.child SYSTEM N DIR``.

Systems: ``factbot`` (ingest through FactService, then its answer path), ``rapidfuzz`` (the naive
bot: ``process.extractOne`` with ``fuzz.token_set_ratio`` over every fact), ``fts5`` (plain SQLite
FTS5, ``bm25()`` over an OR of the question's quoted words), and ``startup`` (open the factbot
database and answer one question). Prints one JSON object on stdout.

A factbot hit is judged as the quality harness (:mod:`facts.quality`) judges: the ranking's top fact,
a two-sentence one included, holds the target sentence; the baselines' top sentence is the target.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

WARMUP = 20
BASELINE_SECONDS = 60.0
"""Time a slow baseline may spend on questions per size; past it the questions are sampled."""


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM: unlike ru_maxrss it does not carry the parent's over exec)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _db_bytes(path: Path) -> int:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())


def _questions(work: Path) -> list[dict]:
    return json.loads((work / "questions.json").read_text())


def _timed(questions: list[dict], answer, budget: float | None, judge=None) -> tuple[list[float], list]:
    """Warm up, then time each question; with ``budget``, stop once it is spent (at least 10 asked).

    Without ``judge`` each answer is the hit itself; with it, ``judge(question, answer)`` (untimed) gives it.
    """
    for q in questions[:WARMUP] if budget is None else questions[:1]:
        answer(q)
    latencies, hits = [], []
    spent = 0.0
    for q in questions:
        start = time.perf_counter()
        got = answer(q)
        elapsed = time.perf_counter() - start
        latencies.append(elapsed)
        hits.append(judge(q, got) if judge is not None else bool(got))
        spent += elapsed
        if budget is not None and spent > budget and len(latencies) >= 10:
            break
    return latencies, hits


def run_factbot(n: int, work: Path, workers: int) -> dict:
    from facts.quality import rank_unfitted
    from facts.service import FactService

    path = work / "factbot.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    service = FactService(path)
    start = time.perf_counter()
    batch: list[dict] = []
    with open(work / "docs.jsonl", encoding="utf-8") as handle:
        for line in handle:
            batch.append(json.loads(line))
            if len(batch) >= 1000:
                service.ingest_documents(batch, workers=workers)
                batch = []
    if batch:
        service.ingest_documents(batch, workers=workers)
    service.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ingest = time.perf_counter() - start
    facts = service.db.execute("select count(*) from facts").fetchone()[0]
    service.close()
    service = FactService(path)  # as a user would: open the built database

    def judge(q: dict, result) -> tuple[bool, bool]:
        """(recall hit, reply leads with it). The hit is judged as the quality harness judges: the
        ranking's top fact (a two-sentence one included) holds the target sentence. The reply may lead
        with another fact: when several documents answer, the newest one's claim comes first."""
        _, ranked, _ = rank_unfitted(service, q["text"])
        top = result.fact if result.answered else (result.suggestions[0] if result.suggestions else None)
        return (bool(ranked) and q["target"] in ranked[0].candidate.text,
                top is not None and q["target"] in top.text)

    latencies, judged = _timed(_questions(work), lambda q: service.ask(q["text"]), None, judge)
    service.close()
    return {"system": "factbot", "n": n, "facts": facts, "index_seconds": ingest, "db_bytes": _db_bytes(path),
            "latencies": latencies, "hits": [hit for hit, _ in judged], "reply_hits": [lead for _, lead in judged],
            "peak_rss_mb": _rss_mb(), "workers": workers}


def _texts(work: Path) -> list[str]:
    with open(work / "facts.txt", encoding="utf-8") as handle:
        return handle.read().split("\n")[:-1]


def run_rapidfuzz(n: int, work: Path) -> dict:
    from rapidfuzz import fuzz, process, utils

    start = time.perf_counter()
    texts = _texts(work)
    processed = [utils.default_process(t) for t in texts]
    index = time.perf_counter() - start

    def answer(q: dict) -> bool:
        best = process.extractOne(utils.default_process(q["text"]), processed, scorer=fuzz.token_set_ratio,
                                  processor=None)
        return best is not None and best[2] == q["index"]

    latencies, hits = _timed(_questions(work), answer, BASELINE_SECONDS)
    return {"system": "rapidfuzz", "n": n, "facts": len(texts), "index_seconds": index, "db_bytes": None,
            "latencies": latencies, "hits": hits, "peak_rss_mb": _rss_mb()}


def run_fts5(n: int, work: Path) -> dict:
    path = work / "fts5.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("create virtual table facts using fts5(text)")
    with open(work / "facts.txt", encoding="utf-8") as handle:
        conn.executemany("insert into facts (rowid, text) values (?, ?)",
                         ((i + 1, line.rstrip("\n")) for i, line in enumerate(handle)))
    conn.commit()
    index = time.perf_counter() - start

    def answer(q: dict) -> bool:
        words = dict.fromkeys(re.findall(r"\w+", q["text"].lower()))
        query = " OR ".join(f'"{w}"' for w in words)
        row = conn.execute("select rowid from facts where facts match ? order by bm25(facts) limit 1",
                           [query]).fetchone()
        return row is not None and row[0] == q["index"] + 1

    latencies, hits = _timed(_questions(work), answer, BASELINE_SECONDS)
    conn.close()
    return {"system": "fts5", "n": n, "facts": n, "index_seconds": index, "db_bytes": _db_bytes(path),
            "latencies": latencies, "hits": hits, "peak_rss_mb": _rss_mb()}


def run_startup(n: int, work: Path, spawned_at: float) -> dict:
    from facts.service import FactService

    service = FactService(work / "factbot.db")
    opened = time.time()
    service.ask(_questions(work)[0]["text"])
    ready = time.time()
    return {"system": "startup", "n": n, "open_seconds": opened - spawned_at, "ready_seconds": ready - spawned_at,
            "rss_ready_mb": _current_rss_mb(), "peak_rss_mb": _rss_mb()}


def main(argv: list[str]) -> None:
    system, n, work = argv[0], int(argv[1]), Path(argv[2])
    if system == "factbot":
        result = run_factbot(n, work, int(argv[3]) if len(argv) > 3 else 1)
    elif system == "rapidfuzz":
        result = run_rapidfuzz(n, work)
    elif system == "fts5":
        result = run_fts5(n, work)
    elif system == "startup":
        result = run_startup(n, work, float(argv[3]))
    else:
        raise SystemExit(f"unknown system {system!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
