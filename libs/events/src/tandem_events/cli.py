"""The ``tandem-events`` command line; the work is done in :mod:`tandem_events.schemas`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tandem_events import schemas

app = typer.Typer(help="Tools for Tandem's event backbone.", no_args_is_help=True)
schemas_app = typer.Typer(
    help="JSON Schemas and the AsyncAPI document of the event catalog.", no_args_is_help=True
)
app.add_typer(schemas_app, name="schemas")

Root = Annotated[Path, typer.Option("--dir", help="The docs/events directory.")]
Against = Annotated[
    str | None,
    typer.Option(help="Judge compatibility against the schemas at this git revision "
                 "(e.g. origin/main) instead of the files on disk."),
]  # fmt: skip


def _fail(problems: list[str]) -> None:
    """Print one line per problem on stderr and exit 1, if there are any."""
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)


@schemas_app.command("check")
def check(root: Root = Path("docs/events"), against: Against = None) -> None:
    """Fail if the files differ from the code, break compatibility, or are not valid AsyncAPI."""
    _fail(schemas.check(root, against))
    typer.echo(f"ok: {root} matches the event catalog")


@schemas_app.command("export")
def export(
    root: Root = Path("docs/events"),
    check_only: Annotated[bool, typer.Option("--check", help="Only check; write nothing.")] = False,
    against: Against = None,
    allow_breaking: Annotated[
        bool, typer.Option(help="Overwrite committed schemas even with breaking changes.")
    ] = False,
) -> None:
    """Write one JSON Schema per event type and the AsyncAPI document into ``--dir``."""
    if check_only:
        check(root, against)
        return
    problems, written = schemas.export(root, allow_breaking)
    for path in written:
        typer.echo(f"wrote {path}")
    _fail(problems)
    typer.echo(f"ok: {root} is up to date ({len(written)} file(s) changed)")
