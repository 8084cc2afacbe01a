"""One notification to deliver, as planning decides it."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tandem_notifications.domain.identity import notification_id
from tandem_notifications.domain.kinds import Channel, Kind

PERSONAL = (Channel.EMAIL, Channel.IN_APP)


@dataclass(frozen=True)
class Planned:
    """One notification to deliver: its cause, recipient, kind, due time and cancel tags."""

    cause_id: str
    recipient_id: str
    kind: Kind
    due_at: datetime
    channels: tuple[Channel, ...] = PERSONAL
    tags: tuple[str, ...] = ()
    program_id: str | None = None
    pair_id: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)

    @functools.cached_property  # a uuid5 per read adds up over a round's hundred thousand reads
    def notification_id(self) -> str:
        """The exactly-once key (cause, recipient, kind) as an id."""
        return notification_id(self.cause_id, self.recipient_id, self.kind)
