"""The words reasons are made of: labels for vocabulary, language names, unambiguous names,
shared working hours. Each is computed once per distinct input: a round repeats them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from tandem_matching.domain.profile import Candidate

LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "ta": "Tamil",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
QUARTERS = 96  # the day on a quarter-hour grid: fractional time zones (5:30, 5:45) fit


def language_name(code: str) -> str:
    """English name of a language code (en, pt-BR), or the code when unknown."""
    return LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)


@lru_cache(maxsize=65_536)  # bounded: tags are free text, the service runs for weeks
def label(term: str) -> str:
    """A vocabulary key or tag as words, quoted: career_switch -> “career switch”."""
    return f"“{' '.join(term.replace('_', ' ').split())}”"


def names(members: Sequence[Candidate]) -> dict[str, str]:
    """First names; full names where two share a first name; with the id where both do."""
    if len(members) == 2:
        return _two_names(*members)
    firsts = [m.first_name for m in members]
    fulls = [m.name for m in members]

    def called(m: Candidate, first: str) -> str:
        if firsts.count(first) == 1:
            return first
        return m.name if fulls.count(m.name) == 1 else f"{m.name} ({m.person_id})"

    return {m.person_id: called(m, first) for m, first in zip(members, firsts, strict=True)}


def _two_names(a: Candidate, b: Candidate) -> dict[str, str]:
    # The same rule as for three, without counting: 5,000 pairs a round come this way.
    first_a, first_b = a.first_name, b.first_name
    if first_a != first_b:
        return {a.person_id: first_a, b.person_id: first_b}
    if a.name != b.name:
        return {a.person_id: a.name, b.person_id: b.name}
    return {a.person_id: f"{a.name} ({a.person_id})", b.person_id: f"{b.name} ({b.person_id})"}


def shared_hours(members: Sequence[Candidate]) -> float:
    """Hours a day when every member is within their working window (UTC, circular)."""
    common = ~0
    for m in members:
        common &= _quarters(m.utc_start, m.work_hours)
    return common.bit_count() / 4


@cache
def _quarters(utc_start: float, work_hours: float) -> int:
    """The quarter hours of a working window, one bit each: a round has few distinct windows."""
    inside = ((quarter / 4 - utc_start) % 24 < work_hours for quarter in range(QUARTERS))
    return sum(1 << quarter for quarter, yes in enumerate(inside) if yes)


@lru_cache(maxsize=65_536)
def terms_said(terms: frozenset[str]) -> str:
    """Up to two terms as labels, in alphabetical order."""
    # A round repeats the same few shared skills and goals thousands of times: each set is
    # worded once (5,000 pairs: 0.4 s of reasons, of which about half was this wording).
    return _listing([label(t) for t in terms])


@lru_cache(maxsize=1024)
def languages_said(codes: frozenset[str]) -> str:
    """Up to two language names, in alphabetical order."""
    return _listing([language_name(c) for c in codes])


def _listing(items: Sequence[str]) -> str:
    return " and ".join(sorted(items)[:2])
