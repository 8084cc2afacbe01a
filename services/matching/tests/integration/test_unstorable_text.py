"""Text the database cannot store is a 422 naming the field on matching's commands."""

from __future__ import annotations

import httpx
import pytest

from tandem_testkit.eventually import fresh_key
from tandem_testkit.service import RunningService

from .builders import create_program, import_people, person, profile, program_body

NUL = "Nul\x00Byte"


def _refused(response: httpx.Response, loc: list[object]) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


@pytest.fixture(scope="module")
def program(service: RunningService) -> str:
    create_program(service.admin(), "nul-prog")
    import_people(service.admin(), person("nia"))
    return "nul-prog"


def test_a_nul_in_a_person_a_program_or_a_tag_is_422(service: RunningService, program: str) -> None:
    admin = service.admin()
    people = [person("ok"), person("bad", name=NUL)]
    _refused(admin.post("/directory/people", json=people, headers=fresh_key()), ["body", 1, "name"])
    made = admin.post("/programs", json=program_body("nul-2", name=NUL), headers=fresh_key())
    _refused(made, ["body", "name"])
    enrolling = service.participant("nia").post(
        f"/programs/{program}/enrolment", json=profile(free_tags=[NUL]), headers=fresh_key()
    )
    _refused(enrolling, ["body", "free_tags", 0])
    csv = f"person_id,name,email,level\nzed,{NUL},zed@example.com,3\n"
    upload = admin.post(
        "/directory/people.csv",
        content=csv.encode(),
        headers={"Content-Type": "text/csv", **fresh_key()},
    )
    _refused(upload, ["body"])
    assert admin.get("/programs/nul%00x").status_code == 422
