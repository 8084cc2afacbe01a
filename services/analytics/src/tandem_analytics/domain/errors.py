"""The analytics domain's errors."""

from __future__ import annotations

from tandem_service.errors import NotFound


class AnalyticsError(Exception):
    """Base of the analytics domain's errors."""


class WeakPseudonymKey(AnalyticsError):
    """The pseudonym key is too short to keep person ids secret."""

    def __init__(self, minimum: int) -> None:
        super().__init__(f"the pseudonym key must be at least {minimum} bytes")


class NotYourProgram(NotFound):
    """A program that does not exist or whose figures the caller may not see (one answer for
    both, so the ids of others' programs do not leak)."""

    def __init__(self, program_id: str) -> None:
        super().__init__(
            f"no program {program_id!r} among the programs you may see", program_id=program_id
        )
        self.program_id = program_id
