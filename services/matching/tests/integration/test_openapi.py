"""The served OpenAPI document lists, for every operation, the statuses it can answer and the
roles it needs."""

from __future__ import annotations

from typing import Any

from tandem_testkit.service import RunningService


def expected_statuses(path: str, operation: dict[str, Any]) -> set[str]:
    """What an operation can answer, from its shape: token, fields, path ids, commands, If-Match."""
    params = {p["name"]: p["in"] for p in operation.get("parameters", [])}
    expected = {"401", "403"}
    if operation.get("requestBody") or set(params.values()) & {"query", "header"}:
        expected.add("422")
    if "{" in path:
        expected.add("404")
    if "Idempotency-Key" in params:  # a command: its append may lose to a concurrent one
        expected.add("409")
    if "If-Match" in params:
        expected.add("412")
    return expected


def test_every_operation_documents_its_error_statuses_and_roles(service: RunningService) -> None:
    document = service.admin().get("/openapi.json").json()
    gaps = []
    checked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "security" not in operation:  # health, readiness, metrics
                continue
            checked += 1
            missing = expected_statuses(path, operation) - set(operation["responses"])
            if missing:
                gaps.append(f"{method.upper()} {path}: {sorted(missing)}")
            if "Needs " not in (operation.get("description") or ""):
                gaps.append(f"{method.upper()} {path}: no roles in the description")
    assert checked >= 30
    assert gaps == []
