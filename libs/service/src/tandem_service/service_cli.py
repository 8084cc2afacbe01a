"""The commands every service has (``serve``, ``migrate``), built once for all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import typer
import uvicorn
from fastapi import FastAPI

from tandem_service.database import apply_migrations
from tandem_service.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def service_cli(
    name: str,
    settings_factory: Callable[[], S],
    app_factory: Callable[[S], FastAPI],
    migrations: Sequence[Path],
) -> typer.Typer:
    """A typer app with ``serve`` and ``migrate`` for the service called ``name``."""
    cli = typer.Typer(help=f"The Tandem {name} service.", no_args_is_help=True)

    @cli.command()
    def serve() -> None:
        """Run the HTTP API and the service's background components."""
        settings = settings_factory()
        uvicorn.run(
            app_factory(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
        )

    @cli.command()
    def migrate() -> None:
        """Apply this service's pending database migrations and exit."""
        settings = settings_factory()
        applied = apply_migrations(settings.database_url.get_secret_value(), migrations)
        typer.echo(f"{name}: {applied} migration(s) applied")

    return cli
