"""Enrolment, profiles and who may see what."""

from __future__ import annotations

from tandem_service.auth import Role
from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, enrol, import_people, person, profile

PROGRAM = "enrol-prog"


def _setup(service: RunningService) -> None:
    admin = service.admin()
    if admin.get(f"/programs/{PROGRAM}").status_code == 404:
        create_program(admin, PROGRAM)
        import_people(admin, person("en-ana"), person("en-ben"), person("en-cleo"))


def test_enrol_update_and_withdraw(service: RunningService) -> None:
    _setup(service)
    ana = service.participant("en-ana")
    enrol(service, PROGRAM, "en-ana")
    assert (
        ana.post(f"/programs/{PROGRAM}/enrolment", json=profile(), headers=key()).status_code == 409
    )
    own = eventually(
        lambda: (r := ana.get(f"/programs/{PROGRAM}/enrolment")).status_code == 200 and r.json()
    )
    assert own["personality"]["conscientiousness"] == 4
    assert own["profile"]["goals"] == ["leadership", "writing"]
    assert own["profile"]["timezone"] == "Europe/Lisbon"  # from the directory
    changed = ana.put(
        f"/programs/{PROGRAM}/enrolment", json=profile(skills_offered=["design"]), headers=key()
    )
    assert changed.status_code == 200
    eventually(
        lambda: (
            ana.get(f"/programs/{PROGRAM}/enrolment").json()["profile"]["skills_offered"]
            == ["design"]
        )
    )
    left = ana.post(
        f"/programs/{PROGRAM}/enrolment/withdraw", json={"reason": "busy"}, headers=key()
    )
    assert left.status_code == 200
    assert ana.post(f"/programs/{PROGRAM}/enrolment/withdraw", json={}).status_code == 404


def test_goals_outside_the_vocabulary_are_422_with_the_field(service: RunningService) -> None:
    _setup(service)
    response = service.participant("en-ben").post(
        f"/programs/{PROGRAM}/enrolment", json=profile(goals=["juggling"])
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "goals", 0]
    bad_trait = service.participant("en-ben").post(
        f"/programs/{PROGRAM}/enrolment", json=profile(personality={"openness": 9})
    )
    assert bad_trait.status_code == 422
    bad_zone = service.participant("en-ben").post(
        f"/programs/{PROGRAM}/enrolment", json=profile(timezone="Mars/Olympus")
    )
    assert bad_zone.json()["detail"][0]["loc"] == ["body", "timezone"]


def test_roles_participants_see_their_own_admins_never_personality(service: RunningService) -> None:
    _setup(service)
    enrol(service, PROGRAM, "en-cleo")
    admin = service.admin()
    roster = eventually(
        lambda: [
            r
            for r in admin.get(f"/programs/{PROGRAM}/roster").json()
            if r["person_id"] == "en-cleo"
        ]
    )
    assert "personality" not in roster[0]
    assert "personality" not in str(admin.get(f"/programs/{PROGRAM}/roster").json())
    # A participant cannot read the roster, nor anyone's enrolment but their own.
    cleo = service.participant("en-cleo")
    assert cleo.get(f"/programs/{PROGRAM}/roster").status_code == 403
    assert service.participant("en-ben").get(f"/programs/{PROGRAM}/enrolment").status_code == 404
    # Admins have no "own enrolment" view with private answers.
    assert admin.get(f"/programs/{PROGRAM}/enrolment").status_code == 403
    analyst = service.as_("an-1", Role.ANALYST)
    for method, path in [
        ("GET", "/programs"),
        ("GET", f"/programs/{PROGRAM}/roster"),
        ("POST", f"/programs/{PROGRAM}/rounds/preview"),
        ("GET", f"/programs/{PROGRAM}/pairs"),
        ("GET", "/directory/people/x"),
        ("POST", f"/programs/{PROGRAM}/enrolment"),
    ]:
        assert analyst.request(method, path, json={}).status_code == 403, path
    anonymous = service.as_("nobody")
    assert anonymous.get("/programs").status_code == 401
    assert anonymous.post("/programs", json={}).status_code == 401
    assert cleo.post("/programs", json={}).status_code == 403
