"""Hypothesis strategies and builders for candidates (shared by the unit tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from tandem_matching.domain.profile import Candidate, Personality

SKILLS = ["sql", "python", "public speaking", "design", "negotiation"]
GOALS = ["leadership", "public speaking", "career growth", "visibility"]
LANGUAGES = ["en", "fr", "pt"]


def person(person_id: str, **fields: object) -> Candidate:
    """A plain candidate: English, 9–17 UTC, level 3, unless told otherwise."""
    defaults: dict[str, object] = {
        "name": person_id.title(),
        "level": 3,
        "languages": frozenset({"en"}),
    }
    defaults.update(fields)
    return Candidate(person_id=person_id, **defaults)  # type: ignore[arg-type]


personalities = st.none() | st.builds(Personality, *[st.integers(1, 5) for _ in range(5)])

# Strategies are built once: building them inside the draw loop cost more than the tests.
levels = st.integers(1, 5)
departments = st.sampled_from(["eng", "fin", "ops"])
skill_sets = st.frozensets(st.sampled_from(SKILLS), max_size=3)
goal_sets = st.frozensets(st.sampled_from(GOALS), max_size=2)
language_sets = st.frozensets(st.sampled_from(LANGUAGES), min_size=1, max_size=2)
meeting_styles = st.sampled_from(["sync", "async", "either"])
times_of_day = st.sampled_from(["any", "morning", "evening"])
hours = st.integers(0, 23)
lengths = st.integers(4, 10)


@st.composite
def pools(draw: st.DrawFn, max_size: int = 14) -> list[Candidate]:
    """Pools with random levels, languages, hours, manager chains and earlier partners."""
    size = draw(st.integers(0, max_size))
    ids = [f"p{i}" for i in range(size)]
    # Someone else in the pool, drawn by index among the other size - 1 people.
    peers = st.frozensets(st.integers(0, max(size - 2, 0)), max_size=2 if size > 1 else 0)

    def others(pid: str) -> frozenset[str]:
        rest = [o for o in ids if o != pid]
        return frozenset(rest[i] for i in draw(peers))

    return [
        Candidate(
            person_id=pid,
            name=pid,
            level=draw(levels),
            department=draw(departments),
            skills_offered=draw(skill_sets),
            skills_sought=draw(skill_sets),
            goals=draw(goal_sets),
            languages=draw(language_sets),
            meeting_style=draw(meeting_styles),
            time_of_day=draw(times_of_day),
            utc_start=float(draw(hours)),
            work_hours=float(draw(lengths)),
            personality=draw(personalities),
            manager_chain=others(pid),
            previous_partners=others(pid),
        )
        for pid in ids
    ]
