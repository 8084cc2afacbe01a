"""The notifications domain's refusals: each names what was wrong."""

from __future__ import annotations


class NotificationError(Exception):
    """Something about a notification that cannot be done; ``permanent`` means never retry."""

    permanent: bool = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownRecipient(NotificationError):
    """Nobody with this id can be contacted (never known, or erased)."""


class InvalidAddress(NotificationError):
    """An email address or webhook URL that no channel can use."""


class HeaderInjection(NotificationError):
    """A value bound for a mail header carries a line break."""


class TemplateRefused(NotificationError):
    """A template failed to render or tried to reach what it must not."""


class TemporaryFailure(NotificationError):
    """The channel could not deliver now (SMTP 4xx, HTTP 5xx, a timeout); try again later."""

    permanent = False


class PermanentFailure(NotificationError):
    """The channel refused for good (SMTP 5xx, HTTP 4xx)."""


class InvalidTransition(NotificationError):
    """A delivery was asked to move in a way its state does not allow."""
