"""The world the stand-in plays: users, guilds, roles, members and channels.

Plain dataclasses, so a test can build its own :class:`Scenario` or tweak the one
:func:`default_scenario` returns before the stand-in starts. Objects are looked up by
a short ``key`` (users, guilds) or name (roles, channels), or by id.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

from .permissions import DEFAULT_EVERYONE, Permission

DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway intents the stand-in cares about.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Channel types used here.
GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4

_FIXED_EPOCH_OFFSET = 300_000_000_000  # ms after the Discord epoch (2024) for scenario ids


def snowflake(ms_after_epoch: int, increment: int = 0) -> int:
    """Build a snowflake from milliseconds after the Discord epoch and an increment."""
    return (ms_after_epoch << 22) | (increment & 0xFFF)


class SnowflakeFactory:
    """Hands out increasing, time-based snowflakes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count()

    def next(self) -> int:
        """A new snowflake whose timestamp is now."""
        with self._lock:
            ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
            return snowflake(ms, next(self._counter))


@dataclass
class User:
    """A Discord user. ``dms_open=False`` makes the bot's DMs to them fail with 50007."""

    key: str
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"
    dms_open: bool = True

    @property
    def mention(self) -> str:
        """``<@id>``, as a client would type it."""
        return f"<@{self.id}>"


@dataclass
class Role:
    """A guild role; ``permissions`` is the bitfield (see :class:`Permission`)."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        """``<@&id>``."""
        return f"<@&{self.id}>"


@dataclass
class Member:
    """A user's membership in a guild; ``roles`` holds role ids (without @everyone)."""

    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = "2024-01-01T00:00:00+00:00"


@dataclass
class Overwrite:
    """A channel permission overwrite (``type`` 0 = role, 1 = member)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    @classmethod
    def for_role(cls, role: Role, *, allow: int = 0, deny: int = 0) -> Overwrite:
        """An overwrite for a role (use the guild id for @everyone)."""
        return cls(role.id, 0, allow, deny)

    @classmethod
    def for_member(cls, user: User, *, allow: int = 0, deny: int = 0) -> Overwrite:
        """An overwrite for one member."""
        return cls(user.id, 1, allow, deny)


@dataclass
class Channel:
    """A guild channel (text by default). ``guild_id`` is filled in by :class:`Guild`."""

    id: int
    name: str
    type: int = GUILD_TEXT
    overwrites: list[Overwrite] = field(default_factory=list)
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    guild_id: int | None = None

    @property
    def mention(self) -> str:
        """``<#id>``."""
        return f"<#{self.id}>"


@dataclass
class Guild:
    """A guild. An @everyone role (id == guild id) is added when missing."""

    key: str
    id: int
    name: str
    owner_id: int
    roles: list[Role] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    locale: str = "en-US"
    features: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not any(role.id == self.id for role in self.roles):
            self.roles.insert(0, Role(self.id, "@everyone", DEFAULT_EVERYONE))
        for channel in self.channels:
            channel.guild_id = self.id

    @property
    def everyone_role(self) -> Role:
        """The @everyone role."""
        return next(role for role in self.roles if role.id == self.id)

    def member(self, user_id: int) -> Member:
        """The member with ``user_id`` (KeyError when not in the guild)."""
        for member in self.members:
            if member.user.id == user_id:
                return member
        raise KeyError(f"user {user_id} is not a member of guild {self.key!r}")

    def has_member(self, user_id: int) -> bool:
        """Whether ``user_id`` is a member."""
        return any(member.user.id == user_id for member in self.members)

    def role(self, name_or_id: str | int) -> Role:
        """A role by name or id."""
        for role in self.roles:
            if name_or_id in (role.name, role.id):
                return role
        raise KeyError(f"no role {name_or_id!r} in guild {self.key!r}")

    def channel(self, name_or_id: str | int) -> Channel:
        """A channel by name or id."""
        for channel in self.channels:
            if name_or_id in (channel.name, channel.id):
                return channel
        raise KeyError(f"no channel {name_or_id!r} in guild {self.key!r}")

    def shard_id(self, shard_count: int) -> int:
        """The shard this guild lives on for ``shard_count`` shards."""
        return (self.id >> 22) % max(shard_count, 1)


