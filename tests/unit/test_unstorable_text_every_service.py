"""In every service, text the database cannot store is a 422 naming the field, and counted.

The check is the kit's, in front of each service's routes; this proves each service's real
application carries it (a service built without the kit's app would answer 500 or store it).
"""

from __future__ import annotations

import importlib

import pytest
from prometheus_client import REGISTRY

NUL = "Nul\x00Byte"
# A write route of each service, a body with the NUL where a client might put it, and the
# field the answer must name. Analytics takes no client text: its one body is the dev clock's.
CASES = {
    "matching": ("post", "/programs", {"program_id": "p", "name": NUL}, ["body", "name"]),
    "engagement": (
        "post",
        "/pairs/p1/check-ins",
        {"met_on": "2026-03-02", "notes": "fine", "topics": ["ok", NUL]},
        ["body", "topics", 1],
    ),
    "notifications": ("put", "/preferences", {"kinds": {NUL: ["email"]}}, ["body", "kinds", NUL]),
    "analytics": ("post", "/dev/clock", {"offset_days": NUL}, ["body", "offset_days"]),
}


def _refusals(service: str) -> float:
    labels = {"service": service, "route": "unmatched", "status": "422"}
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "tandem_http_requests"
        for sample in metric.samples
        if sample.name == "tandem_http_requests_total"
        and all(sample.labels.get(k) == v for k, v in labels.items())
    )


@pytest.mark.parametrize("service", sorted(CASES))
def test_a_nul_in_a_body_is_a_counted_422_naming_the_field(service: str) -> None:
    # Imported here: only the worker that runs this test pays for the web stack.
    from fastapi.testclient import TestClient

    definition = importlib.import_module(f"tandem_{service}.bootstrap").SERVICE
    # No lifespan: the check stands before the routes, so no server is needed.
    client = TestClient(definition.build_app(), raise_server_exceptions=False)
    method, path, body, field = CASES[service]
    before = _refusals(service)
    refused = client.request(method, path, json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == field
    assert _refusals(service) == before + 1
