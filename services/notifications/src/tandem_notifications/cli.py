"""The ``tandem-notifications`` command: serve, migrate, and the event operations."""

from tandem_events.operations import add_event_commands
from tandem_notifications.bootstrap import SERVICE
from tandem_notifications.settings import NotificationsSettings
from tandem_service.service_cli import service_cli

app = service_cli("notifications", NotificationsSettings, SERVICE.build_app, SERVICE.all_migrations)
add_event_commands(app, NotificationsSettings, lambda: SERVICE.projections)

if __name__ == "__main__":
    app()
