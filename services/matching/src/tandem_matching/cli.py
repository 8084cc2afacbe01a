"""The ``tandem-matching`` command."""

from tandem_matching.bootstrap import MIGRATIONS, build_app
from tandem_matching.settings import MatchingSettings
from tandem_service.service_cli import service_cli

app = service_cli("matching", MatchingSettings, build_app, MIGRATIONS)

if __name__ == "__main__":
    app()
