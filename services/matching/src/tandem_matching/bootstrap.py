"""The matching service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from pathlib import Path

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.api import routers
from tandem_matching.projections import all_projections
from tandem_matching.settings import MatchingSettings
from tandem_service.bootstrap import ServiceDefinition

SERVICE = ServiceDefinition(
    name="matching",
    settings=MatchingSettings,
    title="Tandem matching",
    description="Programs, voluntary enrolment, profiles and explained peer matching.",
    routers=routers,
    projections=all_projections(),
    migrations=Path(__file__).parent / "migrations",
    tables=PostgresMatchingTables,
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
