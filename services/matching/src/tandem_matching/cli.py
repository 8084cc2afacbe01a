"""The ``tandem-matching`` command: serve, migrate, the event operations, solve-graph."""

import typer

from tandem_service.service_cli import service_cli

app = service_cli("matching", "tandem_matching.bootstrap")


@app.command("solve-graph")
def solve_graph(path: str = typer.Argument(..., metavar="INPUT.json")) -> None:
    """Solve a plain graph {"nodes": [...], "edges": [[u, v, w], ...]}; print the matching."""
    from tandem_matching.graph_cli import solve_graph_main  # the solver loads only when asked

    raise typer.Exit(solve_graph_main(path))


if __name__ == "__main__":
    app()
