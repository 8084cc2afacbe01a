"""The monthly pulse invitation: once a month from the day the pair opened, never twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.health import follow_ups, next_review
from tandem_engagement.domain.pulse import invite
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.engagement import PulseInvited, WorkspaceClosed

from .builders import OPENED, Clock, fold_all, opened


def invitations(state: Workspace, now: datetime) -> list[PulseInvited]:
    return [e for e in follow_ups(state, now) if isinstance(e, PulseInvited)]


def test_each_month_invites_both_members_once() -> None:
    clock, state = Clock(), opened()
    assert invitations(state, clock.advance(days=29)) == []
    (first,) = invitations(state, clock.advance(days=1))
    assert (first.round, first.member_ids, first.invited_on) == (
        1,
        ("ana", "ben"),
        clock.now.date(),
    )
    state = fold(state, first)
    assert invitations(state, clock.advance(days=1)) == []
    assert invitations(state, clock.advance(days=28)) == []
    (second,) = invitations(state, clock.advance(days=1))
    assert second.round == 2


def test_after_downtime_only_the_latest_month_is_invited() -> None:
    (late,) = invite(opened(), OPENED + timedelta(days=95))
    assert isinstance(late, PulseInvited)
    assert late.round == 3
    assert invite(fold(opened(), late), OPENED + timedelta(days=100)) == []


def test_the_next_review_wakes_for_the_next_invitation() -> None:
    state = fold(opened(), *invite(opened(), OPENED + timedelta(days=95)))
    review = next_review(state, OPENED + timedelta(days=95))
    assert review is not None
    assert review.date() == (OPENED + timedelta(days=120)).date()


def test_an_ended_pair_is_not_invited() -> None:
    closed = WorkspaceClosed(
        occurred_at=OPENED, actor_id="engagement", pair_id="p1", reason="pair_ended"
    )
    state = fold_all(opened(), [closed])
    assert invite(state, OPENED + timedelta(days=60)) == []
