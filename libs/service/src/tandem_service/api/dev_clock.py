"""``/dev/clock``: moves a development service's clock while it runs (the demo's weeks)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tandem_service.api.roles import Admin
from tandem_service.clock import ClockOffsetOutOfRange, ServiceClock
from tandem_service.errors import Invalid
from tandem_service.shared_clock import SharedClock

DAY_SECONDS = 86_400


class MoveClock(BaseModel):
    """Either advance the clock by some days, or set its offset from real time."""

    model_config = ConfigDict(extra="forbid")

    advance_days: float | None = Field(default=None, gt=0, le=3650)
    offset_days: float | None = Field(default=None, ge=-3650, le=3650)

    @model_validator(mode="after")
    def check_one_move(self) -> Self:
        """Exactly one of the two moves."""
        if (self.advance_days is None) == (self.offset_days is None):
            raise ValueError("send exactly one of advance_days or offset_days")
        return self


class ClockReading(BaseModel):
    """What the service's clock says now, and how far it is from real time."""

    now: datetime
    offset_days: float


async def _shared_clock(request: Request) -> SharedClock:
    shared: SharedClock = request.app.state.shared_clock
    return shared


SharedClockDep = Annotated[SharedClock, Depends(_shared_clock)]
router = APIRouter(prefix="/dev", tags=["development"])


def _reading(clock: ServiceClock) -> ClockReading:
    return ClockReading(now=clock(), offset_days=clock.offset.total_seconds() / DAY_SECONDS)


@router.get("/clock")
async def read_clock(_: Admin, shared: SharedClockDep) -> ClockReading:
    """The service's time now."""
    return _reading(shared.clock)


@router.post("/clock")
async def move_clock(move: MoveClock, _: Admin, shared: SharedClockDep) -> ClockReading:
    """Move the clock; everything that reads it (commands, sweeps, dispatch, the service's
    other processes) follows."""
    try:
        if move.advance_days is not None:
            await shared.advance(timedelta(days=move.advance_days))
        elif move.offset_days is not None:
            await shared.move_to(timedelta(days=move.offset_days))
    except ClockOffsetOutOfRange as exc:
        raise Invalid(("body", "advance_days"), str(exc)) from exc
    return _reading(shared.clock)
