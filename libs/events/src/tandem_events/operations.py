"""Operator commands every service gets: projections, dead letters, erasure, pruning."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta
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
    """Register ``projections``, ``rebuild-projection``, ``replay-dead-letters``,
    ``erase-person`` and ``prune-idempotency``."""

    @cli.command("replay-dead-letters")
    def replay(name: str) -> None:
        """Hand a projection's dead letters back to its runner, which retries them at once."""
        from tandem_events.backbone_settings import BackboneSettings
        from tandem_events.dead_letters import replay_dead_letters
        from tandem_service.database import create_pool

        if name not in {p.name for p in projections()}:
            typer.echo(f"error: no projection {name!r}", err=True)
            raise typer.Exit(2)
        settings = settings_factory()
        horizon = timedelta(hours=BackboneSettings().park_horizon_hours)

        async def run() -> int:
            pool = await create_pool(settings.database_url.get_secret_value())
            try:
                return await replay_dead_letters(pool, name, horizon)
            finally:
                await pool.close()

        typer.echo(f"{name}: {asyncio.run(run())} dead letter(s) parked for a retry")

    @cli.command("prune-idempotency")
    def prune(older_than_days: int = typer.Option(30, min=1)) -> None:
        """Delete idempotency records older than the given number of days."""
        from tandem_events.store_pruning import prune_idempotency
        from tandem_service.database import create_pool

        settings = settings_factory()

        async def run() -> dict[str, int]:
            pool = await create_pool(settings.database_url.get_secret_value())
            try:
                return await prune_idempotency(pool, timedelta(days=older_than_days))
            finally:
                await pool.close()

        for table, count in asyncio.run(run()).items():
            typer.echo(f"{table}: {count} record(s) older than {older_than_days} days deleted")

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
