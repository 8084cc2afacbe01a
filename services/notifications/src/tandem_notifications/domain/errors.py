"""The notifications domain's refusals: each names what was wrong."""

from __future__ import annotations

from tandem_service import errors as kit

# How long a launch takes to reach this service (outbox relay, Kafka, planner), with margin.
RETRY_SECONDS = 2


class NotificationError(kit.DomainError):
    """Something about a notification that cannot be done; ``permanent`` means never retry."""

    permanent: bool = True

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, **({} if field is None else {"field": field}))
        self.field = field


class UnknownRecipient(NotificationError):
    """Nobody with this id can be contacted (never known, or erased)."""


class InvalidAddress(NotificationError):
    """An email address or webhook URL that no channel can use."""

    status = 422


class HeaderInjection(NotificationError):
    """A value bound for a mail header carries a line break."""

    status = 422


class TemplateRefused(NotificationError):
    """A template failed to render or tried to reach what it must not."""

    status = 422


class TemporaryFailure(NotificationError):
    """The channel could not deliver now (SMTP 4xx, HTTP 5xx, a timeout); try again later."""

    permanent = False


class PermanentFailure(NotificationError):
    """The channel refused for good (SMTP 5xx, HTTP 4xx)."""


class InvalidTransition(NotificationError):
    """A delivery was asked to move in a way its state does not allow."""


class NotFound(NotificationError, kit.NotFound):
    """The program or inbox entry does not exist (for this caller)."""


class ProgramNotYetKnown(kit.NotYetKnown):
    """A program this service has not seen launched: its launch may still be on its way
    (409 with Retry-After), or it may never have been launched (the same answer, said so)."""

    def __init__(self, program_id: str) -> None:
        super().__init__(
            f"program {program_id} is not known to notifications yet: if it was launched"
            f" moments ago, retry after {RETRY_SECONDS} s; a program that was never launched"
            " keeps getting this answer",
            retry_after=RETRY_SECONDS,
            program_id=program_id,
            reason="program_not_yet_known",
        )


class Forbidden(NotificationError, kit.Forbidden):
    """The caller may not manage this program."""
