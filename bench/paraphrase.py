"""``python -m bench.paraphrase``: cost of the paraphrase table - load time, memory, per-question work.

Prints figures (they gate nothing): the data file's size, the time and RSS growth to load it in a
fresh process, and per question the time to expand its stems and to align them against 30
candidate facts, on made-up questions and facts drawn from the table's own vocabulary.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time

CHILD = """
import json, resource, time
import numpy  # the engine imports it anyway (posting lists); not counted
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
from facts.paraphrase import load_paraphraser
table = load_paraphraser()
t1 = time.perf_counter()
table.expansions(next(iter(table._rows)))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"load_ms": (t1 - t0) * 1000, "rss_growth_mb": (after - before) / 1024}))
"""


def main() -> int:
    from facts.paraphrase import DATA_FILE, load_paraphraser

    cold = json.loads(subprocess.run([sys.executable, "-c", CHILD], check=True, capture_output=True, text=True).stdout)
    table = load_paraphraser()
    rng = random.Random(9)
    sources = sorted(table._rows)
    targets = sorted({t for s in sources for t, _ in table.expansions(s, 50)})
    questions = [[rng.choice(sources) for _ in range(6)] for _ in range(500)]
    facts = [frozenset(rng.choice(targets) for _ in range(15)) for _ in range(30)]
    t0 = time.perf_counter()
    for q in questions:
        for stem in q:
            table.expansions(stem)
    t1 = time.perf_counter()
    for q in questions:
        for fact in facts:
            table.alignment(q, fact)
    t2 = time.perf_counter()
    print(f"table {DATA_FILE.name}: {DATA_FILE.stat().st_size / 1e6:.2f} MB, {len(table):,} question stems, "
          f"{table.metadata['pairs']:,} pairs")
    print(f"cold load {cold['load_ms']:.1f} ms (import + read, numpy already loaded), "
          f"RSS growth {cold['rss_growth_mb']:.1f} MB")
    print(f"per question (6 stems): expansions {(t1 - t0) / len(questions) * 1000:.3f} ms, "
          f"alignment against 30 facts {(t2 - t1) / len(questions) * 1000:.3f} ms")
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
