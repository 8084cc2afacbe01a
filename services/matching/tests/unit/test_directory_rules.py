"""The rules of a directory import, on the pure review (no I/O)."""

from __future__ import annotations

from datetime import date

from tandem_matching.domain.directory import ImportRow, Link, review_import


def row(line: int, pid: str, manager: str | None = None, **fields: object) -> ImportRow:
    rehired = bool(fields.pop("rehired", False))
    link = Link(pid, str(fields.get("email", f"{pid}@x.org")), manager, fields.get("departed_on"))  # type: ignore[arg-type]  # test data
    return ImportRow(line, link, rehired)


def said(rows: list[ImportRow], directory: dict[str, Link] | None = None) -> list[tuple[int, str]]:
    return [(f.line, f.field) for f in review_import(rows, directory or {}).errors]


def test_a_clean_file_has_no_findings() -> None:
    review = review_import([row(2, "a"), row(3, "b", "a"), row(4, "c", "b")], {})
    assert (review.errors, review.warnings) == ([], [])
    assert review.departures == {"a": None, "b": None, "c": None}


def test_unknown_and_self_managers_are_errors_on_their_line() -> None:
    assert said([row(2, "a", "ghost"), row(3, "b", "b")]) == [(2, "manager_id"), (3, "manager_id")]
    assert said([row(2, "a", "boss")], {"boss": Link("boss", "boss@x.org")}) == []


def test_a_cycle_through_the_file_and_the_directory_is_named() -> None:
    directory = {"a": Link("a", "a@x.org"), "b": Link("b", "b@x.org", "a")}
    review = review_import([row(2, "a", "b")], directory)
    assert [(f.line, f.message) for f in review.errors] == [(2, "management cycle: a -> b -> a")]
    assert said([row(2, "a", "c"), row(3, "b", "a"), row(4, "c", "b")]) == [
        (2, "manager_id"),
        (3, "manager_id"),
        (4, "manager_id"),
    ]


def test_duplicate_ids_and_shared_emails_are_errors() -> None:
    assert said([row(2, "a"), row(3, "a")]) == [(3, "person_id")]
    assert said([row(2, "a", email="s@x.org"), row(3, "b", email="S@x.org")]) == [(3, "email")]
    directory = {"z": Link("z", "z@x.org")}
    assert said([row(2, "a", email="z@x.org")], directory) == [(2, "email")]
    # z gives up the address in the same file: a may take it
    assert said([row(2, "z", email="new@x.org"), row(3, "a", email="z@x.org")], directory) == []


def test_an_older_file_does_not_undo_a_departure_but_a_rehire_does() -> None:
    directory = {"a": Link("a", "a@x.org", departed_on=date(2026, 2, 1))}
    kept = review_import([row(2, "a")], directory)
    assert kept.departures == {"a": date(2026, 2, 1)}
    assert [(w.line, w.field) for w in kept.warnings] == [(2, "departed_on")]
    back = review_import([row(2, "a", rehired=True)], directory)
    assert (back.departures, back.rehired) == ({"a": None}, ["a"])
    moved = review_import([row(2, "a", departed_on=date(2026, 3, 1))], directory)
    assert (moved.departures, moved.warnings) == ({"a": date(2026, 3, 1)}, [])


def test_an_empty_file_and_a_departed_manager() -> None:
    assert said([]) == [(0, "body")]
    directory = {"boss": Link("boss", "b@x.org", departed_on=date(2026, 1, 1))}
    review = review_import([row(2, "a", "boss")], directory)
    assert (review.errors, [w.field for w in review.warnings]) == ([], ["manager_id"])
