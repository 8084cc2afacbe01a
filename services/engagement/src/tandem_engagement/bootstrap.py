"""The engagement service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from tandem_engagement.api import routers
from tandem_engagement.settings import EngagementSettings
from tandem_service.bootstrap import ServiceDefinition

ABOUT = "Pair workspaces: cadence, goals, check-ins, feedback, milestones, health."
SERVICE = ServiceDefinition("engagement", EngagementSettings, ABOUT, routers=routers)
build_app = SERVICE.build_app  # what deployment checks call
