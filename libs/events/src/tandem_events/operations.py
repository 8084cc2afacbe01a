"""Operator commands every service gets for its projections (``rebuild-projection``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import typer
from tandem_service.database import create_pool
from tandem_service.settings import ServiceSettings

from tandem_events.projection import Projection
from tandem_events.rebuild import rebuild_projection


def add_projection_commands(
    cli: typer.Typer,
    settings_factory: Callable[[], ServiceSettings],
    projections: Callable[[], Sequence[Projection]],
) -> None:
    """Register ``rebuild-projection NAME`` and ``projections`` on a service's CLI."""

    @cli.command("projections")
    def list_projections() -> None:
        """List this service's projections and the topics that feed them."""
        for projection in projections():
            typer.echo(f"{projection.name}: {', '.join(projection.topics)}")

    @cli.command("rebuild-projection")
    def rebuild(name: str) -> None:
        """Replay a projection from its topics into shadow tables, then swap them in."""
        by_name = {p.name: p for p in projections()}
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            typer.echo(f"error: no projection {name!r} (known: {known})", err=True)
            raise typer.Exit(2)
        settings = settings_factory()

        async def run() -> int:
            pool = await create_pool(settings.database_url.get_secret_value())
            try:
                return await rebuild_projection(
                    pool,
                    settings.kafka_bootstrap,
                    by_name[name],
                    topic_prefix=settings.topic_prefix,
                    kafka_options=settings.kafka_options(),
                )
            finally:
                await pool.close()

        applied = asyncio.run(run())
        typer.echo(f"{name}: rebuilt from {applied} events and swapped in")
