"""The ``tandem`` command: operator and developer tools shared by all services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tandem_service.auth import DevKeyPair, Role, mint_token

app = typer.Typer(help="Tandem developer and operator tools.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Tandem developer and operator tools."""


@app.command("dev-token")
def dev_token(
    role: Annotated[list[Role], typer.Option("--role", help="Role to grant (repeatable).")],
    sub: Annotated[str, typer.Option("--sub", help="The subject: a person or service id.")],
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
    keys_dir: Annotated[
        Path, typer.Option(envvar="TANDEM_DEV_KEYS_DIR", help="Where the dev key pair lives.")
    ] = Path(".local/dev-keys"),
    issuer: Annotated[str, typer.Option(envvar="TANDEM_JWT_ISSUER")] = "tandem-dev",
    audience: Annotated[str, typer.Option(envvar="TANDEM_JWT_AUDIENCE")] = "tandem",
) -> None:
    """Mint a development bearer token signed with the local key pair."""
    pair = DevKeyPair.load_or_create(keys_dir)
    typer.echo(
        mint_token(pair.private_pem, sub, role, issuer=issuer, audience=audience, ttl_seconds=ttl)
    )


if __name__ == "__main__":
    app()
