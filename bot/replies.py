"""Sending short ephemeral notes, and turning errors into messages a user may see."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.render import content
from facts.errors import FactbotError

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
GENERIC_FAILURE = "Something went wrong on my side. Please try again in a moment."


async def send_ephemeral(interaction: discord.Interaction, text: str, **kwargs: object) -> None:
    """Reply privately, as the first response or as a followup when already responded/deferred."""
    text = content(text)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(
            text,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
            **kwargs,  # type: ignore[arg-type]
        )


def cooldown_message(retry_after: float) -> str:
    """The polite note for someone asking faster than the per-person cooldown allows."""
    wait = max(1, round(retry_after))
    return f"Easy there: you can use this again in {wait} second{'s' if wait != 1 else ''}."


def user_message(error: BaseException) -> str | None:
    """The user-safe text for an expected error, or None for an unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError) and error.__cause__:
        error = error.__cause__
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, FactbotError):
        return str(error) or "That didn't work."
    if isinstance(error, app_commands.CommandOnCooldown):
        return cooldown_message(error.retry_after)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(
        error, app_commands.MissingPermissions | app_commands.MissingAnyRole | app_commands.MissingRole
    ):
        return str(error)
    if isinstance(error, app_commands.BotMissingPermissions):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, app_commands.TransformerError):
        return "One of the values you gave isn't valid here."
    return None
