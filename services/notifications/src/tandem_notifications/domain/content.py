"""What a rendered notification holds, and the parts that must be safe for mail headers."""

from __future__ import annotations

from dataclasses import dataclass

from tandem_notifications.domain.errors import HeaderInjection

PARTS = ("subject", "text", "html", "chat")


@dataclass(frozen=True)
class Rendered:
    """A notification's words: an email subject, plain and HTML bodies, and a short chat line."""

    subject: str
    text: str
    html: str
    chat: str

    def __post_init__(self) -> None:
        check_header_safe("subject", self.subject)


def check_header_safe(field: str, value: str) -> None:
    """Refuse a header value with a line break: it would smuggle extra headers in."""
    if "\r" in value or "\n" in value or "\x00" in value:
        raise HeaderInjection(f"{field} contains a line break")
