"""JSON responses exactly as discord.py expects them (``Content-Type: application/json``, no charset)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web


def json_response(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type carries no charset (discord.py compares it exactly)."""
    response = web.Response(
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        status=status,
        headers=dict(headers or {}),
    )
    response.headers["Content-Type"] = "application/json"
    return response


def error_response(status: int, code: int, message: str, **extra: Any) -> web.Response:
    """A Discord-style error (``{"message", "code"}`` plus ``extra`` keys)."""
    return json_response({"message": message, "code": code, **extra}, status=status)
