"""`tandem-demo`: a whole program on the running services, from directory to summary."""

from __future__ import annotations

import asyncio
import os
import time
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tandem_demo.client import Tandem
from tandem_demo.clock import RestartedServices
from tandem_demo.organisation import organisation
from tandem_demo.story import ADMIN, Story
from tandem_demo.summary import caught_up, health_of, preview_table, print_urls, summary_table
from tandem_service.auth import Role
from tandem_service.settings import ServiceDeclaration

SERVICES = ("matching", "engagement", "notifications", "analytics")
app = typer.Typer(help="Run a peer-mentorship program end to end on the running services.")
console = Console()


def service_urls() -> dict[str, str]:
    """Each service's URL: its registry port, unless TANDEM_<NAME>_PORT moves it."""
    urls = {}
    for name in SERVICES:
        port = ServiceDeclaration.of_package(f"tandem_{name}").port
        urls[name] = f"http://127.0.0.1:{os.environ.get(f'TANDEM_{name.upper()}_PORT', port)}"
    return urls


@app.command()
def demo(
    people: Annotated[int, typer.Option(min=16, max=5000, help="Size of the organisation.")] = 500,
    weeks: Annotated[int, typer.Option(min=1, max=26, help="Weeks to simulate.")] = 6,
    seed: Annotated[int, typer.Option(help="Seed of the organisation and the story.")] = 7,
    root: Annotated[Path, typer.Option(help="The repository (deploy/local, .local).")] = Path(),
) -> None:
    """Generate an organisation, run a program for some weeks, print what happened."""
    started = time.monotonic()
    try:
        asyncio.run(_run(people, weeks, seed, root.resolve()))
    except KeyboardInterrupt:
        console.print("[yellow]stopped; the services keep running (make down stops them)")
        raise typer.Exit(130) from None
    console.print(f"done in {time.monotonic() - started:.0f} s")


async def _run(people: int, weeks: int, seed: int, root: Path) -> None:
    urls = service_urls()
    tandem = Tandem(urls, root / ".local" / "dev-keys")
    clock = RestartedServices(root)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            story = await _prepare(tandem, clock, people, seed, bar)
            await _simulate(story, weeks, bar)
        rows = await caught_up(story)
        path = f"/programs/{story.program_id}/health"
        health = await tandem.read("engagement", path, ADMIN, Role.PROGRAM_ADMIN)
        console.print(summary_table(story, rows, health or health_of(rows)))
        print_urls(console, urls)
    finally:
        await tandem.close()


async def _prepare(
    tandem: Tandem, clock: RestartedServices, people: int, seed: int, bar: Progress
) -> Story:
    step = bar.add_task("clock back to today", total=1)
    await asyncio.to_thread(clock.move_to, 0)
    bar.advance(step)
    org = organisation(people, seed, "p")
    story = Story(tandem, clock, org, seed)
    imported = await story.import_directory()
    console.print(f"directory: {len(org.people)} people, regions {org.regions}: {imported}")
    program = await story.launch()
    console.print(f"program {program} launched (purpose: career_development)")
    enrolling = bar.add_task("enrolling", total=len(story.volunteers()))
    await story.enrol(lambda: bar.advance(enrolling))
    await story.wait_roster()
    console.print(preview_table(await story.preview(), story))
    done = await story.commit_round()
    console.print(f"round committed: {len(done['pair_ids'])} pairs")
    return story


async def _simulate(story: Story, weeks: int, bar: Progress) -> None:
    for number in range(1, weeks + 1):
        await asyncio.to_thread(story.clock.move_to, 7 * number)
        task = bar.add_task(f"week {number} ({story.clock.today()})", total=len(story.pairs))
        await story.week(number, partial(bar.advance, task))
        if number == 2:
            asked, made = await story.rematch()
            console.print(f"{asked} rematches asked; a new round made {made} pairs")
