"""The commands every service has (``serve``, ``migrate``, the event operations), built once.

The service is named by the module that declares it, imported only when a command runs: so
``--help`` and light commands (``solve-graph``) never load the web application.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from tandem_events.projection import Projection
    from tandem_service.bootstrap import ServiceDefinition
    from tandem_service.settings import ServiceSettings


def service_cli(name: str, bootstrap: str) -> typer.Typer:
    """A typer app for the service ``name``; ``bootstrap`` is the module that holds SERVICE."""
    cli = typer.Typer(help=f"The Tandem {name} service.", no_args_is_help=True)

    def service() -> ServiceDefinition[ServiceSettings]:
        definition: ServiceDefinition[ServiceSettings] = import_module(bootstrap).SERVICE
        return definition

    def settings() -> ServiceSettings:
        return service().settings()

    def projections() -> Sequence[Projection]:
        return service().projections_for(settings())

    @cli.command()
    def serve() -> None:
        """Run the HTTP API and the service's background components."""
        import uvicorn

        from tandem_service.http_writes import GatheringHttpToolsProtocol

        current = settings()
        # More than one worker: uvicorn's supervisor starts each from the declaration, so
        # every worker process builds its own app (with its own settings and pool).
        many = current.http_workers > 1
        uvicorn.run(
            f"{bootstrap}:SERVICE.build_app" if many else service().build_app(current),
            factory=many,
            workers=current.http_workers if many else None,
            host=current.http_host,
            port=current.http_port,
            log_config=None,
            access_log=False,
            http=GatheringHttpToolsProtocol,  # one send per answer, not two
        )

    @cli.command()
    def migrate() -> None:
        """Apply this service's pending database migrations and exit."""
        from tandem_service.database import apply_migrations

        dsn = settings().database_url.get_secret_value()
        applied = apply_migrations(dsn, service().all_migrations)
        typer.echo(f"{name}: {applied} migration(s) applied")

    from tandem_events.operations import add_event_commands

    add_event_commands(cli, settings, projections)
    return cli
