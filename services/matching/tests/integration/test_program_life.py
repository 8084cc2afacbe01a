"""A program's life through the API: draft -> enrolling (a window) -> running -> closed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import asyncpg

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import import_people, person, profile, program_body

TODAY = date.today()


def test_a_draft_is_hidden_then_enrols_in_its_window_then_runs(service: RunningService) -> None:
    admin, ana = service.admin(), service.participant("life-ana")
    import_people(admin, person("life-ana"), person("life-ben"))
    created = admin.post("/programs", json=program_body("life", draft=True), headers=key())
    assert created.status_code == 201, created.text
    assert admin.get("/programs/life").json()["status"] == "draft"
    assert ana.get("/programs/life").status_code == 404
    eventually(lambda: any(p["program_id"] == "life" for p in admin.get("/programs").json()))
    assert all(p["program_id"] != "life" for p in ana.get("/programs").json())
    early = ana.post("/programs/life/enrolment", json=profile(), headers=key())
    assert early.status_code == 409
    assert "draft" in early.json()["detail"]
    assert admin.post("/programs/life/rounds/preview").status_code == 409

    backwards = admin.post(
        "/programs/life/enrolment-window",
        json={"opens_on": str(TODAY), "closes_on": str(TODAY - timedelta(days=1))},
    )
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"][-1] == "closes_on"
    window = {"opens_on": str(TODAY), "closes_on": str(TODAY + timedelta(days=14))}
    opened = admin.post("/programs/life/enrolment-window", json=window, headers=key())
    assert opened.status_code == 200, opened.text
    shown = ana.get("/programs/life").json()
    assert shown["status"] == "enrolling"
    assert shown["enrolment_closes_on"] == window["closes_on"]
    assert ana.post("/programs/life/enrolment", json=profile(), headers=key()).status_code == 201
    ben = service.participant("life-ben")
    assert ben.post("/programs/life/enrolment", json=profile(), headers=key()).status_code == 201
    assert admin.post("/programs/life/rounds/preview").status_code == 409

    assert admin.post("/programs/life/start", headers=key()).status_code == 200
    assert admin.post("/programs/life/start", headers=key()).status_code == 409
    eventually(lambda: len(admin.get("/programs/life/roster").json()) == 2)
    committed = admin.post("/programs/life/rounds", headers=key())
    assert committed.status_code == 201, committed.text
    assert admin.post("/programs/life/close", json={}, headers=key()).status_code == 200
    assert admin.get("/programs/life").json()["status"] == "closed"
    eventually(
        lambda: (
            next(p for p in admin.get("/programs").json() if p["program_id"] == "life")["status"]
            == "closed"
        )
    )


def test_enrolment_outside_its_window_is_refused(service: RunningService) -> None:
    admin = service.admin()
    import_people(admin, person("win-cy"))
    admin.post("/programs", json=program_body("later", draft=True), headers=key())
    soon = {"opens_on": str(TODAY + timedelta(days=3))}
    assert admin.post("/programs/later/enrolment-window", json=soon).status_code == 200
    refused = service.participant("win-cy").post("/programs/later/enrolment", json=profile())
    assert refused.status_code == 409
    assert "opens on" in refused.json()["detail"]


def test_an_empty_round_is_refused(service: RunningService) -> None:
    admin = service.admin()
    admin.post("/programs", json=program_body("empty-round"), headers=key())
    refused = admin.post("/programs/empty-round/rounds", headers=key())
    assert refused.status_code == 409
    assert "no pairs" in refused.json()["detail"]


async def test_an_admin_enrols_someone_on_their_behalf_and_it_is_recorded(
    service: RunningService,
) -> None:
    admin = service.admin()
    import_people(admin, person("obo-dee"))
    admin.post("/programs", json=program_body("obo"), headers=key())
    body = {**profile(), "person_id": "obo-dee"}
    stranger = service.admin("other-admin").post("/programs/obo/enrolments", json=body)
    assert stranger.status_code == 403
    done = admin.post("/programs/obo/enrolments", json=body, headers=key())
    assert done.status_code == 201, done.text
    conn = await asyncpg.connect(service.dsn)
    try:
        payload = await conn.fetchval(
            "SELECT payload FROM events WHERE stream_id = 'person-obo-dee'"
            " AND event_type LIKE '%ParticipantEnrolled%'"
        )
    finally:
        await conn.close()
    assert json.loads(payload)["actor_id"] == "admin-1"
