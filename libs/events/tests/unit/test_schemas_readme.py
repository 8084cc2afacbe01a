"""The Python example in docs/events/README.md runs as written (hand-built records, no broker)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tandem_events.catalog import TOPICS
from tandem_events.catalog.engagement import CheckInLogged, FeedbackGivenV1
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError

README = Path(__file__).parents[4] / "docs" / "events" / "README.md"
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def readme_example() -> dict[str, Any]:
    """Execute the README's Python block as a module that is not ``__main__``."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    return namespace


def record(envelope: Envelope, offset: int = 0) -> SimpleNamespace:
    """What aiokafka hands a consumer for the record the relay would publish."""
    return SimpleNamespace(
        topic=envelope.topic,
        partition=0,
        offset=offset,
        key=envelope.key.encode(),
        value=envelope.value(),
        headers=tuple(envelope.headers()),
    )


def test_handle_reads_typed_events_once_and_upcasts_old_versions() -> None:
    handle: Callable[[Any], str | None] = readme_example()["handle"]
    check_in = CheckInLogged(
        occurred_at=WHEN, actor_id="p1", pair_id="pair-1", check_in_id="c1",
        met_on=date(2026, 3, 1), duration_minutes=45,
    )  # fmt: skip
    envelope = Envelope.wrap(check_in, "/tandem/engagement")
    assert handle(record(envelope)) == "pair pair-1 met on 2026-03-01 for 45 min"
    assert handle(record(envelope, offset=1)) is None  # a redelivery is skipped
    old = FeedbackGivenV1(
        occurred_at=WHEN, actor_id="p1", pair_id="pair-1", feedback_id="f1",
        to_person_id="p2", rating=4,
    )  # fmt: skip
    upcast = handle(record(Envelope.wrap(old, "/tandem/engagement")))
    assert upcast == "feedback 4/5 (general) in pair pair-1"


def test_handle_raises_an_event_error_for_the_dead_letter_branch() -> None:
    handle: Callable[[Any], str | None] = readme_example()["handle"]
    headers = (("ce_specversion", b"1.0"), ("ce_id", b"x"), ("ce_type", b"tandem.x.Nope.v1"))
    bad = SimpleNamespace(topic="engagement.events", key=b"k", value=b"{}", headers=headers)
    with pytest.raises(EventError, match="missing CloudEvents header"):
        handle(bad)


def test_readme_names_every_topic_and_header() -> None:
    text = README.read_text(encoding="utf-8")
    for name in [*TOPICS, "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "traceparent"]:
        assert f"`{name}`" in text
