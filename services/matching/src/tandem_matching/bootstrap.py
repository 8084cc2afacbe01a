"""The one place that wires the matching service: settings, database, Kafka, handlers and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_matching.api import routers
from tandem_matching.settings import MatchingSettings
from tandem_service.app import create_service_app

MIGRATIONS = [Path(__file__).parent / "migrations"]


def build_app(settings: MatchingSettings | None = None) -> FastAPI:
    """The matching service's FastAPI application."""
    settings = settings or MatchingSettings()
    return create_service_app(
        settings,
        title="Tandem matching",
        description="Programs, voluntary enrolment, profiles and explained peer matching.",
        routers=routers,
    )
