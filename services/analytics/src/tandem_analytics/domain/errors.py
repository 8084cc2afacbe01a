"""The analytics domain's errors."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base of the analytics domain's errors."""


class WeakPseudonymKey(AnalyticsError):
    """The pseudonym key is too short to keep person ids secret."""

    def __init__(self, minimum: int) -> None:
        super().__init__(f"the pseudonym key must be at least {minimum} bytes")


class UnknownFigure(AnalyticsError):
    """A figure (view) that the API does not publish."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no figure named {name!r}")
        self.name = name
