"""The catalog, the envelope and the upcasters, without I/O."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime

import orjson
import pytest

from tandem_events.catalog import EVENT_TYPES, TOPICS
from tandem_events.catalog.engagement import CheckInLogged, FeedbackGiven
from tandem_events.envelope import Envelope, time_ordered_id
from tandem_events.errors import InvalidEnvelope, InvalidEventPayload, UnknownEventType
from tandem_events.upcasting import read_event

WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_every_event_has_a_versioned_type_a_topic_and_a_key_field() -> None:
    models = EVENT_TYPES.all()
    assert len(models) >= 23
    for model in models:
        assert model.type_name().startswith(f"tandem.{model.context}.")
        assert model.topic() in TOPICS
        assert model.key_field in model.model_fields
        assert model.model_config.get("frozen") is True


def test_events_are_immutable() -> None:
    event = CheckInLogged(
        occurred_at=WHEN,
        actor_id="ana",
        pair_id="p1",
        check_in_id="c1",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )
    with pytest.raises(ValueError, match="frozen"):
        event.duration_minutes = 60  # type: ignore[misc]


def test_unknown_type_is_named() -> None:
    with pytest.raises(UnknownEventType, match=r"tandem\.engagement\.Teleported\.v1"):
        read_event("tandem.engagement.Teleported.v1", {})
    with pytest.raises(UnknownEventType):
        read_event("not-a-type", {})


def test_invalid_payload_names_the_type_and_the_field() -> None:
    payload = {
        "occurred_at": WHEN.isoformat(),
        "actor_id": "ana",
        "pair_id": "p1",
        "check_in_id": "c1",
        "met_on": "2026-11-24",
        "duration_minutes": -5,
    }
    with pytest.raises(InvalidEventPayload) as error:
        read_event("tandem.engagement.CheckInLogged.v1", payload)
    assert error.value.type_name == "tandem.engagement.CheckInLogged.v1"
    assert error.value.field == "duration_minutes"


def test_clear_text_is_refused_where_sealed_text_is_required() -> None:
    payload = {
        "occurred_at": WHEN.isoformat(),
        "actor_id": "ana",
        "pair_id": "p1",
        "check_in_id": "c1",
        "met_on": "2026-11-24",
        "duration_minutes": 30,
        "notes": "my private thoughts",
    }
    with pytest.raises(InvalidEventPayload, match="notes"):
        read_event("tandem.engagement.CheckInLogged.v1", payload)


def test_a_v1_feedback_is_upcast_to_the_current_v2_model() -> None:
    v1 = {
        "occurred_at": WHEN.isoformat(),
        "actor_id": "ana",
        "pair_id": "p1",
        "feedback_id": "f1",
        "to_person_id": "ben",
        "rating": 4,
    }
    event = read_event("tandem.engagement.FeedbackGiven.v1", v1)
    assert isinstance(event, FeedbackGiven)
    assert (event.helpfulness, event.kind) == (4, "general")
    assert event.type_name() == "tandem.engagement.FeedbackGiven.v2"


def test_a_newer_version_than_the_code_knows_is_unknown() -> None:
    with pytest.raises(UnknownEventType):
        read_event("tandem.engagement.FeedbackGiven.v3", {})


def test_envelope_round_trips_through_kafka_headers() -> None:
    event = CheckInLogged(
        occurred_at=WHEN,
        actor_id="ana",
        pair_id="p1",
        check_in_id="c1",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )
    trace = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    envelope = Envelope.wrap(event, "/tandem/engagement", trace)
    headers = envelope.headers()
    names = [k for k, _ in headers]
    assert names[:7] == [
        "ce_specversion",
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_time",
        "ce_subject",
        "content-type",
    ]
    read = Envelope.from_record("engagement.events", b"p1", envelope.value(), headers)
    assert read == envelope
    assert read.event() == event


def test_event_ids_are_uuid7_growing_with_time_and_never_repeated() -> None:
    first = [time_ordered_id() for _ in range(1000)]
    time.sleep(0.002)
    later = time_ordered_id()
    parsed = [uuid.UUID(i) for i in first]
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert len(set(first)) == len(first)
    assert max(first) < later  # text order is time order across milliseconds
    now_ms = time.time_ns() // 1_000_000
    assert 0 <= now_ms - (uuid.UUID(later).int >> 80) < 1000


def test_an_old_version_on_kafka_reads_as_the_current_model() -> None:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"e1"),
        ("ce_source", b"/legacy"),
        ("ce_type", b"tandem.engagement.FeedbackGiven.v1"),
        ("ce_time", WHEN.isoformat().encode()),
    ]
    value = orjson.dumps(
        {
            "occurred_at": WHEN.isoformat(),
            "actor_id": "ana",
            "pair_id": "p1",
            "feedback_id": "f1",
            "to_person_id": "ben",
            "rating": 2,
        }
    )
    event = Envelope.from_record("engagement.events", b"p1", value, headers).event()
    assert isinstance(event, FeedbackGiven)
    assert event.helpfulness == 2


@pytest.mark.parametrize(
    ("headers", "value", "problem"),
    [
        ([], b"{}", "missing CloudEvents header"),
        ([("ce_specversion", b"0.3")], b"{}", "unsupported ce_specversion"),
        ([], b"[1]", "not a JSON object"),
        ([], b"{oops", "malformed record"),
    ],
)
def test_records_that_are_not_cloudevents_are_refused_with_the_reason(
    headers: list[tuple[str, bytes]], value: bytes, problem: str
) -> None:
    base = {
        "ce_specversion": b"1.0",
        "ce_id": b"e",
        "ce_type": b"t",
        "ce_source": b"/s",
        "ce_time": WHEN.isoformat().encode(),
    }
    if not headers and "missing" in problem:
        base.pop("ce_id")
    base.update(dict(headers))
    with pytest.raises(InvalidEnvelope, match=problem):
        Envelope.from_record("engagement.events", b"k", value, list(base.items()))
