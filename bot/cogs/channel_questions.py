"""Questions asked in messages: a mention of the bot, a direct message, or an auto-answer channel.

Mentions and direct messages always get a reply (an answer or 'not in my sources'). In auto-answer
channels the bot answers only messages that look like questions, only when it is confident enough,
and at most once per channel cooldown; otherwise it stays silent. Works without the message
content intent for mentions and DMs (Discord still sends their text).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.cogs.feedback import feedback_view
from bot.cooldowns import KeyedCooldown, SeenIds
from bot.render import answer_embed, content
from bot.replies import NO_MENTIONS, cooldown_message
from facts.errors import FactbotError, InvalidQuestion
from facts.models import Answer

if TYPE_CHECKING:
    from bot.client import FactBot

log = logging.getLogger(__name__)

MAX_QUESTION = 500
REPLY_ATTEMPTS = 3
REPLY_BACKOFF = 1.0
HINT = "Ask me a question about the news, for example: “Who sent troops to Kursk?” (or use /ask)."
_QUESTION_WORDS = {
    "who",
    "whom",
    "whose",
    "what",
    "when",
    "where",
    "why",
    "how",
    "which",
    "is",
    "are",
    "was",
    "were",
    "did",
    "does",
    "do",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "shall",
}


def looks_like_question(text: str) -> bool:
    """A cheap guess: ends with '?', or starts with a question word and is sentence-sized."""
    text = text.strip()
    if not 8 <= len(text) <= MAX_QUESTION:
        return False
    if text.endswith("?"):
        return True
    first = re.split(r"[\s,]+", text.lower(), maxsplit=1)[0]
    first = re.split(r"['’]", first, maxsplit=1)[0]  # who's, what's, where'd
    return first in _QUESTION_WORDS and len(text.split()) >= 3


def strip_mentions(text: str, user_id: int) -> str:
    """Remove mentions of the bot from a message's text."""
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", text).split())


class ChannelQuestions(commands.Cog):
    """Answers questions in messages."""

    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        self.handled = SeenIds(4096)
        self.channel_cooldown = KeyedCooldown(bot.settings.channel_cooldown_seconds)
        # Mentions and DMs share the per-person question cooldown of /ask; a burst gets one notice.
        self.user_cooldown = KeyedCooldown(bot.settings.ask_cooldown_seconds)
        self.warned = KeyedCooldown(bot.settings.ask_cooldown_seconds)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Decide whether a message is for us, and answer it once."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        if message.id in self.handled:
            return
        if message.guild is None:
            await self._prompted(message, message.content)
            return
        if me in message.mentions or f"<@{me.id}>" in message.content or f"<@!{me.id}>" in message.content:
            await self._prompted(message, strip_mentions(message.content, me.id))
            return
        await self._maybe_unprompted(message)

    async def _prompted(self, message: discord.Message, question: str) -> None:
        """A DM or a mention: always reply."""
        if not self.handled.add(message.id):
            return
        author = message.author.id
        wait = self.user_cooldown.retry_after(author)
        if wait > 0:
            if self.warned.ready(author):  # the first extra question in a burst gets one polite note
                self.warned.hit(author)
                await self._reply_text(message, cooldown_message(wait))
            log.debug("user %s cooling down; not answering message %s", author, message.id)
            return
        self.user_cooldown.hit(author)
        guild_id = message.guild.id if message.guild else None
        question = question.strip()[:MAX_QUESTION]
        if not question:
            await self._reply_text(message, HINT)
            return
        try:
            answer = await self.bot.bridge.run(lambda s: s.ask(question, guild_id=guild_id))
        except InvalidQuestion:
            await self._reply_text(message, HINT)
            return
        except FactbotError as error:
            await self._reply_text(message, str(error))
            return
        log.info("message question %s in guild %s: answered=%s", message.id, guild_id, answer.answered)
        if not answer.answered:
            try:
                await self.bot.bridge.run(
                    lambda s: s.record_unanswered(question, guild_id=guild_id, channel_id=message.channel.id)
                )
            except Exception:
                log.warning("could not record an unanswered question (message %s)", message.id, exc_info=True)
        await self._reply_answer(message, answer)

    async def _maybe_unprompted(self, message: discord.Message) -> None:
        """Auto-answer channels: confident answers to question-like messages, else silence."""
        if not message.content or not looks_like_question(message.content):
            return
        channel = message.channel
        parent_id = getattr(channel, "parent_id", None)
        guild_id = message.guild.id if message.guild else None
        if guild_id is None or not await self._is_auto_channel(guild_id, channel.id, parent_id):
            return
        if not self.channel_cooldown.ready(channel.id):
            log.debug("channel %s cooling down; not answering message %s", channel.id, message.id)
            return
        if not self.handled.add(message.id):
            return
        question = message.content.strip()[:MAX_QUESTION]
        try:
            answer = await self.bot.bridge.run(lambda s: s.ask(question, guild_id=guild_id))
        except FactbotError:
            return
        threshold = self.bot.settings.auto_confidence
        if not answer.answered or answer.fact is None or answer.confidence < threshold:
            log.debug("staying silent on message %s (confidence %.2f)", message.id, answer.confidence)
            return
        if not self.channel_cooldown.ready(channel.id):
            return
        self.channel_cooldown.hit(channel.id)
        log.info("unprompted answer to message %s in channel %s", message.id, channel.id)
        await self._reply_answer(message, answer)

    async def _is_auto_channel(self, guild_id: int, channel_id: int, parent_id: int | None) -> bool:
        ids = {channel_id} | ({parent_id} if parent_id else set())
        if ids & self.bot.settings.answer_channel_ids:
            return True
        try:
            enabled = await self.bot.bridge.run(lambda s: s.auto_answer_channels(guild_id=guild_id))
        except Exception:
            log.warning("could not read auto-answer channels for guild %s", guild_id, exc_info=True)
            return False
        return bool(ids & enabled)

    async def _reply_answer(self, message: discord.Message, answer: Answer) -> None:
        view = feedback_view(answer.fact.id) if answer.answered and answer.fact else discord.utils.MISSING
        sent = await self._reply(message, embed=answer_embed(answer), view=view)
        if sent is not None and message.guild is not None:  # DMs are never remembered
            await self.bot.corrections.remember(answer, guild_id=message.guild.id, channel_id=sent.channel.id,
                                                message_id=sent.id)

    async def _reply_text(self, message: discord.Message, text: str) -> None:
        await self._reply(message, content(text))

    async def _reply(self, message: discord.Message, text: str | None = None, **kwargs: Any
                     ) -> discord.Message | None:
        """Reply once, pinging no one. Discord's 5xx and exhausted rate limits are retried a few more
        times (discord.py's own retries can run out in a burst); other failures are only logged."""
        for attempt in range(1, REPLY_ATTEMPTS + 1):
            try:
                return await message.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS, **kwargs)
            except discord.HTTPException as error:
                if attempt == REPLY_ATTEMPTS or not (error.status >= 500 or error.status == 429):
                    log.warning("could not reply to message %s (HTTP %s)", message.id, error.status, exc_info=True)
                    return None
                log.warning("reply to message %s failed (HTTP %s); retrying", message.id, error.status)
                await asyncio.sleep(REPLY_BACKOFF * attempt)
        return None

async def setup(bot: FactBot) -> None:
    """Extension entry point."""
    await bot.add_cog(ChannelQuestions(bot))
