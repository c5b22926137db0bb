"""The REST half of the stand-in: Discord API v10 routes a bot uses, under ``/api/v10``.

Every request is recorded, checked for injected faults, validated (OpenAPI schema and
documented limits: a violation answers 400 like Discord's 50035) and then handled by
the modelled route; requests to unmodelled routes answer 404 JSON and keep ``route=None``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import limits
from .events import emit_message, emit_message_delete
from .faults import FaultPlan
from .gateway import Gateway
from .http_util import json_response
from .payloads import (
    application_payload,
    channel_payload,
    dm_channel_payload,
    guild_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .permissions import Permission
from .recorder import RecordedFile, RecordedRequest, Recorder
from .spec import RouteTable, SpecValidator
from .state import EPHEMERAL, LOADING, InteractionState, Place, World
from .violations import Violation, discord_error_body

API_PREFIX = "/api/v10"
#: Callback types each interaction type accepts (PONG is for HTTP interactions only).
CALLBACKS_FOR = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
NO_AUTH_PREFIXES = ("/interactions/", "/webhooks/")


@dataclass
class Reply:
    """What a route handler answers (``body`` None means 204 No Content)."""

    status: int = 200
    body: Any = None
    violations: list[Violation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def ok(body: Any, status: int = 200) -> Reply:
    """A JSON success."""
    return Reply(status, body)


def no_content() -> Reply:
    """204."""
    return Reply(204, None)


def error(status: int, code: int, message: str) -> Reply:
    """A Discord error body."""
    return Reply(status, {"message": message, "code": code})


@dataclass
class Call:
    """A request as route handlers see it."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    record: RecordedRequest

    def param(self, name: str) -> int:
        """A snowflake path parameter as int (0 when not numeric)."""
        value = self.params.get(name, "")
        return int(value) if value.isdigit() else 0

    @property
    def file_tuples(self) -> list[tuple[str, bytes, str | None]]:
        """``(filename, data, content_type)`` of every uploaded file."""
        return [(f.filename or f.field, f.data, f.content_type) for f in self.files]


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass
class RestOptions:
    """Behaviour switches of the REST side."""

    interaction_deadline: float = 3.0
    echo_bot_messages: bool = True
    recommended_shards: int = 1


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def _bucket(template: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, template).hex[:32]


