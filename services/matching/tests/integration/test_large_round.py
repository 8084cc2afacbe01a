"""A 2,000-person round through the API: told in counts, its unmatched people one event each.

People and enrolments are seeded straight into the write-side tables (what a round reads), as
the bench does: 2,000 enrolments through the API would take most of a minute.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import orjson

from tandem_testkit.eventually import eventually
from tandem_testkit.eventually import fresh_key as key
from tandem_testkit.service import RunningService

from .builders import create_program, records

PEOPLE = 2_000
# Each speaks a language nobody else does: no compatible peer, whatever the solver does.
LONELY = ("fi", "is", "et", "mt", "ga")


async def _seed(dsn: str, program_id: str) -> None:
    ids = [f"{program_id}-{i:04d}" for i in range(PEOPLE)]
    languages = [[LONELY[i]] if i < len(LONELY) else ["en"] for i in range(PEOPLE)]
    profiles = [
        json.dumps(
            {
                "skills_offered": [f"skill {i % 7}"],
                "skills_sought": [f"skill {(i + 3) % 7}"],
                "goals": ["leadership"],
                "languages": spoken,
                "timezone": "Europe/Paris",
            }
        )
        for i, spoken in enumerate(languages)
    ]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO people (person_id, name, email, level, department, timezone, languages)"
            " VALUES ($1, $1, $1 || '@example.com', $2, $3, 'Europe/Paris', $4)",
            [(p, 1 + i % 4, f"Dept {i % 9}", languages[i]) for i, p in enumerate(ids)],
        )
        await conn.executemany(
            "INSERT INTO enrolments (program_id, person_id, status, profile, personality)"
            " VALUES ($1, $2, 'enrolled', $3::jsonb, $4)",
            [(program_id, p, profiles[i], [1 + i % 5] * 5) for i, p in enumerate(ids)],
        )
    finally:
        await conn.close()


async def test_a_large_round_is_told_in_counts_and_every_event_reaches_kafka(
    service: RunningService, kafka_bootstrap: str
) -> None:
    admin = service.admin()
    program_id = f"big-{uuid.uuid4().hex[:6]}"
    create_program(admin, program_id, policy={"allow_triads": False})
    await _seed(service.dsn, program_id)
    committed = admin.post(f"/programs/{program_id}/rounds", headers=key(), timeout=300)
    assert committed.status_code == 201, committed.text
    round_ = committed.json()
    pairs, unmatched = len(round_["pair_ids"]), round_["unmatched"]
    assert pairs * 2 + len(unmatched) == PEOPLE
    lonely = {f"{program_id}-{i:04d}" for i in range(len(LONELY))}
    assert {p for p, why in unmatched.items() if why == "no_compatible_peer"} >= lonely

    def recorded() -> list[dict[str, object]] | None:
        shown = admin.get(f"/programs/{program_id}/rounds").json()
        whole = shown and _round_pairs(admin, program_id, round_["round_id"], 1)[0] == pairs
        return shown if whole and len(shown[0]["unmatched"]) == len(unmatched) else None

    [shown] = eventually(recorded, timeout=120)
    assert shown["unmatched"] == unmatched
    total, listed = _round_pairs(admin, program_id, round_["round_id"], 400)
    assert total == pairs
    assert sorted(listed) == sorted(round_["pair_ids"]), "every page, no pair twice"
    assert (shown["pairs"], shown["triads"], shown["people_matched"]) == (pairs, 0, 2 * pairs)
    by_reason: dict[str, int] = {}
    for why in unmatched.values():
        by_reason[why] = by_reason.get(why, 0) + 1
    assert shown["unmatched_by_reason"] == by_reason

    wanted = {
        "tandem.matching.MatchRoundCompleted.v2": 1,
        "tandem.matching.PairCreated.v1": pairs,
        "tandem.matching.ParticipantLeftUnmatched.v1": len(unmatched),
    }
    found = await records(service, kafka_bootstrap, program_id, wanted)
    by_type: dict[str, list[bytes]] = {}
    for record in found:
        by_type.setdefault(dict(record.headers)["ce_type"].decode(), []).append(record.value)
    assert {t: len(by_type.get(t, [])) for t in wanted} == wanted
    [told] = by_type["tandem.matching.MatchRoundCompleted.v2"]
    assert len(told) < 1024, "the round's event does not grow with the round"
    assert orjson.loads(told)["unmatched"] == by_reason
    alone = {
        orjson.loads(v)["person_id"] for v in by_type["tandem.matching.ParticipantLeftUnmatched.v1"]
    }
    assert alone == set(unmatched)


def _round_pairs(
    admin: httpx.Client, program_id: str, round_id: str, limit: int
) -> tuple[int, list[str]]:
    """The round's pairs, following the pages' next links; and the count the first page gave."""
    url: str | None = f"/programs/{program_id}/pairs?round_id={round_id}&limit={limit}"
    found: list[str] = []
    total = -1
    while url is not None:
        page = admin.get(url)
        assert page.status_code == 200, page.text
        total = int(page.headers["X-Total-Count"]) if total < 0 else total
        found += [p["pair_id"] for p in page.json()]
        url = page.links.get("next", {}).get("url")
        if limit == 1:
            break  # only the count is wanted
    return total, found
