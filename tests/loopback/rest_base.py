"""Shared pieces of the REST routes: replies, the request view, options and the route-group base."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .events import emit_message
from .gateway import Gateway
from .payloads import user_payload
from .permissions import Permission
from .recorder import RecordedFile, RecordedRequest, Recorder
from .state import EPHEMERAL, Place, World
from .violations import Violation


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


def truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def bucket(template: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, template).hex[:32]


class RouteGroup:
    """Base of the route modules: shared state, ``routes()`` and helpers."""

    def __init__(
        self,
        world: World,
        recorder: Recorder,
        gateway: Gateway,
        options: RestOptions,
        gateway_url: Callable[[], str],
    ) -> None:
        self.world = world
        self.recorder = recorder
        self.gateway = gateway
        self.options = options
        self.gateway_url = gateway_url

    def routes(self) -> list[tuple[str, str, Handler]]:
        """``(method, template, handler)`` of every route the group answers."""
        raise NotImplementedError

    def place(self, call: Call) -> tuple[Place | None, Reply | None]:
        """The channel of ``{channel_id}``, or the error Discord answers (unknown / not visible)."""
        place = self.world.place(call.param("channel_id"))
        if place is None:
            return None, error(404, 10003, "Unknown Channel")
        if place.guild is not None and not place.permissions(self.world.scenario.bot.id) & Permission.VIEW_CHANNEL:
            return None, error(403, 50001, "Missing Access")
        return place, None

    def bot_author(self) -> dict[str, Any]:
        """The bot's user object, as message author."""
        return user_payload(self.world.scenario.bot)

    async def echo(self, event: str, message: dict[str, Any], place: Place) -> None:
        """Send the gateway event for a bot message (not for ephemeral ones), when enabled."""
        if self.options.echo_bot_messages and not message["flags"] & EPHEMERAL:
            await emit_message(self.gateway, self.world, event, message, place)
