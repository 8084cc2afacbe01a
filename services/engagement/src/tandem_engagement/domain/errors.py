"""Why a command was refused: the kit's hierarchy, with the field named where one is at fault."""

from __future__ import annotations

from tandem_service.errors import Conflict as KitConflict
from tandem_service.errors import DomainError, Invalid, NotYetKnown
from tandem_service.errors import Forbidden as KitForbidden
from tandem_service.errors import NotFound as KitNotFound

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PairNotYetKnown",
]


class InvalidInput(Invalid):
    """A value breaks a rule (a score of 6, a date in the future): 422 naming the field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(("body", field), message)
        self.field = field


class Conflict(KitConflict):
    """The state forbids the command (an ended pair, a proposal already answered): 409."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, **({"field": field} if field else {}))
        self.field = field


class NotFound(KitNotFound):
    """The goal or check-in named does not exist in this workspace: 404."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, **({"field": field} if field else {}))
        self.field = field


class Forbidden(KitForbidden):
    """The caller may not act on this workspace (not a member of the pair): 403."""


class PairNotYetKnown(NotYetKnown):
    """Matching created the pair but its workspace has not arrived yet: 409, retry soon."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=2)
