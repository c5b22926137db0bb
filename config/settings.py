"""Load factbot's settings from `.env` and the environment (the environment wins).

Every key is validated at once; :class:`SettingsError` lists every problem, so a
person fixes their configuration in one pass. The Discord token is wrapped in
:class:`Secret`, whose ``repr`` and ``str`` never show it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

DEFAULT_DB_PATH = "factbot.db"
DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A bot token is three dot-separated base64url parts; this only catches obvious mistakes.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}$")


class SettingsError(ValueError):
    """One or more settings are invalid; ``problems`` lists each as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))


class Secret:
    """A string that never shows itself in logs, tracebacks or ``repr``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself: only for handing it to the library that needs it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Every factbot setting, typed. Build it with :func:`load_settings`."""

    discord_token: Secret = field(default_factory=lambda: Secret(""))
    db_path: Path = Path(DEFAULT_DB_PATH)
    owner_ids: frozenset[int] = frozenset()
    moderator_role_ids: frozenset[int] = frozenset()
    answer_channel_ids: frozenset[int] = frozenset()
    log_channel_id: int | None = None
    min_confidence: float | None = None
    """None: the answer engine's own default (the threshold its confidence model was fitted with)."""
    auto_confidence: float = 0.75
    dev_guild_id: int | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    log_level: str = "INFO"
    discord_api_url: str = DEFAULT_API_URL
    discord_gateway_url: str = DEFAULT_GATEWAY_URL
    ask_cooldown_seconds: float = 3.0
    channel_cooldown_seconds: float = 10.0
    answer_record_days: float = 30.0
    """How long the bot remembers where its public answers are (for corrections), in days."""
    correction_spacing_seconds: float = 1.0
    """Pause between two edits of earlier answers after a moderator's change (rate limits)."""

    @property
    def has_token(self) -> bool:
        """True when a Discord token is configured."""
        return bool(self.discord_token)


def _int_id(value: str) -> int:
    number = int(value.strip())
    if number <= 0:
        raise ValueError("must be a positive Discord id")
    return number


def _id_set(value: str) -> frozenset[int]:
    return frozenset(_int_id(part) for part in value.split(",") if part.strip())


def _unit_float(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError("must be a number from 0 to 1")
    return number


def _non_negative_float(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError("must be zero or more")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError("must be a number above 0")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a whole number above 0")
    return number


def _shard_ids(value: str) -> tuple[int, ...]:
    ids = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    if any(i < 0 for i in ids):
        raise ValueError("shard ids must be 0 or more")
    return ids


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return level


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip().rstrip("/") if schemes[0].startswith("http") else value.strip()
        if not value.startswith(tuple(f"{s}://" for s in schemes)):
            raise ValueError(f"must start with {' or '.join(s + '://' for s in schemes)}")
        return value

    return parse


def _token(value: str) -> Secret:
    value = value.strip()
    if value.lower().startswith("bot "):
        value = value[4:].strip()
    if value and not _TOKEN_SHAPE.match(value):
        raise ValueError("does not look like a bot token (copy it from the Bot page of your application)")
    return Secret(value)


def _path(value: str) -> Path:
    if not value.strip():
        raise ValueError("must not be empty")
    return Path(value.strip()).expanduser()


# environment variable -> (Settings field, parser)
_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "DISCORD_TOKEN": ("discord_token", _token),
    "FACTBOT_DB": ("db_path", _path),
    "FACTBOT_OWNER_IDS": ("owner_ids", _id_set),
    "FACTBOT_MODERATOR_ROLE_IDS": ("moderator_role_ids", _id_set),
    "FACTBOT_ANSWER_CHANNEL_IDS": ("answer_channel_ids", _id_set),
    "FACTBOT_LOG_CHANNEL_ID": ("log_channel_id", _int_id),
    "FACTBOT_MIN_CONFIDENCE": ("min_confidence", _unit_float),
    "FACTBOT_AUTO_CONFIDENCE": ("auto_confidence", _unit_float),
    "FACTBOT_DEV_GUILD_ID": ("dev_guild_id", _int_id),
    "FACTBOT_SHARD_COUNT": ("shard_count", _positive_int),
    "FACTBOT_SHARD_IDS": ("shard_ids", _shard_ids),
    "FACTBOT_LOG_LEVEL": ("log_level", _log_level),
    "FACTBOT_DISCORD_API_URL": ("discord_api_url", _url(("http", "https"))),
    "FACTBOT_DISCORD_GATEWAY_URL": ("discord_gateway_url", _url(("ws", "wss"))),
    "FACTBOT_ASK_COOLDOWN": ("ask_cooldown_seconds", _non_negative_float),
    "FACTBOT_CHANNEL_COOLDOWN": ("channel_cooldown_seconds", _non_negative_float),
    "FACTBOT_ANSWER_RECORD_DAYS": ("answer_record_days", _positive_float),
    "FACTBOT_CORRECTION_SPACING": ("correction_spacing_seconds", _non_negative_float),
}

SETTING_NAMES: tuple[str, ...] = tuple(_FIELDS)


def load_settings(
    env_file: str | os.PathLike[str] | None = ".env",
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read `.env` (when present) and the environment into :class:`Settings`.

    The environment wins over the file; ``overrides`` (already typed, e.g. a CLI
    ``--db``) win over both. Raises :class:`SettingsError` listing every problem.
    """
    raw: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        raw.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    source = os.environ if environ is None else environ
    raw.update({k: v for k, v in source.items() if k in _FIELDS})

    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, (attr, parse) in _FIELDS.items():
        text = raw.get(name)
        if text is None or text.strip() == "":
            continue
        try:
            values[attr] = parse(text)
        except ValueError as exc:
            shown = "(hidden)" if name == "DISCORD_TOKEN" else repr(text)
            reason = str(exc) if "invalid literal" not in str(exc) and "could not convert" not in str(exc) else (
                "must be a number" if "float" in str(exc) else "must be a whole number"
            )
            problems.append(f"{name}={shown}: {reason}")
    values.update({k: v for k, v in overrides.items() if v is not None})

    min_conf = values.get("min_confidence", Settings.min_confidence)
    auto_conf = values.get("auto_confidence", Settings.auto_confidence)
    if min_conf is not None and auto_conf < min_conf:
        problems.append(
            f"FACTBOT_AUTO_CONFIDENCE ({auto_conf}) must be at least FACTBOT_MIN_CONFIDENCE ({min_conf}): "
            "unprompted answers need more certainty than asked ones"
        )
    shard_ids = values.get("shard_ids")
    shard_count = values.get("shard_count")
    if shard_ids is not None and shard_count is None:
        problems.append("FACTBOT_SHARD_IDS needs FACTBOT_SHARD_COUNT as well")
    elif shard_ids is not None and shard_count is not None and max(shard_ids) >= shard_count:
        problems.append(f"FACTBOT_SHARD_IDS must all be below FACTBOT_SHARD_COUNT ({shard_count})")
    if problems:
        raise SettingsError(problems)
    return Settings(**values)
