"""The ``tandem-analytics`` command."""

from tandem_service.service_cli import service_cli

from tandem_analytics.bootstrap import MIGRATIONS, build_app
from tandem_analytics.settings import AnalyticsSettings

app = service_cli("analytics", AnalyticsSettings, build_app, MIGRATIONS)

if __name__ == "__main__":
    app()
