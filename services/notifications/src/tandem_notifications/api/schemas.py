"""Request and response bodies of the notifications API."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tandem_notifications.domain.kinds import Channel, Kind
from tandem_service.api.fields import TimeZoneName


class InboxItem(BaseModel):
    """One in-app notification."""

    notification_id: str
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


class Unread(BaseModel):
    """How many in-app notifications wait unread."""

    unread: int


class PreferencesBody(BaseModel):
    """How and when you want to hear from Tandem."""

    model_config = ConfigDict(extra="forbid")

    channels: dict[Kind, list[Channel]] = Field(
        default_factory=dict, description="Per kind, the channels you want (empty: none)."
    )
    email_unsubscribed: bool = False
    share_celebrations: bool = Field(
        default=False, description="Let your pair's milestones reach the program channel."
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="Defaults to the directory's time zone."
    )
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    quiet_start: time | None = time(21, 0)
    quiet_end: time | None = time(8, 0)
    weekend: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: [5, 6], max_length=6, description="0 is Monday."
    )


class ProgramChannels(BaseModel):
    """A program owner's channel settings."""

    model_config = ConfigDict(extra="forbid")

    defaults: dict[Kind, list[Channel]] = Field(default_factory=dict)
    webhook_url: str | None = Field(default=None, max_length=2000)
    support: str = Field(default="", max_length=1000)


class ProgramChannelsOut(ProgramChannels):
    """The settings; ``webhook_secret`` only right after a new webhook URL was set."""

    webhook_secret: str | None = None


class TemplateBody(BaseModel):
    """A jinja2 template source for one part of one kind."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=20_000)


class StatusCount(BaseModel):
    """How many deliveries of a kind on a channel are in a state (never their content)."""

    kind: str
    channel: str
    status: str
    count: int


class Done(BaseModel):
    """The (empty) answer kept for a command that answers 204 No Content."""

    @classmethod
    def of(cls, _: object) -> Done:
        """The answer to any such command, whatever its handler returned."""
        return cls()
