"""The engagement service, declared to the kit's bootstrap helper (plus its clock and sweeper)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.api import routers
from tandem_engagement.projections import all_projections
from tandem_engagement.settings import EngagementSettings
from tandem_engagement.sweeper import ReviewSweeper
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.settings import ServiceSettings

SOURCE = "/tandem/engagement"


class EngagementService(ServiceDefinition):
    """The kit's definition, with the settings' clock on commands and the review sweeper.

    The kit has no hook for either yet: both are added around its lifespan (see ADR 0012).
    """

    def build_app(self, settings: ServiceSettings | None = None) -> FastAPI:
        """The app the kit builds, with the clock and the sweeper wired in."""
        own = settings if isinstance(settings, EngagementSettings) else EngagementSettings()
        app = super().build_app(own)
        kit_lifespan = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with kit_lifespan(app):
                clock = own.clock()
                app.state.commands = replace(app.state.commands, clock=clock)
                sweeper = None
                if own.sweeps_enabled:
                    pool = app.state.runtime.pool
                    sweeper = ReviewSweeper(pool, SOURCE, clock, own.sweep_interval_seconds)
                    await sweeper.start()
                try:
                    yield
                finally:
                    if sweeper is not None:
                        await sweeper.stop()

        app.router.lifespan_context = lifespan
        return app


SERVICE = EngagementService(
    name="engagement",
    settings=EngagementSettings,
    title="Tandem engagement",
    description="Pair workspaces: cadence, goals, check-ins, feedback, milestones, health.",
    routers=routers,
    projections=all_projections(),
    migrations=Path(__file__).parent / "migrations",
    tables=PostgresEngagementTables,
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
