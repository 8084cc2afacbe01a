"""The one place that wires the analytics service: settings, projections, Kafka and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_analytics.api import routers
from tandem_analytics.api.deps import not_your_program
from tandem_analytics.domain.errors import NotYourProgram
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.live import LiveTiles
from tandem_analytics.projections import projections_for
from tandem_analytics.settings import AnalyticsSettings
from tandem_events import STORE_MIGRATIONS
from tandem_events.backbone import ERROR_HANDLERS, attach_backbone
from tandem_events.projection import Projection
from tandem_service.app import Runtime, create_service_app

MIGRATIONS = [STORE_MIGRATIONS, Path(__file__).parent / "migrations"]


def projections(settings: AnalyticsSettings | None = None) -> list[Projection]:
    """The service's projections, keyed with the settings' pseudonym key."""
    return projections_for(pseudonyms_of(settings or AnalyticsSettings()))


def pseudonyms_of(settings: AnalyticsSettings) -> Pseudonyms:
    """The pseudonyms keyed by the settings' secret."""
    return Pseudonyms(settings.pseudonym_key.get_secret_value().encode())


def build_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    """The analytics service's FastAPI application."""
    settings = settings or AnalyticsSettings()
    own = projections(settings)

    async def wire(runtime: Runtime, app: FastAPI) -> None:
        await attach_backbone(runtime, app, projections=own)
        if settings.live_tiles and settings.consumers_enabled:
            app.state.live = LiveTiles(settings)
            runtime.components.append(app.state.live)

    app = create_service_app(
        settings,
        title="Tandem analytics",
        description="Engagement, retention and inclusion projections; analyst views.",
        routers=routers,
        on_start=wire,
        exception_handlers={**ERROR_HANDLERS, NotYourProgram: not_your_program},
    )
    app.state.pseudonyms = pseudonyms_of(settings)
    app.state.projections = own
    app.state.live = None
    return app
