"""What an event asks of the schedule, and the pieces every family of plans builds it from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tandem_notifications.domain.horizon import Series
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planned import PERSONAL, Planned


@dataclass(frozen=True)
class Plan:
    """What an event asks for: tags whose pending notifications stop, then new ones; series
    (keyed) to plan a horizon ahead, and series keys that stop rolling."""

    cancel: tuple[str, ...] = ()
    schedule: tuple[Planned, ...] = ()
    series: tuple[Series, ...] = ()
    stop_series: tuple[str, ...] = ()


def personal(
    cause: str,
    person: str,
    kind: Kind,
    due: datetime,
    tags: tuple[str, ...],
    data: Mapping[str, object],
    program_id: str | None = None,
) -> Planned:
    """One person's notification on the personal channels (program and pair read from ``data``
    when not given: the composer and the cancel tags need them)."""
    program = program_id or _str_or_none(data.get("program_id"))
    pair = _str_or_none(data.get("pair_id"))
    return Planned(cause, person, kind, due, PERSONAL, tags, program, pair, data)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def sequence(when: datetime) -> int:
    """An iCalendar SEQUENCE that grows with each change of the series (seconds since 2024)."""
    return max(0, int(when.timestamp()) - 1_704_067_200)
