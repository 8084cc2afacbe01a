"""The one place that wires the analytics service: settings, store, Kafka and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_analytics.api import routers
from tandem_analytics.settings import AnalyticsSettings
from tandem_events import STORE_MIGRATIONS
from tandem_events.backbone import ERROR_HANDLERS, attach_backbone
from tandem_events.projection import Projection
from tandem_service.app import Runtime, create_service_app

MIGRATIONS = [STORE_MIGRATIONS, Path(__file__).parent / "migrations"]
PROJECTIONS: list[Projection] = []


async def wire(runtime: Runtime, app: FastAPI) -> None:
    """Attach the event store, relay and projections to the running app."""
    await attach_backbone(runtime, app, projections=PROJECTIONS)


def build_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    """The analytics service's FastAPI application."""
    settings = settings or AnalyticsSettings()
    return create_service_app(
        settings,
        title="Tandem analytics",
        description="Engagement, retention and inclusion projections; analyst views.",
        routers=routers,
        on_start=wire,
        exception_handlers=ERROR_HANDLERS,
    )
