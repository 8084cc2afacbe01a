"""Operator commands every service gets: list and rebuild projections, erase a person."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import typer

# Imported inside the commands: a service's --help must not load Kafka, crypto or the catalog.
if TYPE_CHECKING:
    from tandem_events.projection import Projection
    from tandem_service.settings import ServiceSettings


def add_event_commands(
    cli: typer.Typer,
    settings_factory: Callable[[], ServiceSettings],
    projections: Callable[[], Sequence[Projection]],
) -> None:
    """Register ``projections``, ``rebuild-projection NAME`` and ``erase-person ID``."""

    @cli.command("erase-person")
    def erase_person(person_id: str) -> None:
        """Crypto-shred a person: destroy their data key, so their sealed text is unreadable."""
        from tandem_events.sealing import PersonKeyring
        from tandem_service.database import create_pool

        settings = settings_factory()

        async def run() -> bool:
            pool = await create_pool(settings.database_url.get_secret_value())
            try:
                return await PersonKeyring(pool).erase(person_id)
            finally:
                await pool.close()

        had_key = asyncio.run(run())
        state = "key destroyed" if had_key else "no key held here; marked erased"
        typer.echo(f"{person_id}: {state} ({settings.service_name})")

    @cli.command("projections")
    def list_projections() -> None:
        """List this service's projections and the topics that feed them."""
        for projection in projections():
            typer.echo(f"{projection.name}: {', '.join(projection.topics)}")

    @cli.command("rebuild-projection")
    def rebuild(name: str) -> None:
        """Replay a projection from its topics into shadow tables, then swap them in."""
        from tandem_events.rebuild import rebuild_projection
        from tandem_service.database import create_pool

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
