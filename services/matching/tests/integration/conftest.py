"""The matching service on the real servers, served by a real uvicorn, with tokens per role."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tandem_matching.bootstrap import MIGRATIONS, build_app
from tandem_matching.settings import MatchingSettings
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.uvicorn_server import serving

T = TypeVar("T")
ADMIN = "admin-1"


@dataclass
class Service:
    """A running matching service and how to talk to it as anyone."""

    url: str
    keys: DevKeyPair
    prefix: str
    dsn: str
    clients: list[httpx.Client] = field(default_factory=list)

    def as_(self, subject: str, *roles: Role) -> httpx.Client:
        """A client whose bearer token names ``subject`` with ``roles``."""
        headers = {}
        if roles:
            headers["Authorization"] = "Bearer " + mint_token(
                self.keys.private_pem, subject, list(roles)
            )
        client = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self.clients.append(client)
        return client

    def admin(self) -> httpx.Client:
        """A program admin."""
        return self.as_(ADMIN, Role.PROGRAM_ADMIN)

    def participant(self, person_id: str) -> httpx.Client:
        """A participant."""
        return self.as_(person_id, Role.PARTICIPANT)


@pytest.fixture(scope="module")
def service(
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Service]:
    """One service (own database, own topic prefix) per test module."""
    dsn = database_factory.create(MIGRATIONS, prefix="matching")
    keys_dir: Path = tmp_path_factory.mktemp("keys")
    prefix = f"test.{uuid.uuid4().hex[:10]}."
    settings = MatchingSettings(
        env="test",
        database_url=dsn,
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        dev_keys_dir=keys_dir,
    )
    running = Service("", DevKeyPair.load_or_create(keys_dir), prefix, dsn)
    try:
        with serving(build_app(settings)) as url:
            running.url = url
            yield running
            for client in running.clients:
                client.close()
    finally:
        database_factory.drop(dsn)


def eventually(probe: Callable[[], T | None], timeout: float = 45.0) -> T:
    """Poll ``probe`` until it returns something truthy (read models are eventually consistent)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout}s")
        time.sleep(0.2)


def key() -> dict[str, str]:
    """A fresh Idempotency-Key header."""
    return {"Idempotency-Key": uuid.uuid4().hex}


def person(person_id: str, **fields: Any) -> dict[str, Any]:
    """A directory entry."""
    entry: dict[str, Any] = {
        "person_id": person_id,
        "name": f"{person_id.title()} Example",
        "email": f"{person_id}@example.com",
        "level": 3,
        "department": "Engineering",
        "timezone": "Europe/Lisbon",
        "languages": ["en"],
    }
    entry.update(fields)
    return entry


def program_body(program_id: str, **fields: Any) -> dict[str, Any]:
    """A program to create."""
    body: dict[str, Any] = {
        "program_id": program_id,
        "name": "Grow together",
        "purpose": "career_development",
        "starts_on": "2026-01-05",
        "goal_vocabulary": ["public speaking", "leadership", "sql"],
    }
    body.update(fields)
    return body


def profile(**fields: Any) -> dict[str, Any]:
    """An enrolment profile."""
    body: dict[str, Any] = {
        "skills_offered": ["sql"],
        "skills_sought": ["public speaking"],
        "goals": ["leadership"],
        "free_tags": ["writing"],
        "personality": {
            "openness": 4,
            "conscientiousness": 4,
            "extraversion": 2,
            "agreeableness": 3,
            "emotional_stability": 4,
        },
    }
    body.update(fields)
    return body


def create_program(admin: httpx.Client, program_id: str, **fields: Any) -> None:
    """Create a program and wait until the read model shows it."""
    response = admin.post("/programs", json=program_body(program_id, **fields), headers=key())
    assert response.status_code == 201, response.text
    eventually(lambda: admin.get(f"/programs/{program_id}").status_code == 200)


def import_people(admin: httpx.Client, *entries: dict[str, Any]) -> dict[str, Any]:
    """Import directory entries."""
    response = admin.post("/directory/people", json=list(entries), headers=key())
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def enrol(service: Service, program_id: str, person_id: str, **fields: Any) -> None:
    """Enrol ``person_id`` as themselves."""
    response = service.participant(person_id).post(
        f"/programs/{program_id}/enrolment", json=profile(**fields), headers=key()
    )
    assert response.status_code == 201, response.text
