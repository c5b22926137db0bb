"""Routes for channels and messages: read, post, edit, delete, reactions, pins, typing."""

from __future__ import annotations

from typing import Any

from .events import emit_message_delete
from .payloads import channel_payload, dm_channel_payload
from .permissions import Permission
from .rest_base import Call, Handler, Reply, RouteGroup, error, no_content, ok
from .state import EPHEMERAL, Place


class MessageRoutes(RouteGroup):
    """Channel and message routes, with Discord's permission and DM rules for the bot."""

    def routes(self) -> list[tuple[str, str, Handler]]:
        """Every route of the group."""
        channel = "/channels/{channel_id}"
        message = channel + "/messages/{message_id}"
        reactions = message + "/reactions/{emoji}/@me"
        return [
            ("GET", channel, self.get_channel),
            ("POST", channel + "/typing", self.typing),
            ("GET", channel + "/messages", self.list_messages),
            ("POST", channel + "/messages", self.create_message),
            ("POST", channel + "/messages/bulk-delete", self.bulk_delete),
            ("GET", message, self.get_message),
            ("PATCH", message, self.edit_message),
            ("DELETE", message, self.delete_message),
            ("GET", channel + "/messages/pins", self.list_pins),
            ("PUT", channel + "/messages/pins/{message_id}", self.pin),
            ("DELETE", channel + "/messages/pins/{message_id}", self.unpin),
            ("PUT", reactions, self.add_reaction),
            ("DELETE", reactions, self.remove_reaction),
        ]

    async def get_channel(self, call: Call) -> Reply:
        """GET /channels/{channel_id}."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        if place.channel is not None:
            return ok(channel_payload(place.channel))
        assert place.recipient is not None
        return ok(dm_channel_payload(place.channel_id, place.recipient))

    async def typing(self, call: Call) -> Reply:
        """POST /channels/{channel_id}/typing."""
        _, problem = self.place(call)
        return problem or no_content()

    async def list_messages(self, call: Call) -> Reply:
        """GET /channels/{channel_id}/messages (newest first, honours ``limit``)."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        if not place.permissions(self.world.scenario.bot.id) & Permission.READ_MESSAGE_HISTORY:
            return ok([])
        limit = int(call.query.get("limit", "50"))
        messages = [m for m in self.world.channel_messages(place.channel_id) if not m["flags"] & EPHEMERAL]
        return ok(list(reversed(messages))[:limit])

    async def create_message(self, call: Call) -> Reply:
        """POST /channels/{channel_id}/messages, with Discord's permission and DM rules."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        bot_id = self.world.scenario.bot.id
        if place.guild is not None:
            perms = place.permissions(bot_id)
            if not perms & Permission.SEND_MESSAGES or (call.files and not perms & Permission.ATTACH_FILES):
                return error(403, 50013, "Missing Permissions")
        elif place.recipient is not None and (not place.recipient.dms_open or place.recipient.bot):
            return error(403, 50007, "Cannot send messages to this user")
        body = dict(call.json or {})
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            known = int(reference["message_id"]) in self.world.messages
            if not known and reference.get("fail_if_not_exists", True):
                return Reply(
                    400,
                    {
                        "message": "Invalid Form Body",
                        "code": 50035,
                        "errors": {
                            "message_reference": {
                                "_errors": [
                                    {
                                        "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                        "message": "Unknown message",
                                    }
                                ]
                            }
                        },
                    },
                )
            if not known:
                body.pop("message_reference")
        message = self.world.build_message(place, self.bot_author(), body, files=call.file_tuples)
        self.world.store(message)
        await self.echo("MESSAGE_CREATE", message, place)
        return ok(message)

    def _message(self, call: Call, place: Place) -> dict[str, Any] | None:
        message = self.world.messages.get(call.param("message_id"))
        if message is None or int(message["channel_id"]) != place.channel_id:
            return None
        return message

    async def get_message(self, call: Call) -> Reply:
        """GET /channels/{channel_id}/messages/{message_id}."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None or message["flags"] & EPHEMERAL:  # only its interaction's token reaches an ephemeral one
            return error(404, 10008, "Unknown Message")
        return ok(message)

    async def edit_message(self, call: Call) -> Reply:
        """PATCH /channels/{channel_id}/messages/{message_id} (own messages only)."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None or message["flags"] & EPHEMERAL:
            return error(404, 10008, "Unknown Message")
        # A public interaction response is the bot's own message: the bot token edits it (no 15-minute limit).
        own_response = "interaction_metadata" in message
        if message["author"]["id"] != str(self.world.scenario.bot.id) or ("webhook_id" in message and not own_response):
            return error(403, 50005, "Cannot edit a message authored by another user")
        self.world.apply_edit(message, call.json or {}, call.file_tuples)
        await self.echo("MESSAGE_UPDATE", message, place)
        return ok(message)

    async def delete_message(self, call: Call) -> Reply:
        """DELETE /channels/{channel_id}/messages/{message_id} (others' need MANAGE_MESSAGES)."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message["author"]["id"] != str(self.world.scenario.bot.id):
            if place.is_dm:
                return error(403, 50003, "Cannot execute action on a DM channel")
            if not place.permissions(self.world.scenario.bot.id) & Permission.MANAGE_MESSAGES:
                return error(403, 50013, "Missing Permissions")
        self.world.delete(int(message["id"]))
        await emit_message_delete(self.gateway, self.world, int(message["id"]), place)
        return no_content()

    async def bulk_delete(self, call: Call) -> Reply:
        """POST /channels/{channel_id}/messages/bulk-delete (needs MANAGE_MESSAGES)."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        if place.is_dm or not place.permissions(self.world.scenario.bot.id) & Permission.MANAGE_MESSAGES:
            return error(403, 50013, "Missing Permissions")
        for raw in (call.json or {}).get("messages", []):
            if self.world.delete(int(raw)) is not None:
                await emit_message_delete(self.gateway, self.world, int(raw), place)
        return no_content()

    async def add_reaction(self, call: Call) -> Reply:
        """PUT .../reactions/{emoji}/@me."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if place.guild is not None and not place.permissions(self.world.scenario.bot.id) & Permission.ADD_REACTIONS:
            return error(403, 50013, "Missing Permissions")
        emoji = call.params["emoji"]
        for reaction in message["reactions"]:
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction.update(me=True, count=reaction["count"] + 1)
                    reaction["count_details"]["normal"] += 1
                break
        else:
            message["reactions"].append(
                {
                    "count": 1,
                    "count_details": {"burst": 0, "normal": 1},
                    "me": True,
                    "me_burst": False,
                    "burst_colors": [],
                    "emoji": {"id": None, "name": emoji},
                }
            )
        return no_content()

    async def remove_reaction(self, call: Call) -> Reply:
        """DELETE .../reactions/{emoji}/@me."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        message["reactions"] = [
            r for r in message["reactions"] if not (r["emoji"]["name"] == call.params["emoji"] and r["me"])
        ]
        return no_content()

    async def list_pins(self, call: Call) -> Reply:
        """GET /channels/{channel_id}/messages/pins."""
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        pinned = [m for m in self.world.channel_messages(place.channel_id) if m["pinned"]]
        items = [{"pinned_at": m.get("pinned_at") or m["timestamp"], "message": m} for m in reversed(pinned)]
        return ok({"items": items, "has_more": False})

    async def _set_pinned(self, call: Call, pinned: bool) -> Reply:
        place, problem = self.place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        perms = place.permissions(self.world.scenario.bot.id)
        if place.guild is not None and not perms & (Permission.MANAGE_MESSAGES | Permission.PIN_MESSAGES):
            return error(403, 50013, "Missing Permissions")
        message["pinned"] = pinned
        return no_content()

    async def pin(self, call: Call) -> Reply:
        """PUT /channels/{channel_id}/messages/pins/{message_id}."""
        return await self._set_pinned(call, True)

    async def unpin(self, call: Call) -> Reply:
        """DELETE /channels/{channel_id}/messages/pins/{message_id}."""
        return await self._set_pinned(call, False)
