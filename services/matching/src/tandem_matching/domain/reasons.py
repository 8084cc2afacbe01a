"""Two or three reasons in plain words for why a pair was proposed.

Reasons speak about what partners may see (skills, goals, schedules, departments); they
never mention personality answers, which admins must not learn.
"""

from __future__ import annotations

from tandem_matching.domain.features import encode, overlap_hours
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy


def _listing(items: list[str]) -> str:
    items = sorted(items)[:2]
    return " and ".join(items)


def reasons_for(a: Candidate, b: Candidate, policy: ScoringPolicy, limit: int = 3) -> list[str]:
    """The strongest reasons first; at least two whenever the pair passed the constraints."""
    found: list[str] = []
    a_gives = sorted(a.skills_offered & b.skills_sought)
    b_gives = sorted(b.skills_offered & a.skills_sought)
    if a_gives and b_gives:
        found.append(
            f"{a.first_name} offers {_listing(a_gives)}, which {b.first_name} wants; "
            f"{b.first_name} offers {_listing(b_gives)} in return"
        )
    shared_goals = sorted(a.goals & b.goals)
    if shared_goals:
        found.append(f"you both want to work on {_listing(shared_goals)}")
    if a_gives and not b_gives:
        found.append(f"{a.first_name} offers {_listing(a_gives)}, which {b.first_name} wants")
    if b_gives and not a_gives:
        found.append(f"{b.first_name} offers {_listing(b_gives)}, which {a.first_name} wants")
    if (
        policy.cross_team == "prefer_other_departments"
        and a.department != b.department
        and a.department
        and b.department
    ):
        found.append(f"a bridge between {a.department} and {b.department}")
    if a.meeting_style == b.meeting_style != "either":
        found.append(f"you both like {a.meeting_style} conversations")
    if a.time_of_day == b.time_of_day != "any":
        found.append(f"you both prefer to meet in the {a.time_of_day}")
    features = encode([a, b])
    hours = float(overlap_hours(features.take(slice(0, 1)), features.take(slice(1, 2)))[0, 0])
    found.append(f"your working hours overlap by {hours:g} hours a day")
    common = sorted(a.languages & b.languages)
    if common:
        found.append(f"you can talk in {_listing(common)}")
    return found[:limit]


def triad_reasons(members: list[Candidate], policy: ScoringPolicy) -> list[str]:
    """Reasons for a group of three: the best reason of each of its pairs."""
    first, second, third = members
    picked: list[str] = []
    for x, y in ((first, second), (first, third), (second, third)):
        for reason in reasons_for(x, y, policy):
            if reason not in picked:
                picked.append(reason)
                break
    return picked[:3]
