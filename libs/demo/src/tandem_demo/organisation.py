"""A synthetic organisation and its participants' profiles, generated from a seed (no I/O)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DEPARTMENTS = (
    "Engineering",
    "Product",
    "Design",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Operations",
)
# Three regions at least, so the matcher's working-hours overlap matters.
REGIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "europe": (
        ("Europe/Lisbon", ("pt", "en")),
        ("Europe/Berlin", ("de", "en")),
        ("Europe/Paris", ("fr", "en")),
    ),
    "americas": (("America/New_York", ("en", "es")), ("America/Sao_Paulo", ("pt", "es"))),
    "asia_pacific": (("Asia/Singapore", ("en", "zh")), ("Asia/Tokyo", ("ja", "en"))),
}
SKILLS = (
    "python",
    "public speaking",
    "negotiation",
    "data analysis",
    "people management",
    "product strategy",
    "writing",
    "design critique",
    "budgeting",
    "hiring",
    "customer discovery",
    "system design",
)
GOALS = (
    "grow_as_a_manager",
    "learn_the_business",
    "build_a_network",
    "change_teams",
    "lead_a_project",
)
FIRST = ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gita", "Hugo", "Ines", "Jun", "Kofi", "Lea")
LAST = ("Alves", "Brandt", "Costa", "Dubois", "Endo", "Fischer", "Garcia", "Hall", "Ito", "Jensen")


@dataclass(frozen=True)
class Person:
    """One employee as the directory import wants them."""

    person_id: str
    name: str
    email: str
    level: int
    department: str
    team: str
    manager_id: str | None
    timezone: str
    languages: tuple[str, ...]

    def as_import(self) -> dict[str, object]:
        """The JSON body of one directory row."""
        return {**self.__dict__, "languages": list(self.languages)}


@dataclass(frozen=True)
class Organisation:
    """Everyone, managers first (so a manager is always imported before their reports)."""

    people: tuple[Person, ...]
    seed: int
    regions: dict[str, int] = field(default_factory=dict)


def organisation(size: int, seed: int, tag: str) -> Organisation:
    """About ``size`` people in 8 departments, levels 1-6, with a manager tree per department."""
    rng = random.Random(seed)
    people: list[Person] = []
    regions: dict[str, int] = {}
    per_department = max(2, size // len(DEPARTMENTS))
    for d, department in enumerate(DEPARTMENTS):
        managers: dict[int, list[str]] = {}
        for i in range(per_department):
            # A pyramid: one head at level 6, a few at 5 and 4, most at 1-3.
            level = 6 if i == 0 else rng.choices((5, 4, 3, 2, 1), (1, 3, 8, 12, 12))[0]
            above = [m for lvl in range(level + 1, 7) for m in managers.get(lvl, [])]
            manager = rng.choice(above[-4:]) if above else None
            region = rng.choice(tuple(REGIONS))
            zone, languages = rng.choice(REGIONS[region])
            regions[region] = regions.get(region, 0) + 1
            person_id = f"{tag}-{d}{i:03d}"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            people.append(
                Person(
                    person_id=person_id,
                    name=name,
                    email=f"{person_id}@example.test",
                    level=level,
                    department=department,
                    team=f"{department} {1 + i % 4}",
                    manager_id=manager,
                    timezone=zone,
                    languages=languages,
                )
            )
            managers.setdefault(level, []).append(person_id)
    return Organisation(tuple(people), seed, regions)


def volunteers(org: Organisation, share: float, seed: int) -> list[Person]:
    """The people who enrol of their own accord (about ``share`` of everyone)."""
    rng = random.Random(seed + 1)
    return [p for p in org.people if rng.random() < share]


def profile(person: Person, seed: int) -> dict[str, object]:
    """A generated enrolment profile: what they offer, seek, want and when they can meet."""
    rng = random.Random(f"{seed}:{person.person_id}")
    offered = rng.sample(SKILLS, 3)
    sought = rng.sample([s for s in SKILLS if s not in offered], 2)
    return {
        "skills_offered": offered,
        "skills_sought": sought,
        "goals": rng.sample(GOALS, 2),
        "free_tags": [rng.choice(("remote work", "parenting", "career change", "first job"))],
        "meeting_style": rng.choice(("sync", "async", "either")),
        "meeting_minutes": rng.choice((30, 45, 60)),
        "every_days": rng.choice((7, 14)),
        "time_of_day": rng.choice(("morning", "midday", "afternoon", "any")),
        "availability": {
            "start_hour": rng.choice((8, 9, 10)),
            "end_hour": rng.choice((16, 17, 18)),
        },
        "personality": {
            trait: rng.randint(1, 5)
            for trait in (
                "openness",
                "conscientiousness",
                "extraversion",
                "agreeableness",
                "emotional_stability",
            )
        },
    }
