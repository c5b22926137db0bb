"""The benchmark's Markdown report and the machine description."""

from __future__ import annotations

import os
import platform
from typing import Any

COLUMNS = [
    "N", "system", "ingest/index s", "facts/s", "DB size", "peak RSS", "p50 ms", "p99 ms", "recall@1",
    "questions", "factbot speed-up (p50)", "factbot recall@1 on same questions",
]
NAMES = {"factbot": "factbot", "rapidfuzz": "rapidfuzz brute force", "fts5": "SQLite FTS5 bm25 (OR)"}


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM and Python version."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
        with open("/proc/meminfo") as handle:
            mem_kb = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
    except OSError:
        mem_kb = 0
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def summarise(result: dict[str, Any], factbot: dict[str, Any] | None) -> dict[str, Any]:
    """The table row's figures for one system at one size."""
    lat, hits = result["latencies"], result["hits"]
    row = {
        "index_seconds": result["index_seconds"],
        "facts_per_second": result["facts"] / result["index_seconds"] if result["index_seconds"] else None,
        "db_mb": result["db_bytes"] / 2**20 if result.get("db_bytes") else None,
        "peak_rss_mb": result["peak_rss_mb"],
        "p50_ms": percentile(lat, 0.5) * 1000,
        "p99_ms": percentile(lat, 0.99) * 1000,
        "recall_at_1": sum(hits) / len(hits) if hits else None,
        "questions": len(lat),
    }
    if factbot is not None:
        fb = factbot["latencies"]
        row["speedup_p50"] = row["p50_ms"] / (percentile(fb, 0.5) * 1000)
        same = factbot["hits"][: len(hits)]
        row["factbot_recall_same"] = sum(same) / len(same) if same else None
    return row


def _fmt(value: Any, spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the side-by-side table, start-up and loopback figures, the machine."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    sampled = False
    for n, results in report["sizes"].items():
        factbot = results.get("factbot")
        total = len(factbot["latencies"]) if factbot else None
        for system, result in results.items():
            row = summarise(result, factbot if system != "factbot" else None)
            asked = str(row["questions"])
            if total and row["questions"] < total:
                asked += " (sampled)"
                sampled = True
            lines.append("| " + " | ".join([
                f"{int(n):,}", NAMES.get(system, system), _fmt(row["index_seconds"], ".2f"),
                _fmt(row["facts_per_second"], ",.0f"), _fmt(row["db_mb"], ".1f") + (" MB" if row["db_mb"] else ""),
                _fmt(row["peak_rss_mb"], ".0f") + " MB", _fmt(row["p50_ms"], ".2f"), _fmt(row["p99_ms"], ".2f"),
                _fmt(row["recall_at_1"], ".3f"), asked,
                "—" if system == "factbot" else _fmt(row.get("speedup_p50"), ",.1f") + "×",
                "—" if system == "factbot" else _fmt(row.get("factbot_recall_same"), ".3f"),
            ]) + " |")
    out = ["\n".join(lines)]
    leads = [f"{sum(fb['reply_hits'])}/{len(fb['reply_hits'])} at {int(n):,}" for n, results in report["sizes"].items()
             if (fb := results.get("factbot")) and fb.get("reply_hits")]
    if leads:
        out.append("factbot's recall@1 is judged as the quality harness judges: the ranking's top fact (a "
                   "two-sentence one included) holds the target. The reply led with the target for "
                   + ", ".join(leads) + " (when several documents answer, the newest one's claim leads and the "
                   "others follow it).")
    if sampled:
        out.append("(sampled): a slow baseline answered the first questions until its time budget was spent; "
                   "its recall@1 and factbot's on those same questions are both shown.")
    startup = report.get("startup")
    if startup:
        out.append(f"Start-up to ready at {int(startup['n']):,} facts (process start → database open → first "
                   f"answer): open {startup['open_seconds']:.2f} s, ready {startup['ready_seconds']:.2f} s, "
                   f"RSS when ready {startup['rss_ready_mb']:.0f} MB (peak {startup['peak_rss_mb']:.0f} MB); "
                   f"best of {startup['runs']}.")
    loop = report.get("loopback")
    if loop:
        stalls = loop.get("event_loop") or {}
        parts = []
        for kind, name in (("ask", "/ask"), ("mention", "mention")):
            k = loop.get(kind)
            if k:
                parts.append(f"{name}: p50 {k['p50_ms']:.1f} ms, p99 {k['p99_ms']:.1f} ms, max {k['max_ms']:.1f} ms "
                             f"({k['replied']}/{k['sent']} replied)")
        out.append(f"Loopback Discord at {int(loop['n']):,} facts, {loop['rate']:g} questions/s for "
                   f"{loop['seconds']:g} s per phase: " + "; ".join(parts)
                   + f"; largest event-loop stall {_fmt(stalls.get('max_stall_ms'))} ms "
                   f"(p99 {_fmt(stalls.get('p99_stall_ms'), '.2f')} ms).")
    m = report["machine"]
    out.append(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}.")
    return "\n\n".join(out)
