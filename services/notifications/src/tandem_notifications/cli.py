"""The ``tandem-notifications`` command."""

from tandem_service.service_cli import service_cli

from tandem_notifications.bootstrap import MIGRATIONS, build_app
from tandem_notifications.settings import NotificationsSettings

app = service_cli("notifications", NotificationsSettings, build_app, MIGRATIONS)

if __name__ == "__main__":
    app()
