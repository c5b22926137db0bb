"""The offline console: ask questions in a terminal and get the answers the bot would give."""

from __future__ import annotations

from typing import TextIO

from cli.render_text import format_answer
from facts.errors import FactbotError
from facts.service import FactService

PROMPT = "factbot> "
BANNER = (
    "factbot offline console: ask a question about the documents and press Enter.\n"
    "Empty line or Ctrl-D to quit."
)


def run_console(service: FactService, stdin: TextIO, stdout: TextIO, *, interactive: bool) -> int:
    """Answer questions from ``stdin`` until it ends (or an empty line when interactive)."""
    if interactive:
        print(BANNER, file=stdout)
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            if interactive:
                break
            continue
        try:
            reply = format_answer(service.ask(question))
        except FactbotError as exc:
            reply = str(exc)
        if not interactive:
            print(f"Q: {question}", file=stdout)
        print(reply, file=stdout)
        print(file=stdout)
    return 0
