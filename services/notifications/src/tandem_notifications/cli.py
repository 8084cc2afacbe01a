"""The ``tandem-notifications`` command: serve, migrate, and the event operations."""

from tandem_service.service_cli import service_cli

app = service_cli("notifications", "tandem_notifications.bootstrap")

if __name__ == "__main__":
    app()
