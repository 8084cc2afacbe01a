"""Who may see which program's figures: its owner and co-admins, and analysts every program."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from tandem_analytics.domain.errors import NotYourProgram


@dataclass(frozen=True)
class Audience:
    """A caller as the figures see them: a pseudonym and whether they see every program."""

    pseudonym: str
    sees_all: bool

    def programs(self, admins: Mapping[str, Collection[str]]) -> list[str]:
        """The programs of ``admins`` (program -> its admins' pseudonyms) this audience sees."""
        return sorted(p for p, who in admins.items() if self.sees_all or self.pseudonym in who)

    def check_may_see(self, program_id: str, admins: Mapping[str, Collection[str]]) -> None:
        """Refuse a program that is unknown or not the caller's (the same answer for both)."""
        if program_id not in self.programs(admins):
            raise NotYourProgram(program_id)
