"""The notifications service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from tandem_notifications.api import routers
from tandem_notifications.settings import NotificationsSettings
from tandem_service.bootstrap import ServiceDefinition

ABOUT = "Introductions, reminders, celebrations and nudges: email, webhook, inbox."
SERVICE = ServiceDefinition("notifications", NotificationsSettings, ABOUT, routers=routers)
build_app = SERVICE.build_app  # what deployment checks call
