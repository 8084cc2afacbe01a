"""The ``tandem-analytics`` command: serve, migrate, and the event operations."""

from tandem_analytics.bootstrap import MIGRATIONS, PROJECTIONS, build_app
from tandem_analytics.settings import AnalyticsSettings
from tandem_events.operations import add_event_commands
from tandem_service.service_cli import service_cli

app = service_cli("analytics", AnalyticsSettings, build_app, MIGRATIONS)
add_event_commands(app, AnalyticsSettings, lambda: PROJECTIONS)

if __name__ == "__main__":
    app()
