"""A notification's channels share what they both show, rendered once per batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from tandem_notifications.adapters import templates
from tandem_notifications.adapters.records import Claimed
from tandem_notifications.adapters.surroundings import ProgramInfo
from tandem_notifications.adapters.templates import Overrides
from tandem_notifications.domain.content import Rendered
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.handlers import compose as composing
from tandem_notifications.handlers.compose import Surroundings, compose

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)


def claimed(notification: str, channel: Channel) -> Claimed:
    delivery = Delivery(notification, channel, "alice", Kind.PULSE_INVITATION, Status.SENDING, AT)
    data = {"pair_id": "p1", "program_id": "prog", "round": 3, "members": ["alice", "bob"]}
    return Claimed(delivery, "ev1", "prog", "p1", data)


def test_email_and_inbox_copies_render_their_common_parts_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[tuple[str, ...]] = []

    def counting(
        kind: Kind, context: dict[str, Any], overrides: Overrides | None, wanted: Sequence[str]
    ) -> Rendered:
        rendered.append(tuple(wanted))
        return templates.render(kind, context, overrides, wanted)

    monkeypatch.setattr(composing, "render", counting)
    around = Surroundings(programs={"prog": ProgramInfo("prog", "Grow", "growth", "admin")})
    email = compose(claimed("n1", Channel.EMAIL), around, "Alice")
    inbox = compose(claimed("n1", Channel.IN_APP), around, "Alice")
    other = compose(claimed("n2", Channel.IN_APP), around, "Alice")

    assert rendered == [("subject", "text", "html"), ("subject", "text")]  # n1 once, n2 once
    assert (inbox.subject, inbox.text) == (email.subject, email.text)
    assert "month 3" in email.subject
    assert email.html
    assert (inbox.html, inbox.chat) == ("", "")
    assert other == inbox
