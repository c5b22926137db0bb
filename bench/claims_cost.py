"""What claims add to answering: ``python -m bench.claims_cost [--facts 100000] [--questions 200]``.

Builds (once; cached next to the other benchmark results) the benchmark corpus of ``--facts``
facts, then for each question ranks once and times, separately, the answer without claims
(loading the top facts, composing) and what claims add on top (the extra candidate facts read
in the same query, claims, newer sources), each the median of a few repeats. Prints p50/p99 of both
over the questions, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.__main__ import RESULTS, prepare_corpus
from facts import claims, repository
from facts.answering import compose
from facts.service import FactService

REPEATS = 5


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _build(work: Path, n: int) -> Path:
    path = work / "claims-cost.db"
    if path.exists():
        return path
    service = FactService(path)
    batch: list[dict] = []
    with open(work / "docs.jsonl", encoding="utf-8") as handle:
        for line in handle:
            batch.append(json.loads(line))
            if len(batch) >= 1000:
                service.ingest_documents(batch)
                batch = []
    if batch:
        service.ingest_documents(batch)
    service.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.claims_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = prepare_corpus(args.facts, args.questions, args.out / "cache", print)
    service = FactService(_build(work, args.facts))
    asked = [q["text"] for q in json.loads((work / "questions.json").read_text())]
    base, extra, with_claims = [], [], 0
    threshold = service.min_confidence
    for text in asked * 2:  # warm the caches
        service.ask(text)
    for text in asked:
        question, ranked = service._rank(text, 0)
        plain, added = [], []
        for _ in range(REPEATS):
            start = time.perf_counter()
            top = [s.candidate.id for s in ranked[:6]]
            facts = repository.load_facts(service.db.conn, top)
            answer = compose(question, ranked, facts, threshold)
            middle = time.perf_counter()
            more = [i for i in claims.pool_ids(ranked, threshold) if i not in facts]
            facts.update(repository.load_facts(service.db.conn, more))
            answer = claims.attach_claims(answer, question, ranked, facts, threshold)
            end = time.perf_counter()
            plain.append((middle - start) * 1000)
            added.append((end - middle) * 1000)
        # A question's time is the median of its repeats: a garbage collection or another process
        # landing in one repeat is not the question's cost.
        base.append(statistics.median(plain))
        extra.append(statistics.median(added))
        with_claims += bool(answer.claims)
    facts_count = service.db.execute("select count(*) from facts").fetchone()[0]
    service.close()
    print(f"{facts_count:,} facts, {len(asked)} questions ({with_claims} answered with claims)")
    print(f"answer without claims: p50 {statistics.median(base):.3f} ms, p99 {_percentile(base, 0.99):.3f} ms")
    print(f"claims add:            p50 {statistics.median(extra):.3f} ms, p99 {_percentile(extra, 0.99):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
