"""The `factbot` command: run the bot or the offline console, ingest, ask, moderate, evaluate.

Every command goes through the one FactService; the Discord layer is imported only by `run`
when a token is configured.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cli.console import run_console
from cli.render_text import format_answer, format_fact, source_line
from config import Settings, SettingsError, load_settings
from facts.analysis.text import storable
from facts.errors import FactbotError
from facts.evaluation import evaluate, load_questions
from facts.service import FactService

log = logging.getLogger(__name__)


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return args.actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="factbot", description="Sourced answers about news events.")
    parser.add_argument("--db", type=Path, help="database file (default: FACTBOT_DB, else ./factbot.db)")
    parser.add_argument("--env-file", default=".env", help="settings file to read (default: .env)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="start the Discord bot (with DISCORD_TOKEN) or the offline console")
    sub.add_parser("chat", help="offline console: ask questions in the terminal")

    ingest = sub.add_parser("ingest", help="add text or Markdown documents")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--title")
    ingest.add_argument("--url")
    ingest.add_argument("--outlet")
    ingest.add_argument("--published", help="YYYY-MM-DD")
    ingest.add_argument("--guild", type=int, help="a Discord server id (default: the shared corpus)")

    ask = sub.add_parser("ask", help="answer a question ('-' reads one question per line from stdin)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--guild", type=int)
    ask.add_argument("--min-confidence", type=float)

    ev = sub.add_parser("eval", help="score a question set (JSON Lines)")
    ev.add_argument("file", type=Path)
    ev.add_argument("--min-answered", type=float, default=0.0, help="fail below this share (0..1)")
    ev.add_argument("--min-abstained", type=float, default=0.0, help="fail below this share (0..1)")
    ev.add_argument("--json", action="store_true")

    sub.add_parser("sample", help="add the bundled sample report (what `run` and `chat` build on a new database)")
    sub.add_parser("sources", help="list the documents (retracted ones marked)")
    fact = sub.add_parser("fact", help="show one fact and its history")
    fact.add_argument("id", type=int)
    timeline = sub.add_parser("timeline", help="dated facts in date order")
    timeline.add_argument("--about")
    timeline.add_argument("--limit", type=int, default=20)

    export = sub.add_parser("export", help="write documents, facts, overrides and history as JSON Lines")
    export.add_argument("file", nargs="?", default="-", help="output file (default: stdout)")
    restore = sub.add_parser("import", help="restore a JSON Lines export into a new, empty database")
    restore.add_argument("file", help="the export file ('-' reads stdin)")
    backup = sub.add_parser("backup", help="copy the database (safe while the bot runs)")
    backup.add_argument("file", type=Path, help="the backup file to create")

    for name, helptext in [("add", "add a fact"), ("edit", "edit a fact"), ("retract", "retract a fact"),
                           ("restore", "restore a retracted fact"), ("alias", "teach an alias"),
                           ("retract-document", "retract every fact of a document"),
                           ("restore-document", "restore a retracted document")]:
        cmd = sub.add_parser(name, help=helptext)
        if name == "add":
            cmd.add_argument("text")
            cmd.add_argument("--source", required=True, help="where the fact comes from")
        elif name == "edit":
            cmd.add_argument("id", type=int)
            cmd.add_argument("text")
        elif name == "alias":
            cmd.add_argument("term")
            cmd.add_argument("means")
        else:
            cmd.add_argument("id", type=int)
        if name in ("edit", "retract", "retract-document"):
            cmd.add_argument("--reason", required=True)
        elif name != "alias":
            cmd.add_argument("--reason")
        cmd.add_argument("--guild", type=int)
        cmd.add_argument("--actor", help="who makes the change (default: cli:<login>)")
    return parser


DATA_COMMANDS = ("export", "import", "backup")
SAMPLE_COMMANDS = ("run", "chat")
"""The quick start's commands: only they build the sample database, and only when it has no documents."""


def _service(settings: Settings, *, sample: bool = False) -> FactService:
    service = FactService(settings.db_path, min_confidence=settings.min_confidence)
    try:
        if sample and service.ensure_sample_corpus():
            print(f"Built the sample database at {settings.db_path} from the bundled corpus "
                  f"(`factbot sources` lists it; `factbot retract-document ID` removes it).", file=sys.stderr)
    except BaseException:
        service.close()
        raise
    return service


