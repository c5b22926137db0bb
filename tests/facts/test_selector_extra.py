"""The experimental selector features read from the real database: paragraph coverage and the
question's predicate (``facts.selector.extra_rows`` over a traced question)."""

from __future__ import annotations

from facts.quality import trace_questions
from facts.selector import EXTRA_FEATURES
from facts.service import FactService

REPORT = (
    "# Harbour works\n\n"
    "The Pellworth council approved a new breakwater in March. Construction will be paid for by the port trust.\n\n"
    "A storm flooded the old quay last winter.\n"
)


def _trace(service: FactService, question: str):
    item = {"question": question, "answerable": True, "evidence": "", "id": "q"}
    (trace,) = trace_questions(service, [item], "test", lambda i: "test", baselines=False, raw=True)
    return trace


def test_paragraph_coverage_counts_words_spread_over_a_paragraph(service: FactService) -> None:
    from facts.selector import extra_rows

    service.ingest_text(REPORT, name="harbour.md")
    trace = _trace(service, "Who will pay for the breakwater the Pellworth council approved?")
    rows = extra_rows(trace.raw)
    col = {n: i for i, n in enumerate(EXTRA_FEATURES)}
    texts = {c[0]: service.db.execute("select text from facts where id = ?", [c[0]]).fetchone()[0]
             for c in trace.raw["candidates"]}
    by_text = {texts[c[0]]: rows[i] for i, c in enumerate(trace.raw["candidates"])}
    trust = next(r for t, r in by_text.items() if "port trust" in t)
    # "port trust" is in the second sentence, "breakwater", "Pellworth", "council" in the first:
    # the paragraph covers more of the question than the sentence itself does.
    assert trust[col["para_cover"]] > 0.75
    assert trust[col["para_gain"]] > 0
    quay = [r for t, r in by_text.items() if "quay" in t]
    assert all(r[col["para_cover"]] < trust[col["para_cover"]] for r in quay)
    assert rows.shape == (len(trace.raw["candidates"]), len(EXTRA_FEATURES))
