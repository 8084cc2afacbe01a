"""Two or three reasons in plain words for why a pair or a triad was proposed.

Every reason holds for everyone it speaks about: a triad's shared goals, languages and hours
are those of all three. Reasons speak about what partners may see (skills, goals, schedules,
departments); they never mention personality answers, which admins must not learn.
"""

from __future__ import annotations

from collections.abc import Sequence

from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy
from tandem_matching.domain.wording import languages_said, names, shared_hours, terms_said


def group_reasons(members: Sequence[Candidate], policy: ScoringPolicy, limit: int = 3) -> list[str]:
    """The strongest reasons first; each holds for every member it names or addresses.

    In order: the shared goals, up to two skills one offers and another wants, a bridge
    between departments, the meeting style, the time of day, the shared hours, the languages.
    Only the first ``limit`` are worded: most pairs stop after the goals and the skills.
    """
    everyone = "you both" if len(members) == 2 else "all three of you"
    goals = frozenset.intersection(*(m.goals for m in members))
    found = [f"{everyone} have the goal {terms_said(goals)}"] if goals else []
    called: dict[str, str] | None = None
    gives = 0
    for giver in members:
        for taker in members:
            # Identity, not ==: comparing two candidates field by field costs a round 0.2 s.
            if gives == 2 or giver is taker:
                continue
            if shared := giver.skills_offered & taker.skills_sought:
                called = called or names(members)
                found.append(
                    f"{called[giver.person_id]} offers {terms_said(shared)},"
                    f" which {called[taker.person_id]} wants"
                )
                gives += 1
    for more in _REST:
        if len(found) >= limit:
            break
        if said := more(members, policy, everyone):
            found.append(said)
    return found[:limit]


def _bridge(members: Sequence[Candidate], policy: ScoringPolicy, everyone: str) -> str | None:
    departments = [m.department for m in members]
    if (
        policy.cross_team != "prefer_other_departments"
        or not all(departments)
        or len(set(departments)) != len(departments)
    ):
        return None
    shown = sorted(departments)
    if len(shown) == 2:
        return f"a bridge between {shown[0]} and {shown[1]}"
    return f"brings together {shown[0]}, {shown[1]} and {shown[2]}"


def _style(members: Sequence[Candidate], _: ScoringPolicy, everyone: str) -> str | None:
    styles = {m.meeting_style for m in members}
    if len(styles) == 1 and styles != {"either"}:
        return f"{everyone} like {next(iter(styles))} conversations"
    return None


def _time_of_day(members: Sequence[Candidate], _: ScoringPolicy, everyone: str) -> str | None:
    times = {m.time_of_day for m in members}
    if len(times) == 1 and times != {"any"}:
        return f"{everyone} prefer to meet in the {next(iter(times))}"
    return None


def _hours(members: Sequence[Candidate], _: ScoringPolicy, everyone: str) -> str:
    return f"{everyone} share {shared_hours(members):g} working hours a day"


def _spoken(members: Sequence[Candidate], _: ScoringPolicy, everyone: str) -> str | None:
    languages = frozenset.intersection(*(m.languages for m in members))
    return f"{everyone} speak {languages_said(languages)}" if languages else None


_REST = (_bridge, _style, _time_of_day, _hours, _spoken)


def reasons_for(a: Candidate, b: Candidate, policy: ScoringPolicy, limit: int = 3) -> list[str]:
    """Reasons for a pair."""
    return group_reasons([a, b], policy, limit)


def triad_reasons(members: list[Candidate], policy: ScoringPolicy) -> list[str]:
    """Reasons for a group of three, each true of all three."""
    return group_reasons(members, policy)
