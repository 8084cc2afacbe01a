"""Upcasters: turn an old version of an event's payload into the current model, on read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem_events.catalog.base import EVENT_TYPES, DomainEvent, parse_version, validate_payload
from tandem_events.errors import UnknownEventType

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

# (context, event name, from version) -> the step that makes it one version newer.
_STEPS: dict[tuple[str, str, int], Upcaster] = {}


def upcaster(context: str, name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a step from ``from_version`` to ``from_version + 1`` of an event."""

    def register(step: Upcaster) -> Upcaster:
        _STEPS[(context, name, from_version)] = step
        return step

    return register


def read_event(type_name: str, payload: Payload) -> DomainEvent:
    """Validate ``payload`` of ``type_name`` as the current model, upcasting older versions."""
    model = EVENT_TYPES.if_current(type_name)
    if model is not None:
        return validate_payload(model, payload)
    current = EVENT_TYPES.current(type_name)
    version = parse_version(type_name)
    if version > current.version:
        raise UnknownEventType(type_name)
    while version < current.version:
        step = _STEPS.get((current.context, current.event_name, version))
        if step is None:
            raise UnknownEventType(f"{type_name} (no upcaster from v{version})")
        payload = step(dict(payload))
        version += 1
    return validate_payload(current, payload)


@upcaster("engagement", "FeedbackGiven", 1)
def _feedback_rating_became_helpfulness(payload: Payload) -> Payload:
    """v1 had a 1-5 ``rating``; v2 calls it ``helpfulness`` and adds its ``kind``."""
    payload["helpfulness"] = payload.pop("rating", None)
    payload.setdefault("kind", "general")
    return payload
