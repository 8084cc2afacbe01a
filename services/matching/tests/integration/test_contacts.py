"""Contact details for the notifications service: role service only; departed are unknown."""

from __future__ import annotations

from tandem_testkit.service import RunningService

from .builders import import_people, person


def test_a_service_reads_contacts_and_the_departed_are_unknown(service: RunningService) -> None:
    admin = service.admin()
    import_people(
        admin,
        person("ct-ana", name="Ana Lima"),
        person("ct-gone", departed_on="2026-02-01"),
    )
    ids = [("person_id", "ct-ana"), ("person_id", "ct-gone"), ("person_id", "ct-nobody")]
    found = service.service().get("/directory/contacts", params=ids)
    assert found.status_code == 200, found.text
    assert found.json() == {
        "contacts": [
            {
                "person_id": "ct-ana",
                "name": "Ana Lima",
                "email": "ct-ana@example.com",
                "timezone": "Europe/Lisbon",
            }
        ],
        "unknown": ["ct-gone", "ct-nobody"],
    }
    one = service.service().get("/directory/people/ct-gone/contact").json()
    assert one["departed"] is True
    assert one["display_name"] == "Ct-Gone Example"
    assert service.service().get("/directory/people/ct-nobody/contact").status_code == 404
    assert admin.get("/directory/contacts", params=ids).status_code == 403
    assert service.participant("ct-ana").get("/directory/people/ct-ana/contact").status_code == 403
    too_many = [("person_id", f"x{i}") for i in range(101)]
    assert service.service().get("/directory/contacts", params=too_many).status_code == 422
