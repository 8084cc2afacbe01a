"""Idempotency keys over HTTP: scoped to (caller, operation), bound to the request."""

from __future__ import annotations

import asyncpg

from tandem_testkit.service import RunningService

from .builders import create_program, import_people, person, profile, program_body


async def _count(service: RunningService, stream_id: str) -> int:
    conn = await asyncpg.connect(service.dsn)
    try:
        return int(
            await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", stream_id)
        )
    finally:
        await conn.close()


async def test_a_key_reused_with_a_different_body_is_422_and_creates_nothing(
    service: RunningService,
) -> None:
    admin = service.admin()
    headers = {"Idempotency-Key": "k-123"}
    first = admin.post("/programs", json=program_body("idem-a"), headers=headers)
    assert first.status_code == 201, first.text
    reused = admin.post("/programs", json=program_body("idem-b"), headers=headers)
    assert reused.status_code == 422, reused.text
    assert reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _count(service, "program-idem-b") == 0


async def test_another_caller_and_another_operation_may_use_the_same_key(
    service: RunningService,
) -> None:
    admin = service.admin()
    create_program(admin, "idem-c")
    import_people(admin, person("ines"))
    headers = {"Idempotency-Key": "k-shared"}
    made = admin.post("/programs", json=program_body("idem-d"), headers=headers)
    assert made.status_code == 201, made.text
    other_admin = service.admin("admin-2").post(
        "/programs", json=program_body("idem-e"), headers=headers
    )
    assert other_admin.status_code == 201, other_admin.text
    assert other_admin.json()["replayed"] is False
    imported = admin.post("/directory/people", json=[person("joao")], headers=headers)
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 1
    enrolled = service.participant("ines").post(
        "/programs/idem-c/enrolment", json=profile(), headers=headers
    )
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json() == {
        "stream_id": "person-ines",
        "version": 1,
        "replayed": False,
        "id": "ines",
    }
    assert await _count(service, "person-ines") == 1


async def test_a_replay_answers_with_the_first_status_and_body(service: RunningService) -> None:
    admin = service.admin()
    headers = {"Idempotency-Key": "k-replay"}
    first = admin.post("/programs", json=program_body(None), headers=headers)
    again = admin.post("/programs", json=program_body(None), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == {**first.json(), "replayed": True}
    assert await _count(service, f"program-{first.json()['id']}") == 1
