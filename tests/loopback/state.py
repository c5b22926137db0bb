"""The stand-in's mutable state: messages, DM channels, synced commands, interactions, uploads."""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .payloads import iso_now, member_payload, user_payload
from .permissions import DM_PERMISSIONS, Permission, channel_permissions
from .scenario import DM, Channel, Guild, Scenario, SnowflakeFactory, User

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def number_components(components: list[Any]) -> list[Any]:
    """Copy of ``components`` where every component has an ``id`` (Discord numbers them 1, 2, ...)."""
    copied = copy.deepcopy(components)
    used: set[int] = set()
    nodes: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            nodes.append(node)
            if isinstance(node.get("id"), int):
                used.add(node["id"])
            for key in ("components", "accessory", "component"):
                if key in node:
                    walk(node[key])

    walk(copied)
    next_id = 1
    for node in nodes:
        if not isinstance(node.get("id"), int):
            while next_id in used:
                next_id += 1
            node["id"] = next_id
            used.add(next_id)
    return copied


@dataclass
class Upload:
    """A file a test user attaches (to a message or an attachment option)."""

    filename: str
    data: bytes
    content_type: str = "text/plain; charset=utf-8"
    description: str | None = None


@dataclass
class Place:
    """Where a message lives: a guild channel, or the bot's DM with ``recipient``."""

    channel_id: int
    guild: Guild | None = None
    channel: Channel | None = None
    recipient: User | None = None

    @property
    def is_dm(self) -> bool:
        """A DM channel."""
        return self.guild is None

    def permissions(self, user_id: int) -> int:
        """``user_id``'s permissions here (a fixed set in DMs)."""
        if self.guild is None or self.channel is None:
            return DM_PERMISSIONS
        if not self.guild.has_member(user_id):
            return 0
        return channel_permissions(self.guild, self.channel, user_id)


