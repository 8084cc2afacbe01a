"""The one place that wires the analytics service: settings, database, Kafka, handlers and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_analytics.api import routers
from tandem_analytics.settings import AnalyticsSettings
from tandem_service.app import create_service_app

MIGRATIONS = [Path(__file__).parent / "migrations"]


def build_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    """The analytics service's FastAPI application."""
    settings = settings or AnalyticsSettings()
    return create_service_app(
        settings,
        title="Tandem analytics",
        description="Engagement, retention and inclusion projections; analyst views and the dashboard.",
        routers=routers,
    )
