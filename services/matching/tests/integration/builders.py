"""Matching's test data: directory entries, programs, profiles, and the calls that make them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer

from tandem_testkit.eventually import eventually, fresh_key
from tandem_testkit.service import RunningService


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


NEXT_WEEK = date.today() + timedelta(days=7)


def program_body(program_id: str, **fields: Any) -> dict[str, Any]:
    """A program to create."""
    body: dict[str, Any] = {
        "program_id": program_id,
        "name": "Grow together",
        "purpose": "career_development",
        "starts_on": str(NEXT_WEEK),
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
    response = admin.post("/programs", json=program_body(program_id, **fields), headers=fresh_key())
    assert response.status_code == 201, response.text
    eventually(lambda: admin.get(f"/programs/{program_id}").status_code == 200)


def import_people(admin: httpx.Client, *entries: dict[str, Any]) -> dict[str, Any]:
    """Import directory entries."""
    response = admin.post("/directory/people", json=list(entries), headers=fresh_key())
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def enrol(service: RunningService, program_id: str, person_id: str, **fields: Any) -> None:
    """Enrol ``person_id`` as themselves."""
    response = service.participant(person_id).post(
        f"/programs/{program_id}/enrolment", json=profile(**fields), headers=fresh_key()
    )
    assert response.status_code == 201, response.text


def enrolled_pool(
    service: RunningService, tag: str, count: int, **program: Any
) -> tuple[str, list[str]]:
    """A program and ``count`` enrolled people who may all meet; returns their ids."""
    admin = service.admin()
    program_id = f"{tag}-{uuid.uuid4().hex[:6]}"
    create_program(admin, program_id, **program)
    ids = [f"{program_id}-p{i}" for i in range(count)]
    import_people(
        admin,
        *(person(pid, department="Sales" if i % 2 else "Engineering") for i, pid in enumerate(ids)),
    )
    for i, pid in enumerate(ids):
        enrol(
            service,
            program_id,
            pid,
            skills_offered=["sql"] if i % 2 else ["public speaking"],
            skills_sought=["public speaking"] if i % 2 else ["sql"],
        )
    return program_id, ids


async def records(
    service: RunningService, bootstrap: str, program_id: str, wanted: dict[str, int]
) -> list[Any]:
    """The program's records on the service's topic, once ``wanted`` counts by type are seen."""
    consumer = AIOKafkaConsumer(
        service.prefix + "matching.events",
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    found: list[Any] = []

    def count(type_name: str) -> int:
        return sum(1 for r in found if dict(r.headers)["ce_type"].decode() == type_name)

    try:
        async with asyncio.timeout(45):
            while any(count(t) < n for t, n in wanted.items()):
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    found.extend(
                        r for r in batch if orjson.loads(r.value).get("program_id") == program_id
                    )
    finally:
        await consumer.stop()
    return found
