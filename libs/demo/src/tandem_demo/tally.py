"""What a demo run did, and the pairs it plays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Pair:
    """A pair the story plays, with its members and how it behaves."""

    pair_id: str
    members: list[str]
    opened_on: date
    drifting: bool
    lukewarm: bool
    goals: dict[str, str] = field(default_factory=dict)  # goal id -> owner


@dataclass
class Tally:
    """What the story did, and every private text it wrote (none may leak to admins)."""

    enrolled: int = 0
    check_ins: int = 0
    feedback: int = 0
    pulses: int = 0
    goals_set: int = 0
    goals_completed: int = 0
    cadences_agreed: int = 0
    rematches: int = 0
    private_texts: set[str] = field(default_factory=set)

    def secret(self, text: str) -> str:
        """Remember ``text`` as private and return it."""
        self.private_texts.add(text)
        return text
