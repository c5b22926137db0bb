"""Discord's official OpenAPI spec, loaded from ``$DISCORD_OPENAPI_SPEC``, as a request validator.

The spec cannot ship with the repository. When the variable is unset the stand-in runs without
schema validation (its own checks of Discord's documented limits still run) and the test summary
says so once; ``$FACTBOT_REQUIRE_SHARED`` (set by ``.ci/run``) turns that into an error.

The spec (OpenAPI 3.1, whose schemas are JSON Schema 2020-12) is registered with a
``referencing`` registry under :data:`SPEC_URI`, so every ``#/components/...`` ``$ref``
resolves inside it. Two deliberate loosenings, both matching what Discord accepts:
snowflakes may be JSON integers as well as digit strings, and permission bitfields
(``default_member_permissions``, ``permissions``, ``allow``, ``deny``) may be digit strings.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .violations import Violation, json_path

ENV_VAR = "DISCORD_OPENAPI_SPEC"
#: Set (``.ci/run`` does) to make a missing spec or ``../shared`` data a failure instead of a skip.
REQUIRE_VAR = "FACTBOT_REQUIRE_SHARED"
REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_URI = "urn:discord:openapi:v10"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
#: Bitfields Discord accepts as integers or digit strings (discord.py sends strings).
BITFIELD_KEYS = frozenset({"default_member_permissions", "permissions", "allow", "deny"})


class SpecError(RuntimeError):
    """The OpenAPI spec is unusable (a wrong path given, or missing where it is required)."""


def spec_required() -> bool:
    """True when ``$FACTBOT_REQUIRE_SHARED`` is set (``.ci/run`` sets it): a missing spec is an error."""
    return os.environ.get(REQUIRE_VAR, "").strip() not in ("", "0")


def spec_path_from_env() -> Path | None:
    """The spec file named by ``$DISCORD_OPENAPI_SPEC``, or None when the variable is unset.

    Raises :class:`SpecError` when the variable names no readable file (a wrong path given
    explicitly always fails loudly), and when it is unset but :func:`spec_required`.
    """
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        if spec_required():
            raise SpecError(
                f"{ENV_VAR} is not set, and {REQUIRE_VAR} asks for schema validation against Discord's "
                f"OpenAPI spec. Set {ENV_VAR} to a copy of Discord's openapi.json."
            )
        return None
    path = Path(value)
    candidates = [path] if path.is_absolute() else [path, REPO_ROOT / path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SpecError(
        f"{ENV_VAR}={value!r} does not name a readable file (relative paths are tried against the "
        "working directory and the repository root). Point it at Discord's openapi.json."
    )


def spec_from_env() -> SpecValidator | None:
    """The validator for ``$DISCORD_OPENAPI_SPEC`` (loaded once per path), or None when it is unset."""
    path = spec_path_from_env()
    return None if path is None else _cached_validator(str(path.resolve()))


@dataclass(frozen=True)
class _Template:
    template: str
    regex: re.Pattern[str]
    literals: int


class RouteTable:
    """Matches concrete paths (``/channels/1/messages``) to templates; literal segments win."""

    def __init__(self, templates: Iterable[str]) -> None:
        compiled = []
        for template in templates:
            parts = template.strip("/").split("/")
            pattern = "/".join(
                f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts
            )
            literals = sum(1 for p in parts if not p.startswith("{"))
            compiled.append(_Template(template, re.compile(f"^/{pattern}/?$"), literals))
        self._templates = sorted(compiled, key=lambda t: -t.literals)

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """``(template, params)`` for ``path``, or None."""
        for entry in self._templates:
            found = entry.regex.match(path)
            if found:
                return entry.template, found.groupdict()
        return None


def _loosen_snowflakes(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("format") == "snowflake":
            return {"anyOf": [dict(node), {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]}
        return {key: _loosen_snowflakes(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_loosen_snowflakes(value) for value in node]
    return node


def normalise_bitfields(body: Any) -> Any:
    """Copy of ``body`` with digit-string bitfields (see :data:`BITFIELD_KEYS`) as integers."""
    if isinstance(body, dict):
        out = {}
        for key, value in body.items():
            if key in BITFIELD_KEYS and isinstance(value, str) and value.isdigit():
                out[key] = int(value)
            else:
                out[key] = normalise_bitfields(value)
        return out
    if isinstance(body, list):
        return [normalise_bitfields(value) for value in body]
    return body


def _pointer(*parts: str) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class SpecValidator:
    """Validates request (and, for self-checks, response) bodies against the spec."""

    def __init__(self, spec: dict[str, Any], *, source: str = "<memory>") -> None:
        if not isinstance(spec, dict) or "paths" not in spec or "components" not in spec:
            raise SpecError(f"{source} does not look like Discord's OpenAPI spec (no paths/components)")
        self.source = source
        self.version = str(spec.get("info", {}).get("version", "?"))
        self._spec = _loosen_snowflakes(copy.deepcopy(spec))
        resource = Resource.from_contents(self._spec, default_specification=DRAFT202012)
        self._registry: Registry = Registry().with_resource(SPEC_URI, resource)
        self.routes = RouteTable(self._spec["paths"].keys())
        self._validators: dict[str, Draft202012Validator] = {}

    @classmethod
    def from_file(cls, path: str | Path) -> SpecValidator:
        """Load the spec from a JSON file."""
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise SpecError(f"cannot read Discord OpenAPI spec from {path}: {exc}") from exc
        return cls(data, source=str(path))

    @classmethod
    def from_env(cls) -> SpecValidator:
        """Load (once per process and path) the spec named by ``$DISCORD_OPENAPI_SPEC``; it must be set."""
        validator = spec_from_env()
        if validator is None:
            raise SpecError(f"{ENV_VAR} is not set: set it to a copy of Discord's openapi.json")
        return validator

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """``(template, operation)`` of the spec for a concrete request, or None."""
        found = self.routes.match(path)
        if found is None:
            return None
        template, _ = found
        op = self._spec["paths"][template].get(method.lower())
        return (template, op) if op is not None else None

    def _validator(self, pointer: str) -> Draft202012Validator:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self._registry)
            self._validators[pointer] = validator
        return validator

    def validate_request(self, method: str, path: str, body: Any, *, has_body: bool) -> list[Violation]:
        """Violations of the request body schema for ``method path`` (empty when valid).

        ``body`` is the parsed JSON body, or the ``payload_json`` part of a multipart body.
        Requests to paths or methods the spec does not know are reported as violations.
        """
        found = self.operation(method, path)
        if found is None:
            return [Violation("schema", method, path, "", "no such operation in Discord's OpenAPI spec")]
        template, op = found
        request_body = op.get("requestBody")
        if request_body is None:
            if has_body and body not in (None, {}, []):
                return [Violation("schema", method, path, "", f"{template} takes no request body")]
            return []
        if not has_body:
            if request_body.get("required") and method.upper() in ("POST", "PUT", "PATCH"):
                return [Violation("schema", method, path, "", "request body is required")]
            return []
        content = request_body.get("content", {})
        media = "application/json" if "application/json" in content else next(iter(content), None)
        if media is None:
            return []
        pointer = _pointer("paths", template, method.lower(), "requestBody", "content", media, "schema")
        validator = self._validator(pointer)
        violations = []
        for error in validator.iter_errors(normalise_bitfields(body)):
            for leaf in _leaf_errors(error):
                where = json_path(leaf.absolute_path)
                violations.append(Violation("schema", method, path, where, describe(leaf), "SCHEMA"))
        return violations

    def validate_response(self, method: str, template: str, status: int, body: Any) -> list[str]:
        """Messages for where ``body`` departs from the documented response (self-checks only)."""
        op = self._spec["paths"][template][method.lower()]
        response = op.get("responses", {}).get(str(status))
        if response is None:
            return [f"status {status} is not documented for {method} {template}"]
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            response = self._spec["components"]["responses"][name]
        if "content" not in response:
            return []
        pointer = _pointer("paths", template, method.lower(), "responses", str(status))
        pointer += _pointer("content", "application/json", "schema")
        if "$ref" in op["responses"][str(status)]:
            pointer = _pointer("components", "responses", name, "content", "application/json", "schema")
        return [
            f"{json_path(leaf.absolute_path)}: {describe(leaf)}"
            for error in self._validator(pointer).iter_errors(body)
            for leaf in _leaf_errors(error)
        ]


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(error: ValidationError) -> str:
    """A one-line message for a schema error that never dumps a huge instance."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword in ("maxLength", "minLength"):
        return f"string of length {len(instance)} breaks {keyword} {expected}"
    if keyword in ("maxItems", "minItems"):
        return f"array of {len(instance)} items breaks {keyword} {expected}"
    if keyword in ("maximum", "minimum"):
        return f"{_short(instance)} breaks {keyword} {expected}"
    if keyword == "type":
        return f"{_short(instance)} is not of type {expected}"
    if keyword == "enum":
        return f"{_short(instance)} is not one of {_short(expected, 120)}"
    if keyword == "pattern":
        return f"{_short(instance)} does not match {expected}"
    if keyword == "oneOf" and not error.context:
        return f"{_short(instance)} matches more than one of the {len(expected)} allowed shapes"
    if keyword in ("anyOf", "oneOf"):
        return f"{_short(instance)} matches none of the {len(expected)} allowed shapes"
    if keyword in ("required", "additionalProperties", "uniqueItems", "const"):
        return error.message[:300]
    return f"{keyword} {_short(expected)} failed for {_short(instance)}"


def _discriminator_failed(errors: list[ValidationError]) -> bool:
    for error in errors:
        path = list(error.relative_path)
        if path == ["type"] and error.validator in ("enum", "const", "type"):
            return True
        if not path and error.validator in ("type", "const", "enum"):
            return True
    return False


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """Descend through anyOf/oneOf into the branch whose discriminator matched (or came closest)."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    candidates = [errs for errs in branches.values() if not _discriminator_failed(errs)]
    if len(candidates) > 1:  # no discriminator decided: the branch that came closest, if unique
        fewest = min(len(errs) for errs in candidates)
        candidates = [errs for errs in candidates if len(errs) == fewest]
    if len(candidates) != 1:
        return [error]
    leaves: list[ValidationError] = []
    for sub in candidates[0]:
        leaves.extend(_leaf_errors(sub))
    return leaves


@functools.lru_cache(maxsize=4)
def _cached_validator(resolved_path: str) -> SpecValidator:
    return SpecValidator.from_file(resolved_path)
