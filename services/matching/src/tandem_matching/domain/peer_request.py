"""Self-match: a participant asks a suggested peer; the peer accepts or declines; asks expire."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import PeerRequestAnswered, PeerRequested
from tandem_matching.domain.errors import Conflict, Forbidden, NotFound

# Long enough for a week of leave, short enough that nobody stays reserved for a stale ask.
REQUEST_LIFETIME = timedelta(days=7)


def request_stream(request_id: str) -> str:
    """The event stream of one peer request."""
    return f"peer-request-{request_id}"


@dataclass(frozen=True)
class PeerRequest:
    """A peer request as its events left it."""

    request_id: str = ""
    program_id: str = ""
    requester_id: str = ""
    peer_id: str = ""
    expires_at: datetime | None = None
    status: str = "new"  # new → pending → accepted | declined

    def status_at(self, now: datetime) -> str:
        """The status a reader sees: a pending request past its time has expired."""
        if self.status == "pending" and self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return self.status

    def check_answerable(self, person_id: str, now: datetime) -> None:
        """Only the asked peer answers, once, before the request expires."""
        if self.status == "new":
            raise NotFound(f"no peer request {self.request_id}")
        if person_id != self.peer_id:
            raise Forbidden("only the asked peer answers a request")
        status = self.status_at(now)
        if status != "pending":
            raise Conflict(f"this request is {status}", status=status)


def apply_request(state: PeerRequest, event: DomainEvent) -> PeerRequest:
    """Fold one event into the request."""
    if isinstance(event, PeerRequested):
        return PeerRequest(
            event.request_id,
            event.program_id,
            event.requester_id,
            event.peer_id,
            event.expires_at,
            "pending",
        )
    if isinstance(event, PeerRequestAnswered):
        return replace(state, status="accepted" if event.accepted else "declined")
    return state


def answer(
    state: PeerRequest, *, accepted: bool, pair_id: str | None, actor: str, now: datetime
) -> list[DomainEvent]:
    """The peer's answer; accepting names the pair it made."""
    state.check_answerable(actor, now)
    return [
        PeerRequestAnswered(
            occurred_at=now,
            actor_id=actor,
            request_id=state.request_id,
            program_id=state.program_id,
            accepted=accepted,
            pair_id=pair_id,
        )
    ]
