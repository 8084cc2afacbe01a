"""A service on the real servers, served by a real uvicorn, with an HTTP client per role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_service.bootstrap import ServiceDefinition
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.uvicorn_server import serving

ADMIN = "admin-1"
ANALYST = "analyst-1"
SERVICE = "service-1"


@dataclass
class RunningService:
    """A running service (own database, own topic prefix) and how to talk to it as anyone."""

    url: str
    keys: DevKeyPair
    prefix: str
    dsn: str
    clients: list[httpx.Client] = field(default_factory=list)

    def as_(self, subject: str, *roles: Role) -> httpx.Client:
        """A client whose bearer token names ``subject`` with ``roles`` (none: no token)."""
        headers = {}
        if roles:
            token = mint_token(self.keys.private_pem, subject, list(roles))
            headers["Authorization"] = f"Bearer {token}"
        client = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self.clients.append(client)
        return client

    def admin(self, subject: str = ADMIN) -> httpx.Client:
        """A program admin."""
        return self.as_(subject, Role.PROGRAM_ADMIN)

    def participant(self, person_id: str) -> httpx.Client:
        """A participant."""
        return self.as_(person_id, Role.PARTICIPANT)

    def analyst(self, subject: str = ANALYST) -> httpx.Client:
        """An analyst."""
        return self.as_(subject, Role.ANALYST)

    def service(self, subject: str = SERVICE) -> httpx.Client:
        """Another internal system."""
        return self.as_(subject, Role.SERVICE)

    def anonymous(self) -> httpx.Client:
        """No token at all."""
        return self.as_("anonymous")

    def close(self) -> None:
        """Close every client handed out."""
        for client in self.clients:
            client.close()


@contextmanager
def running_service(
    definition: ServiceDefinition[Any],
    kafka_bootstrap: str,
    databases: DatabaseFactory,
    keys_dir: Path,
    **settings: Any,
) -> Iterator[RunningService]:
    """Migrate a fresh database, serve the app on it, and drop the database at the end."""
    dsn = databases.create(definition.all_migrations, prefix=definition.name)
    prefix = f"test.{uuid.uuid4().hex[:10]}."
    options: dict[str, Any] = {
        "env": "test",
        "database_url": dsn,
        "kafka_bootstrap": kafka_bootstrap,
        "topic_prefix": prefix,
        "dev_keys_dir": keys_dir,
        **settings,
    }
    running = RunningService("", DevKeyPair.load_or_create(keys_dir), prefix, dsn)
    try:
        with serving(definition.build_app(definition.settings(**options))) as url:
            running.url = url
            yield running
            running.close()
    finally:
        databases.drop(dsn)
