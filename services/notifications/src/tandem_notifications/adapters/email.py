"""The email a person receives: plain and HTML parts, an optional .ics, a stable Message-ID.

The MIME bytes are written here directly (base64 bodies, RFC 2047 encoded words for non-ASCII
headers), not through the ``email`` package's generator: at fan-out volumes its header folding
and address parsing cost many times the SMTP exchange itself. Header values are checked for
line breaks first, so nothing can smuggle a header in.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formataddr

from tandem_notifications.domain.content import Rendered, check_header_safe
from tandem_notifications.domain.errors import InvalidAddress

_WORD_BYTES = 45  # 45 UTF-8 bytes -> 60 base64 characters: an encoded word stays under 75
_LONGEST_PLAIN = 900  # a header line must stay under 998 characters


@dataclass(frozen=True)
class Envelope:
    """Who a mail is from and to, and how to leave."""

    sender: str
    recipient_name: str
    recipient_email: str
    message_id: str
    unsubscribe_url: str
    sent_at: datetime


@dataclass(frozen=True)
class OutgoingMail:
    """A message ready for SMTP: envelope addresses and the wire bytes (CRLF lines)."""

    sender: str
    recipient: str
    message_id: str
    raw: bytes


def build_email(envelope: Envelope, words: Rendered, ics: bytes | None = None) -> OutgoingMail:
    """A multipart/alternative (text, HTML) message, mixed with a text/calendar part if any."""
    for field, value in (
        ("name", envelope.recipient_name),
        ("email", envelope.recipient_email),
        ("unsubscribe link", envelope.unsubscribe_url),
        ("message id", envelope.message_id),
    ):
        check_header_safe(field, value)
    check_address(envelope.recipient_email)
    check_address(envelope.sender)
    url = envelope.unsubscribe_url
    footer = f"\n\n--\nStop these emails: {url}\n"
    link = f'<hr><p><a href="{url}">Stop these emails</a></p>'
    seed = hashlib.blake2s(envelope.message_id.encode(), digest_size=10).hexdigest()
    body = _multipart(
        "alternative",
        f"=_alt_{seed}",
        [_leaf("text/plain", words.text + footer), _leaf("text/html", words.html + link)],
    )
    if ics is not None:
        method = "CANCEL" if b"METHOD:CANCEL" in ics else "REQUEST"
        invite = _leaf(
            f"text/calendar; method={method}",
            ics.decode("utf-8"),
            'Content-Disposition: attachment; filename="tandem.ics"\r\n',
        )
        body = _multipart("mixed", f"=_mix_{seed}", [body, invite])
    headers = (
        f"From: {formataddr(('Tandem', envelope.sender))}\r\n"
        f"To: {_address(envelope.recipient_name, envelope.recipient_email)}\r\n"
        f"Subject: {_header_text(words.subject)}\r\n"
        f"Message-ID: {envelope.message_id}\r\n"
        f"Date: {format_datetime(envelope.sent_at)}\r\n"
        f"List-Unsubscribe: <{url}>\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        "MIME-Version: 1.0\r\n"
    )
    raw = headers.encode("ascii") + body
    return OutgoingMail(envelope.sender, envelope.recipient_email, envelope.message_id, raw)


def check_address(email: str) -> None:
    """One ``@``, something on each side, ASCII, no spaces or angle brackets."""
    local, _, domain = email.partition("@")
    if (
        not local
        or not domain
        or "@" in domain
        or not email.isascii()
        or any(c.isspace() or c in '<>,;"' for c in email)
    ):
        raise InvalidAddress(f"not an email address: {email!r}")


def _leaf(content_type: str, text: str, extra: str = "") -> bytes:
    encoded = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: base64\r\n{extra}\r\n"
    )
    return head.encode("ascii") + encoded


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    # "=_" never occurs in base64 or in a part's headers, so the boundary is unambiguous.
    mark = f"--{boundary}".encode("ascii")
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode("ascii")
    inner = b"".join(mark + b"\r\n" + p + b"\r\n" for p in parts)
    return head + inner + mark + b"--\r\n"


def _address(name: str, email: str) -> str:
    if name.isascii():
        return formataddr((name, email))  # quotes specials such as a comma
    # Readers join a phrase's encoded words with one space: split only where a space was.
    groups: list[str] = []
    for token in name.split(" "):
        joined = f"{groups[-1]} {token}" if groups else token
        if groups and len(joined.encode("utf-8")) <= _WORD_BYTES:
            groups[-1] = joined
        else:
            groups.append(token)
    return "\r\n ".join(_encoded_words(g) for g in groups) + f" <{email}>"


def _header_text(text: str) -> str:
    if text.isascii() and len(text) <= _LONGEST_PLAIN:
        return text
    return _encoded_words(text)


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 words of at most 75 characters, folded onto continuation lines."""
    words, chunk = [], b""
    for char in text:
        piece = char.encode("utf-8")
        if len(chunk) + len(piece) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += piece
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)
