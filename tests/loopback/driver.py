"""Driving the bot as Discord's users would: slash commands, autocomplete, components, modals, messages.

``EventDriver`` is mixed into ``DiscordStandIn``; every helper builds the payload the
real client would send, refuses (``InteractionRefused``) what the client would not let
the user do, dispatches it on the right gateway session and returns a handle to await
the bot's answer on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .events import emit_message, session_for_place
from .gateway import Gateway, Session
from .interactions import (
    InteractionHandle,
    InteractionRefused,
    OptionEncoder,
    check_visibility,
    interaction_payload,
    leaf_definitions,
    nest_options,
)
from .options import StandInOptions
from .payloads import member_payload, user_payload
from .permissions import Permission
from .recorder import RecordedRequest, Recorder
from .scenario import Channel, Role, Scenario, User
from .state import InteractionState, Place, Upload, World, dm_place

UserRef = str | int | User
ChannelRef = str | int | Channel
MessageRef = int | str | Mapping[str, Any]
CHANNEL_MESSAGE_ROUTE = "/channels/{channel_id}/messages"


async def wait_for_channel_message(
    recorder: Recorder,
    channel_id: int | None,
    predicate: Callable[[dict[str, Any]], bool] | None = None,
    *,
    timeout: float = 5.0,
    since: int = 0,
) -> dict[str, Any]:
    """The message of the first successful POST /channels/{id}/messages (index >= ``since``)."""

    def match(request: RecordedRequest) -> bool:
        return (
            request.ok
            and request.method == "POST"
            and request.route == CHANNEL_MESSAGE_ROUTE
            and (channel_id is None or request.params["channel_id"] == str(channel_id))
            and (predicate is None or predicate(request.response))
        )

    return (await recorder.wait_for(match, timeout=timeout, since=since)).response


@dataclass
class MessageHandle:
    """A message a test user sent (the MESSAGE_CREATE payload as stored) and the bot's reply to it."""

    message: dict[str, Any]
    delivered: bool
    since: int
    recorder: Recorder

    @property
    def id(self) -> int:
        """The message id."""
        return int(self.message["id"])

    @property
    def channel_id(self) -> int:
        """The channel (or DM channel) id."""
        return int(self.message["channel_id"])

    async def reply(self, timeout: float = 5.0) -> dict[str, Any]:
        """The first message the bot posted in the same channel after this one."""
        return await wait_for_channel_message(self.recorder, self.channel_id, timeout=timeout, since=self.since)


