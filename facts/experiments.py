"""Selector experiments: trace many squad1-train articles (several per database, like the test's
pool), then compare rankers, features and abstention models on held-out articles.

    python -m facts.experiments trace [--per-db 20] [--per-article 60]
    python -m facts.experiments run
    python -m facts.experiments abstention

Everything is split by article; the seed dev set and tests/data/heldout are answered, never fitted on.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

from facts import quality
from facts.evaluation import load_questions

WORK = quality.REPO / ".quality" / "research"


def usable_squad1(shared: Path) -> list[str]:
    """squad1-train articles that are not squad2-tune's train articles, sorted."""
    root = shared / "eval" / "squad1-train"
    return sorted(p.name for p in (root / "docs").glob("*.txt") if p.name[:3] not in quality.SQUAD1_EXCLUDED)


def trace_squad1(work: Path, shared: Path, per_db: int, per_article: int) -> None:
    """Trace squad1-train in databases of ``per_db`` articles (interleaved over the sorted list), at
    most ``per_article`` questions per article (evenly spaced); one pickle per database."""
    root = shared / "eval" / "squad1-train"
    files = usable_squad1(shared)
    groups = max(1, len(files) // per_db)
    by_doc: dict[str, list[dict]] = {}
    for item in load_questions(root / "questions.jsonl"):
        by_doc.setdefault(str(item["doc"]), []).append(item)
    for g in range(groups):
        out = work / f"squad1-g{g:02d}.pkl"
        if out.exists():
            continue
        chosen = files[g::groups]
        items = []
        for name in chosen:
            questions = by_doc.get(name, [])
            step = max(1.0, len(questions) / per_article)
            items += [questions[int(i * step)] for i in range(min(per_article, len(questions)))]
        start = time.time()
        service = quality.open_squad(work, f"squad1-g{g:02d}", root, chosen)
        built = time.time()
        try:
            traces = quality.trace_questions(service, items, "squad1", lambda i: str(i["doc"]), baselines=False)
        finally:
            service.close()
        out.write_bytes(pickle.dumps(traces))
        print(f"group {g + 1}/{groups}: {len(chosen)} articles, {len(items)} questions, "
              f"ingest {built - start:.0f}s, trace {time.time() - built:.0f}s", file=sys.stderr, flush=True)


def trace_eval(work: Path, shared: Path) -> None:
    """squad2-tune (one database, baselines kept), seed dev and tests/data/heldout with raw payloads."""
    for name, build in (("dev", lambda: quality.dev_traces(work, shared)),
                        ("heldout", lambda: quality.heldout_traces(work)),
                        ("squad2", lambda: quality.squad2_traces(work, shared, baselines=False))):
        out = work / f"{name}.pkl"
        if not out.exists():
            start = time.time()
            out.write_bytes(pickle.dumps(build()))
            print(f"{name}: {time.time() - start:.0f}s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """See the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m facts.experiments")
    parser.add_argument("command", choices=("trace", "run", "abstention"))
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--per-db", type=int, default=20)
    parser.add_argument("--per-article", type=int, default=60)
    parser.add_argument("--only", help="run only the experiments whose name holds this")
    args = parser.parse_args(argv)
    shared = quality.shared_dir()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.command == "trace":
        trace_eval(args.work, shared)
        trace_squad1(args.work, shared, args.per_db, args.per_article)
        return 0
    from facts.research import run, run_abstention

    if args.command == "abstention":
        return run_abstention(args.work)

    return run(args.work, args.only)


if __name__ == "__main__":
    sys.exit(main())
