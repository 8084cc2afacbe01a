"""The matching service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.api import routers
from tandem_matching.projections import all_projections
from tandem_matching.settings import MatchingSettings
from tandem_service.bootstrap import ServiceDefinition

ABOUT = "Programs, voluntary enrolment, profiles and explained peer matching."
SERVICE = ServiceDefinition(
    "matching",
    MatchingSettings,
    ABOUT,
    routers=routers,
    projections=all_projections(),
    tables=PostgresMatchingTables,
)
build_app = SERVICE.build_app  # what deployment checks call
