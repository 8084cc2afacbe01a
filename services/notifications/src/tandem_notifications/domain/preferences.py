"""Who wants what where: per person and kind, over program defaults, over Tandem's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.timing import LocalHours

PERSONAL = frozenset({Channel.EMAIL, Channel.IN_APP})
DEFAULTS: Mapping[Kind, frozenset[Channel]] = {kind: PERSONAL for kind in Kind} | {
    Kind.DIGEST: frozenset({Channel.EMAIL}),
}


@dataclass(frozen=True)
class ProgramDefaults:
    """A program's channel choices per kind; kinds it leaves out keep Tandem's defaults."""

    channels: Mapping[Kind, frozenset[Channel]] = field(default_factory=dict)


@dataclass(frozen=True)
class Preferences:
    """A person's own choices; an empty set for a kind means "none of these, thanks"."""

    channels: Mapping[Kind, frozenset[Channel]] = field(default_factory=dict)
    email_unsubscribed: bool = False
    share_celebrations: bool = False

    def channels_for(
        self, kind: Kind, program: ProgramDefaults | None = None
    ) -> frozenset[Channel]:
        """The channels ``kind`` should take for this person."""
        chosen = self.channels.get(kind)
        if chosen is None and program is not None:
            chosen = program.channels.get(kind)
        if chosen is None:
            chosen = DEFAULTS[kind]
        if self.email_unsubscribed:
            chosen = chosen - {Channel.EMAIL}
        return chosen

    def wants(self, kind: Kind, channel: Channel, program: ProgramDefaults | None = None) -> bool:
        """True when ``kind`` may go to this person through ``channel``."""
        return channel in self.channels_for(kind, program)


def celebrate_in_program_channel(members: list[Preferences]) -> bool:
    """A pair's milestone reaches the program channel only when every member opted in."""
    return bool(members) and all(p.share_celebrations for p in members)


@dataclass(frozen=True)
class Rhythm:
    """A person's hours as they set them; the time zone defaults to the directory's."""

    timezone: str | None = None
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    quiet_start: time | None = time(21, 0)
    quiet_end: time | None = time(8, 0)
    weekend: frozenset[int] = frozenset({5, 6})

    def hours(self, directory_zone: str) -> LocalHours:
        """The local hours to deliver within."""
        return LocalHours(
            self.timezone or directory_zone,
            self.work_start,
            self.work_end,
            self.quiet_start,
            self.quiet_end,
            self.weekend,
        )


@dataclass(frozen=True)
class PersonChoices:
    """Everything a person chose about being notified."""

    preferences: Preferences = field(default_factory=Preferences)
    rhythm: Rhythm = field(default_factory=Rhythm)
