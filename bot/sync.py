"""Sync application commands only when they changed since the last sync.

The command payload is hashed and the hash kept in a small JSON file beside the database, keyed
by application and target (a development server or global), so a restart with the same commands
makes no sync request at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import discord
from discord import app_commands

log = logging.getLogger(__name__)


def state_path(db_path: Path) -> Path:
    """The sync-state file that sits next to the database file."""
    return db_path.with_name(db_path.name + ".commands.json")


def payload_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None) -> str:
    """A stable hash of what would be sent to Discord for ``guild`` (None: global)."""
    payload = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write(path: Path, data: dict[str, str]) -> None:
    try:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        log.warning("could not save the command sync state; commands will be synced again next start")


async def sync_commands(
    tree: app_commands.CommandTree, *, application_id: int, dev_guild_id: int | None, state_file: Path
) -> bool:
    """Sync to the development server (copying global commands) or globally, when changed.

    Returns True when a sync request was made.
    """
    guild = discord.Object(id=dev_guild_id) if dev_guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    key = f"{application_id}:{dev_guild_id or 'global'}"
    digest = payload_hash(tree, guild)
    state = _read(state_file)
    if state.get(key) == digest:
        log.info("application commands unchanged; not syncing (%s)", key)
        return False
    synced = await tree.sync(guild=guild)
    log.info("synced %d application commands (%s)", len(synced), key)
    state[key] = digest
    _write(state_file, state)
    return True
