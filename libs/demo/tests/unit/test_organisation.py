"""The synthetic organisation: the shape the demo promises, the same from the same seed."""

from __future__ import annotations

from collections import Counter

from tandem_demo.organisation import REGIONS, organisation, profile, volunteers


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not() -> None:
    assert organisation(500, 7, "p") == organisation(500, 7, "p")
    assert organisation(500, 7, "p").people != organisation(500, 8, "p").people


def test_about_500_people_in_8_departments_at_levels_1_to_6() -> None:
    org = organisation(500, 7, "p")
    assert 480 <= len(org.people) <= 500
    assert len({p.department for p in org.people}) == 8
    assert {p.level for p in org.people} == {1, 2, 3, 4, 5, 6}
    assert len({p.person_id for p in org.people}) == len(org.people)


def test_every_manager_is_imported_before_their_reports_and_ranks_above_them() -> None:
    org = organisation(500, 7, "p")
    seen: dict[str, int] = {}
    for person in org.people:
        if person.manager_id is not None:
            assert seen[person.manager_id] > person.level
        seen[person.person_id] = person.level
    assert sum(p.manager_id is not None for p in org.people) > 400


def test_people_live_in_every_region_and_speak_several_languages() -> None:
    org = organisation(500, 7, "p")
    assert set(org.regions) == set(REGIONS)
    assert len({lang for p in org.people for lang in p.languages}) >= 5


def test_rows_and_profiles_are_what_matching_accepts() -> None:
    # Imported here: every xdist worker collects every unit module, and this one loads
    # matching's whole web API; only the worker that runs the test should pay for it.
    from tandem_matching.api.schemas_people import PersonIn, ProfileIn

    org = organisation(100, 3, "p")
    for person in org.people:
        PersonIn.model_validate(person.as_import())
        ProfileIn.model_validate(profile(person, 3))


def test_about_seventy_percent_volunteer() -> None:
    org = organisation(500, 7, "p")
    share = len(volunteers(org, 0.7, 7)) / len(org.people)
    assert 0.62 < share < 0.78
    assert Counter(p.department for p in volunteers(org, 0.7, 7)).keys() == {
        p.department for p in org.people
    }
