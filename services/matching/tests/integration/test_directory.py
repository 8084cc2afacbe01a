"""The people directory: JSON and CSV imports, idempotent by person id; chains; departures."""

from __future__ import annotations

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, enrol, import_people, person

CSV = """person_id,name,email,level,department,team,manager_id,timezone,languages,departed_on
csv-ceo,Cleo Boss,cleo@example.com,9,Board,,,Europe/Lisbon,en;pt,
csv-vp,Vic Middle,vic@example.com,7,Engineering,Platform,csv-ceo,Europe/Lisbon,en,
csv-dev,Dee Dev,dee@example.com,3,Engineering,Platform,csv-vp,America/New_York,en;fr,
"""


def test_json_import_is_idempotent_by_person_id(service: RunningService) -> None:
    admin = service.admin()
    people = [person("dir-ana"), person("dir-ben", manager_id="dir-ana")]
    assert import_people(admin, *people) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "departed": [],
        "withdrawn": [],
        "rehired": [],
        "warnings": [],
    }
    assert import_people(admin, *people)["unchanged"] == 2
    moved = import_people(admin, person("dir-ben", manager_id="dir-ana", team="Search"))
    assert (moved["updated"], moved["created"]) == (1, 0)
    shown = admin.get("/directory/people/dir-ben").json()
    assert shown["team"] == "Search"
    assert shown["manager_chain"] == ["dir-ana"]
    assert admin.get("/directory/people/nobody").status_code == 404


def test_csv_import_builds_the_manager_chain(service: RunningService) -> None:
    admin = service.admin()
    response = admin.post(
        "/directory/people.csv", content=CSV, headers={"Content-Type": "text/csv", **key()}
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 3
    again = admin.post("/directory/people.csv", content=CSV, headers={"Content-Type": "text/csv"})
    assert again.json()["unchanged"] == 3
    dee = admin.get("/directory/people/csv-dev").json()
    assert dee["manager_chain"] == ["csv-vp", "csv-ceo"]
    assert dee["languages"] == ["en", "fr"]


def test_a_bad_csv_line_is_422_naming_the_line_and_field(service: RunningService) -> None:
    bad = CSV.replace("csv-dev,Dee Dev,dee@example.com,3", "csv-dev,Dee Dev,dee@example.com,high")
    response = service.admin().post(
        "/directory/people.csv", content=bad, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", 4, "level"]  # CSV line, header = 1


def test_a_departure_withdraws_the_person_from_their_programs(service: RunningService) -> None:
    admin = service.admin()
    create_program(admin, "dir-prog")
    import_people(admin, person("dir-leaver"))
    enrol(service, "dir-prog", "dir-leaver")
    gone = import_people(admin, person("dir-leaver", departed_on="2026-02-01"))
    assert gone["departed"] == ["dir-leaver"]
    assert gone["withdrawn"] == ["dir-prog:dir-leaver"]
    eventually(
        lambda: [
            r
            for r in admin.get("/programs/dir-prog/roster").json()
            if r["person_id"] == "dir-leaver" and r["status"] == "withdrawn"
        ]
    )
    rejoin = service.participant("dir-leaver").post("/programs/dir-prog/enrolment", json={})
    assert rejoin.status_code == 409
    assert "left the organisation" in rejoin.json()["detail"]


def test_admins_search_filter_and_page_the_directory(service: RunningService) -> None:
    admin = service.admin()
    import_people(
        admin,
        person("dl-a", name="Zoe Search", department="Finance"),
        person("dl-b", name="Yan Search", department="Finance"),
        person("dl-c", name="Xia Search", department="Ops", departed_on="2026-02-01"),
    )
    first = admin.get("/directory/people", params={"search": "search", "limit": 2}).json()
    assert first["total"] == 3
    assert [p["person_id"] for p in first["people"]] == ["dl-c", "dl-b"]
    rest = admin.get("/directory/people", params={"search": "SEARCH", "limit": 2, "offset": 2})
    assert [p["person_id"] for p in rest.json()["people"]] == ["dl-a"]
    finance = admin.get("/directory/people", params={"search": "dl-", "department": "Finance"})
    assert finance.json()["total"] == 2
    gone = admin.get("/directory/people", params={"search": "dl-", "departed": "true"}).json()
    assert [p["person_id"] for p in gone["people"]] == ["dl-c"]
    assert admin.get("/directory/people", params={"limit": 501}).status_code == 422
    assert service.participant("dl-a").get("/directory/people").status_code == 403
