"""``factbot doctor``: check an installation one line per check, exit 1 when any check fails.

Checks the settings, the database (opens read-only, schema version, integrity, counts), the
token's form (never its value), the gateway intents the bot asks for and, with a token, whether
Discord accepts it (``GET /users/@me``) and which privileged intents the application has.
``--health`` checks only whether the running bot is connected (Docker's ``HEALTHCHECK``).
Nothing here writes to the database or prints the token.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from config import Settings, SettingsError, load_settings
from facts.migrations import LATEST_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
HTTP_TIMEOUT_SECONDS = 10.0
#: Application flags saying the Message Content intent is enabled (or enabled while unverified).
MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)
#: discord.py's intent names -> Discord's.
INTENT_NAMES = {"guilds": "GUILDS", "guild_messages": "GUILD_MESSAGES", "dm_messages": "DIRECT_MESSAGES",
                "message_content": "MESSAGE_CONTENT", "members": "GUILD_MEMBERS", "presences": "GUILD_PRESENCES"}
PRIVILEGED = ("MESSAGE_CONTENT", "GUILD_MEMBERS", "GUILD_PRESENCES")


@dataclass(frozen=True)
class Check:
    """One line of the report: ``status`` is ok, FAIL or skip."""

    name: str
    status: str
    detail: str

    def line(self) -> str:
        """The printed form, e.g. ``ok    database  factbot.db opens (read-only)``."""
        return f"{self.status:<5} {self.name:<10} {self.detail}"


def ok(name: str, detail: str) -> Check:
    """A passed check."""
    return Check(name, "ok", detail)


def fail(name: str, detail: str) -> Check:
    """A failed check (the exit code becomes 1)."""
    return Check(name, "FAIL", detail)


def skip(name: str, detail: str) -> Check:
    """A check that does not apply."""
    return Check(name, "skip", detail)


def run_doctor(out: TextIO, *, env_file: str, db_path: Path | None, health: bool) -> int:
    """Print every check, one per line; 1 when any failed, else 0."""
    failed = False
    for check in checks(env_file=env_file, db_path=db_path, health=health):
        print(check.line(), file=out, flush=True)
        failed = failed or check.status == "FAIL"
    return 1 if failed else 0


def checks(*, env_file: str, db_path: Path | None, health: bool) -> Iterator[Check]:
    """The checks in order; later ones are skipped when the settings are unusable."""
    try:
        settings = load_settings(env_file, db_path=db_path)
    except SettingsError as error:
        yield fail("settings", "; ".join(error.problems))
        return
    if health:
        yield check_health(settings)
        return
    source = f"{env_file} and the environment" if Path(env_file).is_file() else f"the environment (no {env_file})"
    yield ok("settings", f"read from {source}: database {settings.db_path}, log level {settings.log_level}")
    yield from check_database(settings.db_path)
    yield check_token_form(settings)
    yield check_intents()
    if settings.has_token:
        yield from check_discord(settings)
    else:
        yield skip("discord", "no token, nothing to ask Discord")


def check_health(settings: Settings) -> Check:
    """Whether the bot using this database is connected (its status file is fresh and says so)."""
    from bot.health import health_path, read_health

    judged = read_health(health_path(settings.db_path))
    return (ok if judged.healthy else fail)("health", judged.detail)


def check_database(path: Path) -> Iterator[Check]:
    """Opens read-only; schema version; integrity; counts."""
    if not path.is_file():
        yield fail("database", f"no database at {path} (`factbot run` builds the sample one; "
                               "`factbot ingest` adds documents)")
        return
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            yield fail("database", f"{path} is not an SQLite file")
            return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as error:
        yield fail("database", f"{path} does not open: {error}")
        return
    try:
        yield ok("database", f"{path} opens ({path.stat().st_size / 1e6:.1f} MB)")
        yield from _database_checks(conn)
    except sqlite3.Error as error:
        yield fail("database", f"{path} cannot be read: {error}")
    finally:
        conn.close()


def _database_checks(conn: sqlite3.Connection) -> Iterator[Check]:
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    if "meta" not in tables or "facts" not in tables:
        yield fail("schema", "this SQLite file is not a factbot database (no meta or facts table)")
        return
    row = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > LATEST_VERSION:
        yield fail("schema", f"version {version} was made by a newer factbot (this one knows {LATEST_VERSION})")
        return
    if version < LATEST_VERSION:
        yield ok("schema", f"version {version}; factbot upgrades it to {LATEST_VERSION} when it next opens it")
    else:
        yield ok("schema", f"version {version} (current)")
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        yield fail("integrity", "; ".join(problems)[:300] + " (restore from a backup: `factbot backup` makes one)")
    else:
        yield ok("integrity", "SQLite integrity check passed")
    documents = conn.execute("select count(*) from documents").fetchone()[0]
    facts, active = conn.execute("select count(*), coalesce(sum(status = 'active'), 0) from facts").fetchone()
    detail = f"{documents} document{'' if documents == 1 else 's'}, {facts} facts ({active} active)"
    yield (ok if facts else fail)("contents", detail if facts else detail + ": nothing to answer from")


def check_token_form(settings: Settings) -> Check:
    """The token's shape (checked by the settings), and the bot user id it names; never its value."""
    if not settings.has_token:
        return skip("token", "DISCORD_TOKEN is not set (`factbot run` opens the offline console)")
    first = settings.discord_token.reveal().split(".", 1)[0]
    try:
        user_id = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        user_id = ""
    named = f", for bot user id {user_id}" if user_id.isdigit() else ""
    return ok("token", f"DISCORD_TOKEN is set and has a bot token's form{named} (the value is never shown)")


