"""Message events fanned out to the gateway the way Discord gates them by intents."""

from __future__ import annotations

import copy
from typing import Any

from .gateway import Gateway, Session
from .payloads import member_payload
from .scenario import INTENT_DIRECT_MESSAGES, INTENT_GUILD_MESSAGES, INTENT_MESSAGE_CONTENT
from .state import Place, World

CONTENT_KEYS = ("content", "embeds", "attachments", "components", "poll")


def session_for_place(gateway: Gateway, place: Place) -> Session | None:
    """The session that receives events of ``place`` (DMs go to shard 0)."""
    if place.guild is not None:
        return gateway.session_for_guild(place.guild)
    return gateway.current_session(0)


def gated_message(world: World, session: Session, message: dict[str, Any], place: Place) -> dict[str, Any]:
    """``message`` as a session sees it: content fields blanked without MESSAGE_CONTENT.

    Like Discord, content stays visible in DMs, for the bot's own messages and for
    messages that mention the bot.
    """
    bot_id = str(world.scenario.bot.id)
    visible = (
        session.intents & INTENT_MESSAGE_CONTENT
        or place.is_dm
        or message["author"]["id"] == bot_id
        or any(user["id"] == bot_id for user in message.get("mentions", []))
    )
    if visible:
        return message
    gated = copy.deepcopy(message)
    gated.update(content="", embeds=[], attachments=[], components=[])
    gated.pop("poll", None)
    return gated


def _event_payload(world: World, message: dict[str, Any], place: Place) -> dict[str, Any]:
    payload = dict(message)
    if place.guild is not None:
        payload["guild_id"] = str(place.guild.id)
        author_id = int(message["author"]["id"])
        if "webhook_id" not in message and place.guild.has_member(author_id):
            payload["member"] = member_payload(place.guild.member(author_id), with_user=False)
    return payload


async def emit_message(gateway: Gateway, world: World, event: str, message: dict[str, Any], place: Place) -> bool:
    """Send MESSAGE_CREATE / MESSAGE_UPDATE for ``message``; False when nobody receives it."""
    session = session_for_place(gateway, place)
    needed = INTENT_DIRECT_MESSAGES if place.is_dm else INTENT_GUILD_MESSAGES
    if session is None or not session.intents & needed:
        return False
    payload = gated_message(world, session, _event_payload(world, message, place), place)
    await gateway.dispatch(session, event, payload)
    return True


async def emit_message_delete(gateway: Gateway, world: World, message_id: int, place: Place) -> bool:
    """Send MESSAGE_DELETE; False when nobody receives it."""
    session = session_for_place(gateway, place)
    needed = INTENT_DIRECT_MESSAGES if place.is_dm else INTENT_GUILD_MESSAGES
    if session is None or not session.intents & needed:
        return False
    data: dict[str, Any] = {"id": str(message_id), "channel_id": str(place.channel_id)}
    if place.guild is not None:
        data["guild_id"] = str(place.guild.id)
    await gateway.dispatch(session, "MESSAGE_DELETE", data)
    return True
