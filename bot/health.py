"""The bot's health signal: a small status file beside the database, read by ``factbot doctor --health``.

The running bot rewrites it when a connection comes up or goes down, and every
:data:`REFRESH_SECONDS` while it runs; it says ``connected: false`` once the bot closes. A
reader calls the bot healthy only when the file says connected, was refreshed recently and names
a process that still exists, so a hung or killed bot turns unhealthy too (what Docker's
``HEALTHCHECK`` needs). This module uses the standard library only: reading it never imports
discord.py.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

REFRESH_SECONDS = 30.0
#: A status older than this means the bot stopped refreshing it (hung, or killed without closing).
MAX_AGE_SECONDS = 120.0


def health_path(db_path: Path) -> Path:
    """The status file that sits next to the database file."""
    return db_path.with_name(db_path.name + ".status.json")


def write_status(path: Path, *, connected: bool, shards: int, since: float | None) -> None:
    """Replace the status file atomically (a reader never sees half a file)."""
    data = {"connected": connected, "pid": os.getpid(), "shards": shards, "since": since, "updated": time.time()}
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


@dataclass(frozen=True)
class Health:
    """What the status file says, judged: ``healthy`` and a one-line ``detail``."""

    healthy: bool
    detail: str


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def read_health(path: Path, *, max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> Health:
    """Judge the status file at ``path``: connected, fresh and written by a live process."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        connected, pid, updated = bool(data["connected"]), int(data["pid"]), float(data["updated"])
        shards, since = int(data.get("shards") or 0), data.get("since")
    except FileNotFoundError:
        return Health(False, f"no status file at {path}: the bot has not run with this database")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Health(False, f"the status file {path} is unreadable ({type(exc).__name__})")
    age = (time.time() if now is None else now) - updated
    if not connected:
        return Health(False, f"not connected to Discord (status written {age:.0f} s ago)")
    if age > max_age:
        return Health(False, f"the status is {age:.0f} s old (limit {max_age:.0f} s): the bot stopped responding")
    if not _process_exists(pid):
        return Health(False, f"the bot process {pid} that wrote the status is gone")
    up = f", up {time.time() - float(since):.0f} s" if isinstance(since, int | float) else ""
    return Health(True, f"connected to Discord ({shards} shard{'s' if shards != 1 else ''}{up}), "
                        f"status {age:.0f} s old")
