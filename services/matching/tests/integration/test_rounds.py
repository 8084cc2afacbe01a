"""Match rounds end to end: preview vs commit, events on Kafka, pairs by hand, rematches."""

from __future__ import annotations

import csv
import io
from typing import Any

import asyncpg
import orjson

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import enrol, enrolled_pool, import_people, person, records


def _pairs(service: RunningService, program_id: str, count: int) -> list[dict[str, Any]]:
    admin = service.admin()
    return eventually(
        lambda: (p := admin.get(f"/programs/{program_id}/pairs").json()) and len(p) >= count and p
    )


async def test_preview_records_nothing_and_commit_publishes_cloudevents(
    service: RunningService,
    kafka_bootstrap: str,
) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "commit", 4, policy={"allow_triads": False})
    import_people(admin, person(f"{program_id}-far", languages=["fi"]))
    enrol(service, program_id, f"{program_id}-far", languages=["fi"])
    preview = admin.post(f"/programs/{program_id}/rounds/preview")
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert len(plan["pairs"]) == 2
    assert plan["unmatched"] == {f"{program_id}-far": "no_compatible_peer"}
    for pair in plan["pairs"]:
        assert 2 <= len(pair["reasons"]) <= 3
        assert set(pair["components"]) >= {"skills", "goals", "work_style", "personality"}
    conn = await asyncpg.connect(service.dsn)
    try:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE event_type LIKE "
                "'%PairCreated%' AND payload->>'program_id' = $1",
                program_id,
            )
            == 0
        )
    finally:
        await conn.close()
    committed = admin.post(f"/programs/{program_id}/rounds", headers=key())
    assert committed.status_code == 201, committed.text
    round_ = committed.json()
    assert len(round_["pair_ids"]) == 2
    pairs = _pairs(service, program_id, 2)
    assert all(p["components"] for p in pairs)
    far = f"{program_id}-far"
    history = eventually(
        lambda: (
            (h := admin.get(f"/programs/{program_id}/rounds").json()) and h[0]["unmatched"] and h
        )
    )
    assert history[0]["round_id"] == round_["round_id"]
    of_round = admin.get(f"/programs/{program_id}/pairs", params={"round_id": round_["round_id"]})
    assert sorted(p["pair_id"] for p in of_round.json()) == sorted(round_["pair_ids"])
    assert of_round.headers["X-Total-Count"] == "2"
    assert "link" not in of_round.headers  # one page holds them
    first = admin.get(f"/programs/{program_id}/pairs", params={"limit": 1})
    second = admin.get(first.links["next"]["url"])
    assert [len(first.json()), len(second.json())] == [1, 1]
    assert first.json()[0]["pair_id"] != second.json()[0]["pair_id"]
    assert "next" not in second.links
    too_many = admin.get(f"/programs/{program_id}/pairs", params={"limit": 5001})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "limit"]
    past_the_end = admin.get(f"/programs/{program_id}/pairs", params={"offset": 10})
    assert past_the_end.json() == []
    assert past_the_end.headers["X-Total-Count"] == "2", "the count answers past the last page"
    for hostile in ({"offset": -1}, {"limit": 0}, {"round_id": "r" * 101}):
        refused = admin.get(f"/programs/{program_id}/pairs", params=hostile)
        assert refused.status_code == 422, hostile
        assert refused.json()["detail"][0]["loc"] == ["query", next(iter(hostile))]
    assert history[0]["unmatched"] == {far: "no_compatible_peer"}  # from its own event
    counts = {k: history[0][k] for k in ("pairs", "triads", "people_matched")}
    assert counts == {"pairs": 2, "triads": 0, "people_matched": 4}
    assert history[0]["unmatched_by_reason"] == {"no_compatible_peer": 1}

    mine = await records(
        service,
        kafka_bootstrap,
        program_id,
        {
            "tandem.matching.MatchRoundCompleted.v2": 1,
            "tandem.matching.ParticipantLeftUnmatched.v1": 1,
            "tandem.matching.PairCreated.v1": 2,
            "tandem.matching.ParticipantEnrolled.v1": 5,
        },
    )
    by_type: dict[str, list[Any]] = {}
    for record in mine:
        headers = dict(record.headers)
        assert headers["ce_specversion"] == b"1.0"
        assert headers["ce_source"] == b"/tandem/matching"
        assert headers["ce_id"]
        by_type.setdefault(headers["ce_type"].decode(), []).append(record)
        for trait in (
            b"openness",
            b"conscientiousness",
            b"extraversion",
            b"agreeableness",
            b"emotional_stability",
        ):
            assert trait not in record.value
    completed = by_type["tandem.matching.MatchRoundCompleted.v2"]
    assert [r.key for r in completed] == [program_id.encode()]
    told = orjson.loads(completed[0].value)
    assert "pair_ids" not in told
    assert (told["pairs"], told["unmatched"]) == (2, {"no_compatible_peer": 1})
    [alone] = by_type["tandem.matching.ParticipantLeftUnmatched.v1"]
    assert alone.key == far.encode()
    assert orjson.loads(alone.value)["reason"] == "no_compatible_peer"
    created = by_type["tandem.matching.PairCreated.v1"]
    assert sorted(r.key.decode() for r in created) == sorted(round_["pair_ids"])
    assert len(by_type["tandem.matching.ParticipantEnrolled.v1"]) == 5
    assert all(
        r.key.decode() in {*ids, f"{program_id}-far"}
        for r in by_type["tandem.matching.ParticipantEnrolled.v1"]
    )


