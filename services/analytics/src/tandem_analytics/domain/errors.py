"""The analytics domain's errors."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base of the analytics domain's errors."""


class WeakPseudonymKey(AnalyticsError):
    """The pseudonym key is too short to keep person ids secret."""

    def __init__(self, minimum: int) -> None:
        super().__init__(f"the pseudonym key must be at least {minimum} bytes")


class NotYourProgram(AnalyticsError):
    """A program that does not exist or whose figures the caller may not see."""

    def __init__(self, program_id: str) -> None:
        super().__init__(f"no program {program_id!r} among the programs you may see")
        self.program_id = program_id
