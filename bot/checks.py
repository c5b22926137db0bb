"""Who may change facts: the moderator policy, as a pure function and as command checks.

A moderator is a member with Manage Messages in the channel, a member holding one of the
configured moderator roles, or a bot owner. Only owners change the shared corpus.
``default_permissions`` is only a hint the server can override (and Discord ignores it on
subcommands), so the real check always runs on the bot's side too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands

from config.settings import Settings

T = TypeVar("T")

MODERATOR_REQUIRED = "You need Manage Messages or a moderator role to change facts."
OWNER_REQUIRED = "Only the bot's owners can change the shared facts every server sees."


class ModeratorRequired(app_commands.CheckFailure):
    """A refused moderator command; ``str()`` is the message shown to the member."""

    def __init__(self, message: str = MODERATOR_REQUIRED) -> None:
        super().__init__(message)


class OwnerRequired(ModeratorRequired):
    """A refused shared-corpus change."""

    def __init__(self, message: str = OWNER_REQUIRED) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Caller:
    """What the policy needs to know about whoever is asking, as plain data."""

    user_id: int
    role_ids: frozenset[int] = frozenset()
    manage_messages: bool = False
    in_guild: bool = True


def is_owner(caller: Caller, settings: Settings) -> bool:
    """Owners are listed in FACTBOT_OWNER_IDS."""
    return caller.user_id in settings.owner_ids


def is_moderator(caller: Caller, settings: Settings) -> bool:
    """Owners anywhere; in a server, Manage Messages or a configured moderator role."""
    if is_owner(caller, settings):
        return True
    if not caller.in_guild:
        return False
    return caller.manage_messages or bool(caller.role_ids & settings.moderator_role_ids)


def caller_of(user: discord.abc.User, permissions: discord.Permissions | None, in_guild: bool) -> Caller:
    """Build a :class:`Caller` from a Discord user/member and their resolved channel permissions."""
    roles: Iterable[Any] = getattr(user, "roles", ()) or ()
    role_ids = frozenset(int(role.id) for role in roles)
    return Caller(
        user_id=user.id,
        role_ids=role_ids,
        manage_messages=bool(permissions and permissions.manage_messages),
        in_guild=in_guild,
    )


def interaction_caller(interaction: discord.Interaction) -> Caller:
    """The caller of an interaction; ``interaction.permissions`` are resolved for its channel."""
    return caller_of(interaction.user, interaction.permissions, interaction.guild_id is not None)


def _settings(interaction: discord.Interaction) -> Settings:
    return interaction.client.settings  # type: ignore[attr-defined]


def ensure_moderator(interaction: discord.Interaction) -> bool:
    """Raise :class:`ModeratorRequired` unless the interaction's user is a moderator here.

    Moderator commands change one server's facts, so they run only in a server:
    ``app_commands.guild_only`` is merely a hint to Discord's client, so a DM (even an owner's)
    is refused here with NoPrivateMessage.
    """
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not is_moderator(interaction_caller(interaction), _settings(interaction)):
        raise ModeratorRequired()
    return True


def ensure_owner(interaction: discord.Interaction) -> bool:
    """Raise :class:`OwnerRequired` unless the interaction's user is a bot owner."""
    if not is_owner(interaction_caller(interaction), _settings(interaction)):
        raise OwnerRequired()
    return True


def moderator_only() -> Callable[[T], T]:
    """Mark a command, a group or a GroupCog class as moderators-only.

    Attaches ``default_permissions(manage_messages=True)`` (what Discord shows by default) and the
    real bot-side check. On a class, the check wraps its ``interaction_check`` so every subcommand
    of the group is covered.
    """

    def decorator(obj: T) -> T:
        obj = app_commands.default_permissions(manage_messages=True)(obj)
        if isinstance(obj, type):
            original = obj.interaction_check  # type: ignore[attr-defined]

            async def interaction_check(self: Any, interaction: discord.Interaction) -> bool:
                ensure_moderator(interaction)
                return await discord.utils.maybe_coroutine(original, self, interaction)

            interaction_check.__doc__ = "Only moderators may use these commands (checked on every call)."
            obj.interaction_check = interaction_check  # type: ignore[attr-defined]
            return obj
        return app_commands.check(ensure_moderator)(obj)  # type: ignore[arg-type, return-value]

    return decorator
