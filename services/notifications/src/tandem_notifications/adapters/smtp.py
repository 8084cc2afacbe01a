"""Email over SMTP (STARTTLS, auth) through a few kept-open connections; failures classified."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

import aiosmtplib

from tandem_notifications.adapters.email import OutgoingMail
from tandem_notifications.domain.errors import (
    NotificationError,
    PermanentFailure,
    TemporaryFailure,
)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to submit mail."""

    host: str = "127.0.0.1"
    port: int = 25
    start_tls: bool | None = None  # None: upgrade when the server offers it
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    validate_certs: bool = True
    connections: int = 4


class SmtpChannel:
    """Sends messages over a small pool of open SMTP connections, reconnecting as needed."""

    def __init__(self, config: SmtpConfig, tls_context: ssl.SSLContext | None = None) -> None:
        self._config = config
        self._tls = tls_context
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        for _ in range(config.connections):
            self._idle.put_nowait(self._client())

    def _client(self) -> aiosmtplib.SMTP:
        c = self._config
        return aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            start_tls=c.start_tls,
            use_tls=c.use_tls,
            username=c.username,
            password=c.password,
            timeout=c.timeout,
            validate_certs=c.validate_certs,
            tls_context=self._tls,
        )

    async def send(self, mail: OutgoingMail) -> None:
        """Submit ``mail``; raises TemporaryFailure or PermanentFailure with the reply."""
        client = await self._idle.get()
        try:
            if not client.is_connected:
                await client.connect()
            await client.sendmail(mail.sender, [mail.recipient], mail.raw)
        except BaseException as exc:
            client.close()
            client = self._client()
            failure = classify(exc)
            if failure is exc:
                raise
            raise failure from exc
        finally:
            self._idle.put_nowait(client)

    async def close(self) -> None:
        """Say goodbye on every open connection."""
        while not self._idle.empty():
            client = self._idle.get_nowait()
            if client.is_connected:
                try:
                    await client.quit()
                except aiosmtplib.SMTPException:
                    client.close()


def classify(exc: BaseException) -> NotificationError | BaseException:
    """SMTP 4xx, timeouts and lost connections are temporary; 5xx replies are permanent."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        reason = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return _by_code(min(codes) if codes else 550, f"recipient refused: {reason}")
    if isinstance(exc, aiosmtplib.SMTPResponseException) and not isinstance(
        exc, aiosmtplib.SMTPServerDisconnected
    ):
        return _by_code(exc.code, f"{exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPException | OSError | TimeoutError):
        return TemporaryFailure(f"smtp unavailable: {type(exc).__name__}: {exc}")
    return exc  # cancellation and programming errors propagate unchanged


def _by_code(code: int, reason: str) -> NotificationError:
    return TemporaryFailure(reason) if 400 <= code < 500 else PermanentFailure(reason)
