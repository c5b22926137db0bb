"""Interaction payloads as Discord's client would produce them, and handles to await the bot's answers.

Option values are encoded from the synced command definition (so ``{"id": 5}`` becomes
an INTEGER option when the command declares it so), checked like the client checks
them (required options, choices, min/max), and reference options (users, channels,
roles, attachments) get their ``resolved`` entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .payloads import (
    dm_channel_payload,
    interaction_channel_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .permissions import Permission
from .recorder import RecordedRequest, Recorder
from .scenario import Channel, Role, User
from .state import EPHEMERAL, LOADING, InteractionState, Place, Upload, World

SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class InteractionRefused(Exception):
    """Discord's client would not let this user send this interaction (unsynced, hidden, bad options)."""


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, User):
        return USER
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, Upload):
        return ATTACHMENT
    return STRING


class OptionEncoder:
    """Turns ``{name: value}`` into interaction options plus ``resolved`` data."""

    def __init__(self, world: World, place: Place, invoker: User) -> None:
        self.world = world
        self.place = place
        self.invoker = invoker
        self.resolved: dict[str, dict[str, Any]] = {}

    def _add_user(self, user: User) -> str:
        self.resolved.setdefault("users", {})[str(user.id)] = user_payload(user)
        guild = self.place.guild
        if guild is not None and guild.has_member(user.id) and self.place.channel is not None:
            member = member_payload(guild.member(user.id), with_user=False)
            member["permissions"] = str(self.place.permissions(user.id))
            self.resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)

    def _add_role(self, role: Role) -> str:
        self.resolved.setdefault("roles", {})[str(role.id)] = role_payload(role)
        return str(role.id)

    def _role(self, value: Any) -> Role | None:
        if isinstance(value, Role):
            return value
        if self.place.guild is None:
            return None
        try:
            return self.place.guild.role(value)
        except KeyError:
            return None

    def encode_value(self, kind: int, value: Any, definition: dict[str, Any] | None) -> Any:
        """The wire value of one option (adds ``resolved`` entries for references)."""
        scenario = self.world.scenario
        if kind == STRING:
            if not isinstance(value, str):
                raise InteractionRefused(f"string option got {value!r}")
            return value
        if kind == INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InteractionRefused(f"integer option got {value!r}")
            return value
        if kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InteractionRefused(f"number option got {value!r}")
            return value
        if kind == BOOLEAN:
            if not isinstance(value, bool):
                raise InteractionRefused(f"boolean option got {value!r}")
            return value
        if kind == USER:
            return self._add_user(scenario.user(value))
        if kind == ROLE:
            role = self._role(value)
            if role is None:
                raise InteractionRefused(f"no role {value!r} in this guild")
            return self._add_role(role)
        if kind == MENTIONABLE:
            role = None if isinstance(value, User) else self._role(value)
            return self._add_role(role) if role is not None else self._add_user(scenario.user(value))
        if kind == CHANNEL:
            channel = scenario.channel(value)
            allowed = (definition or {}).get("channel_types")
            if allowed and channel.type not in allowed:
                raise InteractionRefused(f"channel #{channel.name} is not of an allowed type {allowed}")
            guild = self.place.guild
            if guild is None or channel.guild_id != guild.id:
                raise InteractionRefused("a channel option must name a channel of the same guild")
            entry = {
                "id": str(channel.id),
                "name": channel.name,
                "type": channel.type,
                "parent_id": str(channel.parent_id) if channel.parent_id else None,
                "permissions": str(Place(channel.id, guild, channel).permissions(self.invoker.id)),
                "flags": 0,
            }
            self.resolved.setdefault("channels", {})[str(channel.id)] = entry
            return str(channel.id)
        if kind == ATTACHMENT:
            if not isinstance(value, Upload):
                raise InteractionRefused(f"attachment option needs an Upload, got {value!r}")
            attachment = self.world.add_upload(self.place.channel_id, value.filename, value.data, value.content_type)
            attachment["ephemeral"] = True
            if value.description:
                attachment["description"] = value.description
            self.resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        raise InteractionRefused(f"unsupported option type {kind}")

    def encode(
        self,
        definitions: list[dict[str, Any]] | None,
        values: Mapping[str, Any],
        *,
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        """Options for one (sub)command level, checked against ``definitions`` when known."""
        by_name = {d["name"]: d for d in definitions or []}
        options = []
        for name, value in values.items():
            definition = by_name.get(name)
            if definitions is not None and definition is None:
                raise InteractionRefused(f"no option {name!r}; the command has {sorted(by_name)}")
            kind = definition["type"] if definition else _infer_type(value)
            if name == focused:
                # while typing, the client sends the raw text of the focused option
                options.append({"name": name, "type": kind, "value": str(value), "focused": True})
                continue
            if value is None:
                continue
            encoded = self.encode_value(kind, value, definition)
            if definition:
                self._check(definition, encoded)
            options.append({"name": name, "type": kind, "value": encoded})
        if definitions is not None and focused is None:
            missing = [d["name"] for d in definitions if d.get("required") and values.get(d["name"]) is None]
            if missing:
                raise InteractionRefused(f"required option(s) missing: {missing}")
        return options

    @staticmethod
    def _check(definition: dict[str, Any], value: Any) -> None:
        name = definition["name"]
        choices = definition.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise InteractionRefused(f"{value!r} is not one of the choices of {name!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = definition.get("min_value"), definition.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise InteractionRefused(f"{value!r} is outside {name!r}'s range [{low}, {high}]")
        if definition.get("type") == STRING and isinstance(value, str):
            low, high = definition.get("min_length"), definition.get("max_length")
            if (low is not None and len(value) < low) or (high is not None and len(value) > high):
                raise InteractionRefused(f"{name!r} must be {low}-{high} characters long")


def check_visibility(command: dict[str, Any], place: Place, invoker: User) -> None:
    """Raise :class:`InteractionRefused` when the client would not show ``command`` here."""
    contexts = command.get("contexts")
    if place.is_dm:
        if command.get("guild_id") or command.get("dm_permission") is False:
            raise InteractionRefused(f"/{command['name']} is not available in DMs")
        if contexts is not None and 1 not in contexts:
            raise InteractionRefused(f"/{command['name']} is not available in bot DMs (contexts={contexts})")
        return
    if contexts is not None and 0 not in contexts:
        raise InteractionRefused(f"/{command['name']} is not available in guilds (contexts={contexts})")
    required = command.get("default_member_permissions")
    if required is not None:
        perms = place.permissions(invoker.id)
        needed = int(required)
        if not perms & Permission.ADMINISTRATOR and (needed == 0 or perms & needed != needed):
            raise InteractionRefused(f"/{command['name']} needs permissions {needed}; {invoker.key} has {perms} here")


def nest_options(path: list[str], leaf: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap leaf options for ``path``: ``["edit"]`` (subcommand) or ``["grp", "sub"]`` (group)."""
    if not path:
        return leaf
    if len(path) == 1:
        return [{"name": path[0], "type": SUB_COMMAND, "options": leaf}]
    return [
        {
            "name": path[0],
            "type": SUB_COMMAND_GROUP,
            "options": [{"name": path[1], "type": SUB_COMMAND, "options": leaf}],
        }
    ]


def leaf_definitions(command: dict[str, Any], path: list[str]) -> list[dict[str, Any]]:
    """The option definitions of the (sub)command ``path`` points at."""
    options = command.get("options") or []
    walked = [command["name"]]
    for name in path:
        node = next((o for o in options if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)), None)
        if node is None:
            raise InteractionRefused(f"/{' '.join(walked)} has no subcommand {name!r}")
        walked.append(name)
        options = node.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
        raise InteractionRefused(f"/{' '.join(walked)} is a group; name a subcommand")
    return options


def interaction_payload(
    world: World,
    *,
    kind: int,
    interaction_id: int,
    token: str,
    place: Place,
    user: User,
    data: dict[str, Any] | None,
    locale: str | None = None,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A full INTERACTION_CREATE payload (member/permissions in guilds, user/context in DMs)."""
    scenario = world.scenario
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(scenario.application.id),
        "type": kind,
        "token": token,
        "version": 1,
        "locale": locale or user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "channel_id": str(place.channel_id),
        "app_permissions": str(place.permissions(scenario.bot.id)),
    }
    if data is not None:
        payload["data"] = data
    guild = place.guild
    if guild is not None and place.channel is not None:
        member = member_payload(guild.member(user.id))
        member["permissions"] = str(place.permissions(user.id))
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": list(guild.features)},
            guild_locale=guild.locale,
            channel=interaction_channel_payload(guild, place.channel, user.id),
            member=member,
            context=0,
            authorizing_integration_owners={"0": str(guild.id)},
        )
    else:
        payload.update(
            user=user_payload(user),
            channel=dm_channel_payload(place.channel_id, user),
            context=1,
            authorizing_integration_owners={"0": "0"},
        )
    if message is not None:
        payload["message"] = message
    return payload


class InteractionHandle:
    """What a test holds after sending an interaction; await the bot's answers on it."""

    def __init__(self, state: InteractionState, world: World, recorder: Recorder, since: int) -> None:
        self.state = state
        self._world = world
        self._recorder = recorder
        self._since = since

    @property
    def id(self) -> int:
        """The interaction id."""
        return self.state.id

    @property
    def token(self) -> str:
        """The interaction token (also the followup webhook token)."""
        return self.state.token

    @property
    def payload(self) -> dict[str, Any]:
        """The INTERACTION_CREATE payload that was sent."""
        return self.state.payload

    @property
    def callback_since(self) -> int:
        """The request index from which this interaction's answers are looked for."""
        return self._since

    @property
    def callback_type(self) -> int | None:
        """The bot's callback type (4 message, 5 deferred, 6/7 component update, 8 autocomplete, 9 modal)."""
        return self.state.callback_type

    async def callback(self, timeout: float = 5.0) -> RecordedRequest:
        """The bot's successful initial-response request (its ``json`` is the callback body)."""
        suffix = f"/interactions/{self.state.id}/{self.state.token}/callback"
        return await self._recorder.wait_for(
            lambda r: r.ok and r.method == "POST" and r.path == suffix, timeout=timeout, since=self._since
        )

    async def response_message(self, timeout: float = 5.0) -> dict[str, Any]:
        """The original response message once complete (not a 'thinking…' placeholder).

        Covers a type-4 reply, a deferral later edited via PATCH @original or completed
        by the first followup, and a component update (type 7, or 6 then an edit).
        """

        def ready() -> dict[str, Any] | None:
            if self.state.original_id is None:
                return None
            message = self._world.messages.get(self.state.original_id)
            if message is None or message["flags"] & LOADING:
                return None
            if self.state.callback_type == 6 and message.get("edited_timestamp") is None:
                return None
            return message

        return await self._recorder.wait_until(ready, timeout=timeout, what=f"the response to interaction {self.id}")

    async def followup(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The ``index``-th followup message (not counting one that completed a deferral)."""

        def ready() -> dict[str, Any] | None:
            if len(self.state.followup_ids) > index:
                return self._world.messages.get(self.state.followup_ids[index])
            return None

        return await self._recorder.wait_until(ready, timeout=timeout, what=f"followup #{index} of {self.id}")

    async def autocomplete_choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The choices of an autocomplete (type 8) response."""
        await self._recorder.wait_until(
            lambda: self.state.autocomplete_choices is not None, timeout=timeout, what="autocomplete choices"
        )
        return list(self.state.autocomplete_choices or [])

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        """The modal (type 9 callback ``data``) the bot opened."""
        return await self._recorder.wait_until(lambda: self.state.modal, timeout=timeout, what="a modal")

    def is_ephemeral(self) -> bool:
        """Whether the original response is ephemeral."""
        message = self._world.messages.get(self.state.original_id or 0)
        return bool(message and message["flags"] & EPHEMERAL)