def test_participants_see_only_their_own_pairs_without_components(service: RunningService) -> None:
    program_id, ids = enrolled_pool(service, "own", 4)
    service.admin().post(f"/programs/{program_id}/rounds", headers=key())
    _pairs(service, program_id, 2)
    me = service.participant(ids[0])
    mine = me.get(f"/programs/{program_id}/pairs").json()
    assert len(mine) == 1
    assert ids[0] in mine[0]["member_ids"]
    assert mine[0]["components"] is None
    [own] = me.get("/me/pairs").json()
    assert {**own, "partners": None} == mine[0]
    [partner] = own["partners"]
    assert partner["person_id"] in mine[0]["member_ids"]
    assert partner["person_id"] != ids[0]
    assert partner["name"].endswith("Example")
    assert partner["department"]
    assert partner["timezone"]
    assert own["reasons"]
    assert me.post(f"/programs/{program_id}/rounds/preview").status_code == 403


def test_a_pair_by_hand_needs_an_override_to_break_a_constraint(service: RunningService) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "manual", 2)
    boss = f"{program_id}-boss"
    import_people(admin, person(boss, level=3), person(ids[0], manager_id=boss))
    enrol(service, program_id, boss)
    refused = admin.post(f"/programs/{program_id}/pairs", json={"member_ids": [ids[0], boss]})
    assert refused.status_code == 409
    assert any("management chain" in v for v in refused.json()["violations"])
    fine = admin.post(f"/programs/{program_id}/pairs", json={"member_ids": ids}, headers=key())
    assert fine.status_code == 201, fine.text
    assert fine.json()["pair"]["reasons"]
    busy = admin.post(
        f"/programs/{program_id}/pairs",
        json={"member_ids": [ids[0], boss], "override_reason": "asked"},
    )
    assert busy.status_code == 409  # ids[0] is already paired
    admin.post(f"/pairs/{fine.json()['id']}/end", json={"reason": "admin"}, headers=key())
    forced = admin.post(
        f"/programs/{program_id}/pairs",
        json={"member_ids": [ids[0], boss], "override_reason": "they asked for it"},
        headers=key(),
    )
    assert forced.status_code == 201, forced.text
    pairs = _pairs(service, program_id, 2)
    shown = {p["pair_id"]: p for p in pairs}
    assert shown[forced.json()["id"]]["override_reason"] == "they asked for it"
    assert shown[forced.json()["id"]]["manual"] is True
    eventually(
        lambda: [
            p
            for p in admin.get(f"/programs/{program_id}/pairs").json()
            if p["pair_id"] == fine.json()["id"] and p["end_reason"] == "admin"
        ]
    )
    assert admin.post(f"/pairs/{fine.json()['id']}/end", json={}).status_code == 409
    assert admin.post("/pairs/nope/end", json={}).status_code == 404