@dataclass
class Application:
    """The bot's application. ``privileged_intents`` are the intents enabled in the portal."""

    id: int
    name: str
    owner: User
    description: str = ""
    privileged_intents: int = PRIVILEGED_INTENTS

    @property
    def flags(self) -> int:
        """Application flags advertising the enabled privileged intents."""
        flags = 0
        if self.privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= 1 << 12
        if self.privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= 1 << 14
        if self.privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= 1 << 18
        return flags


@dataclass
class Scenario:
    """Everything the stand-in knows: the bot, its application, guilds and users."""

    bot: User
    application: Application
    token: str
    guilds: list[Guild] = field(default_factory=list)
    users: list[User] = field(default_factory=list)

    def __post_init__(self) -> None:
        known = {user.id for user in self.users}
        for candidate in [self.bot, self.application.owner] + [
            member.user for guild in self.guilds for member in guild.members
        ]:
            if candidate.id not in known:
                self.users.append(candidate)
                known.add(candidate.id)

    def user(self, ref: str | int | User) -> User:
        """A user by key, id or the object itself."""
        if isinstance(ref, User):
            return ref
        for user in self.users:
            if ref in (user.key, user.id):
                return user
        raise KeyError(f"no user {ref!r} in the scenario")

    def guild(self, ref: str | int | Guild) -> Guild:
        """A guild by key, id or the object itself."""
        if isinstance(ref, Guild):
            return ref
        for guild in self.guilds:
            if ref in (guild.key, guild.id):
                return guild
        raise KeyError(f"no guild {ref!r} in the scenario")

    def channel(self, ref: str | int | Channel, name: str | None = None) -> Channel:
        """A guild channel: ``channel("a", "general")``, ``channel("a/general")`` or by id."""
        if isinstance(ref, Channel):
            return ref
        if name is not None:
            return self.guild(ref).channel(name)
        if isinstance(ref, str) and "/" in ref:
            guild_key, _, channel_name = ref.partition("/")
            return self.guild(guild_key).channel(channel_name)
        for guild in self.guilds:
            for channel in guild.channels:
                if ref == channel.id:
                    return channel
        raise KeyError(f"no guild channel {ref!r} in the scenario (use 'guild/channel')")

    def find_channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        """The guild and channel with ``channel_id``, or None."""
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return guild, channel
        return None

    def find_guild(self, guild_id: int) -> Guild | None:
        """The guild with ``guild_id``, or None."""
        return next((guild for guild in self.guilds if guild.id == guild_id), None)

    def find_user(self, user_id: int) -> User | None:
        """The user with ``user_id``, or None."""
        return next((user for user in self.users if user.id == user_id), None)


DEFAULT_TOKEN = "TG9vcGJhY2tTdGFuZEluQm90.Lo0pBk.bG9vcGJhY2stc3RhbmQtaW4tdG9rZW4"


def _id(n: int) -> int:
    return snowflake(_FIXED_EPOCH_OFFSET + n * 1000)