def _warn_if_empty(service: FactService) -> bool:
    """Say so on stderr when the database holds no documents (nothing can be answered); True when empty."""
    if service.documents():
        return False
    print(f"factbot: {service.path} holds no documents yet: `factbot ingest FILE` adds yours, "
          "`factbot sample` adds the bundled sample report.", file=sys.stderr)
    return True


def _tolerant_streams() -> None:
    """Undecodable input bytes become U+FFFD instead of a traceback; output never fails to encode."""
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "backslashreplace"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream already closed: leave it be
                reconfigure(errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `factbot` console script."""
    _tolerant_streams()
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.env_file, db_path=args.db)
    except SettingsError as exc:
        print(f"factbot: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "run" and settings.has_token:
            from bot.launcher import run_bot  # imported here: only `run` needs discord.py

            _service(settings, sample=True).close()
            return run_bot(settings)
        service = _service(settings, sample=args.command in SAMPLE_COMMANDS)
        try:
            return _dispatch(args, service)
        finally:
            service.close()
    except FactbotError as exc:
        print(f"factbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`factbot ask ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: argparse.Namespace, service: FactService) -> int:
    command = args.command
    if command in ("run", "chat"):
        if command == "run":
            print("No DISCORD_TOKEN configured: starting the offline console "
                  "(set DISCORD_TOKEN in .env or the environment to run the Discord bot).", file=sys.stderr)
        return run_console(service, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
    if command == "ingest":
        return _ingest(args, service)
    if command == "ask":
        return _ask(args, service)
    if command == "sample":
        report = service.add_sample_corpus()
        state = "already there" if report.unchanged else f"{report.facts_added} facts added"
        print(f"Sample report: document #{report.document_id} ({report.title}): {state}")
        return 0
    if command == "eval":
        if _warn_if_empty(service):
            return 1
        result = evaluate(load_questions(args.file), service.ask)
        if args.json:
            print(json.dumps({"answerable": result.answerable, "answered_right": result.answered_right,
                              "unanswerable": result.unanswerable, "abstained_right": result.abstained_right,
                              "answer_rate": result.answer_rate, "abstain_rate": result.abstain_rate,
                              "short_answer_found": result.short_answer_found, "misses": result.misses}))
        else:
            print(result.summary())
        ok = result.answer_rate >= args.min_answered and result.abstain_rate >= args.min_abstained
        if not ok:
            print(f"factbot: below the thresholds (answered {result.answer_rate:.1%} < {args.min_answered:.1%} "
                  f"or abstained {result.abstain_rate:.1%} < {args.min_abstained:.1%})", file=sys.stderr)
        return 0 if ok else 1
    if command == "sources":
        documents = service.documents(include_retracted=True)
        for doc in documents:
            count = "retracted" if doc.retracted else f"{doc.fact_count} facts"
            print(f"#{doc.id} {doc.title} ({doc.published or 'undated'}): {count}"
                  + (f" <{doc.url}>" if doc.url else ""))
        if not documents:
            _warn_if_empty(service)
        return 0
    if command == "fact":
        print(format_fact(service.get_fact(args.id), service.history(args.id)))
        return 0
    if command == "timeline":
        facts, total = service.timeline(about=args.about, limit=args.limit)
        for fact in facts:
            print(f"{fact.event_date}  #{fact.id} {fact.text}\n            {source_line(fact)}")
        print(f"({len(facts)} of {total} dated facts)")
        return 0
    if command in DATA_COMMANDS:
        return _keep_data(args, service)
    return _moderate(args, service)


def _keep_data(args: argparse.Namespace, service: FactService) -> int:
    """export / import / backup."""
    if args.command == "backup":
        path = service.backup(args.file)
        print(f"Backed up {service.path} to {path}")
        return 0
    if args.command == "export":
        if args.file == "-":
            counts = service.export_jsonl(sys.stdout)
        else:
            target = Path(args.file)
            if target.exists():
                print(f"factbot: {target} already exists; choose a new file name", file=sys.stderr)
                return 1
            partial = target.with_name(f".{target.name}.partial")
            try:
                with partial.open("w", encoding="utf-8") as out:
                    counts = service.export_jsonl(out)
                partial.replace(target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                print(f"factbot: cannot write {target} ({exc.strerror})", file=sys.stderr)
                return 1
        print(f"Exported {_counted(counts)}", file=sys.stderr)
        return 0
    try:
        source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8", errors="strict")  # noqa: SIM115
    except OSError as exc:
        print(f"factbot: cannot read {args.file} ({exc.strerror})", file=sys.stderr)
        return 1
    try:
        counts = service.import_jsonl(source)
    except UnicodeDecodeError:
        print(f"factbot: {args.file} is not UTF-8 text; nothing was imported", file=sys.stderr)
        return 1
    finally:
        if source is not sys.stdin:
            source.close()
    print(f"Imported {_counted(counts)} into {service.path}")
    return 0


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items()) or "nothing"


def _ingest(args: argparse.Namespace, service: FactService) -> int:
    if len(args.paths) > 1 and any([args.title, args.url, args.outlet, args.published]):
        print("factbot: --title, --url, --outlet and --published need exactly one file", file=sys.stderr)
        return 2
    failed = 0
    for path in args.paths:
        def progress(done: int, total: int, name: str = path.name) -> None:
            if total >= 2000:
                print(f"  {name}: {done}/{total} sentences", file=sys.stderr)

        try:
            report = service.ingest_path(path, guild_id=args.guild, title=args.title, url=args.url,
                                         outlet=args.outlet, published=args.published, actor="cli",
                                         progress=progress)
        except FactbotError as exc:
            print(f"factbot: {exc}", file=sys.stderr)
            failed += 1
            continue
        if report.unchanged:
            print(f"{path}: already ingested as document #{report.document_id} ({report.title}); nothing added")
        else:
            extra = f", {report.facts_superseded} older facts superseded" if report.facts_superseded else ""
            print(f"{path}: document #{report.document_id} ({report.title}): {report.facts_added} facts added{extra}")
    return 1 if failed else 0


def _ask(args: argparse.Namespace, service: FactService) -> int:
    if args.guild is None:
        _warn_if_empty(service)
    questions = sys.stdin if args.question == "-" else [args.question]
    status = 0
    for raw in questions:
        question = storable(raw.rstrip("\n"))
        if args.question == "-" and not question.strip():
            continue
        try:
            answer = service.ask(question, guild_id=args.guild, min_confidence=args.min_confidence)
        except FactbotError as exc:
            if args.json:
                print(json.dumps({"question": question, "answered": False, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"factbot: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else format_answer(answer))
        sys.stdout.flush()
    return status


def _moderate(args: argparse.Namespace, service: FactService) -> int:
    actor = _actor(args)
    command = args.command
    if command == "alias":
        service.add_alias(args.term, args.means, actor=actor, guild_id=args.guild)
        print(f"Learnt: {args.term!r} means {args.means!r}")
        return 0
    if command in ("retract-document", "restore-document"):
        if command == "retract-document":
            change = service.retract_document(args.id, actor=actor, guild_id=args.guild, reason=args.reason)
        else:
            change = service.restore_document(args.id, actor=actor, guild_id=args.guild, reason=args.reason)
        state = "retracted" if change.retracted else "restored"
        print(f"Document #{change.document_id} ({change.title}) {state}: {change.facts_changed} facts "
              f"{'withdrawn' if change.retracted else 'back'}")
        return 0
    if command == "add":
        result = service.add_fact(args.text, source=args.source, actor=actor, guild_id=args.guild, reason=args.reason)
    elif command == "edit":
        result = service.edit_fact(args.id, args.text, actor=actor, guild_id=args.guild, reason=args.reason)
    elif command == "retract":
        result = service.retract_fact(args.id, actor=actor, guild_id=args.guild, reason=args.reason)
    else:
        result = service.restore_fact(args.id, actor=actor, guild_id=args.guild, reason=args.reason)
    print(f"{result.entry.action}: fact #{result.fact.id} is now {result.fact.status} (version {result.fact.version})")
    print(format_fact(result.fact))
    return 0


if __name__ == "__main__":
    sys.exit(main())
