"""The ``tandem-engagement`` command: serve, migrate, and the event operations."""

from tandem_engagement.bootstrap import SERVICE
from tandem_engagement.settings import EngagementSettings
from tandem_events.operations import add_event_commands
from tandem_service.service_cli import service_cli

app = service_cli("engagement", EngagementSettings, SERVICE.build_app, SERVICE.all_migrations)
add_event_commands(app, EngagementSettings, lambda: SERVICE.projections)

if __name__ == "__main__":
    app()
