"""Text PostgreSQL cannot store is a 422 naming the field; every response is counted, 5xx too."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from prometheus_client import REGISTRY
from pydantic import BaseModel

from tandem_service.settings import ServiceSettings
from tandem_service.storable_text import problems, storable

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


class Person(BaseModel):
    """A body with nested text."""

    name: str
    tags: list[str] = []


def _app(service: str) -> TestClient:
    # Imported here: every xdist worker collects every unit module, and the service app loads
    # the web stack; only the worker that runs these tests should pay for it.
    from fastapi import APIRouter
    from fastapi.testclient import TestClient

    from tandem_service.app import create_service_app

    router = APIRouter()

    @router.post("/people")
    async def create(body: Person) -> dict[str, str]:
        return {"name": body.name}

    @router.post("/broken")
    async def broken() -> None:
        raise RuntimeError("forced")

    settings = ServiceSettings(env="test", service_name=service)
    app = create_service_app(settings, title="t", description="t", routers=[router])
    return TestClient(app, raise_server_exceptions=False)  # no lifespan: no servers needed


def _count(service: str, route: str, status: str) -> float:
    labels = {"service": service, "method": "POST", "route": route, "status": status}
    return REGISTRY.get_sample_value("tandem_http_requests_total", labels) or 0.0


@pytest.mark.parametrize("text", ["Nul\x00Byte", "half \ud800 pair"])
def test_unstorable_text_is_recognised(text: str) -> None:
    assert not storable(text)
    assert storable("Zoë – ✓")


def test_problems_name_every_place() -> None:
    scope = {"path": "/a", "query_string": b"q=x%00y&ok=1"}
    body = b'{"name": "a\\u0000b", "tags": ["fine", "bad\\u0000"], "k\\u0000": 1}'
    assert problems(scope, body) == [
        ("query", "q"),
        ("body", "name"),
        ("body", "tags", 1),
        ("body", "k\x00"),
    ]
    assert problems({"path": "/a"}, b"id,name\n1,a\x00b\n") == [("body",)]
    assert problems({"path": "/a"}, b'{"name": "fine"}') == []


def test_a_nul_in_a_body_is_a_counted_422_naming_the_field() -> None:
    service = f"kit-{uuid.uuid4().hex[:8]}"
    client = _app(service)
    refused = client.post("/people", json={"name": "ok", "tags": ["x", "Nul\x00Byte"]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "tags", 1]
    assert client.post("/people", json={"name": "Zoë"}).json() == {"name": "Zoë"}
    assert _count(service, "unmatched", "422") == 1
    assert _count(service, "/people", "200") == 1


def test_an_unhandled_error_is_a_counted_json_500() -> None:
    service = f"kit-{uuid.uuid4().hex[:8]}"
    client = _app(service)
    failed = client.post("/broken")
    assert failed.status_code == 500
    assert failed.json() == {"detail": "internal server error"}
    assert _count(service, "/broken", "500") == 1
