"""The notifications service, declared to the kit's bootstrap helper (with its senders)."""

from __future__ import annotations

from tandem_notifications.adapters.postgres import PostgresNotificationTables
from tandem_notifications.api import routers
from tandem_notifications.handlers.dispatch_loop import DispatchLoop
from tandem_notifications.outbound import run_worker, senders
from tandem_notifications.projections import all_projections
from tandem_notifications.settings import NotificationsSettings
from tandem_notifications.wiring import Wiring
from tandem_service.background import OnStop, Started
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.runtime import Component

__all__ = ["SERVICE", "build_app", "run_worker"]


def outbound(started: Started[NotificationsSettings]) -> list[Component]:
    """The senders the routers use, and the dispatch loop unless the settings turn it off."""
    own = started.settings
    wiring = Wiring(
        started.clock, own.unsubscribe_secret.get_secret_value().encode(), own.webhook_allow_http
    )
    started.state.wiring = wiring
    closer = OnStop(senders(own, started.pool, started.store, wiring).stop)
    if not own.dispatch_enabled or wiring.dispatcher is None:
        return [closer]
    return [closer, DispatchLoop(wiring.dispatcher)]


ABOUT = "Introductions, reminders, celebrations and nudges: email, webhook, inbox."
SERVICE = ServiceDefinition(
    "notifications",
    NotificationsSettings,
    ABOUT,
    routers=routers,
    projections=all_projections(),
    tables=PostgresNotificationTables,
    background=[outbound],
)
build_app = SERVICE.build_app  # what deployment checks call
MIGRATIONS = SERVICE.all_migrations
