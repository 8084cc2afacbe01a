"""Two or three reasons in plain words for why a pair or a triad was proposed.

Every reason holds for everyone it speaks about: a triad's shared goals, languages and hours
are those of all three. Reasons speak about what partners may see (skills, goals, schedules,
departments); they never mention personality answers, which admins must not learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "ta": "Tamil",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
QUARTERS = 96  # the day on a quarter-hour grid: fractional time zones (5:30, 5:45) fit


def language_name(code: str) -> str:
    """English name of a language code (en, pt-BR), or the code when unknown."""
    return LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)


def label(term: str) -> str:
    """A vocabulary key or tag as words, quoted: career_switch -> “career switch”."""
    return f"“{' '.join(term.replace('_', ' ').split())}”"


def names(members: Sequence[Candidate]) -> dict[str, str]:
    """First names; full names where two share a first name; with the id where both do."""
    firsts = [m.first_name for m in members]
    fulls = [m.name for m in members]

    def called(m: Candidate, first: str) -> str:
        if firsts.count(first) == 1:
            return first
        return m.name if fulls.count(m.name) == 1 else f"{m.name} ({m.person_id})"

    return {m.person_id: called(m, first) for m, first in zip(members, firsts, strict=True)}


def shared_hours(members: Sequence[Candidate]) -> float:
    """Hours a day when every member is within their working window (UTC, circular)."""
    common = ~0
    for m in members:
        common &= _quarters(m.utc_start, m.work_hours)
    return common.bit_count() / 4


@cache
def _quarters(utc_start: float, work_hours: float) -> int:
    """The quarter hours of a working window, one bit each: a round has few distinct windows."""
    inside = ((quarter / 4 - utc_start) % 24 < work_hours for quarter in range(QUARTERS))
    return sum(1 << quarter for quarter, yes in enumerate(inside) if yes)


def _listing(items: Sequence[str]) -> str:
    return " and ".join(sorted(items)[:2])


def group_reasons(members: Sequence[Candidate], policy: ScoringPolicy, limit: int = 3) -> list[str]:
    """The strongest reasons first; each holds for every member it names or addresses."""
    called = names(members)
    everyone = "you both" if len(members) == 2 else "all three of you"
    found: list[str] = []
    for giver in members:
        for taker in members:
            # Identity, not ==: comparing two candidates field by field costs a round 0.2 s.
            gives = sorted(giver.skills_offered & taker.skills_sought) if giver is not taker else []
            if gives:
                found.append(
                    f"{called[giver.person_id]} offers {_listing([label(g) for g in gives])},"
                    f" which {called[taker.person_id]} wants"
                )
    found = found[:2]
    goals = frozenset.intersection(*(m.goals for m in members))
    if goals:
        found.insert(0, f"{everyone} have the goal {_listing([label(g) for g in goals])}")
    departments = [m.department for m in members]
    if (
        policy.cross_team == "prefer_other_departments"
        and all(departments)
        and len(set(departments)) == len(departments)
    ):
        shown = sorted(departments)
        found.append(
            f"a bridge between {shown[0]} and {shown[1]}"
            if len(shown) == 2
            else f"brings together {shown[0]}, {shown[1]} and {shown[2]}"
        )
    styles = {m.meeting_style for m in members}
    if len(styles) == 1 and styles != {"either"}:
        found.append(f"{everyone} like {next(iter(styles))} conversations")
    times = {m.time_of_day for m in members}
    if len(times) == 1 and times != {"any"}:
        found.append(f"{everyone} prefer to meet in the {next(iter(times))}")
    found.append(f"{everyone} share {shared_hours(members):g} working hours a day")
    languages = frozenset.intersection(*(m.languages for m in members))
    if languages:
        found.append(f"{everyone} speak {_listing([language_name(c) for c in languages])}")
    return found[:limit]


def reasons_for(a: Candidate, b: Candidate, policy: ScoringPolicy, limit: int = 3) -> list[str]:
    """Reasons for a pair."""
    return group_reasons([a, b], policy, limit)


def triad_reasons(members: list[Candidate], policy: ScoringPolicy) -> list[str]:
    """Reasons for a group of three, each true of all three."""
    return group_reasons(members, policy)
