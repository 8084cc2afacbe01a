"""The one place that wires the engagement service: settings, database, Kafka, handlers and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_engagement.api import routers
from tandem_engagement.settings import EngagementSettings
from tandem_service.app import create_service_app

MIGRATIONS = [Path(__file__).parent / "migrations"]


def build_app(settings: EngagementSettings | None = None) -> FastAPI:
    """The engagement service's FastAPI application."""
    settings = settings or EngagementSettings()
    return create_service_app(
        settings,
        title="Tandem engagement",
        description="Pair workspaces: cadence, goals, check-ins, feedback, milestones and pair health.",
        routers=routers,
    )
