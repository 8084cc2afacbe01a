"""Who may see which program's figures: owners their own programs, analysts every program."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tandem_analytics.domain.errors import NotYourProgram


@dataclass(frozen=True)
class Audience:
    """A caller as the figures see them: a pseudonym and whether they see every program."""

    pseudonym: str
    sees_all: bool

    def programs(self, owners: Mapping[str, str | None]) -> list[str]:
        """The programs of ``owners`` (program -> owner pseudonym) this audience may see."""
        return sorted(p for p, owner in owners.items() if self.sees_all or owner == self.pseudonym)

    def check_may_see(self, program_id: str, owners: Mapping[str, str | None]) -> None:
        """Refuse a program that is unknown or not the caller's (the same answer for both)."""
        if program_id not in self.programs(owners):
            raise NotYourProgram(program_id)
