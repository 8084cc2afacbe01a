"""The one place that wires the matching service: settings, database, Kafka, handlers and app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from tandem_events import STORE_MIGRATIONS
from tandem_events.backbone import ERROR_HANDLERS, attach_backbone
from tandem_matching.api import routers
from tandem_matching.api.deps import domain_error
from tandem_matching.domain.errors import DomainError
from tandem_matching.handlers.context import CommandContext
from tandem_matching.projections import all_projections
from tandem_matching.settings import MatchingSettings
from tandem_service.app import Runtime, create_service_app

MIGRATIONS = [STORE_MIGRATIONS, Path(__file__).parent / "migrations"]
PROJECTIONS = all_projections()


async def wire(runtime: Runtime, app: FastAPI) -> None:
    """Attach the event store, relay and projections; give the handlers their context."""
    backbone = await attach_backbone(runtime, app, projections=PROJECTIONS)
    assert runtime.pool is not None
    app.state.commands = CommandContext(runtime.pool, backbone.store)


def build_app(settings: MatchingSettings | None = None) -> FastAPI:
    """The matching service's FastAPI application."""
    settings = settings or MatchingSettings()
    return create_service_app(
        settings,
        title="Tandem matching",
        description="Programs, voluntary enrolment, profiles and explained peer matching.",
        routers=routers,
        on_start=wire,
        exception_handlers={**ERROR_HANDLERS, DomainError: domain_error},  # type: ignore[dict-item]
    )
