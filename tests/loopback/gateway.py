"""The gateway websocket (v10, JSON, optional zlib-stream): HELLO, IDENTIFY/READY, RESUME, dispatch.

Sessions outlive their sockets: a dispatch to a session whose socket is gone is kept
in its backlog and replayed when the client RESUMEs, as Discord does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .payloads import guild_create_payload, member_payload, user_payload
from .recorder import Recorder
from .scenario import INTENT_GUILD_MEMBERS, PRIVILEGED_INTENTS, Guild
from .state import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
KNOWN_CLIENT_OPS = {HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE, RESUME, REQUEST_GUILD_MEMBERS}


@dataclass
class GatewayFrame:
    """One gateway payload, in (``"recv"``, from the bot) or out (``"send"``, to the bot)."""

    direction: str
    shard_id: int | None
    op: int
    t: str | None
    s: int | None
    d: Any
    at: float = field(default_factory=time.monotonic)


class Connection:
    """One websocket; serialises sends and applies zlib-stream compression when asked."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws = ws
        self.request = request
        self.compressor = zlib.compressobj() if compress else None
        self.lock = asyncio.Lock()
        self.session: Session | None = None

    @property
    def open(self) -> bool:
        """The socket can still be written to."""
        return not self.ws.closed

    async def send(self, frame: dict[str, Any]) -> bool:
        """Send one payload; False when the socket is already gone."""
        text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        async with self.lock:
            if self.ws.closed:
                return False
            try:
                if self.compressor is not None:
                    data = self.compressor.compress(text.encode("utf-8"))
                    data += self.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return False
        return True

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class Session:
    """A gateway session (one per IDENTIFY); ``backlog`` keeps every dispatch for RESUME."""

    id: str
    shard_id: int
    shard_count: int
    intents: int
    large_threshold: int
    identify: dict[str, Any]
    seq: int = 0
    backlog: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumes: int = 0
    invalidated: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def connected(self) -> bool:
        """A live socket is attached."""
        return self.connection is not None and self.connection.open

    def covers(self, guild: Guild) -> bool:
        """Whether ``guild`` is routed to this session's shard."""
        return guild.shard_id(self.shard_count) == self.shard_id


