"""The ``tandem-notifications`` command: serve, migrate, and the event operations."""

import asyncio

from tandem_events.operations import add_event_commands
from tandem_notifications.bootstrap import MIGRATIONS, PROJECTIONS, build_app, run_worker
from tandem_notifications.settings import NotificationsSettings
from tandem_service.service_cli import service_cli

app = service_cli("notifications", NotificationsSettings, build_app, MIGRATIONS)
add_event_commands(app, NotificationsSettings, lambda: PROJECTIONS)


@app.command("dispatch")
def dispatch() -> None:
    """Deliver due notifications without serving HTTP (an extra worker; stops on a signal)."""
    asyncio.run(run_worker(NotificationsSettings()))


if __name__ == "__main__":
    app()
