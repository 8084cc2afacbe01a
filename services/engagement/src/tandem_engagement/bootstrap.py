"""The engagement service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from pathlib import Path

from tandem_engagement.api import routers
from tandem_engagement.settings import EngagementSettings
from tandem_service.bootstrap import ServiceDefinition

SERVICE = ServiceDefinition(
    name="engagement",
    settings=EngagementSettings,
    title="Tandem engagement",
    description="Pair workspaces: cadence, goals, check-ins, feedback, milestones, health.",
    routers=routers,
    migrations=Path(__file__).parent / "migrations",
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
