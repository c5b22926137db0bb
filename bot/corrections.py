"""Corrections reach earlier answers: when a moderator edits, retracts or restores a fact (or retracts
or restores a whole document), the bot edits its own public answers that cited it.

Answers are remembered (server, channel, message id, cited fact ids, time; never who asked) when
they are sent publicly in a server. Ephemeral replies and direct messages are never remembered.
A change is queued; one background task looks the affected messages up (on the engine thread)
and edits them one by one, pausing between edits, so answering never waits on it. A deleted
message is forgotten, a lost permission skipped; neither stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import discord

from bot.render import correction_note
from bot.replies import NO_MENTIONS
from facts.models import Answer, ChangeResult, DocumentChange

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """A moderator's change to one fact, as earlier answers should show it."""

    kind: str  # "edited", "retracted" or "restored"
    fact_ids: tuple[int, ...]  # the id asked for and the fact as it now reads (a server's own version)
    fact_id: int  # the id to point at (/fact id); each message names the id it quoted
    text: str  # the fact as it now reads
    reason: str | None
    guild_id: int | None  # None: the shared facts changed (every server)
    document: str | None = None  # a whole document changed: how the note names it
    kept: frozenset[tuple[int, int]] = frozenset()  # (server, fact id): unchanged there, leave its answers alone


def cited_fact_ids(answer: Answer) -> list[int]:
    """The facts an answer shows: the answer, the claims beside it and the related facts."""
    ids: list[int] = []
    if answer.fact is not None:
        ids.append(answer.fact.id)
    ids.extend(claim.fact.id for claim in answer.claims)
    ids.extend(f.id for f in answer.related)
    return list(dict.fromkeys(ids))


def change_of(kind: str, requested_id: int, result: ChangeResult, guild_id: int | None, reason: str | None) -> Change:
    """A :class:`Change` from a moderation result (``guild_id`` None: an owner's change for every server)."""
    fact = result.fact
    ids = {int(requested_id), fact.id} | ({fact.overrides} if fact.overrides else set())
    return Change(kind, tuple(sorted(ids)), fact.id, fact.text, reason, guild_id)


def document_change_of(change: DocumentChange, guild_id: int | None) -> Change | None:
    """One :class:`Change` for every fact a document retract/restore changed (None when it changed none)."""
    if not change.fact_ids:
        return None
    kind = "retracted" if change.retracted else "restored"
    name = f"#{change.document_id} “{change.title}”"
    return Change(kind, tuple(sorted(change.fact_ids)), change.fact_ids[0], "", change.reason, guild_id,
                  document=name, kept=frozenset(change.kept))


class Corrections:
    """Remembers public answers and edits them after a moderator's change."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        self._queue: asyncio.Queue[Change] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def remember(self, answer: Answer, *, guild_id: int | None, channel_id: int | None,
                       message_id: int | None) -> None:
        """Record a public answer in a server (DMs and unknown messages are not recorded). Never raises."""
        if guild_id is None or channel_id is None or message_id is None or not answer.answered:
            return
        ids = cited_fact_ids(answer)
        if not ids:
            return
        days = self.bot.settings.answer_record_days
        try:
            await self.bot.bridge.run(lambda s: s.record_answer_message(
                guild_id=guild_id, channel_id=channel_id, message_id=message_id, fact_ids=ids, retention_days=days))
        except Exception:
            log.warning("could not remember answer message %s", message_id, exc_info=True)

    def changed(self, change: Change) -> None:
        """Queue a change; the background task edits the affected answers. Returns at once."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="factbot-corrections")
        self._queue.put_nowait(change)

    async def prune(self) -> None:
        """Delete answer records past the retention period (at start-up; writes prune too). Never raises."""
        days = self.bot.settings.answer_record_days
        try:
            removed = await self.bot.bridge.run(lambda s: s.prune_answer_messages(retention_days=days))
        except Exception:
            log.warning("could not prune old answer records", exc_info=True)
            return
        if removed:
            log.info("deleted %d answer record(s) older than %g days", removed, days)

    async def drained(self) -> None:
        """Wait until every queued change has been applied (tests and shutdown)."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Stop the background task (pending corrections are dropped)."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
            self._worker = None

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            change = await self._queue.get()
            try:
                await self._apply(change)
            except Exception:
                log.exception("applying a correction to earlier answers failed (%s)", _subject(change))
            finally:
                self._queue.task_done()

    async def _apply(self, change: Change) -> None:
        days = self.bot.settings.answer_record_days
        messages = await self.bot.bridge.run(
            lambda s: s.answer_messages_citing(change.fact_ids, guild_id=change.guild_id, retention_days=days))
        spacing = self.bot.settings.correction_spacing_seconds
        changed = set(change.fact_ids)
        edited = 0
        for cited in messages:
            quoted = [f for f in cited.fact_ids if f in changed and (cited.guild_id, f) not in change.kept]
            if not quoted:
                continue  # that server's own version did not change
            if edited:
                await asyncio.sleep(spacing)  # edits are rate-limited like any request: spread them out
            shown = quoted[0]  # the id it quoted
            await self._edit(cited.guild_id, cited.channel_id, cited.message_id, replace(change, fact_id=shown))
            edited += 1
        if edited:
            log.info("%s %s: %d earlier answer(s) updated", _subject(change), change.kind, edited)

    async def _edit(self, guild_id: int, channel_id: int, message_id: int, change: Change) -> None:
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        try:
            message = await channel.fetch_message(message_id)
            if not message.embeds:
                return
            embed = correction_note(message.embeds[0], change.kind, change.fact_id, change.text, change.reason,
                                    document=change.document)
            await message.edit(embeds=[embed, *message.embeds[1:]], allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            log.info("answer message %s is gone; forgetting it", message_id)
            with contextlib.suppress(Exception):
                await self.bot.bridge.run(lambda s: s.forget_answer_message(message_id))
        except discord.Forbidden:
            log.info("no longer allowed to edit answer message %s in channel %s", message_id, channel_id)
        except discord.HTTPException as error:
            log.warning("could not correct answer message %s (HTTP %s)", message_id, error.status)


def _subject(change: Change) -> str:
    return f"document {change.document}" if change.document else f"fact {change.fact_id}"
