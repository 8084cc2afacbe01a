"""The analytics service, declared to the kit's bootstrap helper (with its live tiles).

Its projections follow the settings: people's pseudonyms are keyed by a secret setting.
"""

from __future__ import annotations

from tandem_analytics.api import routers
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.live import LiveTiles
from tandem_analytics.projections import projections_for
from tandem_analytics.refresh import ViewRefresh
from tandem_analytics.settings import AnalyticsSettings
from tandem_events.projection import Projection
from tandem_service.background import Started
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.runtime import Component


def pseudonyms_of(settings: AnalyticsSettings) -> Pseudonyms:
    """The pseudonyms keyed by the settings' secret."""
    return Pseudonyms(settings.pseudonym_key.get_secret_value().encode())


def projections(settings: AnalyticsSettings | None = None) -> list[Projection]:
    """The service's projections, keyed with the settings' pseudonym key."""
    return projections_for(pseudonyms_of(settings or AnalyticsSettings()))


def live_tiles(started: Started[AnalyticsSettings]) -> list[Component]:
    """The pseudonyms the routers answer with, and the live tiles unless turned off."""
    own = started.settings
    started.state.pseudonyms = pseudonyms_of(own)
    started.state.live = None
    if not (own.live_tiles and own.consumers_enabled):
        return []
    started.state.live = LiveTiles(own)
    return [started.state.live]


def view_refresh(started: Started[AnalyticsSettings]) -> list[Component]:
    """The timer that recomputes the stored analyst views, where the projections run."""
    own = started.settings
    if not (own.consumers_enabled and own.view_refresh_seconds > 0):
        return []
    return [ViewRefresh(started.pool, own.view_refresh_seconds)]


SERVICE = ServiceDefinition(
    name="analytics",
    settings=AnalyticsSettings,
    description="Engagement, retention and inclusion projections; analyst views; dashboard.",
    routers=routers,
    projections=projections,
    background=[live_tiles, view_refresh],
)
build_app = SERVICE.build_app
MIGRATIONS = SERVICE.all_migrations
