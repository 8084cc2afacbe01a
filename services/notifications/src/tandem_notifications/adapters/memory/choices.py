"""People's choices and programs' settings in memory (the choice book's port)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tandem_notifications.adapters.records import ProgramChannels
from tandem_notifications.domain.preferences import PersonChoices


class MemoryChoices:
    """People's choices, programs' settings and template overrides in dictionaries."""

    def __init__(self) -> None:
        self.people: dict[str, PersonChoices] = {}
        self.programs: dict[str, ProgramChannels] = {}
        self.templates: dict[tuple[str, str, str], str] = {}

    def know_program(self, program_id: str) -> None:
        """A program launched (the planner's part in Postgres)."""
        self.programs.setdefault(program_id, ProgramChannels({}, None, None, ""))

    async def save_person(self, person_id: str, choices: PersonChoices, now: datetime) -> None:
        """Replace a person's choices."""
        self.people[person_id] = choices

    async def person(self, person_id: str) -> PersonChoices | None:
        """A person's stored choices."""
        return self.people.get(person_id)

    async def unsubscribe_email(self, person_id: str, now: datetime) -> None:
        """Stop every email to the person, keeping their other choices."""
        mine = self.people.get(person_id, PersonChoices())
        prefs = replace(mine.preferences, email_unsubscribed=True)
        self.people[person_id] = replace(mine, preferences=prefs)

    async def save_program(
        self,
        program_id: str,
        defaults: dict[str, list[str]],
        webhook_url: str | None,
        webhook_secret: str | None,
        support: str,
    ) -> None:
        """Store a known program's settings (a None secret keeps the current one)."""
        known = self.programs.get(program_id)
        if known is None:
            return
        secret = None if webhook_url is None else webhook_secret or known.webhook_secret
        self.programs[program_id] = ProgramChannels(dict(defaults), webhook_url, secret, support)

    async def program(self, program_id: str) -> ProgramChannels | None:
        """A known program's settings."""
        return self.programs.get(program_id)

    async def put_template(self, program_id: str, kind: str, part: str, source: str) -> None:
        """Override one part of one kind."""
        self.templates[(program_id, kind, part)] = source

    async def template(self, program_id: str, kind: str, part: str) -> str | None:
        """A program's override of one part."""
        return self.templates.get((program_id, kind, part))

    async def drop_template(self, program_id: str, kind: str, part: str) -> bool:
        """Drop an override; False when there was none."""
        return self.templates.pop((program_id, kind, part), None) is not None
