"""The REST half of the stand-in: Discord API v10 routes a bot uses, under ``/api/v10``.

Every request is recorded, checked for injected faults, authorised, validated (the OpenAPI
schema when the spec is loaded, and Discord's documented limits: a violation answers 400 like
Discord's 50035) and then handled by a modelled route (``routes_*.py``); requests to
unmodelled routes answer 404 JSON and keep ``route=None``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import limits
from .faults import FaultPlan
from .gateway import Gateway
from .http_util import json_response
from .recorder import RecordedFile, RecordedRequest, Recorder
from .rest_base import Call, Handler, Reply, RestOptions, bucket, error
from .routes_account import AccountRoutes
from .routes_interactions import InteractionRoutes
from .routes_messages import MessageRoutes
from .spec import RouteTable, SpecValidator
from .state import World
from .violations import Violation, discord_error_body

API_PREFIX = "/api/v10"
NO_AUTH_PREFIXES = ("/interactions/", "/webhooks/")


class RestApi:
    """The request pipeline over the route groups."""

    def __init__(
        self,
        world: World,
        recorder: Recorder,
        gateway: Gateway,
        faults: FaultPlan,
        spec: SpecValidator | None,
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
        for group in (AccountRoutes, MessageRoutes, InteractionRoutes):
            for method, template, handler in group(world, recorder, gateway, options, gateway_url).routes():
                self._handlers[(method, template)] = handler
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
            return Reply(400, {"message": "The request body contains invalid JSON.", "code": 50109}, [violation])
        violations = self._violations(record, template if handler else None, body, has_body, bool(files))
        if violations:
            return Reply(400, discord_error_body(violations), violations)
        if handler is None:
            if template is not None:
                return error(405, 0, "405: Method Not Allowed")
            return error(404, 0, "404: Not Found")
        call = Call(record.method, record.path, record.params, record.query, body, files, record)
        return await handler(call)

    def _violations(
        self, record: RecordedRequest, modelled: str | None, body: Any, has_body: bool, has_files: bool
    ) -> list[Violation]:
        """Schema (when the spec is loaded) and documented-limit violations of one request."""
        if self.spec is None:  # no spec: the limits of the routes the stand-in models still apply
            if modelled is None:
                return []
            return limits.check_request(record.method, record.path, modelled, body, has_files=has_files)
        spec_op = self.spec.operation(record.method, record.path)
        if spec_op is None:  # a route Discord does not have just gets a 404
            return []
        violations = self.spec.validate_request(record.method, record.path, body, has_body=has_body)
        return violations + limits.check_request(record.method, record.path, spec_op[0], body, has_files=has_files)

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
            "X-RateLimit-Bucket": bucket(template),
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
