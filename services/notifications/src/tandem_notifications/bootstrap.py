"""The notifications service, declared to the kit's bootstrap helper (plus its senders)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI

from tandem_notifications.adapters.postgres import PostgresNotificationTables
from tandem_notifications.api import routers
from tandem_notifications.handlers.dispatch import DispatchLoop
from tandem_notifications.outbound import run_worker, senders, system_clock
from tandem_notifications.projections import all_projections
from tandem_notifications.settings import NotificationsSettings
from tandem_notifications.wiring import Clock, Wiring
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.settings import ServiceSettings

__all__ = ["SERVICE", "build_app", "run_worker"]


class NotificationsService(ServiceDefinition):
    """The kit's definition, with the service's clock, its senders and the dispatch loop.

    The kit has no start hook for extra components yet: they are added around its lifespan,
    as engagement does for its sweeper.
    """

    def build_app(
        self, settings: ServiceSettings | None = None, clock: Clock | None = None
    ) -> FastAPI:
        """The app the kit builds, with the clock, the senders and the dispatcher wired in."""
        own = settings if isinstance(settings, NotificationsSettings) else NotificationsSettings()
        app = super().build_app(own)
        kit_lifespan = app.router.lifespan_context
        wiring = Wiring(
            clock or system_clock(own.clock_offset_seconds),
            own.unsubscribe_secret.get_secret_value().encode(),
            own.webhook_allow_http,
        )

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with kit_lifespan(app):
                app.state.commands = replace(app.state.commands, clock=wiring.clock)
                app.state.wiring = wiring
                closer = senders(own, app.state.runtime.pool, app.state.backbone.store, wiring)
                loop = None
                if own.dispatch_enabled and wiring.dispatcher is not None:
                    loop = DispatchLoop(wiring.dispatcher)
                    await loop.start()
                try:
                    yield
                finally:
                    if loop is not None:
                        await loop.stop()
                    await closer.stop()

        app.router.lifespan_context = lifespan
        return app


ABOUT = "Introductions, reminders, celebrations and nudges: email, webhook, inbox."
SERVICE = NotificationsService(
    "notifications",
    NotificationsSettings,
    ABOUT,
    routers=routers,
    projections=all_projections(),
    tables=PostgresNotificationTables,
)
build_app = SERVICE.build_app  # what deployment checks call
MIGRATIONS = SERVICE.all_migrations
