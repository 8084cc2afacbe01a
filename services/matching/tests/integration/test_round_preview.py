"""A preview reports the round's quality and commits exactly as previewed, or 412 when stale."""

from __future__ import annotations

from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import enrol, enrolled_pool, import_people, person


def _members(plan: dict[str, object]) -> list[list[str]]:
    return sorted(sorted(p["member_ids"]) for p in plan["pairs"])  # type: ignore[attr-defined, index]  # JSON


def test_a_commit_with_the_token_records_exactly_the_preview(service: RunningService) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "tok", 6, policy={"allow_triads": False})
    pin, banned = [ids[0], ids[2]], [ids[1], ids[3]]
    body = {"pins": [pin], "excludes": [banned]}
    preview = admin.post(f"/programs/{program_id}/rounds/preview", json=body)
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert sorted(pin) in _members(plan)
    assert sorted(banned) not in _members(plan)
    quality = plan["quality"]
    assert (quality["pairs"], quality["triads"], quality["people_matched"]) == (3, 0, 6)
    assert quality["lp_bound"] >= quality["total_score"] - quality["gap"] - 0.01
    assert quality["score_min"] <= quality["score_median"] <= quality["score_max"]
    assert 0 <= quality["cross_department_pairs"] <= 3
    done = admin.post(
        f"/programs/{program_id}/rounds", json={"preview_token": plan["token"]}, headers=key()
    )
    assert done.status_code == 201, done.text
    assert _members(done.json()) == _members(plan)
    assert done.json()["total_score"] == plan["total_score"]
    again = admin.post(f"/programs/{program_id}/rounds", json={"preview_token": plan["token"]})
    assert again.status_code == 412
    assert "preview again" in again.json()["detail"]


def test_a_pool_that_moved_since_the_preview_is_412(service: RunningService) -> None:
    admin = service.admin()
    program_id, _ = enrolled_pool(service, "stale", 4, policy={"allow_triads": False})
    token = admin.post(f"/programs/{program_id}/rounds/preview").json()["token"]
    import_people(admin, person(f"{program_id}-late"))
    enrol(service, program_id, f"{program_id}-late")
    stale = admin.post(f"/programs/{program_id}/rounds", json={"preview_token": token})
    assert stale.status_code == 412, stale.text
    assert "pool changed" in stale.json()["detail"]
    unknown = admin.post(f"/programs/{program_id}/rounds", json={"preview_token": "nope"})
    assert unknown.status_code == 404


def test_bad_pins_and_excludes_and_who_may_preview(service: RunningService) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "pins", 4)
    url = f"/programs/{program_id}/rounds/preview"
    cases = [
        ({"pins": [[ids[0], ids[0]]]}, 422, ["body", "pins", 0]),
        ({"pins": [[ids[0], "ghost"]]}, 422, ["body", "pins", 0]),
        ({"excludes": [[ids[0], ids[1], ids[2]]]}, 422, ["body", "excludes", 0]),
        ({"pins": [[ids[0], ids[1]], [ids[1], ids[2]]]}, 422, ["body", "pins", 1]),
        ({"pins": [["x" * 200_000, ids[1]]]}, 422, ["body", "pins", 0, 0]),
    ]
    for body, status, loc in cases:
        answer = admin.post(url, json=body)
        assert answer.status_code == status, (body, answer.text[:300])
        assert answer.json()["detail"][0]["loc"] == loc
        assert len(answer.content) < 2_000
    assert service.participant(ids[0]).post(url).status_code == 403
    assert service.admin("someone-else").post(url).status_code == 403
    assert admin.post("/programs/nope/rounds/preview").status_code == 404
