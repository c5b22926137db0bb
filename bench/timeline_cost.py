"""What a timeline page costs: ``python -m bench.timeline_cost [--facts 10000] [--pages 30] [--documents DIR]``.

Builds (once; cached next to the other benchmark results) the benchmark corpus of ``--facts`` facts,
then for ``--pages`` timeline pages of 10 facts spread over the whole timeline times, separately, the
page itself (``FactService.timeline``) and the contradiction marks for it (``FactService.contradictions``),
each the median of a few repeats. Prints p50/p99 over the pages in milliseconds, and how many facts
were marked, by what: in the generated corpus the documents are written independently, so a mark
there is almost surely a false one.

``--documents DIR`` also ingests every ``*.txt``/``*.md`` file of DIR as its own document into a fresh
database and prints every mark on its whole timeline (for reading by hand).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.__main__ import RESULTS, prepare_corpus
from bench.claims_cost import _build, _percentile
from facts import claims
from facts.models import Fact
from facts.service import FactService

REPEATS = 3
PAGE = 10


def _kinds(service: FactService, fact: Fact, others: tuple[int, ...]) -> set[str]:
    """Which rule marked ``fact`` (for the report only)."""
    out = set()
    for other in (service.get_fact(i) for i in others):
        if claims.dates_differ(fact, other):
            out.add("date")
        elif claims.names_differ(fact, other):
            out.add("name")
        else:
            out.add("count")
    return out


def _all_marks(service: FactService) -> None:
    _, total = service.timeline(limit=1)
    facts: list[Fact] = []
    for offset in range(0, total, 50):
        facts += service.timeline(limit=50, offset=offset)[0]
    marks = service.contradictions(facts)
    print(f"{total} timeline facts, {sum(f.id in marks for f in facts)} marked")
    for fact in facts:
        if fact.id in marks:
            print(f"  #{fact.id} {sorted(_kinds(service, fact, marks[fact.id]))} {fact.text[:110]!r}"
                  f" <- {', '.join(f'#{i}' for i in marks[fact.id])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--documents", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = prepare_corpus(args.facts, 10, args.out / "cache", print)
    service = FactService(_build(work, args.facts))
    _, total = service.timeline(limit=1)
    offsets = [int(total * i / args.pages) for i in range(args.pages)]
    page_ms, marks_ms, marked, kinds = [], [], 0, {"count": 0, "date": 0, "name": 0}
    for offset in offsets:
        listing, marking = [], []
        for _ in range(REPEATS):
            start = time.perf_counter()
            facts, _ = service.timeline(limit=PAGE, offset=offset)
            middle = time.perf_counter()
            marks = service.contradictions(facts)
            end = time.perf_counter()
            listing.append((middle - start) * 1000)
            marking.append((end - middle) * 1000)
        page_ms.append(statistics.median(listing))
        marks_ms.append(statistics.median(marking))
        for fact in facts:
            if fact.id in marks:
                marked += 1
                for kind in _kinds(service, fact, marks[fact.id]):
                    kinds[kind] += 1
    facts_count = service.db.execute("select count(*) from facts").fetchone()[0]
    service.close()
    print(f"{facts_count:,} facts, {total:,} on the timeline, {len(offsets)} pages of {PAGE}")
    print(f"timeline page:        p50 {statistics.median(page_ms):.2f} ms, p99 {_percentile(page_ms, 0.99):.2f} ms")
    print(f"contradiction marks:  p50 {statistics.median(marks_ms):.2f} ms, p99 {_percentile(marks_ms, 0.99):.2f} ms")
    print(f"marked: {marked} of {len(offsets) * PAGE} facts shown (by count {kinds['count']}, date {kinds['date']}, "
          f"name {kinds['name']})")
    if args.documents is not None:
        with tempfile.TemporaryDirectory() as tmp:
            other = FactService(Path(tmp) / "documents.db")
            for path in sorted(args.documents.iterdir()):
                if path.suffix in (".txt", ".md") and path.name != "README.md":
                    other.ingest_path(path)
            _all_marks(other)
            other.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
