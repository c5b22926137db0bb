"""``DiscordStandIn``: the aiohttp server composing REST, gateway, state and the test helpers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import discord
from aiohttp import web

from .driver import ChannelRef, EventDriver, MessageHandle, UserRef, wait_for_channel_message
from .faults import Fault, FaultPlan
from .gateway import Gateway, GatewayFrame, Session
from .options import StandInOptions
from .pointing import point_discord_py, prepare_bot
from .recorder import RecordedRequest, Recorder
from .rest import API_PREFIX, RestApi, RestOptions
from .scenario import Guild, Scenario, default_scenario
from .spec import SpecValidator, spec_from_env
from .state import World
from .violations import Violation, ViolationError


class _FromEnv:
    """Marker default: take the spec from ``$DISCORD_OPENAPI_SPEC``."""


class DiscordStandIn(EventDriver):
    """A loopback Discord: HTTP API v10 under ``/api/v10`` and the gateway at ``/gateway``.

    Construct, ``await start()`` (or ``async with``), point discord.py at it
    (:meth:`point_discord_py` or the fixture), run the bot with :meth:`run_bot`, drive it
    with the event helpers and await its answers. Without ``spec`` the spec named by
    ``$DISCORD_OPENAPI_SPEC`` is used; when that is unset (and not required) requests are checked
    against Discord's documented limits only (``schema_validated`` is False). Raises
    ``SpecError`` at construction when the variable names no readable file.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        spec: SpecValidator | type[_FromEnv] | None = _FromEnv,
        options: StandInOptions | None = None,
    ) -> None:
        self.spec: SpecValidator | None = spec_from_env() if spec is _FromEnv else spec  # type: ignore[assignment]
        self.scenario = scenario or default_scenario()
        self.options = options or StandInOptions()
        self.world = World(self.scenario)
        self.recorder = Recorder()
        self.faults = FaultPlan()
        self.gateway = Gateway(
            self.world,
            self.recorder,
            heartbeat_interval_ms=self.options.heartbeat_interval_ms,
            gateway_url=lambda: self.gateway_url,
        )
        self.rest = RestApi(
            self.world,
            self.recorder,
            self.gateway,
            self.faults,
            self.spec,
            RestOptions(
                interaction_deadline=self.options.interaction_deadline,
                echo_bot_messages=self.options.echo_bot_messages,
                recommended_shards=self.options.recommended_shards,
            ),
            gateway_url=lambda: self.gateway_url,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def schema_validated(self) -> bool:
        """True when requests are validated against Discord's OpenAPI spec (not only its limits)."""
        return self.spec is not None

    # -- lifecycle --------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway.handle)
        app.router.add_route("GET", "/gateway/", self.gateway.handle)
        app.router.add_route("GET", "/attachments/{key:.+}", self.rest.handle_download)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        return app

    async def start(self) -> DiscordStandIn:
        """Listen on a free port of 127.0.0.1."""
        self._runner = web.AppRunner(self._app(), access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.options.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.world.base_url = self.base_url
        return self

    async def stop(self) -> None:
        """Close sockets and stop listening."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordStandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.options.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be (``FACTBOT_DISCORD_API_URL``)."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be (``FACTBOT_DISCORD_GATEWAY_URL``)."""
        return f"ws://{self.options.host}:{self.port}/gateway"

    def env(self) -> dict[str, str]:
        """The product's environment variables that point it here."""
        return {"FACTBOT_DISCORD_API_URL": self.api_url, "FACTBOT_DISCORD_GATEWAY_URL": self.gateway_url}

    def point_discord_py(self) -> Callable[[], None]:
        """Point discord.py's REST base and gateway here; returns the undo function."""
        return point_discord_py(self.api_url, self.gateway_url)

    @contextlib.asynccontextmanager
    async def run_bot(
        self, bot: discord.Client, *, token: str | None = None, ready_timeout: float = 10.0
    ) -> AsyncIterator[discord.Client]:
        """Start ``bot`` against the stand-in, wait for ``on_ready``, and close it on exit.

        Applies :func:`prepare_bot` (no 5 s re-identify sleep, guild_ready_timeout 0.1)
        and points discord.py here for the duration.
        """
        prepare_bot(bot)
        undo = self.point_discord_py()
        task = asyncio.create_task(bot.start(token or self.scenario.token), name="loopback-bot")
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + ready_timeout
            while not bot.is_ready():
                if task.done():
                    task.result()
                    raise RuntimeError("the bot stopped before it became ready")
                if loop.time() > deadline:
                    raise TimeoutError(f"the bot was not ready within {ready_timeout}s")
                await asyncio.sleep(0.01)
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 5.0)
            undo()

    # -- records ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request so far, in arrival order."""
        return self.recorder.requests

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests no modelled route answered (they got 404/405 JSON)."""
        return [r for r in self.recorder.requests if r.route is None]

    @property
    def violations(self) -> list[Violation]:
        """Every schema/limit/protocol violation so far."""
        return list(self.recorder.violations)

    @property
    def frames(self) -> list[GatewayFrame]:
        """Every gateway payload sent, received or queued."""
        return self.gateway.frames

    @property
    def downloads(self) -> list[str]:
        """Attachment keys the bot downloaded."""
        return self.rest.downloads

    def take_violations(self) -> list[Violation]:
        """Return and forget the recorded violations (for tests that provoke them on purpose)."""
        taken = list(self.recorder.violations)
        self.recorder.violations.clear()
        return taken

    def assert_no_violations(self) -> None:
        """Fail (``ViolationError``, an AssertionError) listing every recorded violation."""
        if self.recorder.violations:
            raise ViolationError(self.recorder.violations)

    def mark(self) -> int:
        """The index of the next request, for ``since=``."""
        return self.recorder.mark()

    async def wait_for(
        self, predicate: Callable[[RecordedRequest], bool], *, timeout: float = 5.0, since: int = 0
    ) -> RecordedRequest:
        """The first answered request (index >= ``since``) matching ``predicate``."""
        return await self.recorder.wait_for(predicate, timeout=timeout, since=since)

    async def wait_for_message(
        self,
        channel: ChannelRef | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int = 0,
    ) -> dict[str, Any]:
        """A message the bot posted with POST /channels/{id}/messages (optionally in ``channel``)."""
        channel_id = None if channel is None else self._channel_id(channel)
        return await wait_for_channel_message(self.recorder, channel_id, predicate, timeout=timeout, since=since)

    async def wait_for_dm(self, user: UserRef, *, timeout: float = 5.0, since: int = 0) -> dict[str, Any]:
        """A message the bot posted in its DM channel with ``user``."""
        target = self.scenario.user(user)
        return await self.wait_for_message(self.world.dm_channel_id(target), timeout=timeout, since=since)

    def messages_in(self, channel: ChannelRef) -> list[dict[str, Any]]:
        """Every stored message of a channel (users' and the bot's), oldest first."""
        return self.world.channel_messages(self._channel_id(channel))

    def synced_commands(self, guild: str | int | Guild | None = None) -> list[dict[str, Any]]:
        """Commands the bot synced (global, or for ``guild``), as stored with ids."""
        return self.world.commands_for(None if guild is None else self.scenario.guild(guild).id)

    # -- REST faults ------------------------------------------------------------------------
    def rate_limit(
        self,
        method: str,
        route: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        global_: bool = False,
        params: Mapping[str, Any] | None = None,
    ) -> Fault:
        """Answer the next ``times`` calls of ``method route`` with a Discord-shaped 429."""
        return self.faults.add(
            Fault(
                method,
                route,
                429,
                times,
                retry_after,
                global_,
                {k: str(v) for k, v in (params or {}).items()},
            )
        )

    def server_error(
        self,
        method: str,
        route: str,
        *,
        times: int = 1,
        status: int = 500,
        params: Mapping[str, Any] | None = None,
    ) -> Fault:
        """Answer the next ``times`` calls of ``method route`` with ``status`` (5xx)."""
        return self.faults.add(
            Fault(method, route, status, times, params={k: str(v) for k, v in (params or {}).items()})
        )

    # -- gateway faults ---------------------------------------------------------------------
    async def drop_gateway(self, shard_id: int | None = None, *, code: int | None = 4000) -> int:
        """Close the bot's gateway socket(s) (``code=None``: drop TCP without a close frame)."""
        return await self.gateway.disconnect(shard_id, code=code)

    async def wait_for_resume(self, shard_id: int = 0, *, count: int = 1, timeout: float = 10.0) -> Session:
        """Wait until ``shard_id``'s session has RESUMEd ``count`` times in total and is connected."""

        def resumed() -> Session | None:
            session = self.gateway.current_session(shard_id)
            if session is not None and session.resumes >= count and session.connected:
                return session
            return None

        return await self.recorder.wait_until(resumed, timeout=timeout, what=f"shard {shard_id} to resume")

    async def wait_for_identify(self, count: int = 1, *, timeout: float = 10.0) -> None:
        """Wait until the bot has sent ``count`` IDENTIFYs in total."""
        await self.recorder.wait_until(
            lambda: self.gateway.identify_count >= count, timeout=timeout, what=f"{count} IDENTIFY(s)"
        )


__all__ = ["DiscordStandIn", "MessageHandle", "StandInOptions"]
