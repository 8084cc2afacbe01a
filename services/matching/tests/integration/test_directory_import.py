"""A directory import refuses a wrong file whole, names each row and field, and stays small."""

from __future__ import annotations

import httpx
import pytest

from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import import_people, person

HEADER = "person_id,name,email,level,manager_id,departed_on,rehired\n"
CSV = {"Content-Type": "text/csv"}


def upload(admin: httpx.Client, body: str | bytes) -> httpx.Response:
    return admin.post("/directory/people.csv", content=body, headers={**CSV, **key()})


def findings(response: httpx.Response) -> list[tuple[int, str]]:
    assert response.status_code == 422, response.text
    return [(e["line"], e["field"]) for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("ri-a,Ana,ri-a@x.org,3,ghost,,\n", [(2, "manager_id")]),
        ("ri-a,Ana,ri-a@x.org,3,ri-a,,\n", [(2, "manager_id")]),
        (
            "ri-a,Ana,ri-a@x.org,3,ri-b,,\nri-b,Ben,ri-b@x.org,3,ri-a,,\n",
            [(2, "manager_id"), (3, "manager_id")],
        ),
        ("ri-a,Ana,ri-a@x.org,3,,,\nri-a,Ana,ri-a@x.org,4,,,\n", [(3, "person_id")]),
        ("ri-a,Ana,same@x.org,3,,,\nri-b,Ben,SAME@x.org,3,,,\n", [(3, "email")]),
    ],
    ids=["unknown-manager", "self-manager", "cycle", "duplicate-id", "shared-email"],
)
def test_a_row_breaking_a_rule_refuses_the_whole_file(
    service: RunningService, rows: str, expected: list[tuple[int, str]]
) -> None:
    admin = service.admin()
    good = "ri-ok,Olga,ri-ok@x.org,3,,,\n"
    response = upload(admin, HEADER + good + rows)
    # the good row is line 2, so the rows under test start on line 3
    assert findings(response) == [(line + 1, field) for line, field in expected]
    assert response.json()["error_count"] == len(expected)
    assert admin.get("/directory/people/ri-ok").status_code == 404  # nothing half-imported


def test_an_email_taken_in_the_directory_is_refused(service: RunningService) -> None:
    admin = service.admin()
    import_people(admin, person("ri-owner", email="taken@x.org"))
    response = upload(admin, HEADER + "ri-new,New,taken@x.org,3,,,\n")
    assert findings(response) == [(2, "email")]
    assert "ri-owner" in response.json()["errors"][0]["message"]


def test_a_cycle_through_the_directory_is_refused(service: RunningService) -> None:
    admin = service.admin()
    import_people(admin, person("rc-top"), person("rc-mid", manager_id="rc-top"))
    response = upload(admin, HEADER + "rc-top,Top,rc-top@example.com,5,rc-mid,,\n")
    assert findings(response) == [(2, "manager_id")]
    assert "rc-top -> rc-mid -> rc-top" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        (b"", ["body"], "empty"),
        (b"person_id,name,email\nx,X,x@x.org\n", ["body", 1], "missing column(s) level"),
        (
            b"person_id,name,email,level,shoe\nx,X,x@x.org,3,9\n",
            ["body", 1],
            "unknown column(s) shoe",
        ),
        (HEADER.encode() + b"ri-u,Ana\xff,u@x.org,3,,,\n", ["body", 2], "not UTF-8"),
        (HEADER.encode() + b"ri-e,E,e@x.org,3,,,,,extra\n", ["body", 2], "more than the header"),
        (
            HEADER.encode() + b"ri-l,L,l@x.org,3,,,\nri-m,M,m@x.org,high,,,\n",
            ["body", 3, "level"],
            "",
        ),
    ],
    ids=["empty", "missing-column", "unknown-column", "utf8", "extra-values", "bad-level"],
)
def test_a_malformed_file_is_422_naming_the_line(
    service: RunningService, body: bytes, loc: list[object], words: str
) -> None:
    response = upload(service.admin(), body)
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == loc
    assert words in error["msg"]


def test_a_huge_bad_upload_answers_the_first_100_errors_and_the_count(
    service: RunningService,
) -> None:
    rows = "".join(f"rh-{i},Name,rh-{i}@x.org,high,,,\n" for i in range(5_000))
    response = upload(service.admin(), HEADER + rows)
    assert response.status_code == 422
    assert len(response.json()["detail"]) == 100
    assert response.json()["error_count"] == 5_000
    assert len(response.content) < 40_000


def test_a_200_kb_field_is_refused_without_being_echoed(service: RunningService) -> None:
    huge = person("rh-big", team="x" * 200_000)
    response = service.admin().post("/directory/people", json=[huge], headers=key())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", 0, "team"]
    assert len(response.content) < 2_000


def test_an_empty_json_import_and_a_participant_are_refused(service: RunningService) -> None:
    assert service.admin().post("/directory/people", json=[], headers=key()).status_code == 422
    assert upload(service.participant("rp-x"), HEADER + "rp-x,X,x@x.org,3,,,\n").status_code == 403


def test_an_older_file_keeps_a_departure_and_says_so_until_a_rehire(
    service: RunningService,
) -> None:
    admin = service.admin()
    line = "rd-leo,Leo,rd-leo@x.org,3,,{gone},{rehired}\n"
    older = HEADER + line.format(gone="", rehired="")
    assert upload(admin, older).status_code == 200
    left = upload(admin, HEADER + line.format(gone="2026-02-01", rehired=""))
    assert left.json()["departed"] == ["rd-leo"]
    again = upload(admin, older)
    assert again.status_code == 200
    assert [(w["line"], w["field"]) for w in again.json()["warnings"]] == [(2, "departed_on")]
    assert admin.get("/directory/people/rd-leo").json()["departed_on"] == "2026-02-01"
    back = upload(admin, HEADER + line.format(gone="", rehired="true"))
    assert back.json()["rehired"] == ["rd-leo"]
    assert admin.get("/directory/people/rd-leo").json()["departed_on"] is None
    assert upload(admin, older).json()["unchanged"] == 1  # re-importing changes nothing
