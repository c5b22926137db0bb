"""Routes for interactions: the initial callback and the interaction webhook (followups, @original)."""

from __future__ import annotations

import time
from typing import Any

from .events import emit_message_delete
from .payloads import user_payload
from .rest_base import Call, Handler, Reply, RouteGroup, error, no_content, ok, truthy
from .state import EPHEMERAL, LOADING, InteractionState
from .violations import Violation

#: Callback types each interaction type accepts (PONG is for HTTP interactions only).
CALLBACKS_FOR = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


class InteractionRoutes(RouteGroup):
    """POST /interactions/{id}/{token}/callback and /webhooks/{application}/{token}[/messages/...]."""

    def routes(self) -> list[tuple[str, str, Handler]]:
        """Every route of the group."""
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        found: list[tuple[str, str, Handler]] = [
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.interaction_callback),
            ("POST", hook, self.create_followup),
        ]
        for message in (hook + "/messages/@original", hook + "/messages/{message_id}"):
            found += [
                ("GET", message, self.get_webhook_message),
                ("PATCH", message, self.edit_webhook_message),
                ("DELETE", message, self.delete_webhook_message),
            ]
        return found

    # -- interactions -----------------------------------------------------------------------
    def _protocol(self, call: Call, message: str, code: str) -> Violation:
        return Violation("protocol", call.method, call.path, "", message, code)

    async def interaction_callback(self, call: Call) -> Reply:
        """POST /interactions/{id}/{token}/callback: the initial response (once, within the deadline)."""
        state = self.world.interactions.get(call.params["interaction_token"])
        if state is None or str(state.id) != call.params["interaction_id"]:
            return error(404, 10062, "Unknown interaction")
        if state.acknowledged:
            violation = self._protocol(call, "interaction has already been acknowledged", "40060")
            return Reply(400, {"message": "Interaction has already been acknowledged.", "code": 40060}, [violation])
        elapsed = time.monotonic() - state.created
        if elapsed > self.options.interaction_deadline:
            violation = self._protocol(
                call,
                f"initial response came {elapsed:.2f}s after the interaction; Discord allows "
                f"{self.options.interaction_deadline:g}s (defer first for slow work)",
                "10062",
            )
            return Reply(404, {"message": "Unknown interaction", "code": 10062}, [violation])
        body = call.json or {}
        kind = body.get("type")
        if kind not in CALLBACKS_FOR.get(state.type, set()):
            violation = self._protocol(
                call, f"callback type {kind} is not valid for interaction type {state.type}", "40043"
            )
            return Reply(400, {"message": "Interaction response type is invalid", "code": 50035}, [violation])
        data = body.get("data") or {}
        place = state.place
        resource: dict[str, Any] = {"type": kind}  # only returned for 4 and 7
        if kind in (4, 5):
            flags = int(data.get("flags") or 0)
            if kind == 5:
                content: dict[str, Any] = {"flags": (flags & EPHEMERAL) | LOADING}
            else:
                content = data
            message = self.world.build_message(
                place,
                self.bot_author(),
                content,
                files=call.file_tuples,
                message_type=self._response_type(state),
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
            )
            self.world.store(message)
            state.original_id = int(message["id"])
            resource["message"] = message
            await self.echo("MESSAGE_CREATE", message, place)
        elif kind in (6, 7):
            source = self.world.messages.get(state.source_message_id or 0)
            if source is None:
                return error(404, 10008, "Unknown Message")
            state.original_id = int(source["id"])
            if kind == 7:
                self.world.apply_edit(source, data, call.file_tuples)
                resource["message"] = source
                await self.echo("MESSAGE_UPDATE", source, place)
        elif kind == 8:
            state.autocomplete_choices = list(data.get("choices") or [])
        elif kind == 9:
            state.modal = data
        state.callback_type = kind
        await self.recorder.notify()
        if not truthy(call.query.get("with_response")):
            return no_content()
        original = self.world.messages.get(state.original_id or 0)
        interaction: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "activity_instance_id": None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(original and original["flags"] & EPHEMERAL),
            "channel_id": str(place.channel_id),
        }
        if place.guild is not None:
            interaction["guild_id"] = str(place.guild.id)
        if original is not None:
            interaction["response_message_id"] = original["id"]
        answer: dict[str, Any] = {"interaction": interaction}
        if kind in (4, 7):  # the documented resources: the created or updated message
            answer["resource"] = resource
        return ok(answer)

    @staticmethod
    def _response_type(state: InteractionState) -> int:
        if state.type == 2:
            return 20 if (state.payload.get("data") or {}).get("type", 1) == 1 else 23
        return 0

    def _interaction_metadata(self, state: InteractionState) -> dict[str, Any]:
        user = user_payload(state.user)
        owners = state.payload.get("authorizing_integration_owners", {})
        metadata: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "user": user,
            "authorizing_integration_owners": owners,
        }
        name = (state.payload.get("data") or {}).get("name")
        legacy: dict[str, Any] = {"id": str(state.id), "type": state.type, "user": user}
        if state.type == 2 and name:
            metadata["name"] = name
            legacy["name"] = name
        if state.source_message_id:
            metadata["interacted_message_id"] = str(state.source_message_id)
        return {"interaction_metadata": metadata, "interaction": legacy}

    def _webhook_state(self, call: Call) -> tuple[InteractionState | None, Reply | None]:
        if call.param("webhook_id") != self.world.scenario.application.id:
            return None, error(404, 10015, "Unknown Webhook")
        state = self.world.interactions.get(call.params["webhook_token"])
        if state is None:
            return None, error(404, 10015, "Unknown Webhook")
        return state, None

    async def create_followup(self, call: Call) -> Reply:
        """POST /webhooks/{app}/{token}: a followup (the first after a deferral fills the original)."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        if not state.acknowledged:
            violation = self._protocol(call, "followup sent before the interaction was acknowledged", "10015")
            return Reply(404, {"message": "Unknown Webhook", "code": 10015}, [violation])
        body = dict(call.json or {})
        original = self.world.messages.get(state.original_id or 0)
        place = state.place
        if original is not None and original["flags"] & LOADING:
            body["flags"] = (original["flags"] & EPHEMERAL) | (int(body.get("flags") or 0) & ~EPHEMERAL)
            message = self.world.build_message(
                place,
                self.bot_author(),
                body,
                files=call.file_tuples,
                message_type=original["type"],
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
                message_id=int(original["id"]),
            )
            message["timestamp"] = original["timestamp"]
            message["edited_timestamp"] = message["timestamp"]
            self.world.store(message)
            await self.echo("MESSAGE_UPDATE", message, place)
        else:
            message = self.world.build_message(
                place,
                self.bot_author(),
                body,
                files=call.file_tuples,
                webhook_id=self.world.scenario.application.id,
                extra=self._interaction_metadata(state),
            )
            self.world.store(message)
            state.followup_ids.append(int(message["id"]))
            await self.echo("MESSAGE_CREATE", message, place)
        await self.recorder.notify()
        return ok(message) if truthy(call.query.get("wait")) else no_content()  # Discord: wait=false

    def _webhook_message(self, call: Call, state: InteractionState) -> dict[str, Any] | None:
        if call.path.endswith("/@original"):
            wanted = state.original_id
        else:
            wanted = call.param("message_id")
            if wanted != state.original_id and wanted not in state.followup_ids:
                return None
        return self.world.messages.get(wanted or 0)

    async def get_webhook_message(self, call: Call) -> Reply:
        """GET .../messages/@original or /{message_id}."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        return ok(message) if message else error(404, 10008, "Unknown Message")

    async def edit_webhook_message(self, call: Call) -> Reply:
        """PATCH .../messages/@original or /{message_id} (completes a deferred response)."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        if message is None:
            return error(404, 10008, "Unknown Message")
        message["flags"] &= ~LOADING
        self.world.apply_edit(message, call.json or {}, call.file_tuples)
        await self.echo("MESSAGE_UPDATE", message, state.place)
        await self.recorder.notify()
        return ok(message)

    async def delete_webhook_message(self, call: Call) -> Reply:
        """DELETE .../messages/@original or /{message_id}."""
        state, problem = self._webhook_state(call)
        if problem or state is None:
            return problem or error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(call, state)
        if message is None:
            return error(404, 10008, "Unknown Message")
        self.world.delete(int(message["id"]))
        if int(message["id"]) == state.original_id:
            state.original_deleted = True
        if not message["flags"] & EPHEMERAL:
            await emit_message_delete(self.gateway, self.world, int(message["id"]), state.place)
        await self.recorder.notify()
        return no_content()
