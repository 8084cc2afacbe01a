"""The ``tandem-engagement`` command."""

from tandem_service.service_cli import service_cli

from tandem_engagement.bootstrap import MIGRATIONS, build_app
from tandem_engagement.settings import EngagementSettings

app = service_cli("engagement", EngagementSettings, build_app, MIGRATIONS)

if __name__ == "__main__":
    app()
