"""Every reason of a pair or a triad holds for the profiles it speaks about (property test)."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.reasons import group_reasons
from tandem_matching.domain.scoring import ScoringPolicy
from tandem_matching.domain.wording import LANGUAGE_NAMES, names

from .candidates_strategy import GOALS, LANGUAGES, SKILLS, person

POLICY = ScoringPolicy.of({"skills": 1.0, "goals": 1.0})
CODES = {name: code for code, name in LANGUAGE_NAMES.items()}
NAMES = ["Wei Chen", "Wei Li", "Ana Lima", "Ben Ode"]
TERMS = [*SKILLS, *GOALS, "career_switch", "want to move into product"]


# Built once: a strategy built inside the draw costs more than the test itself.
members = st.builds(
    person,
    st.just("p"),
    name=st.sampled_from(NAMES),
    department=st.sampled_from(["", "eng", "fin", "ops"]),
    skills_offered=st.frozensets(st.sampled_from(TERMS), max_size=3),
    skills_sought=st.frozensets(st.sampled_from(TERMS), max_size=3),
    goals=st.frozensets(st.sampled_from(TERMS), max_size=3),
    languages=st.frozensets(st.sampled_from(LANGUAGES), min_size=1),
    meeting_style=st.sampled_from(["sync", "async", "either"]),
    time_of_day=st.sampled_from(["any", "morning", "evening"]),
    utc_start=st.sampled_from([0.0, 3.5, 8.0, 9.0, 13.75, 22.0]),
    work_hours=st.integers(1, 12).map(float),
)


@st.composite
def groups(draw: st.DrawFn) -> list[Candidate]:
    """Two or three people, possibly sharing a first name, in any time zone."""
    size = draw(st.integers(2, 3))
    return [replace(draw(members), person_id=f"p{i}") for i in range(size)]


def _terms(text: str) -> list[str]:
    return [t.replace(" ", "") for t in re.findall(r"“([^”]+)”", text)]


def _has(tags: frozenset[str], shown: str) -> bool:
    return shown in {t.replace("_", "").replace(" ", "") for t in tags}


def _minutes_together(members: list[Candidate]) -> float:
    together = sum(
        all(((m / 60) - c.utc_start) % 24 < c.work_hours for c in members) for m in range(1440)
    )
    return together / 60


def _check(reason: str, members: list[Candidate]) -> None:
    everyone = "you both" if len(members) == 2 else "all three of you"
    by_name = {v: k for k, v in names(members).items()}
    assert len(by_name) == len(members), "names are ambiguous"
    people = {m.person_id: m for m in members}
    assert "_" not in reason
    if match := re.fullmatch(r"(.+) offers (.+), which (.+) wants", reason):
        giver, taker = people[by_name[match[1]]], people[by_name[match[3]]]
        for term in _terms(match[2]):
            assert _has(giver.skills_offered, term)
            assert _has(taker.skills_sought, term)
    elif match := re.fullmatch(r"(.+) have the goal (.+)", reason):
        assert match[1] == everyone
        assert all(_has(m.goals, t) for t in _terms(match[2]) for m in members)
    elif match := re.fullmatch(r"(.+) share ([\d.]+) working hours a day", reason):
        assert match[1] == everyone
        assert float(match[2]) == _minutes_together(members)
    elif match := re.fullmatch(r"(.+) speak (.+)", reason):
        assert match[1] == everyone
        for language in match[2].split(" and "):
            assert all(CODES[language] in m.languages for m in members)
    elif reason.startswith(("a bridge between", "brings together")):
        assert len({m.department for m in members}) == len(members)
        assert all(m.department in reason for m in members)
    elif match := re.fullmatch(r"(.+) like (\w+) conversations", reason):
        assert {m.meeting_style for m in members} == {match[2]}
    elif match := re.fullmatch(r"(.+) prefer to meet in the (\w+)", reason):
        assert {m.time_of_day for m in members} == {match[2]}
    else:
        raise AssertionError(f"a reason nobody checks: {reason}")


@given(groups())
def test_every_reason_holds_for_everyone_it_speaks_about(members: list[Candidate]) -> None:
    reasons = group_reasons(members, POLICY)
    assert 1 <= len(reasons) <= 3
    for reason in reasons:
        _check(reason, members)


def test_a_triad_in_paris_and_kolkata_is_told_its_true_three_way_overlap() -> None:
    paris = person("a", name="Ana Lima", utc_start=8.0, work_hours=8.0)
    kolkata = [
        person(p, name=n, utc_start=3.5, work_hours=8.0)
        for p, n in (("b", "Wei Chen"), ("c", "Wei Li"))
    ]
    reasons = group_reasons(
        [paris, *kolkata], ScoringPolicy.of({"skills": 1.0}, cross_team="indifferent"), limit=9
    )
    assert "all three of you share 3.5 working hours a day" in reasons
    assert "all three of you speak English" in reasons
    assert names([paris, *kolkata]) == {"a": "Ana", "b": "Wei Chen", "c": "Wei Li"}


@given(groups(), st.sampled_from(["prefer_other_departments", "indifferent"]))
def test_the_first_reasons_are_those_of_the_whole_list(
    members: list[Candidate], cross_team: str
) -> None:
    """Only the first three are worded: they are the first three of all of them, in order."""
    policy = ScoringPolicy.of({"skills": 1.0}, cross_team=cross_team)
    assert group_reasons(members, policy) == group_reasons(members, policy, limit=9)[:3]


def test_two_people_are_called_as_three_would_be() -> None:
    """First names; full names when the first names match; with the id when both do."""
    wei, li, ana = person("a", name="Wei Chen"), person("b", name="Wei Li"), person("c")
    twin = person("d", name="Wei Chen")
    assert names([wei, ana]) == {"a": "Wei", "c": "C"}
    assert names([wei, li]) == {"a": "Wei Chen", "b": "Wei Li"}
    assert names([wei, twin]) == {"a": "Wei Chen (a)", "d": "Wei Chen (d)"}
    assert names([wei, twin, ana])["c"] == "C"
