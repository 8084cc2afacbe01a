"""The analytics service, declared to the kit's bootstrap helper.

Its projections depend on the settings (people's pseudonyms are keyed by a secret setting),
and it runs the live tiles beside them: so it builds its app itself, on the kit's pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tandem_analytics.api import routers
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.live import LiveTiles
from tandem_analytics.projections import projections_for
from tandem_analytics.settings import AnalyticsSettings
from tandem_events.backbone import attach_backbone
from tandem_events.errors import ConcurrencyError
from tandem_events.projection import Projection
from tandem_service.api import domain_error
from tandem_service.app import ExceptionHandler, create_service_app
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.errors import DomainError
from tandem_service.runtime import Runtime
from tandem_service.settings import ServiceSettings


def pseudonyms_of(settings: AnalyticsSettings) -> Pseudonyms:
    """The pseudonyms keyed by the settings' secret."""
    return Pseudonyms(settings.pseudonym_key.get_secret_value().encode())


def projections(settings: AnalyticsSettings | None = None) -> list[Projection]:
    """The service's projections, keyed with the settings' pseudonym key."""
    return projections_for(pseudonyms_of(settings or AnalyticsSettings()))


@dataclass(frozen=True)
class AnalyticsService(ServiceDefinition):
    """The kit's definition, with an app whose projections follow the given settings."""

    def build_app(self, settings: ServiceSettings | None = None) -> FastAPI:
        """The analytics app: backbone, projections, live tiles, figures and dashboard."""
        own = settings if isinstance(settings, AnalyticsSettings) else AnalyticsSettings()
        fed = projections(own)

        async def wire(runtime: Runtime, app: FastAPI) -> None:
            app.state.backbone = await attach_backbone(runtime, projections=fed)
            if own.live_tiles and own.consumers_enabled:
                app.state.live = LiveTiles(own)
                runtime.components.append(app.state.live)

        handlers: dict[type[Exception], ExceptionHandler] = {
            ConcurrencyError: _conflict,
            DomainError: domain_error,
        }
        app = create_service_app(
            own,
            title=self.title,
            description=self.description,
            routers=self.routers,
            on_start=wire,
            exception_handlers=handlers,
        )
        app.state.pseudonyms = pseudonyms_of(own)
        app.state.projections = fed
        app.state.live = None
        return app


async def _conflict(_: Request, exc: ConcurrencyError) -> JSONResponse:
    return JSONResponse({"detail": str(exc), "stream_id": exc.stream_id}, status_code=409)


SERVICE = AnalyticsService(
    name="analytics",
    settings=AnalyticsSettings,
    title="Tandem analytics",
    description="Engagement, retention and inclusion projections; analyst views; dashboard.",
    routers=routers,
    projections=projections(),
    migrations=Path(__file__).parent / "migrations",
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
