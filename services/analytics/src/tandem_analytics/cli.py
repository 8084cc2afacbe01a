"""The ``tandem-analytics`` command: serve, migrate, and the event operations."""

from tandem_service.service_cli import service_cli

app = service_cli("analytics", "tandem_analytics.bootstrap")

if __name__ == "__main__":
    app()
