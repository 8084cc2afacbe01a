"""Support resources and conversation guides, with defaults a program admin may override."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["support", "guide"]


@dataclass(frozen=True)
class Resource:
    """A short guide shown to participants."""

    slug: str
    kind: Kind
    title: str
    body: str


SUPPORT = (
    Resource(
        "active-listening",
        "support",
        "Active listening",
        "Let your partner finish, reflect back what you heard, and ask one open question "
        "before offering any view of your own.",
    ),
    Resource(
        "giving-feedback",
        "support",
        "Giving feedback",
        "Describe what you saw and its effect, not the person; be specific, kind and "
        "timely, and ask how it landed.",
    ),
    Resource(
        "conflict-resolution",
        "support",
        "Working through a disagreement",
        "Name the disagreement calmly, look for the shared goal behind both positions, "
        "and agree one small next step together.",
    ),
)

GUIDES: dict[str, tuple[Resource, ...]] = {
    "onboarding": (
        Resource(
            "first-meeting",
            "guide",
            "First meeting agenda",
            "Introduce yourselves and your roles, share what the first months feel like, "
            "and agree how often and how you will meet.",
        ),
        Resource(
            "goal-prompts",
            "guide",
            "Goal-setting prompts",
            "What would make your first 90 days a success? Who do you need to know? "
            "Which tool or process still puzzles you?",
        ),
    ),
    "career_development": (
        Resource(
            "first-meeting",
            "guide",
            "First meeting agenda",
            "Share where you are and where you want to grow, what support you would value, "
            "and how you will keep each other accountable.",
        ),
        Resource(
            "goal-prompts",
            "guide",
            "Goal-setting prompts",
            "Which skill would change your work most this year? What stretch project could "
            "you take on? How will you know you have progressed?",
        ),
    ),
    "team_cohesion": (
        Resource(
            "first-meeting",
            "guide",
            "First meeting agenda",
            "Learn how each other's teams work, where they meet, and one thing you could "
            "make easier for each other.",
        ),
        Resource(
            "goal-prompts",
            "guide",
            "Goal-setting prompts",
            "Which hand-off between your teams could be smoother? What would you like the "
            "other team to know about yours?",
        ),
    ),
}


def guides_for(purpose: str) -> tuple[Resource, ...]:
    """The guides for a program's purpose (onboarding's when the purpose is unknown)."""
    key = purpose.strip().lower().replace(" ", "_").replace("-", "_")
    return GUIDES.get(key, GUIDES["onboarding"])


def merged(defaults: tuple[Resource, ...], overrides: dict[str, Resource]) -> list[Resource]:
    """The defaults with the program's own versions in their place, then the program's extras."""
    by_slug = {r.slug: r for r in defaults}
    by_slug.update(overrides)
    return list(by_slug.values())