class Gateway:
    """Gateway endpoint plus the operations tests use to push events and break sockets."""

    def __init__(
        self,
        world: World,
        recorder: Recorder,
        *,
        heartbeat_interval_ms: int,
        gateway_url: Callable[[], str],
    ) -> None:
        self.world = world
        self.recorder = recorder
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.gateway_url = gateway_url
        self.sessions: dict[str, Session] = {}
        self.frames: list[GatewayFrame] = []
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.connect_queries: list[dict[str, str]] = []
        self._closing: set[asyncio.Task[Any]] = set()

    def _close_later(self, conn: Connection, code: int, message: bytes) -> None:
        task = asyncio.get_running_loop().create_task(conn.ws.close(code=code, message=message))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # -- the websocket endpoint ------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for ``/gateway``."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        self.connect_queries.append(query)
        compress = query.get("compress") == "zlib-stream"
        conn = Connection(ws, request, compress)
        self.connections.add(conn)
        try:
            if query.get("v") not in (None, "10"):
                await ws.close(code=4012, message=b"Invalid API version")
                return ws
            if query.get("encoding", "json") != "json":
                await ws.close(code=4002, message=b"Only encoding=json is supported by the stand-in")
                return ws
            await self._send(conn, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(message.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Error while decoding payload")
                    break
                await self._receive(conn, frame)
        finally:
            self.connections.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            await self.recorder.notify()
        return ws

    async def _send(self, conn: Connection, frame: dict[str, Any]) -> bool:
        shard = conn.session.shard_id if conn.session else None
        self.frames.append(GatewayFrame("send", shard, frame["op"], frame.get("t"), frame.get("s"), frame.get("d")))
        return await conn.send(frame)

    async def _receive(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        shard = conn.session.shard_id if conn.session else None
        self.frames.append(GatewayFrame("recv", shard, op, None, None, data))
        if op == HEARTBEAT:
            await self._send(conn, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op not in KNOWN_CLIENT_OPS:
            await conn.ws.close(code=4001, message=b"Unknown opcode")
        elif conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated")
        elif op == PRESENCE_UPDATE:
            self.world.presence = data
        elif op == REQUEST_GUILD_MEMBERS:
            await self._request_members(conn.session, data or {})
        await self.recorder.notify()

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        scenario = self.world.scenario
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated")
            return
        if data.get("token") != scenario.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.ws.close(code=4013, message=b"Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~scenario.application.privileged_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s)")
            return
        shard = data.get("shard") or [0, 1]
        if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
            await conn.ws.close(code=4010, message=b"Invalid shard")
            return
        self.identify_count += 1
        session = Session(
            id=uuid.uuid4().hex,
            shard_id=shard[0],
            shard_count=shard[1],
            intents=intents,
            large_threshold=int(data.get("large_threshold") or 50),
            identify=data,
        )
        for old in self.sessions.values():
            if old.shard_id == session.shard_id and old.shard_count == session.shard_count:
                old.invalidated = True
        self.sessions[session.id] = session
        session.connection = conn
        conn.session = session
        guilds = [g for g in scenario.guilds if session.covers(g)]
        ready: dict[str, Any] = {
            "v": 10,
            "user": dict(user_payload(scenario.bot), verified=True, mfa_enabled=False, email=None),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url(),
            "application": {"id": str(scenario.application.id), "flags": scenario.application.flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["loopback"],
            "user_settings": {},
            "auth": {},
            "_trace": ['["loopback-stand-in",{"micros":0}]'],
        }
        if data.get("shard") is not None:
            ready["shard"] = list(shard)
        await self.dispatch(session, "READY", ready)
        for guild in guilds:
            payload = guild_create_payload(guild, scenario, intents=intents, large_threshold=session.large_threshold)
            await self.dispatch(session, "GUILD_CREATE", payload)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalidated or data.get("token") != self.world.scenario.token:
            await self._send(conn, {"op": INVALID_SESSION, "d": False})
            return
        async with session.lock:
            previous = session.connection
            if previous is not None and previous is not conn and previous.open:
                self._close_later(previous, 4000, b"session resumed elsewhere")
            session.connection = conn
            conn.session = session
            last = data.get("seq") or 0
            for frame in session.backlog:
                if frame["s"] > last:
                    await self._send(conn, frame)
            session.seq += 1
            resumed = {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["loopback"]}}
            session.backlog.append(resumed)
            await self._send(conn, resumed)
            session.resumes += 1

    async def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        raw_ids = data.get("guild_id")
        guild_ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        for raw in guild_ids:
            guild = self.world.scenario.find_guild(int(raw))
            if guild is None or not session.covers(guild):
                continue
            members = list(guild.members)
            user_ids = data.get("user_ids")
            not_found: list[str] = []
            if user_ids is not None:
                wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
                members = [m for m in members if m.user.id in wanted]
                not_found = [str(u) for u in wanted - {m.user.id for m in members}]
            else:
                query = (data.get("query") or "").lower()
                if not query and not session.intents & INTENT_GUILD_MEMBERS:
                    members = []
                members = [m for m in members if m.user.username.lower().startswith(query)]
                limit = int(data.get("limit") or 0)
                if limit:
                    members = members[:limit]
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [member_payload(m) for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": not_found,
            }
            if data.get("presences"):
                chunk["presences"] = []
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            await self.dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- pushing events ---------------------------------------------------------------------
    async def dispatch(self, session: Session, event: str, data: dict[str, Any]) -> int:
        """Queue ``event`` on ``session`` (sent now if connected, else replayed on RESUME)."""
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.backlog.append(frame)
            if session.connection is not None:
                await self._send(session.connection, frame)
            else:
                self.frames.append(GatewayFrame("queued", session.shard_id, DISPATCH, event, session.seq, data))
            return session.seq

    def current_session(self, shard_id: int = 0) -> Session | None:
        """The live (latest, not invalidated) session of ``shard_id``."""
        candidates = [s for s in self.sessions.values() if s.shard_id == shard_id and not s.invalidated]
        return candidates[-1] if candidates else None

    def session_for_guild(self, guild: Guild) -> Session | None:
        """The live session whose shard holds ``guild``."""
        for session in reversed(list(self.sessions.values())):
            if not session.invalidated and session.covers(guild):
                return session
        return None

    def live_sessions(self) -> list[Session]:
        """Every session that has not been replaced or invalidated."""
        return [s for s in self.sessions.values() if not s.invalidated]

    # -- breaking things --------------------------------------------------------------------
    def _targets(self, shard_id: int | None) -> list[Session]:
        return [s for s in self.live_sessions() if shard_id is None or s.shard_id == shard_id]

    async def disconnect(self, shard_id: int | None = None, *, code: int | None = 4000) -> int:
        """Close the live sockets (of one shard or all) with ``code``, or drop them when None.

        The sessions stay resumable. Returns how many sockets were closed.
        """
        closed = 0
        for session in self._targets(shard_id):
            conn = session.connection
            if conn is None or not conn.open:
                continue
            session.connection = None
            closed += 1
            if code is None:
                conn.abort()
            else:
                self._close_later(conn, code, b"loopback disconnect")
        await self.recorder.notify()
        return closed

    async def request_reconnect(self, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT (the client closes and RESUMEs)."""
        for session in self._targets(shard_id):
            if session.connection is not None:
                await self._send(session.connection, {"op": RECONNECT, "d": None})

    async def invalidate_session(self, shard_id: int | None = None, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; when not resumable the client must IDENTIFY again."""
        for session in self._targets(shard_id):
            if not resumable:
                session.invalidated = True
            if session.connection is not None:
                await self._send(session.connection, {"op": INVALID_SESSION, "d": resumable})

    async def close_all(self) -> None:
        """Close every socket (server shutdown)."""
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001, message=b"stand-in stopping"), 1.0)
