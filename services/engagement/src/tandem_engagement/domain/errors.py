"""Why a command was refused; the API turns each kind into its HTTP status."""

from __future__ import annotations


class EngagementError(Exception):
    """A command that the workspace's current state does not allow."""

    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(EngagementError):
    """A value breaks a rule (a score of 6, a date in the future); names the field."""

    status = 422


class Conflict(EngagementError):
    """The state forbids the command (an ended pair, a proposal already answered)."""

    status = 409


class PairNotYetKnown(Conflict):
    """The pair was created in matching but its workspace has not arrived yet: retry soon."""

    retry_after_seconds = 2


class NotFound(EngagementError):
    """The goal or check-in named does not exist in this workspace."""

    status = 404


class Forbidden(EngagementError):
    """The caller may not act on this workspace (not a member of the pair)."""

    status = 403
