"""JSON Schemas of the Kafka record headers: CloudEvents binary mode, and dead letters."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

CLOUDEVENTS_HEADERS: Schema = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes (Kafka binary content mode) and W3C trace "
    "context; every value is UTF-8 text in the header bytes.",
    "required": [
        "ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject",
        "content-type",
    ],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "Unique per event; a redelivery repeats "
                  "it, so de-duplicate on it."},
        "ce_type": {"type": "string", "pattern": r"^tandem\.[a-z]+\.[A-Za-z]+\.v[0-9]+$",
                    "description": "The versioned event type; names the payload schema."},
        "ce_source": {"type": "string", "format": "uri-reference",
                      "description": "The publishing context, e.g. /tandem/engagement."},
        "ce_time": {"type": "string", "format": "date-time",
                    "description": "When it happened (RFC 3339, UTC)."},
        "ce_subject": {"type": "string", "description": "The aggregate id (= the record key)."},
        "content-type": {"type": "string", "const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context of the cause.",
                        "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"},
        "tracestate": {"type": "string", "description": "W3C vendor trace state."},
    },
}  # fmt: skip
DEAD_LETTER_HEADERS: Schema = {
    "type": "object",
    "description": "The original record's headers (as they were, possibly invalid) plus:",
    "required": ["dlq_reason", "dlq_consumer", "dlq_original_topic",
                 "dlq_original_partition", "dlq_original_offset"],
    "properties": {
        "dlq_reason": {"type": "string", "maxLength": 2000,
                       "description": "Why the consumer could not apply the record."},
        "dlq_consumer": {"type": "string", "description": "The consumer that gave up on it."},
        "dlq_original_topic": {"type": "string"},
        "dlq_original_partition": {"type": "string", "pattern": "^[0-9]+$"},
        "dlq_original_offset": {"type": "string", "pattern": "^[0-9]+$"},
    },
}  # fmt: skip
