"""Compatibility rules: each is shown to fail on a breaking pair and to pass on a safe one."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel

from tandem_events.schemas import compatibility_problems
from tandem_events.schemas_compat import breaking_changes

Schema = dict[str, Any]


def obj(required: tuple[str, ...] = ("a",), **props: Any) -> Schema:
    """An event-like object schema with the given properties."""
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "x-tandem-topic": "engagement.events",
        "x-tandem-key": "a",
    }


STR = {"type": "string"}
INT = {"type": "integer"}


def test_identical_and_documentation_only_changes_pass() -> None:
    old = obj(a=STR, b={**INT, "title": "B", "default": 1})
    new = obj(a={**STR, "description": "now documented"}, b={**INT, "title": "Bee", "default": 2})
    assert breaking_changes(old, old) == []
    assert breaking_changes(old, new) == []


def test_new_optional_property_passes() -> None:
    assert breaking_changes(obj(a=STR), obj(a=STR, b=INT)) == []


def test_new_required_property_fails() -> None:
    problems = breaking_changes(obj(a=STR), obj(("a", "b"), a=STR, b=INT))
    assert problems == ["property 'b' is new and required"]


def test_optional_property_becoming_required_fails() -> None:
    problems = breaking_changes(obj(a=STR, b=INT), obj(("a", "b"), a=STR, b=INT))
    assert problems == ["property 'b' became required"]


def test_removed_property_fails() -> None:
    assert breaking_changes(obj(a=STR, b=INT), obj(a=STR)) == ["property 'b' was removed"]


def test_retyped_property_fails_and_same_type_passes() -> None:
    assert breaking_changes(obj(a=STR, b=INT), obj(a=STR, b=STR)) == [
        "property 'b' changed type from integer to string"
    ]
    assert breaking_changes(obj(a=STR, b=INT), obj(a=STR, b=dict(INT))) == []


def test_making_a_property_nullable_is_a_type_change() -> None:
    nullable = {"anyOf": [INT, {"type": "null"}]}
    assert breaking_changes(obj(a=STR, b=INT), obj(a=STR, b=nullable)) == [
        "property 'b' changed type from integer to integer | null"
    ]
    # Two spellings of the same type are the same contract.
    assert (
        breaking_changes(obj(a=STR, b=nullable), obj(a=STR, b={"type": ["integer", "null"]})) == []
    )
    assert breaking_changes(obj(a=STR, b=nullable), obj(a=STR, b=nullable)) == []


def test_narrowed_enum_fails() -> None:
    old = obj(a=STR, mode={"type": "string", "enum": ["video", "call"]})
    new = obj(a=STR, mode={"type": "string", "enum": ["video"]})
    assert breaking_changes(old, new) == [
        "property 'mode': enum narrowed, no longer allows \"call\""
    ]


def test_widened_enum_fails_and_reordered_enum_passes() -> None:
    old = obj(a=STR, mode={"type": "string", "enum": ["video", "call"]})
    wider = obj(a=STR, mode={"type": "string", "enum": ["video", "call", "chat"]})
    reordered = obj(a=STR, mode={"type": "string", "enum": ["call", "video"]})
    assert breaking_changes(old, wider) == [
        "property 'mode': enum widened with \"chat\" (older subscribers reject it)"
    ]
    assert breaking_changes(old, reordered) == []


def test_const_change_fails() -> None:
    old = obj(a=STR, kind={"const": "x", "type": "string"})
    assert breaking_changes(old, obj(a=STR, kind={"const": "y", "type": "string"}))
    assert breaking_changes(old, obj(a=STR, kind=STR)) == [
        "property 'kind': its set of allowed values is no longer restricted"
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"maxLength": 200}, {"maxLength": 100}),
        ({"maxLength": 100}, {"maxLength": 200}),
        ({}, {"pattern": "^x"}),
        ({"format": "date"}, {"format": "date-time"}),
    ],
)
def test_changed_constraint_fails(old: Schema, new: Schema) -> None:
    problems = breaking_changes(obj(a=STR, b={**STR, **old}), obj(a=STR, b={**STR, **new}))
    assert len(problems) == 1
    assert problems[0].startswith("property 'b': ")


def test_changed_key_or_topic_fails() -> None:
    new = {**obj(a=STR), "x-tandem-key": "b"}
    assert breaking_changes(obj(a=STR), new) == ["x-tandem-key changed from 'a' to 'b'"]


def test_refs_to_defs_are_resolved() -> None:
    def with_policy(policy: Schema, name: str = "Policy") -> Schema:
        schema = obj(a=STR, policy={"$ref": f"#/$defs/{name}"})
        schema["$defs"] = {name: policy}
        return schema

    old = with_policy(obj((), gap=INT))
    assert breaking_changes(old, with_policy(obj((), gap=STR))) == [
        "property 'policy.gap' changed type from integer to string"
    ]
    assert breaking_changes(old, with_policy(obj(()))) == ["property 'policy.gap' was removed"]
    # Renaming the nested model changes the text but not the contract.
    assert breaking_changes(old, with_policy(obj((), gap=INT), name="MatchingPolicy")) == []
    assert breaking_changes(old, obj(a=STR, policy=obj((), gap=INT))) == []


def test_array_items_and_map_values_are_compared() -> None:
    old = obj(a=STR, tags={"type": "array", "items": STR})
    assert breaking_changes(old, obj(a=STR, tags={"type": "array", "items": INT})) == [
        "property 'tags[]' changed type from string to integer"
    ]
    weights = obj(a=STR, w={"type": "object", "additionalProperties": {"type": "number"}})
    retyped = obj(a=STR, w={"type": "object", "additionalProperties": STR})
    assert breaking_changes(weights, retyped) == [
        "property 'w.*' changed type from number to string"
    ]
    assert breaking_changes(weights, weights) == []


def test_removed_event_type_fails_and_added_type_passes() -> None:
    schema = obj(a=STR)
    removed = compatibility_problems({"tandem.x.Gone.v1": schema}, {})
    assert len(removed) == 1
    assert removed[0].startswith("tandem.x.Gone.v1: the event type was removed")
    assert compatibility_problems({"tandem.x.A.v1": schema}, {"tandem.x.A.v1": schema}) == []
    assert compatibility_problems({}, {"tandem.x.New.v1": schema}) == []


def test_on_real_pydantic_output() -> None:
    class V1(BaseModel):
        """Old."""

        a: str
        note: str | None = None
        mode: Literal["video", "call"] = "video"

    class Added(V1):
        """A new optional field."""

        extra: int | None = None

    class Broken(BaseModel):
        """Note became an int, mode lost a value, a required field appeared."""

        a: str
        note: int | None = None
        mode: Literal["video"] = "video"
        needed: int

    old = V1.model_json_schema()
    assert breaking_changes(old, Added.model_json_schema()) == []
    assert breaking_changes(old, Broken.model_json_schema()) == [
        "property 'needed' is new and required",
        "property 'mode': enum narrowed, no longer allows \"call\"",
        "property 'note' changed type from null | string to integer | null",
    ]
