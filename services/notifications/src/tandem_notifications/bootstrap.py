"""The notifications service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from pathlib import Path

from tandem_notifications.api import routers
from tandem_notifications.settings import NotificationsSettings
from tandem_service.bootstrap import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notifications",
    settings=NotificationsSettings,
    title="Tandem notifications",
    description="Introductions, reminders, celebrations and nudges: email, webhook, inbox.",
    routers=routers,
    migrations=Path(__file__).parent / "migrations",
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
