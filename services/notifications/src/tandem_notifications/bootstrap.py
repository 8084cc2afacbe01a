"""The one place that wires the notifications service: settings, database, Kafka, handlers and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_notifications.api import routers
from tandem_notifications.settings import NotificationsSettings
from tandem_service.app import create_service_app

MIGRATIONS = [Path(__file__).parent / "migrations"]


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    """The notifications service's FastAPI application."""
    settings = settings or NotificationsSettings()
    return create_service_app(
        settings,
        title="Tandem notifications",
        description="Introductions, reminders, celebrations and nudges by email, webhook and in-app inbox.",
        routers=routers,
    )
