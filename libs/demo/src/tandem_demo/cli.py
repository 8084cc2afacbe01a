"""`tandem-demo`: a whole program on the running services, from directory to summary."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tandem_demo.client import Tandem
from tandem_demo.clock import MovedClocks, RestartedServices
from tandem_demo.figures import analyst_enrolled, analytics_caught_up
from tandem_demo.inboxes import Inboxes
from tandem_demo.organisation import organisation
from tandem_demo.story import ADMIN, Story
from tandem_demo.summary import (
    analytics_table,
    caught_up,
    health_of,
    notifications_table,
    preview_table,
    print_urls,
    summary_table,
)
from tandem_demo.timings import Phases, stamps_file
from tandem_service.auth import Role
from tandem_service.settings import ServiceDeclaration

SERVICES = ("matching", "engagement", "notifications", "analytics")
ANALYST_URL = "TANDEM_DATABASE_URL_ANALYST"
SMTP_PORT = "1025"  # notifications' default, which deploy/local/services.py keeps
# Notifications follows a moved clock within a second and sends as soon as mail is due.
MAIL_QUIET_SECONDS = 3.0
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
    phases = Phases(local=root.resolve() / ".local")
    phases.after_make(stamps_file())
    try:
        asyncio.run(_run(people, weeks, seed, root.resolve(), phases))
    except KeyboardInterrupt:
        console.print("[yellow]stopped; the services keep running (make down stops them)")
        raise typer.Exit(130) from None
    console.print(phases.table())
    kept = phases.write(
        root.resolve() / ".local" / "demo-timings.json", people=people, weeks=weeks, seed=seed
    )
    console.print(f"done in {phases.total():.0f} s (phases kept in {kept})")


async def _run(people: int, weeks: int, seed: int, root: Path, phases: Phases) -> None:
    urls = service_urls()
    tandem = Tandem(urls, root / ".local" / "dev-keys")
    clock = MovedClocks(root, urls, tandem.token(ADMIN, Role.PROGRAM_ADMIN))
    inboxes = _inboxes(clock.mail_now)
    clock.settings = {
        "TANDEM_SMTP_PORT": str(inboxes.mail.port),
        "TANDEM_WEBHOOK_ALLOW_HTTP": "true",
        "TANDEM_MATCHING_URL": urls["matching"],
        "TANDEM_PUBLIC_URL": urls["notifications"],
    }
    # Read by notifications if the clock restarts it (services.py passes the environment on).
    os.environ.update(clock.settings)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            story = await _prepare(tandem, clock, inboxes, people, seed, bar, phases)
            await _simulate(story, weeks, bar, phases)
            with phases.phase("a day for the mail"):
                await _let_mail_go(clock, inboxes, bar)
        with phases.phase("engagement caught up"):
            rows = await caught_up(story)
        with phases.phase("analytics caught up"):
            figures = await analytics_caught_up(story)
        with phases.phase("summary"):
            path = f"/programs/{story.program_id}/health"
            health = await tandem.read("engagement", path, ADMIN, Role.PROGRAM_ADMIN)
            console.print(summary_table(story, rows, health or health_of(rows)))
            analyst = await _analyst_enrolled(root, story.program_id)
            console.print(analytics_table(figures, analyst))
            deliveries = await tandem.read(
                "notifications",
                f"/programs/{story.program_id}/deliveries",
                ADMIN,
                Role.PROGRAM_ADMIN,
            )
            kept = inboxes.keep(root / ".local" / "demo-inbox" / story.program_id)
            console.print(notifications_table(inboxes, deliveries, kept))
        print_urls(console, urls, story.program_id, tandem.token(ADMIN, Role.PROGRAM_ADMIN))
    finally:
        inboxes.stop()
        await tandem.close()


def _inboxes(clock: Callable[[], datetime]) -> Inboxes:
    """The SMTP sink on the port notifications mails (services.py's default) when it is free:
    then notifications needs no restart. Anywhere else otherwise."""
    try:
        return Inboxes(clock, int(os.environ.get("TANDEM_SMTP_PORT", SMTP_PORT))).start()
    except OSError:
        return Inboxes(clock).start()


async def _analyst_enrolled(root: Path, program_id: str) -> int | None:
    """Enrolments as the analyst role reads its SQL view (None without an analyst login)."""
    env = root / ".local" / "stack.env"
    lines = env.read_text().splitlines() if env.exists() else []
    found = [v for k, _, v in (line.partition("=") for line in lines) if k == ANALYST_URL]
    dsn = os.environ.get(ANALYST_URL) or (found[0] if found else None)
    return await analyst_enrolled(dsn, program_id) if dsn else None


async def _prepare(
    tandem: Tandem,
    clock: RestartedServices,
    inboxes: Inboxes,
    people: int,
    seed: int,
    bar: Progress,
    phases: Phases,
) -> Story:
    with phases.phase("clocks back to today"):
        step = bar.add_task("clocks back to today", total=1)
        await asyncio.to_thread(clock.move_to, 0)
        bar.advance(step)
    org = organisation(people, seed, "p")
    story = Story(tandem, clock, org, seed)
    with phases.phase("import the directory"):
        imported = await story.import_directory()
    console.print(f"directory: {len(org.people)} people, regions {org.regions}: {imported}")
    with phases.phase("launch, announce the channel"):
        program = await story.launch()
        console.print(f"program {program} launched (purpose: career_development)")
        inboxes.hooks.secret = await story.announce_to(inboxes.hooks.url)
    with phases.phase("enrol"):
        enrolling = bar.add_task("enrolling", total=len(story.volunteers()))
        await story.enrol(lambda: bar.advance(enrolling))
    with phases.phase("share celebrations (preferences)"):
        shared = await story.share_celebrations()
    console.print(f"{shared} people share their pair's milestones in the program's channel")
    with phases.phase("matching's roster caught up"):
        await story.wait_roster()
    with phases.phase("preview"):
        console.print(preview_table(await story.preview(), story))
    with phases.phase("commit the round"):
        done = await story.commit_round()
    console.print(f"round committed: {len(done['pair_ids'])} pairs")
    return story


async def _simulate(story: Story, weeks: int, bar: Progress, phases: Phases) -> None:
    for number in range(1, weeks + 1):
        # Moved in place, the clocks abandon no mail in flight: no need to wait for quiet.
        with phases.phase(f"week {number}: clocks moved"):
            await asyncio.to_thread(story.clock.move_to, 7 * number)
        with phases.phase(f"week {number}: the pairs' commands"):
            task = bar.add_task(f"week {number} ({story.clock.today()})", total=len(story.pairs))
            await story.week(number, partial(bar.advance, task))
        if number == 2:
            with phases.phase("rematch and a new round"):
                asked, made = await story.rematch()
            console.print(f"{asked} rematches asked; a new round made {made} pairs")


async def _let_mail_go(clock: RestartedServices, inboxes: Inboxes, bar: Progress) -> None:
    """Mail waits for each recipient's working hours: let notifications' day pass."""
    steps = (6, 12, 18, 24)  # closer than any working day is long: each region gets a turn
    task = bar.add_task("a day for the mail", total=len(steps))
    for hours in steps:
        await inboxes.quiet(MAIL_QUIET_SECONDS)
        await asyncio.to_thread(clock.mail_later, hours)
        bar.advance(task)
    await inboxes.quiet(MAIL_QUIET_SECONDS)
