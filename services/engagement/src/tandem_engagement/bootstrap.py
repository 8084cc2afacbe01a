"""The engagement service, declared to the kit's bootstrap helper (with its review sweeper)."""

from __future__ import annotations

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.api import routers
from tandem_engagement.projections import all_projections
from tandem_engagement.settings import EngagementSettings
from tandem_engagement.sweeper import ReviewSweeper
from tandem_service.background import Started
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.runtime import Component

SOURCE = "/tandem/engagement"


def review_sweeper(started: Started[EngagementSettings]) -> list[Component]:
    """The health-review sweeper on the service's clock, unless the settings turn it off."""
    own = started.settings
    if not own.sweeps_enabled:
        return []
    return [ReviewSweeper(started.pool, SOURCE, started.clock, own.sweep_interval_seconds)]


SERVICE = ServiceDefinition(
    name="engagement",
    settings=EngagementSettings,
    description="Pair workspaces: cadence, goals, check-ins, feedback, milestones, health.",
    routers=routers,
    projections=all_projections(),
    tables=PostgresEngagementTables,
    background=[review_sweeper],
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
