"""The AsyncAPI 3.0.0 document of Tandem's topics and events, and its validation."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from tandem_events.catalog import TOPICS, DomainEvent
from tandem_events.dead_letters import dlq_topic
from tandem_events.schemas_headers import CLOUDEVENTS_HEADERS, DEAD_LETTER_HEADERS

Schema = dict[str, Any]

# The official AsyncAPI 3.0.0 JSON Schema, vendored from npm @asyncapi/specs 6.11.1 (Apache-2.0).
ASYNCAPI_SCHEMA = Path(__file__).with_name("asyncapi-3.0.0.schema.json")
KAFKA_BINDING = "0.5.0"
PARTITIONS = 3  # the hint topics are created with (kafka_producer.ensure_topics)
# Events are the history: kept forever; erasure works by crypto-shredding, not deletion.
TOPIC_CONFIG = {"cleanup.policy": ["delete"], "retention.ms": -1}
INFO = """Every event Tandem's bounded contexts publish, one Kafka topic per context.

Records are CloudEvents 1.0 in Kafka binary content mode: `ce_*` headers, a JSON body,
and the aggregate id as the record key (order holds per aggregate, never across topics).
Delivery is at least once: de-duplicate by `ce_id`.

**Compatibility promise.** A published type name (`tandem.<context>.<Event>.v<n>`) only
ever gains optional properties. Anything else (removing, retyping or requiring a property,
changing allowed values) ships as a new version `v<n+1>`; the old version stays documented
here and the typed client upcasts it to the newest on read. CI enforces this against the
committed schemas. Sealed text properties (`sealed:v1:...`) are personal text encrypted per
person and cannot be read by subscribers."""


def _ref(*parts: str) -> dict[str, str]:
    """A local reference ``#/a/b`` (parts escaped as JSON pointer tokens)."""
    return {"$ref": "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)}


def _rename(payload: Schema, defs: Schema, names: Mapping[str, str]) -> tuple[Schema, Schema]:
    """Point ``#/$defs/<name>`` refs at ``#/components/schemas/<names[name]>``."""
    text = json.dumps([payload, defs])
    for name, target in names.items():
        new_ref = json.dumps(_ref("components", "schemas", target)["$ref"])
        text = text.replace(json.dumps(f"#/$defs/{name}"), new_ref)
    renamed_payload, renamed_defs = json.loads(text)
    return renamed_payload, {names[name]: d for name, d in renamed_defs.items()}


def _hoist(type_name: str, schema: Schema, shared: dict[str, Schema]) -> Schema:
    """The payload schema with its ``$defs`` moved to components (prefixed only on a clash)."""
    payload = {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "$id", "$comment")}
    defs: Schema = schema.get("$defs", {})
    renamed, hoisted = _rename(payload, defs, {name: name for name in defs})
    if any(shared.get(name, d) != d for name, d in hoisted.items()):
        renamed, hoisted = _rename(payload, defs, {n: f"{type_name}.{n}" for n in defs})
    shared.update(hoisted)
    return renamed


def _message(model: type[DomainEvent], schema: Schema, current: str) -> Schema:
    """The AsyncAPI message of one event type."""
    type_name = model.type_name()
    key = dict(schema["properties"][model.key_field])
    key.pop("title", None)
    key["description"] = f"The aggregate id: the event's `{model.key_field}`."
    message: Schema = {
        "name": type_name,
        "title": f"{model.event_name} v{model.version}",
        "summary": schema["description"].splitlines()[0],
        "contentType": "application/json",
        "headers": {"type": "object", "allOf": [
            _ref("components", "schemas", "CloudEventsHeaders"),
            {"type": "object", "properties": {"ce_type": {"const": type_name}}},
        ]},
        "payload": _ref("components", "schemas", type_name),
        "correlationId": {"location": "$message.header#/traceparent"},
        "tags": [{"name": model.context}],
        "bindings": {"kafka": {"key": key, "bindingVersion": KAFKA_BINDING}},
    }  # fmt: skip
    if current != type_name:
        message["deprecated"] = True
        message["description"] = f"Superseded by `{current}`; the typed client upcasts it."
    return message


def _channel(topic: str, messages: Sequence[str]) -> Schema:
    """The channel of one context's topic."""
    return {
        "address": topic,
        "title": topic,
        "description": f"Every event of the {topic.split('.')[0]} context, keyed by aggregate id.",
        "messages": {name: _ref("components", "messages", name) for name in messages},
        "bindings": {"kafka": {
            "topic": topic, "partitions": PARTITIONS, "topicConfiguration": TOPIC_CONFIG,
            "bindingVersion": KAFKA_BINDING,
        }},
    }  # fmt: skip


