"""A participant as the matcher sees them: the Candidate, with private answers kept apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The five traits, each answered on a 1–5 scale. Emotional stability is asked the positive
# way round (not "neuroticism") so that a higher answer always reads as "more of it".
TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "emotional_stability")


@dataclass(frozen=True)
class Personality:
    """Answers to the short questionnaire; stays in the matching database, never in events."""

    openness: int
    conscientiousness: int
    extraversion: int
    agreeableness: int
    emotional_stability: int

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        """The answers in TRAITS order."""
        return (
            self.openness,
            self.conscientiousness,
            self.extraversion,
            self.agreeableness,
            self.emotional_stability,
        )


@dataclass(frozen=True)
class Candidate:
    """Everything scoring and the hard constraints need about one enrolled participant."""

    person_id: str
    name: str
    level: int
    department: str = ""
    team: str = ""
    skills_offered: frozenset[str] = frozenset()
    skills_sought: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    meeting_style: str = "either"
    meeting_minutes: int = 30
    every_days: int = 14
    time_of_day: str = "any"
    utc_start: float = 9.0
    work_hours: float = 8.0
    personality: Personality | None = None
    manager_chain: frozenset[str] = frozenset()
    previous_partners: frozenset[str] = field(default_factory=frozenset)

    @property
    def first_name(self) -> str:
        """How reasons address the person."""
        return self.name.split()[0] if self.name.strip() else self.person_id


CANDIDATE_FIELDS = frozenset(f.name for f in fields(Candidate))
NOBODY: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def answers(given: tuple[int, ...]) -> Personality:
    """The questionnaire's answers as one shared, frozen value: 5^5 possible, 10,000 people."""
    return Personality(*given)


def candidate_of(values: dict[str, Any]) -> Candidate:
    """The candidate with exactly these fields, equal to ``Candidate(**values)``.

    A frozen dataclass sets each of its 18 fields through object.__setattr__: 20 µs a person
    on the shared machine, 0.2 s of a 10,000-person pool's load; filling the instance's
    dictionary at once takes a third of that (decision 0041).
    """
    if values.keys() != CANDIDATE_FIELDS:
        raise TypeError(f"candidate fields: {sorted(values.keys() ^ CANDIDATE_FIELDS)}")
    made: Candidate = object.__new__(Candidate)
    made.__dict__.update(values)
    return made


def normalise_tags(values: Iterable[object] | None) -> frozenset[str]:
    """Tags compared case- and space-insensitively ("Public Speaking" == "public speaking")."""
    if not values:
        return frozenset()
    return _tags(tuple(map(str, values)))


@lru_cache(maxsize=65_536)
def _tags(values: tuple[str, ...]) -> frozenset[str]:
    # A pool repeats a few thousand tag lists ten thousand times: each is normalised once.
    return frozenset(" ".join(v.split()).lower() for v in values if v.strip())


def utc_offset_hours(timezone: str, on: date | None = None) -> float:
    """The zone's offset from UTC in hours on ``on`` (today by default); unknown zones are UTC."""
    return _offset_on(timezone, on or datetime.now(UTC).date())


@lru_cache(maxsize=4096)
def _offset_on(timezone: str, day: date) -> float:
    # A pool has a few zones and one day: 10,000 people cost a few look-ups, not 10,000.
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
    offset = moment.utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def working_window_utc(
    timezone: str, start_hour: float, end_hour: float, on: date | None = None
) -> tuple[float, float]:
    """(start in UTC hours 0–24, length in hours) of a local working day."""
    # As floats: a cached 9 (int) must not answer a later 9.0 with an int (the pool's hash).
    return _window(timezone, float(start_hour), float(end_hour), on or datetime.now(UTC).date())


@lru_cache(maxsize=4096)
def _window(timezone: str, start_hour: float, end_hour: float, on: date) -> tuple[float, float]:
    # A pool has a few zones and working days: computed once each, not once a person.
    length = (end_hour - start_hour) % 24 or 24.0
    return (start_hour - _offset_on(timezone, on)) % 24, length
