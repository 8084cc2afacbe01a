"""Why a command was refused; the API turns each kind into its HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A command that the current state does not allow."""

    status = 409

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    """The program, person, enrolment or pair does not exist."""

    status = 404


class Conflict(DomainError):
    """The state forbids the command (a closed program, a pair already ended, ...)."""

    status = 409


class Forbidden(DomainError):
    """The caller may not act on this aggregate (a participant outside the pair)."""

    status = 403
