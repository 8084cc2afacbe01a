"""What a notification is about, the channels it can take and how urgent it is."""

from __future__ import annotations

from enum import StrEnum

from tandem_events.catalog.notifications import Kind as CatalogKind


class Kind(StrEnum):
    """The kinds of notification Tandem sends."""

    INTRODUCTION = "introduction"
    CADENCE_PROMPT = "cadence_prompt"
    MEETING_REMINDER = "meeting_reminder"
    MEETING_CANCELLED = "meeting_cancelled"
    CELEBRATION = "celebration"
    NUDGE = "nudge"
    PULSE_INVITATION = "pulse_invitation"
    DIGEST = "digest"


class Channel(StrEnum):
    """Where a notification goes."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    IN_APP = "in_app"


# Lower sends first: a 10,000-pair round of introductions must not delay tomorrow's meeting.
PRIORITY: dict[Kind, int] = {
    Kind.MEETING_REMINDER: 0,
    Kind.MEETING_CANCELLED: 0,
    Kind.NUDGE: 1,
    Kind.CADENCE_PROMPT: 1,
    Kind.CELEBRATION: 2,
    Kind.PULSE_INVITATION: 2,
    Kind.INTRODUCTION: 3,
    Kind.DIGEST: 4,
}

# Which kinds each catalog event groups under (NotificationScheduled.kind).
CATALOG_KIND: dict[Kind, CatalogKind] = {
    Kind.INTRODUCTION: "introduction",
    Kind.CADENCE_PROMPT: "reminder",
    Kind.MEETING_REMINDER: "reminder",
    Kind.MEETING_CANCELLED: "reminder",
    Kind.CELEBRATION: "celebration",
    Kind.NUDGE: "nudge",
    Kind.PULSE_INVITATION: "reminder",
    Kind.DIGEST: "digest",
}