def default_scenario() -> Scenario:
    """Two guilds and a handful of users; keys and names are listed below.

    Guild ``a`` ("Guild A", owner ``owner``): ``member`` (plain, nick "bobby"),
    ``moderator`` (role "Moderators", no extra permissions), ``manager`` (role
    "Message Managers": MANAGE_MESSAGES), ``admin`` (role "Admins": ADMINISTRATOR),
    ``other_bot`` (a bot user) and ``bot``. Channels: ``general``; ``mod-log`` (only
    Moderators, Admins, the owner and the bot see it); ``announcements`` (@everyone,
    the bot included, cannot send).

    Guild ``b`` ("Guild B", owner ``b_owner``, locale "de"): ``b_member`` (locale "de"),
    ``member`` (here in role "Moderators", which in ``b`` has MANAGE_MESSAGES) and
    ``bot``. Channel: ``general``. ``stranger`` shares no guild (DMs only).

    The bot's managed role grants VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS,
    ATTACH_FILES, READ_MESSAGE_HISTORY, ADD_REACTIONS, USE_EXTERNAL_EMOJIS and
    USE_APPLICATION_COMMANDS (no MANAGE_MESSAGES). With 2 shards, guild ``a`` is on
    shard 0 and ``b`` on shard 1.
    """
    bot = User("bot", _id(1), "FactBot", bot=True)
    owner = User("owner", _id(2), "alice", "Alice")
    member = User("member", _id(3), "bob", "Bob")
    moderator = User("moderator", _id(4), "carol", "Carol")
    manager = User("manager", _id(5), "dave", "Dave")
    admin = User("admin", _id(6), "erin", "Erin")
    other_bot = User("other_bot", _id(7), "OtherBot", bot=True)
    b_owner = User("b_owner", _id(8), "frank", "Frank")
    b_member = User("b_member", _id(9), "grace", "Grace", locale="de")
    stranger = User("stranger", _id(10), "heidi", "Heidi")

    guild_a_id = snowflake(_FIXED_EPOCH_OFFSET + 100_000)  # (id >> 22) even -> shard 0 of 2
    guild_b_id = snowflake(_FIXED_EPOCH_OFFSET + 100_001)  # odd -> shard 1 of 2
    bot_perms = int(
        Permission.VIEW_CHANNEL
        | Permission.SEND_MESSAGES
        | Permission.EMBED_LINKS
        | Permission.ATTACH_FILES
        | Permission.READ_MESSAGE_HISTORY
        | Permission.ADD_REACTIONS
        | Permission.USE_EXTERNAL_EMOJIS
        | Permission.USE_APPLICATION_COMMANDS
    )

    a_mods = Role(_id(20), "Moderators", 0, position=2, hoist=True, mentionable=True)
    a_managers = Role(_id(21), "Message Managers", int(Permission.MANAGE_MESSAGES), position=3)
    a_admins = Role(_id(22), "Admins", int(Permission.ADMINISTRATOR), position=4)
    a_bot_role = Role(_id(23), "FactBot", bot_perms, position=1, managed=True, bot_id=bot.id)
    guild_a = Guild(
        key="a",
        id=guild_a_id,
        name="Guild A",
        owner_id=owner.id,
        roles=[a_mods, a_managers, a_admins, a_bot_role],
        members=[
            Member(owner),
            Member(member, nick="bobby"),
            Member(moderator, [a_mods.id]),
            Member(manager, [a_managers.id]),
            Member(admin, [a_admins.id]),
            Member(other_bot),
            Member(bot, [a_bot_role.id]),
        ],
        channels=[
            Channel(_id(30), "general", position=0, topic="General chat"),
            Channel(
                _id(31),
                "mod-log",
                position=1,
                overwrites=[
                    Overwrite(guild_a_id, 0, deny=int(Permission.VIEW_CHANNEL)),
                    Overwrite.for_role(a_mods, allow=int(Permission.VIEW_CHANNEL)),
                    Overwrite.for_role(a_bot_role, allow=int(Permission.VIEW_CHANNEL)),
                ],
            ),
            Channel(
                _id(32),
                "announcements",
                position=2,
                overwrites=[Overwrite(guild_a_id, 0, deny=int(Permission.SEND_MESSAGES))],
            ),
        ],
    )

    b_mods = Role(_id(40), "Moderators", int(Permission.MANAGE_MESSAGES), position=2)
    b_bot_role = Role(_id(41), "FactBot", bot_perms, position=1, managed=True, bot_id=bot.id)
    guild_b = Guild(
        key="b",
        id=guild_b_id,
        name="Guild B",
        owner_id=b_owner.id,
        locale="de",
        roles=[b_mods, b_bot_role],
        members=[
            Member(b_owner),
            Member(b_member),
            Member(member, [b_mods.id]),
            Member(bot, [b_bot_role.id]),
        ],
        channels=[Channel(_id(50), "general", position=0)],
    )

    return Scenario(
        bot=bot,
        application=Application(_id(1), "FactBot", owner=owner),
        token=DEFAULT_TOKEN,
        guilds=[guild_a, guild_b],
        users=[bot, owner, member, moderator, manager, admin, other_bot, b_owner, b_member, stranger],
    )
