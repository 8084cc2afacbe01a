"""Self-match on the real stack: suggestions, a request, the peer's answer, and every refusal."""

from __future__ import annotations

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, enrol, import_people, person

POLICY = {"self_match": True}


def test_a_participant_asks_a_suggested_peer_who_accepts(service: RunningService) -> None:
    admin = service.admin()
    create_program(admin, "sm-prog", policy=POLICY)
    import_people(
        admin,
        person("sm-ana", name="Ana Lima"),
        person("sm-ben", name="Ben Ode", department="Sales"),
        person("sm-boss"),
        person("sm-cy", manager_id="sm-boss"),
    )
    for pid in ("sm-ana", "sm-ben", "sm-boss", "sm-cy"):
        enrol(service, "sm-prog", pid)
    ana, ben = service.participant("sm-ana"), service.participant("sm-ben")
    boss = service.participant("sm-boss")
    assert "sm-cy" not in [s["person_id"] for s in boss.get("/programs/sm-prog/peers").json()]
    shown = ana.get("/programs/sm-prog/peers", params={"limit": 2}).json()
    assert len(shown) == 2
    assert shown[0]["score"] >= shown[1]["score"]
    assert set(shown[0]) == {"person_id", "name", "department", "score", "reasons"}
    asked = ana.post(
        "/programs/sm-prog/peer-requests", json={"peer_id": "sm-ben", "note": "hi"}, headers=key()
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    again = ben.post("/programs/sm-prog/peer-requests", json={"peer_id": "sm-ana"})
    assert again.status_code == 409
    mine = ben.get("/programs/sm-prog/peer-requests").json()
    assert [(r["request_id"], r["status"]) for r in mine] == [(request_id, "pending")]
    assert ana.post(f"/peer-requests/{request_id}/accept").status_code == 403
    done = ben.post(f"/peer-requests/{request_id}/accept", headers=key())
    assert done.status_code == 200, done.text
    pair_id = done.json()["pair_id"]
    assert ben.post(f"/peer-requests/{request_id}/decline").status_code == 409
    eventually(lambda: [p for p in ana.get("/me/pairs").json() if p["pair_id"] == pair_id])
    assert ana.get("/programs/sm-prog/peers").status_code == 409  # in a pair now


def test_self_match_refusals(service: RunningService) -> None:
    admin = service.admin()
    create_program(admin, "sm-off")
    create_program(admin, "sm-on", policy=POLICY)
    import_people(admin, person("sm-x"), person("sm-y"), person("sm-far", level=9))
    for pid in ("sm-x", "sm-y", "sm-far"):
        enrol(service, "sm-on", pid)
    enrol(service, "sm-off", "sm-x")
    x = service.participant("sm-x")
    off = x.get("/programs/sm-off/peers")
    assert off.status_code == 409
    assert "self-match" in off.json()["detail"]
    assert x.get("/programs/sm-nope/peers").status_code == 404
    assert admin.get("/programs/sm-on/peers").status_code == 403
    assert x.get("/programs/sm-on/peers", params={"limit": 1000}).status_code == 422
    asks = {
        "sm-x": 422,  # oneself
        "sm-far": 409,  # level gap
        "sm-ghost": 409,  # not enrolled
    }
    for peer, expected in asks.items():
        answer = x.post("/programs/sm-on/peer-requests", json={"peer_id": peer})
        assert answer.status_code == expected, (peer, answer.text)
    huge = x.post("/programs/sm-on/peer-requests", json={"peer_id": "sm-y", "note": "n" * 200_000})
    assert huge.status_code == 422
    assert len(huge.content) < 2_000
    assert x.post("/peer-requests/nope/accept").status_code == 404
