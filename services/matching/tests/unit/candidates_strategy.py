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


@st.composite
def pools(draw: st.DrawFn, max_size: int = 14) -> list[Candidate]:
    """Pools with random levels, languages, hours, manager chains and earlier partners."""
    size = draw(st.integers(0, max_size))
    ids = [f"p{i}" for i in range(size)]
    pool = []
    for pid in ids:
        others = [o for o in ids if o != pid]
        pool.append(
            Candidate(
                person_id=pid,
                name=pid,
                level=draw(st.integers(1, 5)),
                department=draw(st.sampled_from(["eng", "fin", "ops"])),
                skills_offered=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
                skills_sought=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
                goals=frozenset(draw(st.lists(st.sampled_from(GOALS), max_size=2))),
                languages=frozenset(
                    draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2))
                ),
                meeting_style=draw(st.sampled_from(["sync", "async", "either"])),
                time_of_day=draw(st.sampled_from(["any", "morning", "evening"])),
                utc_start=float(draw(st.integers(0, 23))),
                work_hours=float(draw(st.integers(4, 10))),
                personality=draw(personalities),
                manager_chain=frozenset(draw(st.lists(st.sampled_from(others), max_size=2)))
                if others
                else frozenset(),
                previous_partners=frozenset(draw(st.lists(st.sampled_from(others), max_size=2)))
                if others
                else frozenset(),
            )
        )
    return pool