@dataclass
class InteractionState:
    """One interaction the stand-in sent and what the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    place: Place
    user: User
    created: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    original_id: int | None = None
    original_deleted: bool = False
    followup_ids: list[int] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    source_message_id: int | None = None

    @property
    def acknowledged(self) -> bool:
        """The bot has sent the initial callback."""
        return self.callback_type is not None


class World:
    """Mutable state on top of the static :class:`Scenario`."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.ids = SnowflakeFactory()
        self.base_url = ""
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_log: dict[int, list[int]] = {}
        self.dm_channels: dict[int, int] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionState] = {}
        self.uploads: dict[str, tuple[bytes, str]] = {}
        self.presence: dict[str, Any] | None = None

    # -- places -------------------------------------------------------------------------
    def dm_channel_id(self, user: User) -> int:
        """The bot's DM channel id with ``user`` (created on first use)."""
        if user.id not in self.dm_channels:
            self.dm_channels[user.id] = self.ids.next()
        return self.dm_channels[user.id]

    def place(self, channel_id: int) -> Place | None:
        """The guild channel or DM channel with ``channel_id``, or None."""
        found = self.scenario.find_channel(channel_id)
        if found is not None:
            return Place(channel_id, found[0], found[1])
        for user_id, dm_id in self.dm_channels.items():
            if dm_id == channel_id:
                return Place(channel_id, recipient=self.scenario.find_user(user_id))
        return None

    # -- commands -------------------------------------------------------------------------
    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        """The synced commands (global when ``guild_id`` is None)."""
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def store_command(self, body: dict[str, Any], guild_id: int | None, existing: dict[str, Any] | None = None):
        """Turn a command payload into the stored command object Discord returns."""
        app_id = str(self.scenario.application.id)
        command = dict(body)
        command.setdefault("type", 1)
        command.setdefault("description", "")
        command["id"] = existing["id"] if existing else str(self.ids.next())
        command["application_id"] = app_id
        command["version"] = str(self.ids.next())
        if "default_member_permissions" in command and command["default_member_permissions"] is not None:
            command["default_member_permissions"] = str(command["default_member_permissions"])
        command.setdefault("default_member_permissions", None)
        command.setdefault("nsfw", False)
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        command.setdefault("contexts", None)
        if command.get("integration_types") is None:
            command["integration_types"] = [0]
        return command

    def find_command(self, name: str, guild_id: int | None, kind: int = 1) -> dict[str, Any] | None:
        """The synced command a client would invoke: guild command first, then global."""
        pools = ([self.commands_for(guild_id)] if guild_id is not None else []) + [self.global_commands]
        for pool in pools:
            for command in pool:
                if command.get("name") == name and (command.get("type") or 1) == kind:
                    return command
        return None

    # -- uploads and messages -------------------------------------------------------------
    def add_upload(self, channel_id: int, filename: str, data: bytes, content_type: str | None) -> dict[str, Any]:
        """Keep a file and return its attachment object (served by the stand-in)."""
        attachment_id = self.ids.next()
        key = f"{channel_id}/{attachment_id}/{quote(filename)}"
        self.uploads[key] = (data, content_type or "application/octet-stream")
        url = f"{self.base_url}/attachments/{key}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "flags": 0,
        }

    def mentions(
        self, place: Place, author_id: int, content: str, allowed: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], list[str], bool]:
        """Users, roles and @everyone a message really pings, honouring ``allowed_mentions``."""
        parse = set(allowed.get("parse", [])) if allowed is not None else {"users", "roles", "everyone"}
        allowed_users = {int(u) for u in (allowed or {}).get("users", [])}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        perms = place.permissions(author_id)
        users: list[dict[str, Any]] = []
        for raw in dict.fromkeys(USER_MENTION.findall(content or "")):
            user = self.scenario.find_user(int(raw))
            if user is None or not ("users" in parse or user.id in allowed_users):
                continue
            payload = user_payload(user)
            if place.guild is not None and place.guild.has_member(user.id):
                payload["member"] = member_payload(place.guild.member(user.id), with_user=False)
            users.append(payload)
        roles: list[str] = []
        if place.guild is not None:
            for raw in dict.fromkeys(ROLE_MENTION.findall(content or "")):
                try:
                    role = place.guild.role(int(raw))
                except KeyError:
                    continue
                may = role.mentionable or perms & Permission.MENTION_EVERYONE
                if may and ("roles" in parse or role.id in allowed_roles):
                    roles.append(str(role.id))
        everyone = bool(
            place.guild is not None
            and ("@everyone" in (content or "") or "@here" in (content or ""))
            and "everyone" in parse
            and perms & Permission.MENTION_EVERYONE
        )
        return users, roles, everyone

    def build_message(
        self,
        place: Place,
        author: dict[str, Any],
        body: dict[str, Any],
        *,
        files: list[tuple[str, bytes, str | None]] | None = None,
        message_type: int = 0,
        webhook_id: int | None = None,
        extra: dict[str, Any] | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """A message object for ``body`` (a create-message payload) posted by ``author``."""
        attachments = []
        described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        for index, (filename, data, content_type) in enumerate(files or []):
            meta = described.get(str(index), {})
            attachment = self.add_upload(place.channel_id, meta.get("filename", filename), data, content_type)
            if meta.get("description"):
                attachment["description"] = meta["description"]
            attachments.append(attachment)
        content = body.get("content") or ""
        users, roles, everyone = self.mentions(place, int(author["id"]), content, body.get("allowed_mentions"))
        message: dict[str, Any] = {
            "id": str(message_id or self.ids.next()),
            "type": message_type,
            "channel_id": str(place.channel_id),
            "author": author,
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": everyone,
            "mentions": users,
            "mention_roles": roles,
            "mention_channels": [],
            "attachments": attachments,
            "embeds": [dict(embed, type=embed.get("type") or "rich") for embed in body.get("embeds") or []],
            "components": number_components(list(body.get("components") or [])),
            "reactions": [],
            "pinned": False,
            "flags": int(body.get("flags") or 0),
            "sticker_items": [],
        }
        if body.get("poll"):
            message["poll"] = body["poll"]
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
            message["application_id"] = str(webhook_id)
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            referenced = self.messages.get(int(reference["message_id"]))
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or place.channel_id),
            }
            if place.guild is not None:
                message["message_reference"]["guild_id"] = str(place.guild.id)
            message["referenced_message"] = referenced
        if extra:
            message.update(extra)
        return message

    def store(self, message: dict[str, Any]) -> dict[str, Any]:
        """Keep a message (new or replaced) in its channel's log."""
        message_id = int(message["id"])
        channel_id = int(message["channel_id"])
        log = self.channel_log.setdefault(channel_id, [])
        if message_id not in self.messages:
            log.append(message_id)
        self.messages[message_id] = message
        return message

    def delete(self, message_id: int) -> dict[str, Any] | None:
        """Remove a message; returns it, or None when unknown."""
        message = self.messages.pop(message_id, None)
        if message is not None:
            self.channel_log.get(int(message["channel_id"]), []).remove(message_id)
        return message

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages of a channel, oldest first."""
        return [self.messages[mid] for mid in self.channel_log.get(channel_id, [])]

    def apply_edit(self, message: dict[str, Any], body: dict[str, Any], files: list[tuple[str, bytes, str | None]]):
        """Apply a PATCH body (content/embeds/components/flags/attachments) to a stored message."""
        place = self.place(int(message["channel_id"]))
        assert place is not None
        if "content" in body:
            message["content"] = body["content"] or ""
            users, roles, everyone = self.mentions(
                place, int(message["author"]["id"]), message["content"], body.get("allowed_mentions")
            )
            message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)
        if "embeds" in body:
            message["embeds"] = [dict(e, type=e.get("type") or "rich") for e in body["embeds"] or []]
        if "components" in body:
            message["components"] = number_components(list(body["components"] or []))
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & (EPHEMERAL | LOADING)) | int(body["flags"])
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
            kept = [a for a in message["attachments"] if a["id"] in kept_ids]
            described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
            for index, (filename, data, content_type) in enumerate(files):
                meta = described.get(str(index), {})
                kept.append(self.add_upload(place.channel_id, meta.get("filename", filename), data, content_type))
            message["attachments"] = kept
        message["edited_timestamp"] = iso_now()
        return message

    def is_dm_channel(self, channel_id: int) -> bool:
        """Whether ``channel_id`` is one of the bot's DM channels."""
        return channel_id in self.dm_channels.values()


def dm_place(world: World, user: User) -> Place:
    """The bot's DM channel with ``user`` as a :class:`Place`."""
    return Place(world.dm_channel_id(user), recipient=user)


__all__ = ["DM", "EPHEMERAL", "LOADING", "InteractionState", "Place", "Upload", "World", "dm_place"]
