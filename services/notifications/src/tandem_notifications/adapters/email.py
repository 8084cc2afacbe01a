"""The email a person receives: plain and HTML parts, an optional .ics, a stable Message-ID.

Built with the compat32 MIME classes: the modern header registry parses every header it is
given and costs more than the SMTP round trip at fan-out volumes. Header values are checked
for line breaks here, and names are encoded by ``formataddr``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.charset import BASE64, Charset
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from tandem_notifications.domain.content import Rendered, check_header_safe
from tandem_notifications.domain.errors import InvalidAddress

_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64


@dataclass(frozen=True)
class Envelope:
    """Who a mail is from and to, and how to leave."""

    sender: str
    recipient_name: str
    recipient_email: str
    message_id: str
    unsubscribe_url: str
    sent_at: datetime


def build_email(envelope: Envelope, words: Rendered, ics: bytes | None = None) -> Message:
    """A multipart/alternative (text, HTML) message, mixed with a text/calendar part if any."""
    for field, value in (
        ("name", envelope.recipient_name),
        ("email", envelope.recipient_email),
        ("unsubscribe link", envelope.unsubscribe_url),
    ):
        check_header_safe(field, value)
    check_address(envelope.recipient_email)
    check_address(envelope.sender)
    footer = f"\n\n--\nStop these emails: {envelope.unsubscribe_url}\n"
    link = f'<hr><p><a href="{envelope.unsubscribe_url}">Stop these emails</a></p>'
    body = MIMEMultipart("alternative")
    body.attach(_text(words.text + footer, "plain"))
    body.attach(_text(words.html + link, "html"))
    message: Message = body
    if ics is not None:
        message = MIMEMultipart("mixed")
        message.attach(body)
        method = "CANCEL" if b"METHOD:CANCEL" in ics else "REQUEST"
        invite = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
        invite.set_param("method", method)
        invite.add_header("Content-Disposition", "attachment", filename="tandem.ics")
        message.attach(invite)
    message["From"] = formataddr(("Tandem", envelope.sender))
    message["To"] = formataddr((envelope.recipient_name, envelope.recipient_email), "utf-8")
    message["Subject"] = (
        str(_UTF8.header_encode(words.subject)) if not words.subject.isascii() else words.subject
    )
    message["Message-ID"] = envelope.message_id
    message["Date"] = format_datetime(envelope.sent_at)
    message["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def check_address(email: str) -> None:
    """One ``@``, something on each side, no spaces or angle brackets."""
    local, _, domain = email.partition("@")
    if not local or not domain or "@" in domain or any(c.isspace() or c in '<>,;"' for c in email):
        raise InvalidAddress(f"not an email address: {email!r}")


def _text(content: str, subtype: str) -> MIMEText:
    return MIMEText(content, subtype, "utf-8")