class EventDriver:
    """The event helpers of ``DiscordStandIn`` (see there for the attributes they use)."""

    world: World
    scenario: Scenario
    recorder: Recorder
    gateway: Gateway
    options: StandInOptions

    # -- resolving test references ------------------------------------------------------------
    def _channel_id(self, channel: ChannelRef) -> int:
        if isinstance(channel, int) and self.world.is_dm_channel(channel):
            return channel
        return self.scenario.channel(channel).id

    def _place(self, user: User, channel: ChannelRef | None) -> Place:
        if channel is None:
            return dm_place(self.world, user)
        target = self.scenario.channel(channel)
        guild = self.scenario.find_guild(target.guild_id or 0)
        assert guild is not None
        if not guild.has_member(user.id):
            raise InteractionRefused(f"{user.key} is not a member of guild {guild.key!r}")
        return Place(target.id, guild, target)

    def _command_place(self, user: User, channel: ChannelRef | None) -> Place:
        place = self._place(user, channel)
        if place.channel is not None:
            perms = place.permissions(user.id)
            needed = Permission.VIEW_CHANNEL | Permission.USE_APPLICATION_COMMANDS
            if perms & needed != needed and not perms & Permission.ADMINISTRATOR:
                name = place.channel.name
                raise InteractionRefused(f"{user.key} cannot use application commands in #{name}")
        return place

    async def _session(self, place: Place) -> Session:
        def ready() -> Session | None:
            return session_for_place(self.gateway, place)

        try:
            return await self.recorder.wait_until(ready, timeout=self.options.connect_timeout, what="a bot session")
        except TimeoutError:
            raise RuntimeError(
                "no bot gateway session receives events for this place; start the bot first "
                "(DiscordStandIn.run_bot) and check its shard range"
            ) from None

    # -- interactions -----------------------------------------------------------------------
    async def _interact(
        self,
        kind: int,
        place: Place,
        user: User,
        data: dict[str, Any] | None,
        *,
        locale: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> InteractionHandle:
        session = await self._session(place)
        interaction_id = self.world.ids.next()
        token = f"loopback.{interaction_id}.{secrets.token_urlsafe(48)}"
        payload = interaction_payload(
            self.world,
            kind=kind,
            interaction_id=interaction_id,
            token=token,
            place=place,
            user=user,
            data=data,
            locale=locale,
            message=message,
        )
        state = InteractionState(interaction_id, token, kind, payload, place, user)
        if message is not None:
            state.source_message_id = int(message["id"])
        self.world.interactions[token] = state
        handle = InteractionHandle(state, self.world, self.recorder, self.recorder.mark())
        await self.gateway.dispatch(session, "INTERACTION_CREATE", payload)
        return handle

    def _command(
        self, name: str, place: Place, user: User, *, kind: int, require_synced: bool
    ) -> dict[str, Any] | None:
        command = self.world.find_command(name, place.guild.id if place.guild else None, kind)
        if command is None:
            if require_synced:
                synced = sorted(c["name"] for c in self.world.global_commands)
                raise InteractionRefused(
                    f"command {name!r} (type {kind}) is not synced for this place; global commands: {synced}"
                )
            return None
        check_visibility(command, place, user)
        return command

    async def slash_command(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef,
        channel: ChannelRef | None = None,
        locale: str | None = None,
        require_synced: bool = True,
    ) -> InteractionHandle:
        """Invoke ``/command`` (``"factmod edit"`` for subcommands) as ``user`` in ``channel``.

        ``channel=None`` means the bot's DM with ``user``. Option values: str, int, float,
        bool, or for references a :class:`User`/key, :class:`Channel`/``"a/general"``,
        :class:`Role`/role name, and :class:`Upload` for attachment options. Raises
        :class:`InteractionRefused` when Discord's client would refuse (command not
        synced, hidden by ``default_member_permissions``/contexts, bad options).
        """
        invoker = self.scenario.user(user)
        name, *path = command.split()
        place = self._command_place(invoker, channel)
        definition = self._command(name, place, invoker, kind=1, require_synced=require_synced)
        encoder = OptionEncoder(self.world, place, invoker)
        leaf_defs = leaf_definitions(definition, path) if definition else None
        leaf = encoder.encode(leaf_defs, dict(options or {}))
        data = self._command_data(definition, name, 1)
        nested = nest_options(path, leaf)
        if nested:
            data["options"] = nested
        if encoder.resolved:
            data["resolved"] = encoder.resolved
        return await self._interact(2, place, invoker, data, locale=locale)

    def _command_data(self, definition: dict[str, Any] | None, name: str, kind: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": definition["id"] if definition else str(self.world.ids.next()),
            "name": name,
            "type": kind,
        }
        if definition and definition.get("guild_id"):
            data["guild_id"] = definition["guild_id"]
        return data

    async def autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: UserRef,
        channel: ChannelRef | None = None,
        locale: str | None = None,
    ) -> InteractionHandle:
        """Send an APPLICATION_COMMAND_AUTOCOMPLETE (type 4) while ``user`` types ``options[focused]``."""
        invoker = self.scenario.user(user)
        name, *path = command.split()
        place = self._command_place(invoker, channel)
        definition = self._command(name, place, invoker, kind=1, require_synced=True)
        assert definition is not None
        leaf_defs = leaf_definitions(definition, path)
        target = next((d for d in leaf_defs if d["name"] == focused), None)
        if target is None or not target.get("autocomplete"):
            raise InteractionRefused(f"option {focused!r} of /{command} does not use autocomplete")
        encoder = OptionEncoder(self.world, place, invoker)
        leaf = encoder.encode(leaf_defs, dict(options), focused=focused)
        data = self._command_data(definition, name, 1)
        data["options"] = nest_options(path, leaf)
        if encoder.resolved:
            data["resolved"] = encoder.resolved
        return await self._interact(4, place, invoker, data, locale=locale)

    async def context_menu(
        self,
        name: str,
        target: UserRef | MessageRef,
        *,
        user: UserRef,
        channel: ChannelRef | None = None,
        locale: str | None = None,
    ) -> InteractionHandle:
        """Invoke a user (target is a user) or message (target is a stored message) command."""
        invoker = self.scenario.user(user)
        place = self._command_place(invoker, channel)
        if isinstance(target, Mapping) or (isinstance(target, int) and target in self.world.messages):
            message = self._message(target)
            definition = self._command(name, place, invoker, kind=3, require_synced=True)
            data = self._command_data(definition, name, 3)
            data.update(target_id=message["id"], resolved={"messages": {message["id"]: message}})
        else:
            definition = self._command(name, place, invoker, kind=2, require_synced=True)
            data = self._command_data(definition, name, 2)
            encoder = OptionEncoder(self.world, place, invoker)
            data.update(target_id=encoder.encode_value(6, target, None), resolved=encoder.resolved)
        return await self._interact(2, place, invoker, data, locale=locale)

    def _message(self, ref: MessageRef) -> dict[str, Any]:
        message_id = int(ref["id"]) if isinstance(ref, Mapping) else int(ref)
        message = self.world.messages.get(message_id)
        if message is None:
            raise InteractionRefused(f"message {message_id} is not known to the stand-in")
        return message

    async def click_button(
        self, message: MessageRef, custom_id: str, *, user: UserRef, locale: str | None = None
    ) -> InteractionHandle:
        """Click the button ``custom_id`` on a stored message (MESSAGE_COMPONENT, type 3)."""
        return await self._component(message, custom_id, 2, None, user=user, locale=locale)

    async def select(
        self,
        message: MessageRef,
        custom_id: str,
        values: Sequence[str],
        *,
        user: UserRef,
        locale: str | None = None,
    ) -> InteractionHandle:
        """Pick ``values`` in the select menu ``custom_id`` of a stored message."""
        return await self._component(message, custom_id, None, list(values), user=user, locale=locale)

    async def _component(
        self,
        ref: MessageRef,
        custom_id: str,
        component_type: int | None,
        values: list[str] | None,
        *,
        user: UserRef,
        locale: str | None,
    ) -> InteractionHandle:
        invoker = self.scenario.user(user)
        message = self._message(ref)
        component = _find_component(message.get("components") or [], custom_id)
        if component is None:
            raise InteractionRefused(f"message {message['id']} has no component with custom_id {custom_id!r}")
        if component.get("disabled"):
            raise InteractionRefused(f"component {custom_id!r} is disabled")
        place = self.world.place(int(message["channel_id"]))
        assert place is not None
        if place.guild is not None and not place.guild.has_member(invoker.id):
            raise InteractionRefused(f"{invoker.key} is not a member of guild {place.guild.key!r}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type or component["type"]}
        if values is not None:
            data["values"] = values
        if "id" in component:
            data["id"] = component["id"]
        payload_message = dict(message)
        if place.guild is not None:
            payload_message["guild_id"] = str(place.guild.id)
        return await self._interact(3, place, invoker, data, locale=locale, message=payload_message)

    async def submit_modal(
        self, opened_by: InteractionHandle, values: Mapping[str, str], *, locale: str | None = None
    ) -> InteractionHandle:
        """Submit the modal the bot opened on ``opened_by`` with text ``values`` by custom_id."""
        modal = await opened_by.modal()
        state = opened_by.state
        remaining = dict(values)

        def fill(component: dict[str, Any]) -> dict[str, Any]:
            kind = component.get("type")
            if kind == 1:
                return {"type": 1, "components": [fill(c) for c in component.get("components", [])]}
            if kind == 18:
                return {"type": 18, "id": component.get("id"), "component": fill(component["component"])}
            custom_id = component.get("custom_id")
            if kind == 4:
                value = remaining.pop(custom_id, "")
                if component.get("required", True) and not value:
                    raise InteractionRefused(f"text input {custom_id!r} is required")
                low, high = component.get("min_length"), component.get("max_length")
                if (low and len(value) < low) or (high and len(value) > high):
                    raise InteractionRefused(f"text input {custom_id!r} must be {low}-{high} characters")
                return {"type": 4, "custom_id": custom_id, "value": value}
            return {"type": kind, "custom_id": custom_id, "values": list(remaining.pop(custom_id, []))}

        components = [fill(c) for c in modal.get("components", [])]
        if remaining:
            raise InteractionRefused(f"the modal has no inputs {sorted(remaining)}")
        data = {"custom_id": modal.get("custom_id"), "components": components}
        source = self.world.messages.get(state.source_message_id or 0)
        return await self._interact(5, state.place, state.user, data, locale=locale, message=source)

    # -- messages ---------------------------------------------------------------------------
    async def send_message(
        self,
        user: UserRef,
        channel: ChannelRef | None,
        content: str = "",
        *,
        mentions: Sequence[UserRef] | None = None,
        mention_roles: Sequence[str | int | Role] | None = None,
        mention_everyone: bool | None = None,
        bot: bool | None = None,
        webhook_id: int | None = None,
        webhook_name: str = "Webhook",
        attachments: Sequence[Upload] = (),
        reply_to: MessageRef | None = None,
        check_permissions: bool = True,
    ) -> MessageHandle:
        """Post a message as ``user`` in ``channel`` (None: the user's DM with the bot).

        Dispatches MESSAGE_CREATE the way Discord would for the bot's intents (content
        blanked without MESSAGE_CONTENT unless the bot is mentioned). ``mentions`` /
        ``mention_roles`` / ``mention_everyone`` default to what the content pings.
        ``webhook_id`` makes it a webhook message (author is the webhook, no member);
        ``bot`` overrides ``author.bot``; ``attachments`` are served by the stand-in;
        ``reply_to`` makes it a reply. Refuses users who cannot send in the channel
        unless ``check_permissions=False``.
        """
        author_user = self.scenario.user(user)
        place = self._place(author_user, channel)
        if check_permissions and place.guild is not None and webhook_id is None:
            perms = place.permissions(author_user.id)
            if not perms & Permission.VIEW_CHANNEL or not perms & Permission.SEND_MESSAGES:
                raise InteractionRefused(f"{author_user.key} cannot send messages in #{place.channel.name}")  # type: ignore[union-attr]
        if webhook_id is not None:
            author = {
                "id": str(webhook_id),
                "username": webhook_name,
                "discriminator": "0000",
                "avatar": None,
                "bot": True,
                "global_name": None,
            }
        else:
            author = user_payload(author_user)
            if bot is not None:
                author["bot"] = bot
                if not bot:
                    author.pop("bot")
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(self._message(reply_to)["id"])}
        files = [(u.filename, u.data, u.content_type) for u in attachments]
        message = self.world.build_message(
            place,
            author,
            body,
            files=files,
            webhook_id=None,
            extra={"webhook_id": str(webhook_id)} if webhook_id else None,
        )
        if mentions is not None:
            message["mentions"] = []
            for ref in mentions:
                mentioned = self.scenario.user(ref)
                payload = user_payload(mentioned)
                if place.guild is not None and place.guild.has_member(mentioned.id):
                    payload["member"] = member_payload(place.guild.member(mentioned.id), with_user=False)
                message["mentions"].append(payload)
        if mention_roles is not None:
            if place.guild is None:
                raise InteractionRefused("role mentions need a guild channel")
            message["mention_roles"] = [
                str(r.id if isinstance(r, Role) else place.guild.role(r).id) for r in mention_roles
            ]
        if mention_everyone is not None:
            message["mention_everyone"] = mention_everyone
        for upload, attachment in zip(attachments, message["attachments"], strict=True):
            if upload.description:
                attachment["description"] = upload.description
        self.world.store(message)
        await self._session(place)
        since = self.recorder.mark()
        delivered = await emit_message(self.gateway, self.world, "MESSAGE_CREATE", message, place)
        return MessageHandle(message, delivered, since, self.recorder)

    async def send_dm(self, user: UserRef, content: str = "", **kwargs: Any) -> MessageHandle:
        """``send_message`` in ``user``'s DM channel with the bot."""
        return await self.send_message(user, None, content, **kwargs)


def _find_component(components: list[Any], custom_id: str) -> dict[str, Any] | None:
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id:
            return component
        for key in ("components", "accessory", "component"):
            nested = component.get(key)
            if isinstance(nested, dict):
                nested = [nested]
            if isinstance(nested, list):
                found = _find_component(nested, custom_id)
                if found is not None:
                    return found
    return None
