"""Waiting for the read models to catch up, and what the run shows on screen."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rich.console import Console
from rich.table import Table

from tandem_demo.client import until
from tandem_demo.figures import ProgramFigures
from tandem_demo.inboxes import Inboxes
from tandem_demo.story import ADMIN, Story
from tandem_service.auth import Role


async def caught_up(story: Story) -> list[dict[str, Any]]:
    """Engagement's pair summaries once they count every check-in and completed goal."""
    path = f"/programs/{story.program_id}/pairs"
    tally = story.tally

    async def probe() -> tuple[str, list[dict[str, Any]]]:
        rows = await story.tandem.read_all("engagement", path, ADMIN, Role.PROGRAM_ADMIN)
        check_ins = sum(r["check_ins"] for r in rows)
        completed = sum(r["goals_completed"] for r in rows)
        if check_ins >= tally.check_ins and completed >= tally.goals_completed:
            return "", rows
        return (
            f"{check_ins} of {tally.check_ins} check-ins, "
            f"{completed} of {tally.goals_completed} completed goals",
            rows,
        )

    return await until(probe, f"engagement's pairs of program {story.program_id}")


def retention_30(rows: list[dict[str, Any]], today: date) -> float | None:
    """Share of pairs open 30 days or more that checked in during their last 30 days."""
    old = [r for r in rows if date.fromisoformat(r["opened_at"][:10]) <= today - timedelta(30)]
    if not old:
        return None
    recent = today - timedelta(30)
    kept = [
        r for r in old if r["last_check_in"] and date.fromisoformat(r["last_check_in"]) > recent
    ]
    return len(kept) / len(old)


def preview_table(preview: dict[str, Any], story: Story, sample: int = 5) -> Table:
    """A sample of proposed pairs with their scores and reasons in plain words."""
    who = {p.person_id: p for p in story.org.people}
    table = Table(
        title=f"Round preview: {len(preview['pairs'])} pairs, "
        f"{len(preview['unmatched'])} unmatched, total score "
        f"{preview['total_score']:.1f} ({'exact' if preview['exact'] else 'heuristic'})"
    )
    table.add_column("pair")
    table.add_column("score", justify="right")
    table.add_column("reasons")
    for proposed in preview["pairs"][:sample]:
        names = " + ".join(
            f"{who[m].name} ({who[m].department}, L{who[m].level})" for m in proposed["member_ids"]
        )
        table.add_row(names, f"{proposed['score']:.2f}", "; ".join(proposed["reasons"]))
    return table


def summary_table(story: Story, rows: list[dict[str, Any]], health: dict[str, int]) -> Table:
    """The numbers of the run."""
    tally = story.tally
    table = Table(title=f"Program {story.program_id} on {story.clock.today()}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    retention = retention_30(rows, story.clock.today())
    lines = [
        ("people in the directory", len(story.org.people)),
        ("enrolled", tally.enrolled),
        ("pairs (engagement)", len(rows)),
        ("cadences agreed", tally.cadences_agreed),
        (
            "check-ins logged / seen by engagement",
            f"{tally.check_ins} / {sum(r['check_ins'] for r in rows)}",
        ),
        ("feedback given", tally.feedback),
        ("pulses", tally.pulses),
        ("goals set / completed", f"{tally.goals_set} / {sum(r['goals_completed'] for r in rows)}"),
        ("milestones reached", sum(r["milestones"] for r in rows)),
        ("rematches", tally.rematches),
        ("health", ", ".join(f"{k} {v}" for k, v in sorted(health.items())) or "-"),
        ("30-day retention", "too early" if retention is None else f"{retention:.0%}"),
        ("cross-team share", f"{story.cross_team_share():.0%}"),
    ]
    for name, value in lines:
        table.add_row(name, str(value))
    return table


def health_of(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The health distribution of open pairs, from the summaries."""
    return dict(Counter(r["health"] or "unknown" for r in rows if r["closed_at"] is None))


def analytics_table(figures: ProgramFigures, analyst_enrolled: int | None) -> Table:
    """What analytics reports: the owner's figures and the analyst's SQL view."""
    table = Table(title="Analytics (owner's dashboard API; groups under 5 people are hidden)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    as_analyst = "no analyst login" if analyst_enrolled is None else str(analyst_enrolled)
    for name, value in (
        ("enrolled", figures.enrolled),
        ("enrolled (analyst SQL view)", as_analyst),
        ("matched", figures.matched),
        ("check-ins", figures.check_ins),
        ("goals completed", figures.goals_completed),
        ("health, latest month", ", ".join(f"{k} {v}" for k, v in sorted(figures.health.items()))),
    ):
        table.add_row(name, str(value))
    return table


def notifications_table(inboxes: Inboxes, deliveries: list[dict[str, Any]], kept: Path) -> Table:
    """Notifications delivered per channel, as the inboxes and the program owner see them."""
    sent: Counter[str] = Counter()
    for row in deliveries:
        if row["status"] == "sent":
            sent[f"{row['channel']}: {row['kind']}"] += row["count"]
    arrived = inboxes.delivered()
    table = Table(title=f"Notifications (what arrived is in {kept})")
    table.add_column("channel: kind")
    table.add_column("sent", justify="right")
    for name, count in sorted(sent.items()):
        table.add_row(name, str(count))
    table.add_row("arrived at the SMTP sink", str(arrived["email"]))
    table.add_row("arrived at the webhook receiver", str(arrived["webhook"]))
    table.add_row("arrived twice", str(inboxes.duplicates()))
    return table


def print_urls(console: Console, urls: dict[str, str], program_id: str, owner_token: str) -> None:
    """Where to look next; the dashboard through a sign-in link a plain browser can open."""
    for name, url in urls.items():
        console.print(f"  {name:14} {url}/docs")
    page = f"/dashboard/programs/{program_id}"
    query = urlencode({"token": owner_token, "next": page})
    console.print(f"  dashboard      {urls['analytics']}{page}")
    console.print("  open it signed in as the program's owner (a development token, one day):")
    console.print(f"{urls['analytics']}/dashboard/sign-in?{query}", soft_wrap=True)
    console.print("  event catalog  docs/events/asyncapi.yaml (guide: docs/events/README.md)")
