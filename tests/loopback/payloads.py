"""Scenario objects rendered as Discord API v10 JSON (strings for snowflakes and bitfields)."""

from __future__ import annotations

import datetime
from typing import Any

from .permissions import channel_permissions
from .scenario import DM, INTENT_GUILD_PRESENCES, Channel, Guild, Member, Role, Scenario, User


def iso_now() -> str:
    """The current time as Discord formats timestamps."""
    return datetime.datetime.now(datetime.UTC).isoformat()


def user_payload(user: User) -> dict[str, Any]:
    """A user object."""
    payload: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }
    if user.bot:
        payload["bot"] = True
    return payload


def role_payload(role: Role) -> dict[str, Any]:
    """A role object (permissions as a string)."""
    payload: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        payload["tags"] = {"bot_id": str(role.bot_id)}
    return payload


def member_payload(member: Member, *, with_user: bool = True) -> dict[str, Any]:
    """A guild member object (``with_user=False`` for the partial member of MESSAGE_CREATE)."""
    payload: dict[str, Any] = {
        "roles": [str(role_id) for role_id in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    return payload


def overwrite_payloads(channel: Channel) -> list[dict[str, Any]]:
    """The channel's permission overwrites."""
    return [
        {"id": str(ow.id), "type": ow.type, "allow": str(ow.allow), "deny": str(ow.deny)} for ow in channel.overwrites
    ]


def channel_payload(channel: Channel, *, with_guild_id: bool = True) -> dict[str, Any]:
    """A guild channel object."""
    payload: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": overwrite_payloads(channel),
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "nsfw": channel.nsfw,
        "flags": 0,
    }
    if channel.type != 4:
        payload.update(topic=channel.topic, last_message_id=None, rate_limit_per_user=channel.rate_limit_per_user)
    if with_guild_id and channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
    return payload


def dm_channel_payload(channel_id: int, recipient: User) -> dict[str, Any]:
    """A DM channel object between the bot and ``recipient``."""
    return {
        "id": str(channel_id),
        "type": DM,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(recipient)],
    }


def guild_payload(guild: Guild) -> dict[str, Any]:
    """A guild object as GET /guilds/{id} returns it (no members or channels)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [role_payload(role) for role in guild.roles],
        "emojis": [],
        "stickers": [],
        "features": list(guild.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.locale,
        "public_updates_channel_id": None,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "safety_alerts_channel_id": None,
        "incidents_data": None,
        "home_header": None,
        "region": "",
        "widget_channel_id": None,
        "nsfw": False,
    }


def guild_create_payload(guild: Guild, scenario: Scenario, *, intents: int, large_threshold: int) -> dict[str, Any]:
    """GUILD_CREATE for the bot's session.

    Like Discord, the member list is complete only when the session has the
    GUILD_PRESENCES intent and the guild is smaller than ``large_threshold``; otherwise
    it holds just the bot's own member (discord.py then chunks with REQUEST_GUILD_MEMBERS).
    """
    large = len(guild.members) >= large_threshold
    if intents & INTENT_GUILD_PRESENCES and not large:
        members = guild.members
    else:
        members = [m for m in guild.members if m.user.id == scenario.bot.id]
    payload = guild_payload(guild)
    me = guild.member(scenario.bot.id)
    payload.update(
        joined_at=me.joined_at,
        large=large,
        unavailable=False,
        member_count=len(guild.members),
        voice_states=[],
        members=[member_payload(m) for m in members],
        channels=[channel_payload(c, with_guild_id=False) for c in guild.channels],
        threads=[],
        presences=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
        lazy=True,
    )
    return payload


def interaction_channel_payload(guild: Guild, channel: Channel, user_id: int) -> dict[str, Any]:
    """The partial channel an interaction carries, with the invoker's ``permissions``."""
    payload = channel_payload(channel)
    payload["permissions"] = str(channel_permissions(guild, channel, user_id))
    return payload


def application_payload(scenario: Scenario) -> dict[str, Any]:
    """The application object of GET /oauth2/applications/@me."""
    app = scenario.application
    return {
        "id": str(app.id),
        "name": app.name,
        "icon": None,
        "description": app.description,
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_payload(app.owner),
        "team": None,
        "flags": app.flags,
        "flags_new": str(app.flags),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["bot", "applications.commands"],
        "rpc_origins": [],
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "event_webhooks_url": None,
        "event_webhooks_status": 1,
        "event_webhooks_types": [],
        "integration_types_config": {"0": {}},
        "approximate_guild_count": len(scenario.guilds),
        "bot": user_payload(scenario.bot),
    }
