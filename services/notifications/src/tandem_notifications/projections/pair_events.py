"""Engagement's events about a pair: planned for the pair's current members, once it exists."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.engagement import (
    CadenceAgreed,
    MilestoneReached,
    PairHealthChanged,
    PulseInvited,
)
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_notifications.domain.planning import encouragement, meetings
from tandem_notifications.domain.planning.plan import Plan

PAIR_EVENTS = (CadenceAgreed, MilestoneReached, PairHealthChanged, PulseInvited)
# What a pair's agreed cadence keeps: enough to withdraw the calendar series when it ends.
SERIES = (
    "pair_id",
    "program_id",
    "every_days",
    "meeting_minutes",
    "first_meeting",
    "start_time",
    "members",
)


async def plan_pair_event(
    ctx: ProjectionContext,
    event: CadenceAgreed | MilestoneReached | PairHealthChanged | PulseInvited,
    cause: str,
) -> Plan:
    """What an engagement event about a pair plans, once matching has told of the pair."""
    pairs = ctx.table("pairs")
    row = await ctx.conn.fetchrow(
        f"SELECT program_id, member_ids, active FROM {pairs} WHERE pair_id = $1",
        event.pair_id,
    )
    if row is None:
        raise WaitFor(f"PairCreated {event.pair_id}")  # engagement may outrun matching
    if not row["active"]:
        return Plan()  # the pair ended meanwhile: nothing more to say to it
    program_id, members = row["program_id"], list(row["member_ids"])
    if isinstance(event, CadenceAgreed):
        zones = await _zones(ctx, event.agreed_by)
        plan = meetings.on_cadence_agreed(event, cause, program_id, zones)
        cadence = {k: plan.series[0].data[k] for k in SERIES} if plan.series else None
        await ctx.conn.execute(
            f"UPDATE {pairs} SET cadence = $2::jsonb WHERE pair_id = $1",
            event.pair_id,
            cadence,
        )
        return plan
    if isinstance(event, MilestoneReached):
        return encouragement.on_milestone(event, cause, program_id, members)
    if isinstance(event, PulseInvited):  # to the members the pair has now
        return encouragement.on_pulse_invited(event, cause, program_id, members)
    await ctx.conn.execute(
        f"UPDATE {pairs} SET health = $2 WHERE pair_id = $1", event.pair_id, event.current
    )
    return encouragement.on_health_changed(event, cause, program_id, members)


async def _zones(ctx: ProjectionContext, people: Sequence[str]) -> dict[str, str]:
    """Each person's time zone: their own choice, else their enrolment, else the directory's."""
    rows = await ctx.conn.fetch(
        "SELECT p.id, coalesce(pref.timezone, pe.timezone, c.timezone) AS zone"
        " FROM unnest($1::text[]) AS p(id)"
        " LEFT JOIN preferences pref ON pref.person_id = p.id"
        f" LEFT JOIN {ctx.table('people')} pe ON pe.person_id = p.id"
        " LEFT JOIN contacts c ON c.person_id = p.id",
        list(people),
    )
    return {r["id"]: r["zone"] for r in rows if r["zone"]}