def check_intents() -> Check:
    """The gateway intents the bot asks for (it retries without Message Content when refused)."""
    from bot.client import make_intents

    asked = [INTENT_NAMES.get(name, name.upper()) for name, on in make_intents() if on]
    privileged = [name for name in asked if name in PRIVILEGED]
    return ok("intents", f"asks for {', '.join(asked)}; privileged: {', '.join(privileged) or 'none'} "
                         "(without Message Content only auto-answer channels stop)")


def _get(settings: Settings, route: str) -> Any:
    url = settings.discord_api_url.rstrip("/") + route
    try:
        version = metadata.version("factbot")
    except metadata.PackageNotFoundError:
        version = "0"
    request = urllib.request.Request(url, headers={
        "Authorization": f"Bot {settings.discord_token.reveal()}",
        "User-Agent": f"DiscordBot (factbot, {version})",
    })
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
        return json.loads(response.read().decode("utf-8"))


def check_discord(settings: Settings) -> Iterator[Check]:
    """Whether Discord accepts the token, and whether the application has Message Content enabled."""
    try:
        me = _get(settings, "/users/@me")
    except urllib.error.HTTPError as error:
        if error.code == 401:
            yield fail("discord", "Discord rejected the token: reset it on the Bot page of your application "
                                  "and update DISCORD_TOKEN")
        else:
            yield fail("discord", f"Discord answered HTTP {error.code} to GET /users/@me")
        return
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        yield fail("discord", f"could not reach Discord at {settings.discord_api_url} ({reason})")
        return
    yield ok("discord", f"Discord accepts the token: bot user {me.get('username', '?')} (id {me.get('id', '?')})")
    try:
        application = _get(settings, "/oauth2/applications/@me")
    except (urllib.error.URLError, OSError, ValueError) as error:
        yield fail("portal", f"could not read the application's settings ({getattr(error, 'reason', error)})")
        return
    if int(application.get("flags") or 0) & MESSAGE_CONTENT_FLAGS:
        yield ok("portal", "the Message Content intent is enabled for the application")
    else:
        yield ok("portal", "the Message Content intent is off for the application: the bot runs without it "
                           "(auto-answer channels stay silent); turn it on under Bot > Privileged Gateway Intents")