class RestApi:
    """Route table, request pipeline and handlers."""

    def __init__(
        self,
        world: World,
        recorder: Recorder,
        gateway: Gateway,
        faults: FaultPlan,
        spec: SpecValidator,
        options: RestOptions,
        gateway_url: Callable[[], str],
    ) -> None:
        self.world = world
        self.recorder = recorder
        self.gateway = gateway
        self.faults = faults
        self.spec = spec
        self.options = options
        self.gateway_url = gateway_url
        self.downloads: list[str] = []
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._register()
        self.routes = RouteTable({template for _, template in self._handlers})

    # -- pipeline ---------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for everything under ``/api/v10``."""
        path = request.path[len(API_PREFIX) :] or "/"
        method = request.method.upper()
        body, files, has_body, parse_error = await self._read_body(request)
        found = self.routes.match(path)
        template, params = found if found else (None, {})
        handler = self._handlers.get((method, template)) if template else None
        record = self.recorder.start(
            method=method,
            path=path,
            route=template if handler else None,
            params=params,
            query=dict(request.query),
            headers={k: v for k, v in request.headers.items() if k.lower() != "authorization"},
            json=body,
            files=files,
        )
        reply = await self._answer(request, record, handler, template, body, files, has_body, parse_error)
        if reply.violations:
            record.violations.extend(reply.violations)
        headers = self._ratelimit_headers(template or path) if 200 <= reply.status < 300 else reply.headers
        await self.recorder.finish(record, reply.status, reply.body)
        if reply.body is None:
            return web.Response(status=reply.status, headers=headers)
        return json_response(reply.body, status=reply.status, headers=headers)

    async def _answer(
        self,
        request: web.Request,
        record: RecordedRequest,
        handler: Handler | None,
        template: str | None,
        body: Any,
        files: list[RecordedFile],
        has_body: bool,
        parse_error: str | None,
    ) -> Reply:
        fault = self.faults.take(record.method, template, record.params)
        if fault is not None:
            record.fault = str(fault.status)
            status, body, headers = fault.answer()
            return Reply(status, body, headers=headers)
        authorized = request.headers.get("Authorization") == f"Bot {self.world.scenario.token}"
        if not authorized and not record.path.startswith(NO_AUTH_PREFIXES):
            return error(401, 0, "401: Unauthorized")
        if parse_error is not None:
            violation = Violation("schema", record.method, record.path, "", parse_error, "50109")
            return Reply(
                400, {"message": "The request body contains invalid JSON.", "code": 50109}, [violation]
            )
        spec_op = self.spec.operation(record.method, record.path)
        if spec_op is not None:  # a route Discord does not have just gets the 404 below
            violations = self.spec.validate_request(record.method, record.path, body, has_body=has_body)
            violations += limits.check_request(
                record.method, record.path, spec_op[0], body, has_files=bool(files)
            )
            if violations:
                return Reply(400, discord_error_body(violations), violations)
        if handler is None:
            if template is not None:
                return error(405, 0, "405: Method Not Allowed")
            return error(404, 0, "404: Not Found")
        call = Call(record.method, record.path, record.params, record.query, body, files, record)
        return await handler(call)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile], bool, str | None]:
        if not request.body_exists:
            return None, [], False, None
        content_type = request.content_type
        if content_type == "multipart/form-data":
            payload: Any = None
            files: list[RecordedFile] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if name == "payload_json":
                    try:
                        payload = json.loads(data.decode("utf-8"))
                    except ValueError as exc:
                        return None, files, True, f"payload_json is not JSON: {exc}"
                else:
                    files.append(
                        RecordedFile(name, part.filename, part.headers.get("Content-Type"), bytes(data))  # type: ignore[union-attr]
                    )
            return payload, files, True, None
        raw = await request.read()
        if not raw:
            return None, [], False, None
        try:
            return json.loads(raw.decode("utf-8")), [], True, None
        except ValueError as exc:
            return None, [], True, f"body is not JSON: {exc}"

    def _ratelimit_headers(self, template: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": _bucket(template),
        }

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """Serve an uploaded attachment (``/attachments/{channel}/{id}/{filename}``)."""
        key = request.match_info["key"]
        self.downloads.append(key)
        found = self.world.uploads.get(key)
        if found is None:
            return web.Response(status=404, text="asset not found")
        data, content_type = found
        return web.Response(body=data, headers={"Content-Type": content_type})

    # -- routing table ----------------------------------------------------------------------
    def _register(self) -> None:
        add = self._handlers.__setitem__
        app = "/applications/{application_id}"
        add(("GET", "/gateway"), self.get_gateway)
        add(("GET", "/gateway/bot"), self.get_gateway_bot)
        add(("GET", "/users/@me"), self.get_me)
        add(("GET", "/users/{user_id}"), self.get_user)
        add(("GET", "/users/@me/guilds"), self.get_my_guilds)
        add(("POST", "/users/@me/channels"), self.create_dm)
        add(("GET", "/oauth2/applications/@me"), self.get_application)
        add(("GET", "/applications/@me"), self.get_application)
        for base in (app + "/commands", app + "/guilds/{guild_id}/commands"):
            add(("GET", base), self.list_commands)
            add(("PUT", base), self.bulk_overwrite_commands)
            add(("POST", base), self.create_command)
            add(("GET", base + "/{command_id}"), self.get_command)
            add(("PATCH", base + "/{command_id}"), self.edit_command)
            add(("DELETE", base + "/{command_id}"), self.delete_command)
        add(("GET", app + "/guilds/{guild_id}/commands/permissions"), self.command_permissions)
        add(("GET", "/channels/{channel_id}"), self.get_channel)
        add(("POST", "/channels/{channel_id}/typing"), self.typing)
        add(("GET", "/channels/{channel_id}/messages"), self.list_messages)
        add(("POST", "/channels/{channel_id}/messages"), self.create_message)
        add(("POST", "/channels/{channel_id}/messages/bulk-delete"), self.bulk_delete)
        add(("GET", "/channels/{channel_id}/messages/{message_id}"), self.get_message)
        add(("PATCH", "/channels/{channel_id}/messages/{message_id}"), self.edit_message)
        add(("DELETE", "/channels/{channel_id}/messages/{message_id}"), self.delete_message)
        add(("GET", "/channels/{channel_id}/messages/pins"), self.list_pins)
        add(("PUT", "/channels/{channel_id}/messages/pins/{message_id}"), self.pin)
        add(("DELETE", "/channels/{channel_id}/messages/pins/{message_id}"), self.unpin)
        reactions = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        add(("PUT", reactions), self.add_reaction)
        add(("DELETE", reactions), self.remove_reaction)
        add(("GET", "/guilds/{guild_id}"), self.get_guild)
        add(("GET", "/guilds/{guild_id}/channels"), self.get_guild_channels)
        add(("GET", "/guilds/{guild_id}/roles"), self.get_guild_roles)
        add(("GET", "/guilds/{guild_id}/members"), self.list_members)
        add(("GET", "/guilds/{guild_id}/members/{user_id}"), self.get_member)
        add(
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"), self.interaction_callback
        )
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        add(("POST", hook), self.create_followup)
        for message in (hook + "/messages/@original", hook + "/messages/{message_id}"):
            add(("GET", message), self.get_webhook_message)
            add(("PATCH", message), self.edit_webhook_message)
            add(("DELETE", message), self.delete_webhook_message)

    # -- gateway, users, application --------------------------------------------------------
    async def get_gateway(self, call: Call) -> Reply:
        """GET /gateway."""
        return ok({"url": self.gateway_url()})

    async def get_gateway_bot(self, call: Call) -> Reply:
        """GET /gateway/bot: the stand-in's gateway url and recommended shard count."""
        return ok(
            {
                "url": self.gateway_url(),
                "shards": self.options.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_me(self, call: Call) -> Reply:
        """GET /users/@me."""
        bot = self.world.scenario.bot
        return ok(dict(user_payload(bot), verified=True, mfa_enabled=False, email=None, locale="en-US"))

    async def get_user(self, call: Call) -> Reply:
        """GET /users/{user_id}."""
        user = self.world.scenario.find_user(call.param("user_id"))
        return ok(user_payload(user)) if user else error(404, 10013, "Unknown User")

    async def get_my_guilds(self, call: Call) -> Reply:
        """GET /users/@me/guilds."""
        return ok(
            [
                {
                    "id": str(g.id),
                    "name": g.name,
                    "icon": None,
                    "owner": False,
                    "permissions": "0",
                    "features": [],
                }
                for g in self.world.scenario.guilds
            ]
        )

    async def create_dm(self, call: Call) -> Reply:
        """POST /users/@me/channels."""
        user = self.world.scenario.find_user(int((call.json or {}).get("recipient_id") or 0))
        if user is None:
            return error(400, 50033, "Invalid Recipient(s)")
        return ok(dm_channel_payload(self.world.dm_channel_id(user), user))

    async def get_application(self, call: Call) -> Reply:
        """GET /oauth2/applications/@me and /applications/@me."""
        return ok(application_payload(self.world.scenario))

    # -- application commands ---------------------------------------------------------------
    def _command_scope(self, call: Call) -> tuple[int | None, Reply | None]:
        if call.param("application_id") != self.world.scenario.application.id:
            return None, error(404, 10002, "Unknown Application")
        if "guild_id" not in call.params:
            return None, None
        guild = self.world.scenario.find_guild(call.param("guild_id"))
        if guild is None or not guild.has_member(self.world.scenario.bot.id):
            return None, error(403, 50001, "Missing Access")
        return guild.id, None

    async def list_commands(self, call: Call) -> Reply:
        """GET .../commands."""
        guild_id, problem = self._command_scope(call)
        return problem or ok(self.world.commands_for(guild_id))

    async def bulk_overwrite_commands(self, call: Call) -> Reply:
        """PUT .../commands: replace the whole set, keeping ids of same-named commands."""
        guild_id, problem = self._command_scope(call)
        if problem:
            return problem
        current = {(c.get("type") or 1, c["name"]): c for c in self.world.commands_for(guild_id)}
        stored = [
            self.world.store_command(body, guild_id, current.get((body.get("type") or 1, body.get("name"))))
            for body in call.json or []
        ]
        if guild_id is None:
            self.world.global_commands = stored
        else:
            self.world.guild_commands[guild_id] = stored
        return ok(stored)

    async def create_command(self, call: Call) -> Reply:
        """POST .../commands: create, or replace the command with the same name and type."""
        guild_id, problem = self._command_scope(call)
        if problem:
            return problem
        body = call.json or {}
        pool = self.world.commands_for(guild_id)
        key = (body.get("type") or 1, body.get("name"))
        existing = next((c for c in pool if (c.get("type") or 1, c["name"]) == key), None)
        command = self.world.store_command(body, guild_id, existing)
        if existing is not None:
            pool[pool.index(existing)] = command
            return ok(command)
        pool.append(command)
        return ok(command, 201)

    def _find_command(self, call: Call) -> tuple[list[dict[str, Any]], dict[str, Any] | None, Reply | None]:
        guild_id, problem = self._command_scope(call)
        if problem:
            return [], None, problem
        pool = self.world.commands_for(guild_id)
        command = next((c for c in pool if c["id"] == call.params["command_id"]), None)
        if command is None:
            return pool, None, error(404, 10063, "Unknown application command")
        return pool, command, None

    async def get_command(self, call: Call) -> Reply:
        """GET .../commands/{command_id}."""
        _, command, problem = self._find_command(call)
        return problem or ok(command)

    async def edit_command(self, call: Call) -> Reply:
        """PATCH .../commands/{command_id}."""
        pool, command, problem = self._find_command(call)
        if problem or command is None:
            return problem or error(404, 10063, "Unknown application command")
        merged = {k: v for k, v in command.items() if k not in ("id", "application_id", "version")}
        merged.update(call.json or {})
        guild_id = int(command["guild_id"]) if command.get("guild_id") else None
        updated = self.world.store_command(merged, guild_id, command)
        pool[pool.index(command)] = updated
        return ok(updated)

    async def delete_command(self, call: Call) -> Reply:
        """DELETE .../commands/{command_id}."""
        pool, command, problem = self._find_command(call)
        if problem or command is None:
            return problem or error(404, 10063, "Unknown application command")
        pool.remove(command)
        return no_content()

    async def command_permissions(self, call: Call) -> Reply:
        """GET .../guilds/{guild_id}/commands/permissions (none are configured)."""
        _, problem = self._command_scope(call)
        return problem or ok([])

    # -- channels and messages --------------------------------------------------------------
    def _place(self, call: Call) -> tuple[Place | None, Reply | None]:
        place = self.world.place(call.param("channel_id"))
        if place is None:
            return None, error(404, 10003, "Unknown Channel")
        if (
            place.guild is not None
            and not place.permissions(self.world.scenario.bot.id) & Permission.VIEW_CHANNEL
        ):
            return None, error(403, 50001, "Missing Access")
        return place, None

    def _bot_author(self) -> dict[str, Any]:
        return user_payload(self.world.scenario.bot)

    async def _echo(self, event: str, message: dict[str, Any], place: Place) -> None:
        if self.options.echo_bot_messages and not message["flags"] & EPHEMERAL:
            await emit_message(self.gateway, self.world, event, message, place)

    async def get_channel(self, call: Call) -> Reply:
        """GET /channels/{channel_id}."""
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        if place.channel is not None:
            return ok(channel_payload(place.channel))
        assert place.recipient is not None
        return ok(dm_channel_payload(place.channel_id, place.recipient))

    async def typing(self, call: Call) -> Reply:
        """POST /channels/{channel_id}/typing."""
        _, problem = self._place(call)
        return problem or no_content()

    async def list_messages(self, call: Call) -> Reply:
        """GET /channels/{channel_id}/messages (newest first, honours ``limit``)."""
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        if not place.permissions(self.world.scenario.bot.id) & Permission.READ_MESSAGE_HISTORY:
            return ok([])
        limit = int(call.query.get("limit", "50"))
        messages = [m for m in self.world.channel_messages(place.channel_id) if not m["flags"] & EPHEMERAL]
        return ok(list(reversed(messages))[:limit])

    async def create_message(self, call: Call) -> Reply:
        """POST /channels/{channel_id}/messages, with Discord's permission and DM rules."""
        place, problem = self._place(call)
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
        message = self.world.build_message(place, self._bot_author(), body, files=call.file_tuples)
        self.world.store(message)
        await self._echo("MESSAGE_CREATE", message, place)
        return ok(message)

    def _message(self, call: Call, place: Place) -> dict[str, Any] | None:
        message = self.world.messages.get(call.param("message_id"))
        if message is None or int(message["channel_id"]) != place.channel_id:
            return None
        return message

    async def get_message(self, call: Call) -> Reply:
        """GET /channels/{channel_id}/messages/{message_id}."""
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        return ok(message) if message else error(404, 10008, "Unknown Message")

    async def edit_message(self, call: Call) -> Reply:
        """PATCH /channels/{channel_id}/messages/{message_id} (own messages only)."""
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if message["author"]["id"] != str(self.world.scenario.bot.id) or "webhook_id" in message:
            return error(403, 50005, "Cannot edit a message authored by another user")
        self.world.apply_edit(message, call.json or {}, call.file_tuples)
        await self._echo("MESSAGE_UPDATE", message, place)
        return ok(message)

    async def delete_message(self, call: Call) -> Reply:
        """DELETE /channels/{channel_id}/messages/{message_id} (others' need MANAGE_MESSAGES)."""
        place, problem = self._place(call)
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
        place, problem = self._place(call)
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
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        message = self._message(call, place)
        if message is None:
            return error(404, 10008, "Unknown Message")
        if (
            place.guild is not None
            and not place.permissions(self.world.scenario.bot.id) & Permission.ADD_REACTIONS
        ):
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
        place, problem = self._place(call)
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
        place, problem = self._place(call)
        if problem or place is None:
            return problem or error(404, 10003, "Unknown Channel")
        pinned = [m for m in self.world.channel_messages(place.channel_id) if m["pinned"]]
        items = [{"pinned_at": m.get("pinned_at") or m["timestamp"], "message": m} for m in reversed(pinned)]
        return ok({"items": items, "has_more": False})

    async def _set_pinned(self, call: Call, pinned: bool) -> Reply:
        place, problem = self._place(call)
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

    # -- guilds -----------------------------------------------------------------------------
    def _guild(self, call: Call) -> Any:
        return self.world.scenario.find_guild(call.param("guild_id"))

    async def get_guild(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}."""
        guild = self._guild(call)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        payload = guild_payload(guild)
        if _truthy(call.query.get("with_counts")):
            payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return ok(payload)

    async def get_guild_channels(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}/channels."""
        guild = self._guild(call)
        return (
            ok([channel_payload(c) for c in guild.channels]) if guild else error(404, 10004, "Unknown Guild")
        )

    async def get_guild_roles(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}/roles."""
        guild = self._guild(call)
        return ok([role_payload(r) for r in guild.roles]) if guild else error(404, 10004, "Unknown Guild")

    async def list_members(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}/members (``limit``, ``after``)."""
        guild = self._guild(call)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        after = int(call.query.get("after", "0"))
        limit = int(call.query.get("limit", "1"))
        members = sorted((m for m in guild.members if m.user.id > after), key=lambda m: m.user.id)
        return ok([member_payload(m) for m in members[:limit]])

    async def get_member(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}/members/{user_id}."""
        guild = self._guild(call)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        user_id = call.param("user_id")
        if not guild.has_member(user_id):
            return error(404, 10007, "Unknown Member")
        return ok(member_payload(guild.member(user_id)))

    # -- interactions -----------------------------------------------------------------------
    def _protocol(self, call: Call, message: str, code: str) -> Violation:
        return Violation("protocol", call.method, call.path, "", message, code)

    async def interaction_callback(self, call: Call) -> Reply:
        """POST /interactions/{id}/{token}/callback: the initial response (once, within the deadline)."""
        state = self.world.interactions.get(call.params["interaction_token"])
        if state is None or str(state.id) != call.params["interaction_id"]:
            return error(404, 10062, "Unknown interaction")
        if state.acknowledged:
            violation = self._protocol(call, "interaction has already been acknowledged", "40060")
            return Reply(
                400, {"message": "Interaction has already been acknowledged.", "code": 40060}, [violation]
            )
        elapsed = time.monotonic() - state.created
        if elapsed > self.options.interaction_deadline:
            violation = self._protocol(
                call,
                f"initial response came {elapsed:.2f}s after the interaction; Discord allows "
                f"{self.options.interaction_deadline:g}s (defer first for slow work)",
                "10062",
            )
            return Reply(404, {"message": "Unknown interaction", "code": 10062}, [violation])
        body = call.json or {}
        kind = body.get("type")
        if kind not in CALLBACKS_FOR.get(state.type, set()):
            violation = self._protocol(
                call, f"callback type {kind} is not valid for interaction type {state.type}", "40043"
            )
            return Reply(400, {"message": "Interaction response type is invalid", "code": 50035}, [violation])
        data = body.get("data") or {}
        place = state.place
        resource: dict[str, Any] = {"type": kind}  # only returned for 4 and 7
        if kind in (4, 5):
            flags = int(data.get("flags") or 0)
            if kind == 5:
                content: dict[str, Any] = {"flags": (flags & EPHEMERAL) | LOADING}
            else:
                content = data
            message = self.world.build_message(
                place,
                self._bot_author(),
                content,
                files=call.file_tuples,
                message_type=self._response_type(state),
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
            )
            self.world.store(message)
            state.original_id = int(message["id"])
            resource["message"] = message
            await self._echo("MESSAGE_CREATE", message, place)
        elif kind in (6, 7):
            source = self.world.messages.get(state.source_message_id or 0)
            if source is None:
                return error(404, 10008, "Unknown Message")
            state.original_id = int(source["id"])
            if kind == 7:
                self.world.apply_edit(source, data, call.file_tuples)
                resource["message"] = source
                await self._echo("MESSAGE_UPDATE", source, place)
        elif kind == 8:
            state.autocomplete_choices = list(data.get("choices") or [])
        elif kind == 9:
            state.modal = data
        state.callback_type = kind
        await self.recorder.notify()
        if not _truthy(call.query.get("with_response")):
            return no_content()
        original = self.world.messages.get(state.original_id or 0)
        interaction: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "activity_instance_id": None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(original and original["flags"] & EPHEMERAL),
            "channel_id": str(place.channel_id),
        }
        if place.guild is not None:
            interaction["guild_id"] = str(place.guild.id)
        if original is not None:
            interaction["response_message_id"] = original["id"]
        answer: dict[str, Any] = {"interaction": interaction}
        if kind in (4, 7):  # the documented resources: the created or updated message
            answer["resource"] = resource
        return ok(answer)

    @staticmethod
    def _response_type(state: InteractionState) -> int:
        if state.type == 2:
            return 20 if (state.payload.get("data") or {}).get("type", 1) == 1 else 23
        return 0

    def _interaction_metadata(self, state: InteractionState) -> dict[str, Any]:
        user = user_payload(state.user)
        owners = state.payload.get("authorizing_integration_owners", {})
        metadata: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "user": user,
            "authorizing_integration_owners": owners,
        }
        name = (state.payload.get("data") or {}).get("name")
        legacy: dict[str, Any] = {"id": str(state.id), "type": state.type, "user": user}
        if state.type == 2 and name:
            metadata["name"] = name
            legacy["name"] = name
        if state.source_message_id:
            metadata["interacted_message_id"] = str(state.source_message_id)
        return {"interaction_metadata": metadata, "interaction": legacy}

    def _webhook_state(self, call: Call) -> tuple[InteractionState | None, Reply | None]:
        if call.param("webhook_id") != self.world.scenario.application.id:
            return None, error(404, 10015, "Unknown Webhook")
        state = self.world.interactions.get(call.params["webhook_token"])
        if state is None:
            return None, error(404, 10015, "Unknown Webhook")
        return state, None

    async def create_followup(self, call: Call) -> Reply:
        """POST /webhooks/{app}/{token}: a followup (the first after a deferral fills the original)."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        if not state.acknowledged:
            violation = self._protocol(call, "followup sent before the interaction was acknowledged", "10015")
            return Reply(404, {"message": "Unknown Webhook", "code": 10015}, [violation])
        body = dict(call.json or {})
        original = self.world.messages.get(state.original_id or 0)
        place = state.place
        if original is not None and original["flags"] & LOADING:
            body["flags"] = (original["flags"] & EPHEMERAL) | (int(body.get("flags") or 0) & ~EPHEMERAL)
            message = self.world.build_message(
                place,
                self._bot_author(),
                body,
                files=call.file_tuples,
                message_type=original["type"],
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
                message_id=int(original["id"]),
            )
            message["timestamp"] = original["timestamp"]
            message["edited_timestamp"] = message["timestamp"]
            self.world.store(message)
            await self._echo("MESSAGE_UPDATE", message, place)
        else:
            message = self.world.build_message(
                place,
                self._bot_author(),
                body,
                files=call.file_tuples,
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
            )
            self.world.store(message)
            state.followup_ids.append(int(message["id"]))
            await self._echo("MESSAGE_CREATE", message, place)
        await self.recorder.notify()
        return ok(message) if _truthy(call.query.get("wait", "true")) else no_content()

    def _webhook_message(self, call: Call, state: InteractionState) -> dict[str, Any] | None:
        if call.path.endswith("/@original"):
            wanted = state.original_id
        else:
            wanted = call.param("message_id")
            if wanted != state.original_id and wanted not in state.followup_ids:
                return None
        return self.world.messages.get(wanted or 0)

    async def get_webhook_message(self, call: Call) -> Reply:
        """GET .../messages/@original or /{message_id}."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        return ok(message) if message else error(404, 10008, "Unknown Message")

    async def edit_webhook_message(self, call: Call) -> Reply:
        """PATCH .../messages/@original or /{message_id} (completes a deferred response)."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        if message is None:
            return error(404, 10008, "Unknown Message")
        message["flags"] &= ~LOADING
        self.world.apply_edit(message, call.json or {}, call.file_tuples)
        await self._echo("MESSAGE_UPDATE", message, state.place)
        await self.recorder.notify()
        return ok(message)

    async def delete_webhook_message(self, call: Call) -> Reply:
        """DELETE .../messages/@original or /{message_id}."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        if message is None:
            return error(404, 10008, "Unknown Message")
        self.world.delete(int(message["id"]))
        if int(message["id"]) == state.original_id:
            state.original_deleted = True
        if not message["flags"] & EPHEMERAL:
            await emit_message_delete(self.gateway, self.world, int(message["id"]), state.place)
        await self.recorder.notify()
        return no_content()
