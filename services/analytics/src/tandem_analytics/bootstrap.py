"""The analytics service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from pathlib import Path

from tandem_analytics.api import routers
from tandem_analytics.settings import AnalyticsSettings
from tandem_service.bootstrap import ServiceDefinition

SERVICE = ServiceDefinition(
    name="analytics",
    settings=AnalyticsSettings,
    title="Tandem analytics",
    description="Engagement, retention and inclusion projections; analyst views.",
    routers=routers,
    migrations=Path(__file__).parent / "migrations",
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
