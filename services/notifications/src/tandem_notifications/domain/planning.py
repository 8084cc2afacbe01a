"""Who hears what, and when it is due: pure answers to matching's and engagement's events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tandem_events.catalog.engagement import CadenceAgreed, MilestoneReached, PairHealthChanged
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantWithdrew,
    ProgramLaunched,
)
from tandem_notifications.domain.identity import notification_id
from tandem_notifications.domain.kinds import Channel, Kind

CADENCE_PROMPT_AFTER = timedelta(days=3)
PULSE_EVERY = timedelta(days=30)
PULSES_AHEAD = 3
MEETINGS_AHEAD = 6
REMIND_BEFORE = timedelta(days=1)
DIGEST_EVERY = timedelta(days=7)
DIGESTS_AHEAD = 12
AT_RISK = frozenset({"at_risk", "stalled"})
PERSONAL = (Channel.EMAIL, Channel.IN_APP)


def program_channel(program_id: str) -> str:
    """The recipient id of a program's shared (webhook) channel."""
    return f"program:{program_id}"


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

    @property
    def notification_id(self) -> str:
        """The exactly-once key (cause, recipient, kind) as an id."""
        return notification_id(self.cause_id, self.recipient_id, self.kind)


@dataclass(frozen=True)
class Plan:
    """What an event asks for: tags whose pending notifications stop, then new ones."""

    cancel: tuple[str, ...] = ()
    schedule: tuple[Planned, ...] = ()


def pair_tag(pair_id: str) -> str:
    """Everything a pair caused."""
    return f"pair:{pair_id}"


def member_tag(program_id: str, person_id: str) -> str:
    """Everything a person hears within one program."""
    return f"member:{program_id}:{person_id}"


def on_pair_created(event: PairCreated, cause: str) -> Plan:
    """An introduction now, a cadence prompt in three days, monthly pulse invitations."""
    planned: list[Planned] = []
    for member in event.member_ids:
        tags = (pair_tag(event.pair_id), member_tag(event.program_id, member))
        peers = [m for m in event.member_ids if m != member]
        common = {"program_id": event.program_id, "pair_id": event.pair_id}
        intro = {
            **common,
            "peer_ids": peers,
            "reasons": list(event.reasons),
            "suggested_cadence_days": event.suggested_cadence_days,
        }
        planned.append(_for(cause, member, Kind.INTRODUCTION, event.occurred_at, tags, intro))
        planned.append(
            _for(
                cause,
                member,
                Kind.CADENCE_PROMPT,
                event.occurred_at + CADENCE_PROMPT_AFTER,
                (*tags, f"cadence-prompt:{event.pair_id}"),
                common,
            )
        )
        for month in range(1, PULSES_AHEAD + 1):
            planned.append(
                _for(
                    f"{cause}#pulse{month}",
                    member,
                    Kind.PULSE_INVITATION,
                    event.occurred_at + PULSE_EVERY * month,
                    tags,
                    common,
                )
            )
    return Plan(schedule=tuple(planned))


def on_cadence_agreed(event: CadenceAgreed, cause: str, program_id: str | None) -> Plan:
    """Stop the prompt and any older reminders; remind before each of the next meetings."""
    every = timedelta(days=event.every_days)
    first_meeting = (event.occurred_at + every).date()
    meeting = {
        "pair_id": event.pair_id,
        "program_id": program_id,
        "every_days": event.every_days,
        "meeting_minutes": event.meeting_minutes,
        "first_meeting": first_meeting.isoformat(),
        "members": list(event.agreed_by),
        "sequence": _sequence(event.occurred_at),
    }
    planned = []
    for member in event.agreed_by:
        tags: tuple[str, ...] = (pair_tag(event.pair_id), f"meetings:{event.pair_id}")
        if program_id:
            tags = (*tags, member_tag(program_id, member))
        for n in range(MEETINGS_AHEAD):
            due = event.occurred_at + every * (n + 1) - REMIND_BEFORE
            data = {**meeting, "meeting_on": (first_meeting + every * n).isoformat()}
            planned.append(
                _for(f"{cause}#{n + 1}", member, Kind.MEETING_REMINDER, due, tags, data, program_id)
            )
    cancel = (f"cadence-prompt:{event.pair_id}", f"meetings:{event.pair_id}")
    return Plan(cancel=cancel, schedule=tuple(planned))


def on_pair_ended(event: PairEnded, cause: str, cadence: Mapping[str, object] | None) -> Plan:
    """Cancel what the pair caused; withdraw the calendar series if one was sent."""
    planned: tuple[Planned, ...] = ()
    if cadence is not None:
        data = {**cadence, "sequence": _sequence(event.occurred_at), "reason": event.reason}
        planned = tuple(
            _for(cause, m, Kind.MEETING_CANCELLED, event.occurred_at, (), data, event.program_id)
            for m in event.member_ids
        )
    return Plan(cancel=(pair_tag(event.pair_id),), schedule=planned)


def on_milestone(
    event: MilestoneReached, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """Celebrate with the pair; the program channel hears it only if both opted in (at send)."""
    data = {
        "pair_id": event.pair_id,
        "program_id": program_id,
        "milestone": event.milestone,
        "count": event.count,
        "members": list(members),
    }
    planned = [
        _for(
            cause,
            m,
            Kind.CELEBRATION,
            event.occurred_at,
            (pair_tag(event.pair_id),),
            data,
            program_id,
        )
        for m in members
    ]
    planned.append(
        Planned(
            cause,
            program_channel(program_id),
            Kind.CELEBRATION,
            event.occurred_at,
            (Channel.WEBHOOK,),
            (pair_tag(event.pair_id),),
            program_id,
            event.pair_id,
            data,
        )
    )
    return Plan(schedule=tuple(planned))


def on_health_changed(
    event: PairHealthChanged, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """A gentle nudge with the support resources when a pair newly becomes at risk."""
    if event.current not in AT_RISK or event.previous in AT_RISK:
        return Plan()
    data = {"pair_id": event.pair_id, "program_id": program_id, "health": event.current}
    return Plan(
        schedule=tuple(
            _for(
                cause,
                m,
                Kind.NUDGE,
                event.occurred_at,
                (pair_tag(event.pair_id),),
                data,
                program_id,
            )
            for m in members
        )
    )


def on_withdrew(event: ParticipantWithdrew) -> Plan:
    """A person who left a program hears nothing more about it."""
    return Plan(cancel=(member_tag(event.program_id, event.person_id),))


def on_program_launched(event: ProgramLaunched, cause: str) -> Plan:
    """Weekly digests (counts and health only) for the admin who launched the program."""
    tags = (f"program:{event.program_id}",)
    data = {"program_id": event.program_id}
    return Plan(
        schedule=tuple(
            Planned(
                f"{cause}#week{w}",
                event.actor_id,
                Kind.DIGEST,
                event.occurred_at + DIGEST_EVERY * w,
                (Channel.EMAIL,),
                tags,
                event.program_id,
                None,
                data,
            )
            for w in range(1, DIGESTS_AHEAD + 1)
        )
    )


def _for(
    cause: str,
    person: str,
    kind: Kind,
    due: datetime,
    tags: tuple[str, ...],
    data: Mapping[str, object],
    program_id: str | None = None,
) -> Planned:
    program = program_id or _str_or_none(data.get("program_id"))
    pair = _str_or_none(data.get("pair_id"))
    return Planned(cause, person, kind, due, PERSONAL, tags, program, pair, data)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _sequence(when: datetime) -> int:
    """An iCalendar SEQUENCE that grows with each change of the series (seconds since 2024)."""
    return max(0, int(when.timestamp()) - 1_704_067_200)
