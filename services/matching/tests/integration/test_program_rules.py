"""Clear answers: read-your-writes with ETags, stale writes refused, manual pairs checked,
and bad fields named."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, enrol, import_people, person, profile, program_body


def test_a_get_right_after_a_201_finds_the_program_with_its_version(
    service: RunningService,
) -> None:
    admin = service.admin()
    created = admin.post("/programs", json=program_body("ryw"), headers=key())
    assert created.status_code == 201
    shown = admin.get("/programs/ryw")
    assert shown.status_code == 200, shown.text
    assert shown.headers["ETag"] == f'"{created.json()["version"]}"'
    assert shown.json()["owner"] == "admin-1"
    changed = admin.patch("/programs/ryw", json={"description": "v2"}, headers=key())
    assert changed.json()["version"] == 2
    again = admin.get("/programs/ryw")
    assert again.json()["description"] == "v2"
    assert again.headers["ETag"] == '"2"'


def test_if_match_on_a_moved_program_is_412_and_concurrent_updates_have_one_winner(
    service: RunningService,
) -> None:
    admin = service.admin()
    create_program(admin, "etag")
    stale = admin.patch(
        "/programs/etag", json={"description": "x"}, headers={"If-Match": '"7"', **key()}
    )
    assert stale.status_code == 412, stale.text
    bad = admin.patch("/programs/etag", json={"description": "x"}, headers={"If-Match": "soon"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["header", "If-Match"]
    etag = admin.get("/programs/etag").headers["ETag"]

    def change(n: int) -> int:
        return admin.patch(
            "/programs/etag",
            json={"description": f"writer {n}"},
            headers={"If-Match": etag, **key()},
        ).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(change, range(4)))
    assert statuses.count(200) == 1, statuses
    assert set(statuses[1:]) <= {409, 412}, statuses
    closing = admin.post("/programs/etag/close", json={}, headers={"If-Match": etag, **key()})
    assert closing.status_code == 412


def test_manual_pairs_are_of_distinct_present_enrolled_people(service: RunningService) -> None:
    admin = service.admin()
    create_program(admin, "manual", policy={"max_level_gap": 10, "min_overlap_hours": 0})
    import_people(admin, person("mp-a"), person("mp-b"), person("mp-c"), person("mp-out"))
    for p in ("mp-a", "mp-b", "mp-c"):
        enrol(service, "manual", p)
    with_self = admin.post("/programs/manual/pairs", json={"member_ids": ["mp-a", "mp-a"]})
    assert with_self.status_code == 422
    assert with_self.json()["detail"][0]["loc"][-1] == "member_ids"
    unenrolled = admin.post("/programs/manual/pairs", json={"member_ids": ["mp-a", "mp-out"]})
    assert unenrolled.status_code == 409
    assert unenrolled.json()["not_enrolled"] == ["mp-out"]
    import_people(admin, person("mp-c", departed_on="2026-02-01"))
    departed = admin.post("/programs/manual/pairs", json={"member_ids": ["mp-a", "mp-c"]})
    assert departed.status_code == 409
    assert departed.json()["departed"] == ["mp-c"]
    made = admin.post(
        "/programs/manual/pairs", json={"member_ids": ["mp-a", "mp-b"]}, headers=key()
    )
    assert made.status_code == 201, made.text
    stranger = service.admin("other-admin").post(
        f"/pairs/{made.json()['id']}/end", json={"reason": "admin"}, headers=key()
    )
    assert stranger.status_code == 403


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_on": "2020-01-01"}, "starts_on"),
        ({"starts_on": "2099-05-01", "ends_on": "2099-01-01"}, "ends_on"),
        ({"policy": {"weights": {"skills": 0, "goals": 0}}}, "weights"),
        ({"goal_vocabulary": ["sql", " SQL "]}, "goal_vocabulary"),
        ({"goal_vocabulary": ["sql", "  "]}, 1),
        ({"name": "n" * 201}, "name"),
    ],
)
def test_a_bad_program_is_422_naming_the_field(
    service: RunningService, fields: dict[str, Any], field: str | int
) -> None:
    refused = service.admin().post("/programs", json=program_body(None, **fields))
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"][-1] == field


def test_an_unbounded_skill_is_refused(service: RunningService) -> None:
    admin = service.admin()
    create_program(admin, "bounded")
    import_people(admin, person("bd-a"))
    huge = service.participant("bd-a").post(
        "/programs/bounded/enrolment", json=profile(skills_offered=["x" * 200_000])
    )
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["loc"][-2:] == ["skills_offered", 0]
