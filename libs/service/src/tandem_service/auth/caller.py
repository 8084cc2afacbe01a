"""Who is calling: the subject of a verified token and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles a Tandem token may carry."""

    PARTICIPANT = "participant"
    PROGRAM_ADMIN = "program_admin"
    ANALYST = "analyst"
    SERVICE = "service"
    ORG_ADMIN = "org_admin"  # manages every program of the organisation


@dataclass(frozen=True)
class Caller:
    """A verified caller."""

    subject: str
    roles: frozenset[Role]
    token_id: str | None = None

    def has_any(self, *roles: Role) -> bool:
        """True when the caller holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)