def _operations(topic: str, messages: Sequence[str]) -> dict[str, Schema]:
    """The owning service sends on a topic, subscribers receive; failures go to its DLQ."""
    context = topic.split(".")[0]
    refs = [_ref("channels", topic, "messages", name) for name in messages]
    dlq = dlq_topic(topic)
    return {
        f"{context}.publish": {
            "action": "send", "channel": _ref("channels", topic), "messages": refs,
            "summary": f"The {context} service publishes its events through its outbox relay.",
        },
        f"{context}.subscribe": {
            "action": "receive", "channel": _ref("channels", topic), "messages": refs,
            "summary": "A subscriber consumes them in a consumer group, de-duplicating by ce_id.",
        },
        f"{context}.deadLetter": {
            "action": "send", "channel": _ref("channels", dlq),
            "messages": [_ref("channels", dlq, "messages", "DeadLetter")],
            "summary": f"A consumer parks a record of {topic} that it cannot apply, and goes on.",
        },
    }  # fmt: skip


def asyncapi_document(
    models: Sequence[type[DomainEvent]], schemas: Mapping[str, Schema], version: str
) -> Schema:
    """The whole AsyncAPI 3.0.0 document for ``models`` and their JSON ``schemas``."""
    shared: dict[str, Schema] = {"CloudEventsHeaders": copy.deepcopy(CLOUDEVENTS_HEADERS)}
    messages: dict[str, Schema] = {}
    for model in models:
        name = model.type_name()
        current = schemas[name].get("x-tandem-superseded-by", name)
        shared[name] = _hoist(name, schemas[name], shared)
        messages[name] = _message(model, schemas[name], current)
    messages["DeadLetter"] = {
        "name": "DeadLetter", "title": "Dead letter",
        "summary": "A record a consumer could not apply: key, value and headers as they were.",
        "headers": copy.deepcopy(DEAD_LETTER_HEADERS),
        "payload": {"description": "The original record value, unchanged (maybe not JSON)."},
    }  # fmt: skip
    channels: dict[str, Schema] = {}
    operations: dict[str, Schema] = {}
    for topic in sorted(TOPICS):
        names = [m.type_name() for m in models if m.topic() == topic]
        channels[topic] = _channel(topic, names)
        channels[dlq_topic(topic)] = {
            "address": dlq_topic(topic), "title": dlq_topic(topic),
            "description": f"Dead letters of {topic}: records some consumer could not apply.",
            "messages": {"DeadLetter": _ref("components", "messages", "DeadLetter")},
            "bindings": {"kafka": {"topic": dlq_topic(topic), "bindingVersion": KAFKA_BINDING}},
        }  # fmt: skip
        operations.update(_operations(topic, names))
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Tandem events", "version": version, "description": INFO},
        "defaultContentType": "application/json",
        "servers": {"kafka": {
            "host": "{bootstrap}", "protocol": "kafka",
            "description": "The Tandem Kafka cluster of the environment.",
            "variables": {"bootstrap": {"default": "localhost:9092",
                                        "description": "A bootstrap broker, host:port."}},
        }},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": shared, "messages": messages},
    }  # fmt: skip


@cache
def _validator() -> Draft7Validator:
    """A validator for the official AsyncAPI 3.0.0 JSON Schema (draft-07, bundled refs)."""
    return Draft7Validator(json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8")))


def asyncapi_problems(document: Schema) -> list[str]:
    """One line per way ``document`` is not valid AsyncAPI 3.0.0; empty when valid."""
    # Validating takes about a second; ``check`` and ``export`` see the same generated
    # document again and again in one process, so each distinct document is validated once.
    key = json.dumps(document, sort_keys=True, default=repr)
    if key not in _VALIDATED:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED[key] = _problems(document)
    return list(_VALIDATED[key])


_VALIDATED: dict[str, tuple[str, ...]] = {}
_VALIDATED_MAX = 16


def _problems(document: Schema) -> tuple[str, ...]:
    errors = list(_validator().iter_errors(document))
    if not errors:
        return ()
    best = best_match(errors)
    return (f"the AsyncAPI document is not valid AsyncAPI 3.0.0 at {best.json_path}: "
            f"{best.message[:300]}", *(
        f"the AsyncAPI document is not valid AsyncAPI 3.0.0 at {e.json_path}"
        for e in errors if e is not best
    ))  # fmt: skip
