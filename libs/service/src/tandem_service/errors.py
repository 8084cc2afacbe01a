"""Why a command was refused: a small hierarchy the HTTP layer maps to statuses (no I/O here)."""

from __future__ import annotations


class DomainError(Exception):
    """A command that the current state or the rules do not allow."""

    status = 409

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    """The aggregate the command names does not exist."""

    status = 404


class Forbidden(DomainError):
    """The caller may not act on this aggregate (a participant outside the pair)."""

    status = 403


class Conflict(DomainError):
    """The state forbids the command (a closed program, a pair already ended, ...)."""

    status = 409


class NotYetKnown(DomainError):
    """Something the command needs has not arrived yet (an event still in flight): retry later."""

    status = 409

    def __init__(self, message: str, *, retry_after: int = 1, **detail: object) -> None:
        super().__init__(message, **detail)
        self.retry_after = retry_after


class RuleBroken(DomainError):
    """The request is well formed but breaks a business rule."""

    status = 422


class Invalid(RuleBroken):
    """One field of the request holds a value the rules refuse; names the field."""

    def __init__(self, location: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.location = location


class KeyReused(Invalid):
    """An idempotency key sent again with a different request."""

    def __init__(self) -> None:
        super().__init__(
            ("header", "Idempotency-Key"),
            "this Idempotency-Key was already used with a different request; use a new key",
        )
