"""Who hears what, and when it is due: pure answers to matching's and engagement's events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tandem_events.catalog.engagement import (
    CadenceAgreed,
    MilestoneReached,
    PairHealthChanged,
    PulseInvited,
)
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantWithdrew,
    ProgramLaunched,
)
from tandem_notifications.domain.horizon import Recurrence, Series
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planned import PERSONAL as PERSONAL
from tandem_notifications.domain.planned import Planned as Planned

CADENCE_PROMPT_AFTER = timedelta(days=3)
MEETINGS_AHEAD = 6  # the horizon: six meetings, twelve weekly digests
REMIND_DAYS_BEFORE = 1
DIGEST_EVERY_DAYS = 7
DIGESTS_AHEAD = 12
# The clock time each agreed time of day means, in each member's own time zone.
MEETING_TIMES = {
    "morning": time(10, 0),
    "midday": time(12, 30),
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "any": time(10, 0),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AT_RISK = frozenset({"at_risk", "stalled"})


def program_channel(program_id: str) -> str:
    """The recipient id of a program's shared (webhook) channel."""
    return f"program:{program_id}"


@dataclass(frozen=True)
class Plan:
    """What an event asks for: tags whose pending notifications stop, then new ones; series
    (keyed) to plan a horizon ahead, and series keys that stop rolling."""

    cancel: tuple[str, ...] = ()
    schedule: tuple[Planned, ...] = ()
    series: tuple[Series, ...] = ()
    stop_series: tuple[str, ...] = ()


def pair_tag(pair_id: str) -> str:
    """Everything a pair caused."""
    return f"pair:{pair_id}"


def member_tag(program_id: str, person_id: str) -> str:
    """Everything a person hears within one program."""
    return f"member:{program_id}:{person_id}"


def on_pair_created(event: PairCreated, cause: str) -> Plan:
    """An introduction now and a cadence prompt in three days (monthly pulse invitations
    follow engagement's ``PulseInvited``: engagement decides when a pulse is due)."""
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
    return Plan(schedule=tuple(planned))


def on_pulse_invited(
    event: PulseInvited, cause: str, program_id: str, members: Sequence[str]
) -> Plan:
    """Invite the pair's current members to this month's pulse, now."""
    data = {"pair_id": event.pair_id, "program_id": program_id, "round": event.round}
    return Plan(
        schedule=tuple(
            _for(
                cause,
                m,
                Kind.PULSE_INVITATION,
                event.occurred_at,
                (pair_tag(event.pair_id), member_tag(program_id, m)),
                data,
                program_id,
            )
            for m in members
        )
    )


def on_cadence_agreed(
    event: CadenceAgreed, cause: str, program_id: str | None, zones: Mapping[str, str]
) -> Plan:
    """Stop the prompt and older reminders; remind each member a day before each meeting, at
    the agreed weekday and time of day in their own time zone (``zones``; UTC when unknown)."""
    step = event.every_days
    if event.weekday is not None:
        step = max(1, round(event.every_days / 7)) * 7  # whole weeks keep the weekday
    at = MEETING_TIMES[event.time_of_day or "any"]
    series = []
    for member in event.agreed_by:
        zone = zones.get(member) or "UTC"
        first = event.occurred_at.astimezone(ZoneInfo(zone)).date() + timedelta(
            days=event.every_days
        )
        if event.weekday is not None:
            first += timedelta(days=(WEEKDAYS.index(event.weekday) - first.weekday()) % 7)
        meeting = {
            "pair_id": event.pair_id,
            "program_id": program_id,
            "every_days": step,
            "meeting_minutes": event.meeting_minutes,
            "first_meeting": first.isoformat(),
            "start_time": at.isoformat(timespec="minutes"),
            "timezone": zone,
            "members": list(event.agreed_by),
            "sequence": _sequence(event.occurred_at),
        }
        tags: tuple[str, ...] = (pair_tag(event.pair_id), f"meetings:{event.pair_id}")
        if program_id:
            tags = (*tags, member_tag(program_id, member))
        series.append(
            Series(
                meetings_key(event.pair_id, member),
                cause,
                "",
                Kind.MEETING_REMINDER,
                member,
                Recurrence(first, at, zone, step, REMIND_DAYS_BEFORE),
                MEETINGS_AHEAD,
                tags=tags,
                program_id=program_id,
                pair_id=event.pair_id,
                data=meeting,
                date_key="meeting_on",
            )
        )
    cancel = (f"cadence-prompt:{event.pair_id}", f"meetings:{event.pair_id}")
    return Plan(cancel=cancel, series=tuple(series))


def on_pair_ended(event: PairEnded, cause: str, cadence: Mapping[str, object] | None) -> Plan:
    """Cancel what the pair caused; withdraw the calendar series if one was sent."""
    planned: tuple[Planned, ...] = ()
    if cadence is not None:
        data = {**cadence, "sequence": _sequence(event.occurred_at), "reason": event.reason}
        planned = tuple(
            _for(cause, m, Kind.MEETING_CANCELLED, event.occurred_at, (), data, event.program_id)
            for m in event.member_ids
        )
    stop = tuple(k for m in event.member_ids for k in series_keys(event.pair_id, m))
    return Plan(cancel=(pair_tag(event.pair_id),), schedule=planned, stop_series=stop)


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


def on_withdrew(event: ParticipantWithdrew, pair_ids: Sequence[str]) -> Plan:
    """A person who left a program hears nothing more about it (nor about its ``pair_ids``)."""
    stop = tuple(k for p in pair_ids for k in series_keys(p, event.person_id))
    return Plan(cancel=(member_tag(event.program_id, event.person_id),), stop_series=stop)


def on_program_closed(program_id: str) -> Plan:
    """A closed program sends no more digests."""
    return Plan(cancel=(f"program:{program_id}",), stop_series=(digests_key(program_id),))


def on_program_launched(event: ProgramLaunched, cause: str) -> Plan:
    """Weekly digests (counts and health only) for the admin who launched the program."""
    digests = Series(
        digests_key(event.program_id),
        cause,
        "week",
        Kind.DIGEST,
        event.actor_id,
        _every(event.occurred_at, DIGEST_EVERY_DAYS),
        DIGESTS_AHEAD,
        channels=(Channel.EMAIL,),
        tags=(f"program:{event.program_id}",),
        program_id=event.program_id,
        data={"program_id": event.program_id},
    )
    return Plan(series=(digests,))


def meetings_key(pair_id: str, person_id: str) -> str:
    """The series of a member's meeting reminders."""
    return f"meetings:{pair_id}:{person_id}"


def digests_key(program_id: str) -> str:
    """The series of a program's weekly digests."""
    return f"digests:{program_id}"


def series_keys(pair_id: str, person_id: str) -> tuple[str, ...]:
    """Every series a member has in a pair."""
    return (meetings_key(pair_id, person_id),)


def _every(start: datetime, days: int) -> Recurrence:
    """Every ``days`` days after ``start``, at its UTC time of day."""
    utc = start.astimezone(UTC)
    return Recurrence(utc.date() + timedelta(days=days), utc.time(), "UTC", days)


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
