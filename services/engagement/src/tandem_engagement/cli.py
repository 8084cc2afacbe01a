"""The ``tandem-engagement`` command: serve, migrate, and the event operations."""

from tandem_service.service_cli import service_cli

app = service_cli("engagement", "tandem_engagement.bootstrap")

if __name__ == "__main__":
    app()
