"""Routes for the gateway URL, users, the application, its commands, and guilds."""

from __future__ import annotations

from typing import Any

from .payloads import (
    application_payload,
    channel_payload,
    dm_channel_payload,
    guild_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .rest_base import Call, Handler, Reply, RouteGroup, error, no_content, ok, truthy


class AccountRoutes(RouteGroup):
    """GET /gateway[/bot], users, DMs, the application, application commands and guild reads."""

    def routes(self) -> list[tuple[str, str, Handler]]:
        """Every route of the group."""
        app = "/applications/{application_id}"
        found: list[tuple[str, str, Handler]] = [
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/users/@me/guilds", self.get_my_guilds),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", app + "/guilds/{guild_id}/commands/permissions", self.command_permissions),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_guild_roles),
            ("GET", "/guilds/{guild_id}/members", self.list_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
        ]
        for base in (app + "/commands", app + "/guilds/{guild_id}/commands"):
            found += [
                ("GET", base, self.list_commands),
                ("PUT", base, self.bulk_overwrite_commands),
                ("POST", base, self.create_command),
                ("GET", base + "/{command_id}", self.get_command),
                ("PATCH", base + "/{command_id}", self.edit_command),
                ("DELETE", base + "/{command_id}", self.delete_command),
            ]
        return found

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

    # -- guilds -----------------------------------------------------------------------------
    def _guild(self, call: Call) -> Any:
        return self.world.scenario.find_guild(call.param("guild_id"))

    async def get_guild(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}."""
        guild = self._guild(call)
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        payload = guild_payload(guild)
        if truthy(call.query.get("with_counts")):
            payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return ok(payload)

    async def get_guild_channels(self, call: Call) -> Reply:
        """GET /guilds/{guild_id}/channels."""
        guild = self._guild(call)
        return ok([channel_payload(c) for c in guild.channels]) if guild else error(404, 10004, "Unknown Guild")

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
