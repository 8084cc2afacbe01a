"""The analytics service, declared to the kit's bootstrap helper."""

from __future__ import annotations

from tandem_analytics.api import routers
from tandem_analytics.settings import AnalyticsSettings
from tandem_service.bootstrap import ServiceDefinition

ABOUT = "Engagement, retention and inclusion projections; analyst views."
SERVICE = ServiceDefinition("analytics", AnalyticsSettings, ABOUT, routers=routers)
build_app = SERVICE.build_app  # what deployment checks call
