"""The JSON Schemas, the AsyncAPI document, and the export/check commands."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from tandem_events.catalog import EVENT_TYPES, TOPICS
from tandem_events.catalog.engagement import CheckInLogged, FeedbackGivenV1
from tandem_events.schemas import (
    ASYNCAPI_FILE,
    check,
    current_schemas,
    event_schema,
    export,
    render,
)
from tandem_events.schemas_asyncapi import asyncapi_problems

DOCS = Path(__file__).parents[4] / "docs" / "events"
SEALED = "sealed:v1:person-1:c2VjcmV0"
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_every_event_type_has_a_valid_schema_with_tandem_facts() -> None:
    schemas = current_schemas()
    assert sorted(schemas) == [m.type_name() for m in EVENT_TYPES.all()]
    for model in EVENT_TYPES.all():
        schema = schemas[model.type_name()]
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(model.type_name())
        assert schema["title"] == model.type_name()
        assert schema["description"]
        assert schema["x-tandem-topic"] == model.topic()
        assert schema["x-tandem-key"] == model.key_field in schema["required"]


def test_events_as_published_validate_against_their_schema() -> None:
    events = [
        CheckInLogged(
            occurred_at=WHEN, actor_id="p1", pair_id="pair-1", check_in_id="c1",
            met_on=date(2026, 3, 1), duration_minutes=45, notes=SEALED,
        ),
        FeedbackGivenV1(
            occurred_at=WHEN, actor_id="p1", pair_id="pair-1", feedback_id="f1",
            to_person_id="p2", rating=4,
        ),
    ]  # fmt: skip
    for event in events:
        validator = Draft202012Validator(event_schema(type(event)))
        validator.validate(event.model_dump(mode="json"))
        assert not validator.is_valid({**event.model_dump(mode="json"), "pair_id": ""})


def test_sealed_text_and_superseded_versions_are_marked() -> None:
    notes = event_schema(CheckInLogged)["properties"]["notes"]["anyOf"][0]
    assert notes["x-tandem-sealed"] is True
    assert "cannot read" in notes["description"]
    old = event_schema(FeedbackGivenV1)
    assert old["x-tandem-superseded-by"] == "tandem.engagement.FeedbackGiven.v2"


def test_output_is_deterministic_and_asyncapi_is_valid() -> None:
    files = render(current_schemas())
    assert files == render(current_schemas())
    document = yaml.safe_load(files[ASYNCAPI_FILE])
    assert asyncapi_problems(document) == []
    assert document["asyncapi"] == "3.0.0"
    for topic in TOPICS:
        channel = document["channels"][topic]
        assert channel["address"] == topic
        assert channel["bindings"]["kafka"]["partitions"] >= 1
        assert f"{topic}.dlq" in document["channels"]
    for model in EVENT_TYPES.all():
        message = document["components"]["messages"][model.type_name()]
        key = message["bindings"]["kafka"]["key"]
        assert key["type"] == "string"
        assert model.key_field in key["description"]
        assert model.type_name() in document["channels"][model.topic()]["messages"]
    actions = {op["action"] for op in document["operations"].values()}
    assert actions == {"send", "receive"}


def test_an_invalid_asyncapi_document_is_reported() -> None:
    document = yaml.safe_load(render(current_schemas())[ASYNCAPI_FILE])
    document["channels"]["engagement.events"]["bindings"]["kafka"]["partitions"] = 0
    del document["info"]["version"]
    problems = asyncapi_problems(document)
    assert problems
    assert all("not valid AsyncAPI 3.0.0" in p for p in problems)


def test_committed_docs_match_the_code() -> None:
    assert check(DOCS) == [], "run `tandem-events schemas export`"


def test_check_reports_stale_missing_and_breaking_files(tmp_path: Path) -> None:
    assert export(tmp_path)[0] == []
    assert check(tmp_path) == []
    (tmp_path / ASYNCAPI_FILE).write_text("asyncapi: 3.0.0\n")
    target = tmp_path / "schemas" / "tandem.engagement.CheckInLogged.v1.json"
    schema = json.loads(target.read_text())
    schema["properties"]["legacy"] = {"type": "string"}
    target.write_text(json.dumps(schema))
    (tmp_path / "schemas" / "tandem.engagement.GoalSet.v1.json").unlink()
    (tmp_path / "schemas" / "tandem.engagement.Gone.v1.json").write_text(json.dumps(schema))
    lines = "\n".join(check(tmp_path)).splitlines()
    hint = "run `tandem-events schemas export`"
    assert f"{tmp_path / ASYNCAPI_FILE}: differs from what the code generates; {hint}" in lines
    assert f"{tmp_path}/schemas/tandem.engagement.GoalSet.v1.json: missing; {hint}" in lines
    breaking = [line for line in lines if "breaking change" in line]
    assert breaking == [
        "tandem.engagement.CheckInLogged.v1: breaking change: property 'legacy' was removed;"
        " make it a new version with an upcaster instead"
    ]
    assert any(
        line.startswith("tandem.engagement.Gone.v1: the event type was removed") for line in lines
    )
    # Export refuses to paper over a breaking change unless told to.
    problems, written = export(tmp_path)
    assert problems
    assert written == []
    assert export(tmp_path, allow_breaking=True)[0] == []
    assert check(tmp_path) == []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_check_against_a_git_revision_catches_a_regenerated_break(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "t")
    export(tmp_path)
    target = tmp_path / "schemas" / "tandem.engagement.CheckInLogged.v1.json"
    schema = json.loads(target.read_text())
    schema["properties"]["legacy"] = {"type": "string"}
    target.write_text(json.dumps(schema))
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "published with legacy")
    export(tmp_path, allow_breaking=True)  # someone regenerated over the break
    assert check(tmp_path) == []
    problems = check(tmp_path, against="HEAD")
    assert len(problems) == 1
    assert "breaking change: property 'legacy' was removed" in problems[0]
    assert check(tmp_path, against="no-such-ref")[0].startswith("cannot read the committed")


@pytest.mark.parametrize("command", [["check"], ["export", "--check"]])
def test_cli_check_exit_codes(tmp_path: Path, command: list[str]) -> None:
    # Imported here: every xdist worker collects every unit module, and typer and the command
    # tree are only worth loading in the worker that runs this test.
    from typer.testing import CliRunner

    from tandem_events.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["schemas", "export", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["schemas", *command, "--dir", str(tmp_path)]).exit_code == 0
    target = tmp_path / "schemas" / "tandem.engagement.GoalSet.v1.json"
    target.write_text(json.dumps(json.loads(target.read_text())))  # same schema, other text
    result = runner.invoke(app, ["schemas", *command, "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{target}: differs from what the code generates; run `tandem-events schemas export`"
    ]
