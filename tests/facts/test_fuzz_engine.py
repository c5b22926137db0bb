"""Property-based tests of the engine's public API over hostile input (hypothesis).

Whatever the text: the question path answers or abstains (or raises a FactbotError) within a
bounded time, only ever quotes facts stored in the database and changes nothing; the ingest and
moderation paths either succeed or raise a FactbotError and leave the database as it was.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.errors import FactbotError
from facts.models import Answer
from facts.service import FactService
from tests.fuzzing import NASTY, WALL_CLOCK_CAP, any_char, examples, nasty_text, question_text, tried
from tests.helpers import CITY_REPORT

GUILD = 111
guilds = st.one_of(st.none(), st.just(GUILD), st.integers(min_value=-(2**70), max_value=2**70))
ids = st.one_of(st.integers(min_value=-5, max_value=40), st.integers(min_value=-(2**70), max_value=2**70))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus plus one made-up report, built once for this module."""
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    service = FactService(path)
    service.ensure_sample_corpus()
    service.ingest_text(CITY_REPORT, name="riverton.md")
    service.close()
    return path


@pytest.fixture
def fuzz_service(tmp_path: Path, template: Path) -> Iterator[FactService]:
    """A private copy of the template database."""
    target = tmp_path / "fuzz.db"
    shutil.copy(template, target)
    service = FactService(target)
    yield service
    service.close()


def snapshot(service: FactService) -> tuple[Any, ...]:
    """Everything a write could change, cheaply: row counts, highest ids and vocabulary totals."""
    db = service.db
    parts: list[Any] = []
    for table in ("documents", "facts", "fact_history", "aliases", "review_items", "votes", "auto_answer"):
        parts.append(db.execute(f"select count(*), max(rowid) from {table}").fetchone())
    parts.append(db.execute("select count(*), sum(df) from vocab where df > 0").fetchone())
    parts.append(db.execute("select count(*), sum(df) from vocab_scoped where df > 0").fetchone())
    parts.append(db.execute("select sum(version), group_concat(status, '') from facts").fetchone())
    parts.append(db.execute("select count(*) from review_items where status = 'open'").fetchone())
    return tuple(parts)


def stored_texts(service: FactService) -> set[str]:
    return {row[0] for row in service.db.execute("select text from facts")}


def timed(call: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """Run ``call``; return (result, FactbotError or None). Anything else fails the test. Bounded time."""
    started = time.monotonic()
    try:
        result, error = call(), None
    except FactbotError as exc:
        result, error = None, exc
        assert str(exc), "errors must say what went wrong"
    elapsed = time.monotonic() - started
    assert elapsed < WALL_CLOCK_CAP, f"took {elapsed:.1f}s"
    return result, error


def check_answer(answer: Answer, texts: set[str]) -> None:
    """An answer quotes only stored facts, and its short answer is part of its fact."""
    assert isinstance(answer, Answer)
    assert 0.0 <= answer.confidence <= 1.0
    for fact in [answer.fact, *answer.related, *answer.suggestions]:
        if fact is not None:
            assert fact.text in texts
    if answer.answered:
        assert answer.fact is not None
        if answer.answer is not None:
            assert answer.answer in answer.fact.text
    else:
        assert answer.answer is None or not answer.answered


def test_ask_never_raises_past_the_api_and_quotes_only_the_database(fuzz_service: FactService) -> None:
    texts = stored_texts(fuzz_service)
    before = snapshot(fuzz_service)

    @settings(max_examples=examples(3500))
    @given(question=question_text, guild=st.one_of(st.none(), st.just(GUILD)),
           threshold=st.one_of(st.none(), st.floats(0, 1)))
    def run(question: str, guild: int | None, threshold: float | None) -> None:
        tried("engine: ask")
        answer, _ = timed(lambda: fuzz_service.ask(question, guild_id=guild, min_confidence=threshold))
        if answer is not None:
            check_answer(answer, texts)

    run()
    assert snapshot(fuzz_service) == before


def test_browsing_and_autocomplete_survive_anything(fuzz_service: FactService) -> None:
    texts = stored_texts(fuzz_service)
    before = snapshot(fuzz_service)

    @settings(max_examples=examples(1500))
    @given(text=question_text, guild=guilds, number=ids, limit=ids, offset=ids)
    def run(text: str, guild: int | None, number: int, limit: int, offset: int) -> None:
        tried("engine: suggest, timeline, fact, history, documents")
        suggestions, _ = timed(lambda: fuzz_service.suggest(text, guild_id=guild))
        for suggestion in suggestions or []:
            assert len(suggestion) <= 100
            assert any(suggestion.rstrip("…") in t for t in texts)
        page, _ = timed(lambda: fuzz_service.timeline(about=text, guild_id=guild, limit=limit, offset=offset))
        if page is not None:
            assert all(f.text in texts for f in page[0])
        timed(lambda: fuzz_service.get_fact(number, guild_id=guild))
        timed(lambda: fuzz_service.history(number, guild_id=guild))
        timed(lambda: fuzz_service.documents(guild_id=guild))

    run()
    assert snapshot(fuzz_service) == before


FRONT_MATTER = st.sampled_from([
    "", "---\n", "---\ntitle: x\n---\n", "---\npublished: 2024-13-45\n---\n", "---\nurl: javascript:alert(1)\n---\n",
    "---\ntitle: \"@everyone <@&1>\"\npublished: 2024-10-25\n---\n", "\ufeff", "---\ntitle:\n...\n",
])
documents = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda fm, body: (fm + body).encode("utf-8", "surrogatepass"), FRONT_MATTER, nasty_text),
    st.builds(lambda fm, lines: (fm + "\n\n".join(lines)).encode("utf-8", "surrogatepass"), FRONT_MATTER,
              st.lists(nasty_text, max_size=12)),
    st.builds(lambda fm, body: fm + body, FRONT_MATTER, st.text(alphabet=any_char, max_size=2000)),
    st.just(b""), st.just(b"\x00" * 100), st.just(b"   \n\n\t  "),
)


