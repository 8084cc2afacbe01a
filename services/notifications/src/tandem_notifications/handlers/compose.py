"""From a claimed delivery and its surroundings to words, a calendar and an address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from tandem_notifications.adapters.calendar import Series, invitation
from tandem_notifications.adapters.directory import Contact
from tandem_notifications.adapters.records import Claimed
from tandem_notifications.adapters.surroundings import PairInfo, ProgramInfo
from tandem_notifications.adapters.templates import render
from tandem_notifications.domain.content import PARTS, Rendered
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.milestones import milestone_text


@dataclass
class Surroundings:
    """What one batch needs to compose its messages."""

    contacts: dict[str, Contact] = field(default_factory=dict)
    programs: dict[str, ProgramInfo] = field(default_factory=dict)
    pairs: dict[str, PairInfo] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Parts already rendered in this batch, by (notification, part): a notification's email
    # and in-app copies share their subject and text.
    rendered: dict[tuple[str, str], str] = field(default_factory=dict)

    def name(self, person_id: str) -> str:
        """A person's name, or a neutral word when they cannot be shown (erased, unknown)."""
        contact = self.contacts.get(person_id)
        return contact.name if contact else "your partner"

    def members(self, claimed: Claimed) -> list[str]:
        """The pair members a notification is about."""
        listed = claimed.data.get("members")
        if isinstance(listed, list):
            return [str(m) for m in listed]
        pair = self.pairs.get(claimed.pair_id or "")
        return list(pair.members) if pair else []


def people_of(claimed: Claimed) -> set[str]:
    """Person ids whose names a delivery may show (besides the recipient)."""
    found = {str(p) for p in claimed.data.get("peer_ids", []) or []}
    found |= {str(p) for p in claimed.data.get("members", []) or []}
    return found


# What each channel shows: rendering the rest would be wasted at fan-out volumes.
CHANNEL_PARTS: dict[Channel, tuple[str, ...]] = {
    Channel.EMAIL: ("subject", "text", "html"),
    Channel.IN_APP: ("subject", "text"),
    Channel.WEBHOOK: ("chat",),
}


def compose(claimed: Claimed, around: Surroundings, recipient_name: str) -> Rendered:
    """Render the parts the delivery's channel shows, with the program's overrides (once per
    notification and part in a batch)."""
    key = claimed.delivery.notification_id
    wanted = CHANNEL_PARTS.get(claimed.delivery.channel, PARTS)
    missing = [p for p in wanted if (key, p) not in around.rendered]
    if missing:
        words = _render(claimed, around, recipient_name, missing)
        around.rendered.update({(key, p): getattr(words, p) for p in missing})
    return Rendered(*(around.rendered.get((key, p), "") if p in wanted else "" for p in PARTS))


def _render(
    claimed: Claimed, around: Surroundings, recipient_name: str, wanted: Sequence[str]
) -> Rendered:
    program = around.programs.get(claimed.program_id or "")
    me = claimed.delivery.recipient_id
    members = around.members(claimed)
    peer_ids = claimed.data.get("peer_ids") or [m for m in members if m != me]
    context: dict[str, Any] = {
        **{k: v for k, v in claimed.data.items() if k not in ("members", "peer_ids")},
        "recipient": recipient_name,
        "peers": [around.name(str(p)) for p in peer_ids],
        "members": [around.name(m) for m in members],
        "program": {
            "name": program.name if program else "your program",
            "purpose": program.purpose if program else "",
            "support": program.support if program else "",
        },
        "reasons": list(claimed.data.get("reasons", []) or []),
        "suggested_cadence_days": claimed.data.get("suggested_cadence_days", 14),
        "milestone_text": milestone_text(claimed.data.get("milestone"), claimed.data.get("count")),
        "counts": around.counts.get(claimed.program_id or "", {}),
    }
    return render(
        claimed.delivery.kind,
        context,
        program.overrides if program else None,
        wanted,
    )


def calendar_for(
    claimed: Claimed, contact: Contact, organizer: str, domain: str, summary: str
) -> bytes | None:
    """A meeting reminder carries the series; a cancellation withdraws it; others carry none."""
    kind = claimed.delivery.kind
    if kind not in (Kind.MEETING_REMINDER, Kind.MEETING_CANCELLED):
        return None
    data = claimed.data
    series = Series(
        pair_id=str(data["pair_id"]),
        first_meeting=date.fromisoformat(str(data["first_meeting"])),
        every_days=int(data["every_days"]),
        meeting_minutes=int(data["meeting_minutes"]),
        sequence=int(data["sequence"]),
        # The zone and clock time the reminders were planned in (older plans: the directory's).
        timezone=str(data.get("timezone") or contact.timezone),
        start=time.fromisoformat(str(data.get("start_time") or "10:00")),
    )
    return invitation(
        series, organizer, contact.email, summary, domain, cancel=kind is Kind.MEETING_CANCELLED
    )
