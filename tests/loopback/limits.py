"""Documented Discord limits that the OpenAPI schemas leave loose (or do not state).

Each ``check_*`` returns a list of :class:`Violation` (kind ``"limit"``); ``check_request``
picks the checks that apply to a request from its spec route template.
"""

from __future__ import annotations

import re
from typing import Any

from .violations import Violation

MESSAGE_CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
COMMAND_TOTAL_CHARS_MAX = 4000
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
ACTION_ROWS_MAX = 5
ROW_COMPONENTS_MAX = 5
MODAL_TITLE_MAX = 45
IS_COMPONENTS_V2 = 1 << 15
SUBCOMMAND, SUBCOMMAND_GROUP, STRING = 1, 2, 3

MESSAGE_CREATE_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
}
MESSAGE_EDIT_ROUTES = {
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
}
COMMAND_LIST_ROUTES = {
    ("PUT", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
}
COMMAND_ONE_ROUTES = {
    ("POST", "/applications/{application_id}/commands"),
    ("POST", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("PATCH", "/applications/{application_id}/commands/{command_id}"),
    ("PATCH", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}"),
}
CALLBACK_ROUTE = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")


class _Collector:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path
        self.found: list[Violation] = []

    def add(self, where: str, message: str, code: str = "LIMIT") -> None:
        self.found.append(Violation("limit", self.method, self.path, where, message, code))


def _join(prefix: str, *parts: object) -> str:
    return ".".join(str(p) for p in (prefix, *parts) if p != "")


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _check_max(out: _Collector, where: str, value: Any, limit: int, what: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        out.add(
            where,
            f"{what} is {len(value)} characters; Discord allows at most {limit}",
            "BASE_TYPE_MAX_LENGTH",
        )


def _check_embeds(out: _Collector, prefix: str, embeds: Any) -> None:
    if not isinstance(embeds, list):
        return
    if len(embeds) > EMBEDS_MAX:
        out.add(_join(prefix, "embeds"), f"{len(embeds)} embeds; at most {EMBEDS_MAX} per message")
    total = 0
    for index, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        where = _join(prefix, "embeds", index)
        _check_max(out, _join(where, "title"), embed.get("title"), EMBED_TITLE_MAX, "embed title")
        _check_max(
            out,
            _join(where, "description"),
            embed.get("description"),
            EMBED_DESCRIPTION_MAX,
            "embed description",
        )
        total += _text_len(embed.get("title")) + _text_len(embed.get("description"))
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        _check_max(out, _join(where, "footer", "text"), footer.get("text"), EMBED_FOOTER_MAX, "embed footer text")
        _check_max(
            out,
            _join(where, "author", "name"),
            author.get("name"),
            EMBED_AUTHOR_NAME_MAX,
            "embed author name",
        )
        total += _text_len(footer.get("text")) + _text_len(author.get("name"))
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            out.add(_join(where, "fields"), f"{len(fields)} embed fields; at most {EMBED_FIELDS_MAX}")
        for number, item in enumerate(fields):
            if not isinstance(item, dict):
                continue
            spot = _join(where, "fields", number)
            name, value = item.get("name"), item.get("value")
            _check_max(out, _join(spot, "name"), name, EMBED_FIELD_NAME_MAX, "embed field name")
            _check_max(out, _join(spot, "value"), value, EMBED_FIELD_VALUE_MAX, "embed field value")
            for key, text in (("name", name), ("value", value)):
                if isinstance(text, str) and not text.strip():
                    out.add(_join(spot, key), f"embed field {key} must not be empty", "BASE_TYPE_REQUIRED")
            total += _text_len(name) + _text_len(value)
    if total > EMBED_TOTAL_MAX:
        out.add(
            _join(prefix, "embeds"),
            f"embeds hold {total} characters in total; Discord allows at most {EMBED_TOTAL_MAX}",
            "MAX_EMBED_SIZE_EXCEEDED",
        )


def _check_components(out: _Collector, prefix: str, components: Any, flags: int) -> None:
    if not isinstance(components, list):
        return
    if not flags & IS_COMPONENTS_V2 and len(components) > ACTION_ROWS_MAX:
        out.add(_join(prefix, "components"), f"{len(components)} action rows; at most {ACTION_ROWS_MAX}")

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, _join(where, index))
            return
        if not isinstance(node, dict):
            return
        _check_max(out, _join(where, "custom_id"), node.get("custom_id"), CUSTOM_ID_MAX, "custom_id")
        if node.get("type") == 2:
            _check_max(out, _join(where, "label"), node.get("label"), BUTTON_LABEL_MAX, "button label")
        if node.get("type") == 1 and len(node.get("components") or []) > ROW_COMPONENTS_MAX:
            out.add(_join(where, "components"), f"more than {ROW_COMPONENTS_MAX} components in an action row")
        for key in ("components", "accessory", "component"):
            if key in node:
                walk(node[key], _join(where, key))

    walk(components, _join(prefix, "components"))


def check_message(out: _Collector, body: Any, *, prefix: str = "", create: bool, has_files: bool = False) -> None:
    """Content, embed and component limits of a message body; ``create`` adds the empty-message rule."""
    if not isinstance(body, dict):
        if create and not has_files:
            out.add(prefix, "Cannot send an empty message", "50006")
        return
    _check_max(out, _join(prefix, "content"), body.get("content"), MESSAGE_CONTENT_MAX, "message content")
    _check_embeds(out, prefix, body.get("embeds"))
    _check_components(out, prefix, body.get("components"), int(body.get("flags") or 0))
    if create and not has_files:
        substantive = ("content", "embeds", "attachments", "components", "sticker_ids", "poll")
        if not any(body.get(key) for key in substantive):
            out.add(prefix, "Cannot send an empty message", "50006")


def _check_choices(out: _Collector, where: str, choices: Any, *, string_values: bool) -> None:
    if not isinstance(choices, list):
        return
    if len(choices) > COMMAND_CHOICES_MAX:
        out.add(where, f"{len(choices)} choices; at most {COMMAND_CHOICES_MAX}")
    for index, choice in enumerate(choices):
        if not isinstance(choice, dict):
            continue
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_MAX:
            out.add(_join(where, index, "name"), f"choice name must be 1-{CHOICE_NAME_MAX} characters")
        value = choice.get("value")
        if string_values and isinstance(value, str) and len(value) > CHOICE_STRING_VALUE_MAX:
            out.add(_join(where, index, "value"), f"string choice value longer than {CHOICE_STRING_VALUE_MAX}")


def _check_name(out: _Collector, where: str, name: Any, what: str) -> None:
    if not isinstance(name, str) or not COMMAND_NAME_RE.match(name) or name != name.lower():
        out.add(
            where,
            f"{what} {name!r} must be 1-32 lowercase characters matching ^[-_\\w]{{1,32}}$",
            "APPLICATION_COMMAND_INVALID_NAME",
        )


def _check_description(out: _Collector, where: str, description: Any, what: str) -> None:
    if not isinstance(description, str) or not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
        size = len(description) if isinstance(description, str) else description
        out.add(where, f"{what} description must be 1-{COMMAND_DESCRIPTION_MAX} characters (got {size})")


def _option_chars(option: dict[str, Any]) -> int:
    total = _text_len(option.get("name")) + _text_len(option.get("description"))
    for choice in option.get("choices") or []:
        if isinstance(choice, dict):
            total += _text_len(choice.get("name")) + len(str(choice.get("value", "")))
    for sub in option.get("options") or []:
        if isinstance(sub, dict):
            total += _option_chars(sub)
    return total


def _check_options(out: _Collector, where: str, options: Any, parent_type: int | None) -> None:
    if not isinstance(options, list):
        return
    if len(options) > COMMAND_OPTIONS_MAX:
        out.add(where, f"{len(options)} options; at most {COMMAND_OPTIONS_MAX}")
    seen: set[str] = set()
    kinds = {opt.get("type") for opt in options if isinstance(opt, dict)}
    if kinds & {SUBCOMMAND, SUBCOMMAND_GROUP} and kinds - {SUBCOMMAND, SUBCOMMAND_GROUP}:
        out.add(where, "subcommands and groups cannot be mixed with other option types")
    optional_seen = False
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        spot = _join(where, index)
        kind = option.get("type")
        name = option.get("name")
        _check_name(out, _join(spot, "name"), name, "option name")
        _check_description(out, _join(spot, "description"), option.get("description"), "option")
        if name in seen:
            out.add(_join(spot, "name"), f"duplicate option name {name!r}")
        seen.add(name)
        if parent_type == SUBCOMMAND_GROUP and kind != SUBCOMMAND:
            out.add(_join(spot, "type"), "a subcommand group may only contain subcommands")
        if parent_type == SUBCOMMAND and kind in (SUBCOMMAND, SUBCOMMAND_GROUP):
            out.add(_join(spot, "type"), "a subcommand cannot contain subcommands or groups")
        if kind in (SUBCOMMAND, SUBCOMMAND_GROUP):
            _check_options(out, _join(spot, "options"), option.get("options"), kind)
            continue
        if option.get("required"):
            if optional_seen:
                out.add(_join(spot, "required"), "required options must be listed before optional ones")
        else:
            optional_seen = True
        if option.get("choices") and option.get("autocomplete"):
            out.add(_join(spot, "autocomplete"), "an option cannot have both choices and autocomplete")
        _check_choices(out, _join(spot, "choices"), option.get("choices"), string_values=kind == STRING)


def check_command(out: _Collector, command: Any, where: str = "", *, partial: bool = False) -> None:
    """Name/description/option limits of one application command payload."""
    if not isinstance(command, dict):
        return
    kind = command.get("type") or 1
    name = command.get("name")
    if kind == 1:
        if not (partial and name is None):
            _check_name(out, _join(where, "name"), name, "command name")
        if not (partial and "description" not in command):
            _check_description(out, _join(where, "description"), command.get("description"), "command")
        _check_options(out, _join(where, "options"), command.get("options"), None)
        total = _option_chars(command)
        if total > COMMAND_TOTAL_CHARS_MAX:
            out.add(where, f"command has {total} characters in total; at most {COMMAND_TOTAL_CHARS_MAX}")
    else:
        if not (partial and name is None) and (not isinstance(name, str) or not 1 <= len(name) <= 32):
            out.add(_join(where, "name"), "context menu command name must be 1-32 characters")
        if command.get("description"):
            out.add(_join(where, "description"), "context menu commands must not have a description")
        if command.get("options"):
            out.add(_join(where, "options"), "context menu commands cannot have options")


def check_command_list(out: _Collector, commands: Any) -> None:
    """Every command of a bulk overwrite, plus duplicate names per command type."""
    if not isinstance(commands, list):
        return
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        check_command(out, command, str(index))
        if isinstance(command, dict):
            key = (command.get("type") or 1, command.get("name"))
            if key in seen:
                out.add(_join(str(index), "name"), f"duplicate command name {key[1]!r}")
            seen.add(key)


def check_callback(out: _Collector, body: Any, *, has_files: bool) -> None:
    """Interaction callback: message (4, 7), autocomplete (8) and modal (9) limits."""
    if not isinstance(body, dict):
        return
    kind, data = body.get("type"), body.get("data")
    if kind == 4:
        check_message(out, data, prefix="data", create=True, has_files=has_files)
    elif kind == 7:
        check_message(out, data, prefix="data", create=False, has_files=has_files)
    elif kind == 8:
        choices = (data or {}).get("choices")
        _check_choices(out, "data.choices", choices, string_values=True)
    elif kind == 9 and isinstance(data, dict):
        title = data.get("title")
        if not isinstance(title, str) or not 1 <= len(title) <= MODAL_TITLE_MAX:
            out.add("data.title", f"modal title must be 1-{MODAL_TITLE_MAX} characters")
        _check_max(out, "data.custom_id", data.get("custom_id"), CUSTOM_ID_MAX, "custom_id")
        components = data.get("components") or []
        if not 1 <= len(components) <= 5:
            out.add("data.components", "a modal needs 1-5 top-level components")


def check_request(method: str, path: str, template: str | None, body: Any, *, has_files: bool) -> list[Violation]:
    """All documented-limit violations for one request (``template`` is the spec route)."""
    out = _Collector(method, path)
    key = (method.upper(), template)
    if key in MESSAGE_CREATE_ROUTES:
        check_message(out, body, create=True, has_files=has_files)
    elif key in MESSAGE_EDIT_ROUTES:
        check_message(out, body, create=False, has_files=has_files)
    elif key in COMMAND_LIST_ROUTES:
        check_command_list(out, body)
    elif key in COMMAND_ONE_ROUTES:
        check_command(out, body, partial=method.upper() == "PATCH")
    elif key == CALLBACK_ROUTE:
        check_callback(out, body, has_files=has_files)
    return out.found
