"""The rules of a directory import: what refuses the whole file, and what only deserves a word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Link:
    """What the rules read of one person: their email, manager and departure."""

    person_id: str
    email: str
    manager_id: str | None = None
    departed_on: date | None = None


@dataclass(frozen=True)
class ImportRow:
    """One person of the file, where it stands (CSV line or JSON index), and a re-hire flag."""

    line: int
    person: Link
    rehired: bool = False


@dataclass(frozen=True)
class Finding:
    """An error (the file is refused) or a warning (imported, but odd), on one row and field."""

    line: int
    person_id: str
    field: str
    message: str


@dataclass(frozen=True)
class ImportReview:
    """The errors, the warnings, and the departure each person ends up with."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    departures: dict[str, date | None] = field(default_factory=dict)
    rehired: list[str] = field(default_factory=list)


def review_import(rows: Sequence[ImportRow], directory: Mapping[str, Link]) -> ImportReview:
    """Check a whole file against itself and the directory; nothing here writes."""
    review = ImportReview()
    if not rows:
        review.errors.append(Finding(0, "", "body", "the file has no people to import"))
        return review
    _unique(rows, directory, review)
    merged = {**directory, **{r.person.person_id: r.person for r in rows}}
    for row in rows:
        _manager(row, merged, review)
        _departure(row, directory.get(row.person.person_id), review)
    _cycles(rows, merged, review)
    review.errors.sort(key=lambda f: f.line)
    return review


def _unique(rows: Sequence[ImportRow], directory: Mapping[str, Link], review: ImportReview) -> None:
    first_line: dict[str, int] = {}
    email_owner: dict[str, tuple[str, int | None]] = {
        p.email.casefold(): (p.person_id, None) for p in directory.values()
    }
    in_file = {r.person.person_id for r in rows}
    for email, (owner, _) in list(email_owner.items()):
        if owner in in_file:
            del email_owner[email]  # their email is whatever the file now says
    for row in rows:
        pid, email = row.person.person_id, row.person.email.casefold()
        if pid in first_line:
            message = f"{pid} is already on line {first_line[pid]} of this file"
            review.errors.append(Finding(row.line, pid, "person_id", message))
            continue
        first_line[pid] = row.line
        owner, line = email_owner.setdefault(email, (pid, row.line))
        if owner != pid:
            where = f"line {line}" if line is not None else "the directory"
            message = f"{row.person.email} is already the email of {owner} ({where})"
            review.errors.append(Finding(row.line, pid, "email", message))


def _manager(row: ImportRow, merged: Mapping[str, Link], review: ImportReview) -> None:
    pid, manager = row.person.person_id, row.person.manager_id
    if manager is None:
        return
    if manager == pid:
        review.errors.append(Finding(row.line, pid, "manager_id", f"{pid} cannot manage itself"))
    elif manager not in merged:
        message = f"manager {manager} is neither in the directory nor in this file"
        review.errors.append(Finding(row.line, pid, "manager_id", message))
    elif merged[manager].departed_on is not None and row.person.departed_on is None:
        message = f"manager {manager} has left the organisation"
        review.warnings.append(Finding(row.line, pid, "manager_id", message))


def _departure(row: ImportRow, known: Link | None, review: ImportReview) -> None:
    pid, leaves = row.person.person_id, row.person.departed_on
    left = known.departed_on if known is not None else None
    if left is None or leaves is not None:
        review.departures[pid] = leaves
    elif row.rehired:
        review.departures[pid] = None
        review.rehired.append(pid)
        message = f"re-hired: the departure of {left} is cleared"
        review.warnings.append(Finding(row.line, pid, "rehired", message))
    else:
        # An older file must not bring someone back: only a re-hire ends a departure.
        review.departures[pid] = left
        message = f"{pid} left on {left} and stays departed; set rehired to re-hire them"
        review.warnings.append(Finding(row.line, pid, "departed_on", message))


def _cycles(rows: Sequence[ImportRow], merged: Mapping[str, Link], review: ImportReview) -> None:
    line_of = {r.person.person_id: r.line for r in rows}
    settled: set[str] = set()
    reported: set[str] = set()
    for row in rows:
        walk: list[str] = []
        on_walk: set[str] = set()
        current: str | None = row.person.person_id
        while current is not None and current not in settled and current in merged:
            if current in on_walk:
                loop = walk[walk.index(current) :]
                if len(loop) > 1:  # a self-manager is reported on its own
                    _report_cycle(loop, line_of, reported, review)
                break
            walk.append(current)
            on_walk.add(current)
            current = merged[current].manager_id
        settled.update(walk)


def _report_cycle(
    loop: list[str], line_of: Mapping[str, int], reported: set[str], review: ImportReview
) -> None:
    chain = " -> ".join([*loop, loop[0]])
    for pid in loop:
        if pid in line_of and pid not in reported:
            reported.add(pid)
            message = f"management cycle: {chain}"
            review.errors.append(Finding(line_of[pid], pid, "manager_id", message))
