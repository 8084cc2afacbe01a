"""The ``tandem-analytics`` command: the kit's commands, ``rebuild-all``, ``grant-analyst``
and ``refresh-views``."""

from __future__ import annotations

import asyncio

import typer

from tandem_service.service_cli import service_cli

app = service_cli("analytics", "tandem_analytics.bootstrap")


@app.command("rebuild-all")
def rebuild_all() -> None:
    """Rebuild every projection from its topics, one after the other."""
    from tandem_analytics.bootstrap import projections
    from tandem_analytics.settings import AnalyticsSettings
    from tandem_events.rebuild import rebuild_projection
    from tandem_service.database import create_pool

    settings = AnalyticsSettings()

    async def run() -> list[tuple[str, int]]:
        pool = await create_pool(settings.database_url.get_secret_value())
        try:
            return [
                (
                    projection.name,
                    await rebuild_projection(
                        pool,
                        settings.kafka_bootstrap,
                        projection,
                        topic_prefix=settings.topic_prefix,
                        kafka_options=settings.kafka_options(),
                    ),
                )
                for projection in projections(settings)
            ]
        finally:
            await pool.close()

    for name, applied in asyncio.run(run()):
        typer.echo(f"{name}: rebuilt from {applied} events and swapped in")


@app.command("grant-analyst")
def grant() -> None:
    """(Re)apply the analyst role's access to this database: views only, timeouts set."""
    from tandem_analytics.projections.views import grant_analyst
    from tandem_analytics.settings import AnalyticsSettings
    from tandem_service.database import connect

    settings = AnalyticsSettings()

    async def run() -> None:
        conn = await connect(settings.database_url.get_secret_value())
        try:
            await grant_analyst(conn)
        finally:
            await conn.close()

    asyncio.run(run())
    typer.echo("tandem_analyst: access to the analytics views applied")


@app.command("refresh-views")
def refresh() -> None:
    """Recompute the stored analyst views now (the service also does on its timer)."""
    from tandem_analytics.projections.views import refresh_views_at
    from tandem_analytics.settings import AnalyticsSettings

    asyncio.run(refresh_views_at(AnalyticsSettings().database_url.get_secret_value()))
    typer.echo("analytics views refreshed")


if __name__ == "__main__":
    app()
