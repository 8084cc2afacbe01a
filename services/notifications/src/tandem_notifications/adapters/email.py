"""The email a person receives: plain and HTML parts, an optional .ics, a stable Message-ID."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from tandem_notifications.domain.content import Rendered, check_header_safe
from tandem_notifications.domain.errors import HeaderInjection, InvalidAddress


@dataclass(frozen=True)
class Envelope:
    """Who a mail is from and to, and how to leave."""

    sender: str
    recipient_name: str
    recipient_email: str
    message_id: str
    unsubscribe_url: str
    sent_at: datetime


def build_email(envelope: Envelope, words: Rendered, ics: bytes | None = None) -> EmailMessage:
    """A multipart/alternative (text, HTML) message, mixed with a text/calendar part if any."""
    check_header_safe("name", envelope.recipient_name)
    check_header_safe("email", envelope.recipient_email)
    message = EmailMessage()
    try:
        message["To"] = _address(envelope.recipient_name, envelope.recipient_email)
        message["From"] = _address("Tandem", envelope.sender)
    except (ValueError, IndexError) as exc:
        raise InvalidAddress(f"cannot address {envelope.recipient_email!r}: {exc}") from exc
    message["Subject"] = words.subject
    message["Message-ID"] = envelope.message_id
    message["Date"] = format_datetime(envelope.sent_at)
    message["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    footer = f"\n\n--\nStop these emails: {envelope.unsubscribe_url}\n"
    message.set_content(words.text + footer)
    message.add_alternative(
        f'{words.html}<hr><p><a href="{envelope.unsubscribe_url}">Stop these emails</a></p>',
        subtype="html",
    )
    if ics is not None:
        method = "CANCEL" if b"METHOD:CANCEL" in ics else "REQUEST"
        message.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="tandem.ics",
            params={"method": method},
        )
    return message


def _address(name: str, email: str) -> Address:
    if email.count("@") != 1 or any(c.isspace() for c in email):
        raise InvalidAddress(f"not an email address: {email!r}")
    local, domain = email.split("@")
    if not local or not domain:
        raise InvalidAddress(f"not an email address: {email!r}")
    try:
        return Address(display_name=name, username=local, domain=domain)
    except ValueError as exc:
        raise HeaderInjection(str(exc)) from exc