def test_a_rematch_is_answered_in_the_next_round_never_with_the_same_partner(
    service: RunningService,
) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "rematch", 2)
    admin.post(f"/programs/{program_id}/rounds", headers=key())
    (pair,) = _pairs(service, program_id, 1)
    stranger = service.participant("someone-else")
    assert stranger.post(f"/pairs/{pair['pair_id']}/rematch", json={}).status_code == 403
    asked = service.participant(ids[0]).post(
        f"/pairs/{pair['pair_id']}/rematch", json={"reason": "schedule"}, headers=key()
    )
    assert asked.status_code == 201, asked.text
    (asking,) = eventually(
        lambda: [
            r
            for r in admin.get(f"/programs/{program_id}/roster").json()
            if r["person_id"] == ids[0] and r["rematch_requested"]
        ]
    )
    assert asking["rematch_reason"] == "schedule"  # admins see why
    eventually(
        lambda: admin.get(f"/programs/{program_id}/pairs").json()[0]["end_reason"] == "rematch"
    )
    alone = admin.post(f"/programs/{program_id}/rounds/preview").json()
    assert alone["pairs"] == []  # they may not meet again
    newcomers = [f"{program_id}-new{i}" for i in range(2)]
    import_people(admin, *(person(n) for n in newcomers))
    for n in newcomers:
        enrol(service, program_id, n)
    second = admin.post(f"/programs/{program_id}/rounds", headers=key()).json()
    assert len(second["pairs"]) == 2
    for new_pair in second["pairs"]:
        assert set(new_pair["member_ids"]) != set(ids)
        assert len(set(new_pair["member_ids"]) & set(ids)) == 1
    eventually(
        lambda: (
            not any(
                r["rematch_requested"] or r["rematch_reason"]
                for r in admin.get(f"/programs/{program_id}/roster").json()
            )
        )
    )


def test_closing_a_program_and_withdrawing_end_pairs(service: RunningService) -> None:
    admin = service.admin()
    program_id, ids = enrolled_pool(service, "close", 4)
    admin.post(f"/programs/{program_id}/rounds", headers=key())
    pairs = _pairs(service, program_id, 2)
    service.participant(ids[0]).post(
        f"/programs/{program_id}/enrolment/withdraw", json={}, headers=key()
    )
    left = next(p for p in pairs if ids[0] in p["member_ids"])
    eventually(
        lambda: [
            p
            for p in admin.get(f"/programs/{program_id}/pairs").json()
            if p["pair_id"] == left["pair_id"] and p["end_reason"] == "withdrawal"
        ]
    )
    admin.post(f"/programs/{program_id}/close", json={"reason": "season over"}, headers=key())
    ended = eventually(
        lambda: (
            all(p["status"] == "ended" for p in admin.get(f"/programs/{program_id}/pairs").json())
            and admin.get(f"/programs/{program_id}/pairs").json()
        )
    )
    assert sorted(p["end_reason"] for p in ended) == ["program_closed", "withdrawal"]
    assert admin.post(f"/programs/{program_id}/rounds", headers=key()).status_code == 409


async def test_a_retried_commit_records_one_round(service: RunningService) -> None:
    admin = service.admin()
    program_id, _ = enrolled_pool(service, "again", 3)
    headers = key()
    first = admin.post(f"/programs/{program_id}/rounds", headers=headers)
    retry = admin.post(f"/programs/{program_id}/rounds", headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["replayed"] is True
    assert retry.json()["round_id"] == first.json()["round_id"]
    assert retry.json() == {**first.json(), "replayed": True}  # the pairs too, not "pairs":[]
    assert len(first.json()["pairs"][0]["member_ids"]) == 3  # the odd one out joined a triad
    conn = await asyncpg.connect(service.dsn)
    try:
        counts = await conn.fetch(
            "SELECT event_type, count(*) AS n FROM events WHERE payload->>'program_id' = $1"
            " AND event_type NOT LIKE '%Enrolled%' GROUP BY 1 ORDER BY 1",
            program_id,
        )
    finally:
        await conn.close()
    assert {r["event_type"]: r["n"] for r in counts} == {
        "tandem.matching.MatchRoundCompleted.v2": 1,
        "tandem.matching.PairCreated.v1": 1,
        "tandem.matching.ProgramLaunched.v1": 1,
    }


def test_managers_export_the_roster_and_a_rounds_pairs_as_csv(service: RunningService) -> None:
    program_id, ids = enrolled_pool(service, "csv", 4, policy={"allow_triads": False})
    admin = service.admin()
    round_ = admin.post(f"/programs/{program_id}/rounds", headers=key()).json()
    _pairs(service, program_id, 2)
    roster = admin.get(f"/programs/{program_id}/roster.csv")
    assert roster.headers["content-type"].startswith("text/csv")
    lines = roster.text.splitlines()
    assert lines[0] == "person_id,status,level,department,rematch_requested"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(ids)
    pairs = admin.get(f"/programs/{program_id}/rounds/{round_['round_id']}/pairs.csv")
    rows = list(csv.DictReader(io.StringIO(pairs.text)))
    assert sorted(r["pair_id"] for r in rows) == sorted(round_["pair_ids"])
    assert all(r["reasons"] for r in rows)
    assert admin.get(f"/programs/{program_id}/rounds/nope/pairs.csv").status_code == 404
    assert service.admin("other-1").get(f"/programs/{program_id}/roster.csv").status_code == 403
