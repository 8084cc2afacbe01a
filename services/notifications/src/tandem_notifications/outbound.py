"""The outgoing side: channels, the directory client and the dispatcher, built from settings."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import asyncpg
import httpx

from tandem_events.store import EventStore
from tandem_notifications.adapters.directory import MatchingDirectory, TokenSource
from tandem_notifications.adapters.smtp import SmtpChannel, SmtpConfig
from tandem_notifications.adapters.webhook import WebhookChannel
from tandem_notifications.domain.retry import RetryPolicy
from tandem_notifications.handlers.dispatch import Dispatcher
from tandem_notifications.handlers.dispatch_config import DispatchConfig
from tandem_notifications.handlers.dispatch_loop import DispatchLoop
from tandem_notifications.handlers.horizon import timer_sweeps
from tandem_notifications.settings import NotificationsSettings
from tandem_notifications.wiring import Wiring
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_service.clock import ServiceClock
from tandem_service.database import create_pool
from tandem_service.runtime import Component
from tandem_service.shared_clock import SharedClock


def matching_token(settings: NotificationsSettings) -> TokenSource:
    """The configured service token, or in development one minted with the local dev key."""
    configured = settings.matching_token
    cached: dict[str, tuple[str, float]] = {}

    async def token() -> str:
        if configured is not None:
            return configured.get_secret_value()
        held = cached.get("t")
        if held is None or held[1] < time.monotonic():
            keys = DevKeyPair.load_or_create(settings.dev_keys_dir)
            minted = mint_token(keys.private_pem, "notifications", [Role.SERVICE], ttl_seconds=3600)
            cached["t"] = held = (minted, time.monotonic() + 3000)
        return held[0]

    return token


class Closer:
    """Closes the outgoing clients when the service stops."""

    def __init__(self, smtp: SmtpChannel, wiring: Wiring) -> None:
        self._smtp, self._wiring = smtp, wiring

    async def stop(self) -> None:
        """Say goodbye to the SMTP server and close HTTP clients."""
        await self._smtp.close()
        for client in self._wiring.clients:
            await client.aclose()


def dispatch_config(settings: NotificationsSettings) -> DispatchConfig:
    """The dispatcher's behaviour from the settings."""
    return DispatchConfig(
        unsubscribe_secret=settings.unsubscribe_secret.get_secret_value().encode(),
        sender=settings.mail_from,
        mail_domain=settings.mail_domain,
        public_url=settings.public_url,
        lease=timedelta(seconds=settings.lease_seconds),
        batch=settings.dispatch_batch,
        concurrency=settings.dispatch_concurrency,
        rate_per_second=settings.send_rate_per_second,
        policy=RetryPolicy(
            base=timedelta(seconds=settings.retry_base_seconds),
            max_attempts=settings.retry_max_attempts,
        ),
    )


def smtp_config(settings: NotificationsSettings) -> SmtpConfig:
    """Where mail goes, from the settings."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_start_tls,
        settings.smtp_use_tls,
        settings.smtp_username,
        password,
        settings.smtp_timeout_seconds,
        settings.smtp_validate_certs,
        settings.smtp_connections,
    )


def senders(
    settings: NotificationsSettings, pool: asyncpg.Pool, store: EventStore, wiring: Wiring
) -> Closer:
    """Build the channels, the directory client and the dispatcher into ``wiring``."""
    smtp = SmtpChannel(smtp_config(settings))
    web = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)
    directory_client = httpx.AsyncClient(timeout=10)
    wiring.clients += [web, directory_client]
    directory = MatchingDirectory(directory_client, settings.matching_url, matching_token(settings))
    wiring.dispatcher = Dispatcher(
        pool,
        store,
        wiring.clock,
        smtp,
        WebhookChannel(web, allow_http=settings.webhook_allow_http),
        directory.lookup,
        dispatch_config(settings),
        sweeps=timer_sweeps(pool),
    )
    return Closer(smtp, wiring)


async def run_worker(settings: NotificationsSettings) -> None:
    """Deliver due notifications without HTTP or consumers (a worker process), until killed."""
    pool = await create_pool(settings.database_url.get_secret_value(), settings.database_pool_max)
    clock = ServiceClock(offset=timedelta(days=settings.clock_offset_days))
    wiring = Wiring(clock, settings.unsubscribe_secret.get_secret_value().encode())
    closer = senders(settings, pool, EventStore(pool, f"/tandem/{settings.service_name}"), wiring)
    assert wiring.dispatcher is not None
    # Where the served process's clock moves (/dev/clock), this process keeps to it.
    shared = [SharedClock(pool, clock, leads=False)] if settings.dev_clock_enabled else []
    components: list[Component] = [*shared, DispatchLoop(wiring.dispatcher, idle_seconds=0.2)]
    for component in components:
        await component.start()
    try:
        await asyncio.Event().wait()
    finally:
        for component in reversed(components):
            await component.stop()
        await closer.stop()
        await pool.close()
