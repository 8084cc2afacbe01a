"""The base of every Tandem event and the registry from type name to model."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationError

from tandem_events.errors import InvalidEventPayload, UnknownEventType

# Personal free text travels only sealed (see tandem_events.sealing): "sealed:v1:<person>:<b64>".
SEALED_PATTERN = r"^sealed:v1:[^:]+:[A-Za-z0-9_-]+={0,2}$"
SealedText = Annotated[str, StringConstraints(pattern=SEALED_PATTERN)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128)]

_TYPE_NAME = re.compile(r"^tandem\.(?P<context>[a-z]+)\.(?P<name>[A-Za-z]+)\.v(?P<version>\d+)$")


class DomainEvent(BaseModel):
    """A fact that happened, named in the past tense; immutable once recorded.

    Subclasses set ``context`` (the bounded context and so the topic), ``version`` and
    ``key_field`` (the aggregate id that keys the record, keeping one aggregate in order).
    Unknown fields are ignored on read, so consumers tolerate newer optional fields.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    context: ClassVar[str]
    version: ClassVar[int] = 1
    key_field: ClassVar[str]
    event_name: ClassVar[str]
    is_base: ClassVar[bool] = True

    occurred_at: AwareDatetime
    actor_id: Identifier

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.event_name = cls.__dict__.get("event_name", cls.__name__)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # Context bases (MatchingEvent, ...) declare ``is_base`` and are not events themselves.
        if not cls.__dict__.get("is_base", False) and hasattr(cls, "key_field"):
            EVENT_TYPES.register(cls)

    @classmethod
    def type_name(cls) -> str:
        """The versioned CloudEvents type, e.g. ``tandem.engagement.CheckInLogged.v1``."""
        return f"tandem.{cls.context}.{cls.event_name}.v{cls.version}"

    @classmethod
    def topic(cls) -> str:
        """The Kafka topic of this event's bounded context."""
        return f"{cls.context}.events"

    @property
    def key(self) -> str:
        """The aggregate id this event belongs to (the Kafka record key)."""
        return str(getattr(self, self.key_field))


class EventTypes:
    """Every known event model, by type name; the current version of each event name."""

    def __init__(self) -> None:
        self._by_type: dict[str, type[DomainEvent]] = {}
        self._current: dict[tuple[str, str], type[DomainEvent]] = {}

    def register(self, model: type[DomainEvent]) -> None:
        """Add ``model``; the highest version of a name becomes its current model."""
        type_name = model.type_name()
        existing = self._by_type.get(type_name)
        if existing is not None and existing is not model:
            raise ValueError(f"two models claim {type_name}: {existing!r} and {model!r}")
        self._by_type[type_name] = model
        name = (model.context, model.event_name)
        current = self._current.get(name)
        if current is None or current.version < model.version:
            self._current[name] = model

    def if_current(self, type_name: str) -> type[DomainEvent] | None:
        """The model of ``type_name`` when it is its event's current version, else None.

        One dictionary lookup for what nearly every record is: consumers call this per
        record, and parsing the type name (two regular expressions) cost more than a lookup.
        """
        model = self._by_type.get(type_name)
        if model is None or self._current[(model.context, model.event_name)] is not model:
            return None
        return model

    def model(self, type_name: str) -> type[DomainEvent]:
        """The model registered for exactly ``type_name``."""
        try:
            return self._by_type[type_name]
        except KeyError:
            raise UnknownEventType(type_name) from None

    def current(self, type_name: str) -> type[DomainEvent]:
        """The newest model of the event that ``type_name`` names (any version)."""
        match = _TYPE_NAME.match(type_name)
        if match is None:
            raise UnknownEventType(type_name)
        try:
            return self._current[(match["context"], match["name"])]
        except KeyError:
            raise UnknownEventType(type_name) from None

    def all(self) -> list[type[DomainEvent]]:
        """Every registered model (all versions), sorted by type name."""
        return [self._by_type[k] for k in sorted(self._by_type)]


EVENT_TYPES = EventTypes()


def parse_version(type_name: str) -> int:
    """The version number in a type name."""
    match = _TYPE_NAME.match(type_name)
    if match is None:
        raise UnknownEventType(type_name)
    return int(match["version"])


def validate_payload(model: type[DomainEvent], payload: Any) -> DomainEvent:
    """Validate ``payload`` as ``model`` or raise an error naming the type and the field."""
    try:
        # The validator itself, as model_validate calls it: a consumer does this per record.
        event: DomainEvent = model.__pydantic_validator__.validate_python(payload)
        return event
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(payload)"
        raise InvalidEventPayload(model.type_name(), field, first["msg"]) from exc
