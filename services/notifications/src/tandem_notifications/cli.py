"""The ``tandem-notifications`` command: serve, migrate, the event operations, dispatch."""

import asyncio

from tandem_service.service_cli import service_cli

app = service_cli("notifications", "tandem_notifications.bootstrap")


@app.command("dispatch")
def dispatch() -> None:
    """Deliver due notifications without serving HTTP (an extra worker; stops on a signal)."""
    from tandem_notifications.bootstrap import run_worker  # the web app loads only when asked
    from tandem_notifications.settings import NotificationsSettings

    asyncio.run(run_worker(NotificationsSettings()))


if __name__ == "__main__":
    app()
