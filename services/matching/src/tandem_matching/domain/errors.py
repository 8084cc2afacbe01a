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

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "NotYetKnown",
    "RuleBroken",
]
