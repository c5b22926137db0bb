"""A child process for the crash tests: ingest a document or make moderator edits, and maybe die.

``python -m tests.facts.crash_child DB ingest DOC KILL_AT`` or ``... DB edit FACT_ID KILL_AT``.
KILL_AT > 0 sends SIGKILL to this very process just before the KILL_AT-th SQL statement of the
work runs (statement-exact kill points, inside transactions too); 0 never does (the parent may
kill it on a timer instead). Prints READY once the database is open.
"""

from __future__ import annotations

import os
import signal
import sys

from facts.service import FactService


def main(db: str, mode: str, target: str, kill_at: int) -> None:
    service = FactService(db)
    seen = 0

    def trace(_statement: str) -> None:
        nonlocal seen
        seen += 1
        if seen == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    print("READY", flush=True)
    service.db.conn.set_trace_callback(trace)
    if mode == "ingest":
        service.ingest_path(target, title="Large report", published="2024-03-30")
    else:
        fact_id = int(target)
        for round_ in range(1, 1000):
            text = f"Officials said {round_} workers repaired the Riverton bridge in revision {round_}."
            service.edit_fact(fact_id, text, actor=f"mod:{round_}", guild_id=None, reason=f"revision {round_}")
            if round_ % 3 == 0:
                service.retract_fact(fact_id, actor=f"mod:{round_}", guild_id=None, reason="checking")
                service.restore_fact(fact_id, actor=f"mod:{round_}", guild_id=None, reason="checked")
    service.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
