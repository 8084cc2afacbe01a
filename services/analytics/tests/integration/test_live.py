"""Live tiles (faust windows): counted as events arrive, labelled approximate on the page."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from tandem_events.catalog.engagement import CheckInLogged, MilestoneReached
from tandem_events.catalog.matching import MatchingPolicy, PairCreated, ProgramLaunched
from tandem_service.auth import Role

from .conftest import Analytics, envelopes, publish

AT = datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_live_tiles_count_check_ins_active_pairs_and_milestones(
    start_analytics: Callable[..., Analytics], kafka_bootstrap: str
) -> None:
    matching = [
        ProgramLaunched(
            occurred_at=AT, actor_id="admin-9", program_id="live-1", name="Live", purpose="p",
            starts_on=date(2026, 11, 30), suggested_cadence_days=7, policy=MatchingPolicy(),
        ),
        *(
            PairCreated(
                occurred_at=AT, actor_id="admin-9", pair_id=f"lp-{n}", program_id="live-1",
                member_ids=(f"a{n}", f"b{n}"), score=1.0,
            )
            for n in range(2)
        ),
    ]  # fmt: skip
    service = start_analytics(envelopes(matching), live=True)
    owner = service.as_("admin-9", Role.PROGRAM_ADMIN)
    time.sleep(5)  # the live agents have seen the pairs before their check-ins arrive
    activity = [
        CheckInLogged(
            occurred_at=AT, actor_id="a0", pair_id=f"lp-{n % 2}", check_in_id=f"c{n}",
            met_on=date(2026, 11, 30), duration_minutes=30,
        )
        for n in range(3)
    ] + [
        MilestoneReached(
            occurred_at=AT, actor_id="system", pair_id="lp-0", milestone="first_check_in",
            reached_on=date(2026, 11, 30),
        )
    ]  # fmt: skip
    publish(kafka_bootstrap, service.prefix, envelopes(activity))
    wanted = {
        "program_id": "live-1",
        "live": True,
        "check_ins_this_hour": 3,
        "active_pairs_7_days": 2,
        "milestones_today": 1,
    }
    deadline = time.monotonic() + 60
    while (seen := owner.get("/api/v1/programs/live-1/live").json()) != wanted:
        assert time.monotonic() < deadline, seen
        time.sleep(0.5)
    page = owner.get("/dashboard/programs/live-1").text
    assert "Live (approximate)" in page
    assert '<dd id="live-check-ins">3</dd>' in page
    assert (
        service.as_("admin-1", Role.PROGRAM_ADMIN).get("/api/v1/programs/live-1/live").status_code
        == 404
    )
