"""The ``tandem-analytics`` command: serve, migrate, and the event operations."""

from tandem_analytics.bootstrap import SERVICE
from tandem_analytics.settings import AnalyticsSettings
from tandem_events.operations import add_event_commands
from tandem_service.service_cli import service_cli

app = service_cli("analytics", AnalyticsSettings, SERVICE.build_app, SERVICE.all_migrations)
add_event_commands(app, AnalyticsSettings, lambda: SERVICE.projections)

if __name__ == "__main__":
    app()