def test_ingest_succeeds_or_fails_cleanly_and_a_failure_changes_nothing(fuzz_service: FactService) -> None:
    @settings(max_examples=examples(2000))
    @given(data=documents, name=st.one_of(st.just("doc.md"), st.text(alphabet=any_char, max_size=40)),
           title=st.one_of(st.none(), nasty_text), url=st.one_of(st.none(), st.sampled_from(NASTY), nasty_text),
           published=st.one_of(st.none(), st.sampled_from(["2024-10-25", "2024-02-30", "yesterday", ""]), nasty_text),
           guild=st.one_of(st.none(), st.just(GUILD), guilds))
    def run(data: bytes | str, name: str, title: str | None, url: str | None, published: str | None,
            guild: int | None) -> None:
        tried("engine: ingest")
        before = snapshot(fuzz_service)
        report, error = timed(lambda: fuzz_service.ingest_text(
            data, name=name, title=title, url=url, published=published, guild_id=guild))
        if error is not None or report.unchanged:
            assert snapshot(fuzz_service) == before
        else:
            assert report.facts_added > 0
            assert fuzz_service.db.execute("select count(*) from facts where document_id = ?",
                                           [report.document_id]).fetchone()[0] == report.facts_added

    run()


def test_moderation_writes_succeed_or_change_nothing(fuzz_service: FactService) -> None:
    texts = stored_texts(fuzz_service)

    @settings(max_examples=examples(2500))
    @given(action=st.sampled_from(["add", "edit", "retract", "restore", "alias", "report", "unanswered", "close",
                                   "helpful", "autoanswer"]),
           text=st.one_of(question_text, st.just("The harbour reopened on 3 May after the storm.")),
           other=question_text, number=ids, guild=st.one_of(st.none(), st.just(GUILD), guilds),
           version=st.one_of(st.none(), ids))
    def run(action: str, text: str, other: str, number: int, guild: int | None, version: int | None) -> None:
        tried("engine: moderation writes")
        before = snapshot(fuzz_service)
        calls: dict[str, Callable[[], Any]] = {
            "add": lambda: fuzz_service.add_fact(text, source=other, actor="fuzz", guild_id=guild),
            "edit": lambda: fuzz_service.edit_fact(number, text, actor="fuzz", guild_id=guild, reason=other,
                                                   expected_version=version),
            "retract": lambda: fuzz_service.retract_fact(number, actor="fuzz", guild_id=guild, reason=other),
            "restore": lambda: fuzz_service.restore_fact(number, actor="fuzz", guild_id=guild, reason=other),
            "alias": lambda: fuzz_service.add_alias(text, other, actor="fuzz", guild_id=guild),
            "report": lambda: fuzz_service.report_wrong_answer(text, number, guild_id=guild, channel_id=number),
            "unanswered": lambda: fuzz_service.record_unanswered(text, guild_id=guild, channel_id=number),
            "close": lambda: fuzz_service.close_review(number, actor="fuzz", guild_id=guild),
            "helpful": lambda: fuzz_service.record_helpful(number, guild_id=guild),
            "autoanswer": lambda: fuzz_service.set_auto_answer(number, bool(version), guild_id=guild or GUILD,
                                                               actor="fuzz"),
        }
        result, error = timed(calls[action])
        if error is not None:
            after = snapshot(fuzz_service)
            if action == "edit" and type(error).__name__ == "VersionConflict":
                assert after[2][0] == before[2][0] + 1  # only the refused attempt is recorded in history
            else:
                assert after == before, (action, error)
        elif action in ("add", "edit", "retract", "restore"):
            texts.add(result.fact.text)
            assert result.entry.action in ("add", "edit", "retract", "restore")
        answer, _ = timed(lambda: fuzz_service.ask("how much will the Riverton bridge cost", guild_id=guild))
        if answer is not None:
            check_answer(answer, texts)

    run()
    result = fuzz_service.db.execute("PRAGMA integrity_check").fetchone()[0]
    assert result == "ok"
