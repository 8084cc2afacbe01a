"""Programs through the API: lifecycle, validation, idempotent retries, concurrent updates."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import asyncpg

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, program_body


def test_a_program_is_created_updated_and_closed(service: RunningService) -> None:
    admin = service.admin()
    create_program(
        admin,
        "lifecycle",
        policy={
            "max_level_gap": 2,
            "cross_team": "indifferent",
            "weights": {"skills": 0.5, "goals": 0.5},
        },
    )
    shown = admin.get("/programs/lifecycle").json()
    assert shown["status"] == "launched"
    assert shown["policy"]["max_level_gap"] == 2
    assert shown["purpose"] == "career_development"
    changed = admin.patch(
        "/programs/lifecycle",
        json={"description": "Now with triads", "expected_version": 1},
        headers=key(),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    eventually(lambda: admin.get("/programs/lifecycle").json()["description"] == "Now with triads")
    closed = admin.post("/programs/lifecycle/close", json={"reason": "done"}, headers=key())
    assert closed.status_code == 200
    eventually(lambda: admin.get("/programs/lifecycle").json()["status"] == "closed")
    again = admin.post("/programs/lifecycle/close", json={}, headers=key())
    assert again.status_code == 409
    assert admin.patch("/programs/lifecycle", json={"description": "x"}).status_code == 409


def test_bad_input_is_422_with_the_field_and_unknown_is_404(service: RunningService) -> None:
    admin = service.admin()
    bad = admin.post("/programs", json=program_body("bad", policy={"weights": {"luck": 1}}))
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "weights"
    missing = admin.post("/programs", json={"name": "x", "purpose": "y"})
    assert {e["loc"][-1] for e in missing.json()["detail"]} >= {"starts_on"}
    assert admin.get("/programs/nope").status_code == 404
    assert admin.post("/programs/nope/close", json={}).status_code == 404
    backwards = admin.post(
        "/programs", json=program_body("early", starts_on="2099-05-01", ends_on="2099-01-01")
    )
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"] == ["body", "ends_on"]


async def test_a_retried_command_appends_once(service: RunningService) -> None:
    admin = service.admin()
    headers = key()
    first = admin.post("/programs", json=program_body("retry"), headers=headers)
    second = admin.post("/programs", json=program_body("retry"), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json()["replayed"] is True
    assert second.json()["version"] == 1
    generated = admin.post("/programs", json=program_body(None), headers=(h := key()))
    replay = admin.post("/programs", json=program_body(None), headers=h)
    assert replay.json()["id"] == generated.json()["id"]
    conn = await asyncpg.connect(service.dsn)
    try:
        assert (
            await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = 'program-retry'")
            == 1
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE stream_id = $1",
                "program-" + generated.json()["id"],
            )
            == 1
        )
    finally:
        await conn.close()
    assert admin.post("/programs", json=program_body("retry"), headers=key()).status_code == 409


def test_concurrent_updates_from_the_same_version_one_wins_one_gets_409(
    service: RunningService,
) -> None:
    admin = service.admin()
    program_id = f"race-{uuid.uuid4().hex[:6]}"
    create_program(admin, program_id)

    def update(n: int) -> int:
        return admin.patch(
            f"/programs/{program_id}",
            json={"description": f"edit {n}", "expected_version": 1},
            headers=key(),
        ).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(update, range(4)))
    assert codes == [200, 409, 409, 409], codes
