"""The workspace API on the real stack: the pair's own flow, privacy, bad input, idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from tandem_testkit.eventually import eventually, fresh_key
from tandem_testkit.service import RunningService

TODAY = datetime.now(UTC).date()


def stream_version(service: RunningService, pair_id: str) -> int:
    with psycopg.connect(service.dsn) as conn:
        row = conn.execute(
            "SELECT version FROM streams WHERE stream_id = %s", (f"workspace-{pair_id}",)
        ).fetchone()
    return int(row[0]) if row else 0


def post(client: httpx.Client, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return client.post(path, json=body or {}, headers=fresh_key())


def check_in(**changes: Any) -> dict[str, Any]:
    return {"met_on": TODAY.isoformat(), "duration_minutes": 30, "felt": 4, **changes}


def test_a_pair_agrees_a_cadence_sets_goals_and_checks_in(stack: RunningService) -> None:
    ana, ben = stack.participant("ana"), stack.participant("ben")
    proposal = post(
        ana,
        "/pairs/p1/cadence/proposals",
        {"every_days": 14, "meeting_minutes": 45, "time_of_day": "morning", "weekday": "tue"},
    )
    assert proposal.status_code == 201, proposal.text
    agreed = post(ben, f"/pairs/p1/cadence/proposals/{proposal.json()['id']}/agree")
    assert agreed.status_code == 200, agreed.text
    goal = post(
        ana,
        "/pairs/p1/goals",
        {
            "title": "Lead a retro",
            "why": "confidence",
            "steps": ["watch one", "co-lead one"],
            "shared": True,
        },
    )
    assert goal.status_code == 201, goal.text
    mine = post(ana, "/pairs/p1/check-ins", check_in(notes="ana's private words"))
    shared = post(
        ben,
        "/pairs/p1/check-ins",
        check_in(notes="ben shares this", share_notes=True, topics=["Retro", "retro"]),
    )
    assert mine.status_code == shared.status_code == 201
    feedback = post(
        ben,
        f"/pairs/p1/check-ins/{mine.json()['id']}/feedback",
        {"helpfulness": 5, "kind": "appreciation", "text": "thank you ana"},
    )
    assert feedback.status_code == 201, feedback.text

    seen = eventually(lambda: (w := ana.get("/pairs/p1/workspace").json())["feedback"] and w)
    assert seen["cadence"]["every_days"] == 14
    assert seen["goals"][0]["title"] == "Lead a retro"
    assert seen["goals"][0]["steps"] == ["watch one", "co-lead one"]
    notes = {c["author_id"]: c["notes"] for c in seen["check_ins_logged"]}
    assert notes == {"ana": "ana's private words", "ben": "ben shares this"}
    assert seen["feedback"][0]["text"] == "thank you ana"
    kinds = eventually(
        lambda: (
            {m["milestone"] for m in ana.get("/pairs/p1/workspace").json()["milestones_reached"]}
            >= {"cadence_agreed", "first_check_in"}
        )
    )
    assert kinds
    assert seen["health"] in {"steady", "thriving"}

    ben_sees = ben.get("/pairs/p1/workspace").json()
    notes = {c["author_id"]: c["notes"] for c in ben_sees["check_ins_logged"]}
    assert notes == {"ana": None, "ben": "ben shares this"}  # ana's notes are hers alone
    assert ben_sees["feedback"][0]["text"] is None  # the words are for ana only


def test_the_owning_admin_sees_state_counts_and_dates_only(stack: RunningService) -> None:
    owner = stack.admin()
    body: dict[str, Any] = eventually(lambda: owner.get("/pairs/p1/workspace").json())
    assert "member_ids" not in body
    assert "check_ins_logged" not in body
    assert "goals" not in body
    assert {"health", "check_ins", "opened_at", "last_check_in"} <= set(body)
    pairs = owner.get("/programs/prog/pairs").json()
    assert {p["pair_id"] for p in pairs} == {"p1", "p2", "p3"}
    paged, url = [], "/programs/prog/pairs?limit=2"
    while url:
        page = owner.get(url)
        assert page.headers["X-Total-Count"] == "3"
        paged += [p["pair_id"] for p in page.json()]
        url = page.links.get("next", {}).get("url")
    assert paged == ["p1", "p2", "p3"], "two pages, in pair order, none twice"
    beyond = owner.get("/programs/prog/pairs?offset=5")
    assert (beyond.json(), beyond.headers["X-Total-Count"]) == ([], "3")
    health = eventually(lambda: owner.get("/programs/prog/health").json())
    assert sum(health.values()) == 2  # p3 ended


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/pairs/p2/check-ins", check_in(felt=0), "felt"),
        ("/pairs/p2/check-ins", check_in(felt=6), "felt"),
        ("/pairs/p2/check-ins", check_in(met_on=(TODAY + timedelta(days=2)).isoformat()), "met_on"),
        ("/pairs/p2/check-ins", check_in(met_on="2020-01-01"), "met_on"),
        ("/pairs/p2/goals", {"title": "   "}, "title"),
        ("/pairs/p2/goals", {"title": ""}, "title"),
        ("/pairs/p2/cadence/proposals", {"every_days": 0, "meeting_minutes": 30}, "every_days"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    stack: RunningService, path: str, body: dict[str, Any], field: str
) -> None:
    before = stream_version(stack, "p2")
    answer = post(stack.participant("cy"), path, body)
    assert answer.status_code == 422, answer.text
    assert field in {str(part) for problem in answer.json()["detail"] for part in problem["loc"]}
    assert stream_version(stack, "p2") == before


def test_a_check_in_on_an_ended_pair_conflicts(stack: RunningService) -> None:
    answer = post(stack.participant("eve"), "/pairs/p3/check-ins", check_in())
    assert answer.status_code == 409
    assert "ended" in answer.json()["detail"]


def test_a_pair_not_known_yet_is_a_409_with_retry_after(stack: RunningService) -> None:
    answer = post(stack.participant("ana"), "/pairs/p-later/check-ins", check_in())
    assert answer.status_code == 409
    assert int(answer.headers["Retry-After"]) >= 1


def test_a_retried_check_in_is_logged_once(stack: RunningService) -> None:
    cy = stack.participant("cy")
    key = fresh_key()
    before = stream_version(stack, "p2")
    first = cy.post("/pairs/p2/check-ins", json=check_in(), headers=key)
    again = cy.post("/pairs/p2/check-ins", json=check_in(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    with psycopg.connect(stack.dsn) as conn:
        logged = conn.execute(
            "SELECT count(*) FROM events WHERE stream_id = 'workspace-p2' "
            "AND event_type LIKE '%CheckInLogged%'"
        ).fetchone()
    assert logged is not None
    assert logged[0] == 1
    assert stream_version(stack, "p2") > before


def test_a_stressful_pulse_brings_support_to_that_person_only(stack: RunningService) -> None:
    di, cy = stack.participant("di"), stack.participant("cy")
    assert (
        post(di, "/pairs/p2/pulse", {"stress": 5, "belonging": 2, "confidence": 2}).status_code
        == 201
    )
    slugs = eventually(
        lambda: (
            {r["slug"] for r in di.get("/me/resources").json()}
            >= {"active-listening", "first-meeting"}
        )
    )
    assert slugs
    assert [p["stress"] for p in di.get("/me/pulses").json()] == [5]
    assert cy.get("/me/pulses").json() == []
    timeline = eventually(lambda: [t["kind"] for t in di.get("/me/timeline").json()])
    assert "WorkspaceOpened" in timeline


def test_an_owner_replaces_a_guide_for_the_program(stack: RunningService) -> None:
    body = {"kind": "guide", "title": "Our first meeting", "body": "Coffee, then goals."}
    assert (
        stack.admin()
        .put("/programs/prog/resources/first-meeting", json=body, headers=fresh_key())
        .status_code
        == 200
    )
    assert (
        stack.admin("admin-2")
        .put("/programs/prog/resources/first-meeting", json=body, headers=fresh_key())
        .status_code
        == 403
    )
    titles = {r["title"] for r in stack.participant("ana").get("/me/resources").json()}
    assert "Our first meeting" in titles
