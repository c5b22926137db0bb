"""``python -m bench``: factbot against brute-force rapidfuzz and plain SQLite FTS5, side by side.

For each corpus size: ingest/index time, facts per second, database size, peak RSS, warm
per-question p50/p99, recall@1 of the target fact, and factbot's speed as a ratio to each
baseline. Then start-up to ready on the largest database and, through the loopback Discord,
event-to-reply latency for /ask and mentions at a steady rate with the event loop's largest
stall. Prints a Markdown table and writes JSON to bench/results/. Figures never gate anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import GENERATOR_VERSION, Generator, questions
from bench.report import machine, markdown

RESULTS = Path(__file__).resolve().parent / "results"
SYSTEMS = ("factbot", "rapidfuzz", "fts5")


def prepare_corpus(n: int, count: int, cache: Path, log) -> Path:
    """Generate (once; cached) the corpus of ``n`` facts and its questions."""
    work = cache / f"corpus-v{GENERATOR_VERSION}-{n}-{count}"
    if (work / "questions.json").exists():
        return work
    work.mkdir(parents=True, exist_ok=True)
    log(f"generating {n:,} facts ...")
    docs = Generator().corpus(n)
    with open(work / "docs.jsonl", "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps({"text": doc.render(), "name": doc.name}) + "\n")
    with open(work / "facts.txt", "w", encoding="utf-8") as handle:
        for doc in docs:
            for sentence in doc.sentences():
                handle.write(sentence.text + "\n")
    asked = [{"text": q.text, "target": q.target, "index": q.index} for q in questions(docs, count)]
    (work / "questions.json").write_text(json.dumps(asked, indent=0))
    return work


def run_child(args: list[str]) -> dict:
    """Run ``bench.child`` in a fresh process and return its JSON."""
    out = subprocess.run([sys.executable, "-m", "bench.child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, e.g. 1000,10000,100000,1000000")
    parser.add_argument("--questions", type=int, default=200, help="questions per size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="analysis processes for ingest")
    parser.add_argument("--loopback-seconds", type=float, default=20.0, help="seconds per loopback phase (0: skip)")
    parser.add_argument("--rate", type=float, default=50.0, help="loopback questions per second")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="systems to run")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    systems = [s for s in args.systems.split(",") if s]

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    cache = args.out / "cache"
    report: dict = {"machine": machine(), "generator_version": GENERATOR_VERSION, "sizes": {}, "started": time.time()}
    for n in sizes:
        work = prepare_corpus(n, args.questions, cache, log)
        results = {}
        for system in systems:
            log(f"{system} at {n:,} facts ...")
            extra = [str(args.workers)] if system == "factbot" else []
            results[system] = run_child([system, str(n), str(work), *extra])
        report["sizes"][str(n)] = results
    largest = max(sizes)
    work = prepare_corpus(largest, args.questions, cache, log)
    if "factbot" in systems:
        log(f"start-up at {largest:,} facts ...")
        runs = [run_child(["startup", str(largest), str(work), repr(time.time())]) for _ in range(3)]
        report["startup"] = min(runs, key=lambda r: r["ready_seconds"]) | {"runs": len(runs)}
        spec = os.environ.get("DISCORD_OPENAPI_SPEC")
        if args.loopback_seconds > 0 and spec:
            from bench import loopback_load

            log(f"loopback Discord at {args.rate:g} questions/s for {args.loopback_seconds:g} s per phase ...")
            asked = [q["text"] for q in json.loads((work / "questions.json").read_text())]
            report["loopback"] = loopback_load.run(work / "factbot.db", asked, rate=args.rate,
                                                   seconds=args.loopback_seconds, work=work) | {"n": largest}
        elif args.loopback_seconds > 0:
            log("loopback skipped: set DISCORD_OPENAPI_SPEC (the stand-in validates against Discord's spec)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.out / f"bench-{stamp}.json"
    path.write_text(json.dumps(report, indent=1))
    (args.out / "latest.json").write_text(json.dumps(report, indent=1))
    print(markdown(report))
    log(f"JSON written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path.name}")
    return 0


if __name__ == "__main__":
    _ = platform  # (machine() uses it)
    raise SystemExit(main())
