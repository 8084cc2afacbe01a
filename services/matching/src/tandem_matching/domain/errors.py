"""Why a command was refused: the kit's hierarchy, which the API turns into HTTP statuses."""

from tandem_service.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    NotYetKnown,
    RuleBroken,
)


class Stale(DomainError):
    """The caller's ``If-Match`` names a version the resource has moved past."""

    status = 412


__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "NotYetKnown",
    "RuleBroken",
    "Stale",
]
