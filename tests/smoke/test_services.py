"""Each service answers /health, /ready and /metrics through a real uvicorn on the real servers,
and refuses text the database cannot store with a counted 422."""

from __future__ import annotations

import importlib

import httpx
import pytest

from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.uvicorn_server import serving

SERVICES = ["matching", "engagement", "notifications", "analytics"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_is_healthy_ready_and_exposes_metrics(
    service: str, kafka_bootstrap: str, database_factory: DatabaseFactory
) -> None:
    bootstrap = importlib.import_module(f"tandem_{service}.bootstrap")
    settings_module = importlib.import_module(f"tandem_{service}.settings")
    settings_cls = next(
        v
        for k, v in vars(settings_module).items()
        if k.endswith("Settings") and k != "ServiceSettings"
    )
    dsn = database_factory.create(bootstrap.SERVICE.all_migrations, prefix=service)
    try:
        settings = settings_cls(env="test", database_url=dsn, kafka_bootstrap=kafka_bootstrap)
        with serving(bootstrap.SERVICE.build_app(settings)) as url:
            assert httpx.get(f"{url}/health").json() == {"status": "ok"}
            ready = httpx.get(f"{url}/ready", timeout=10)
            assert ready.status_code == 200, ready.text
            checks = ready.json()["checks"]
            assert checks["database"]["ok"]
            assert checks["kafka"]["ok"]
            before = _refusals(url, service)
            refused = httpx.post(f"{url}/any/route", json={"name": "Nul\u0000Byte"})
            assert refused.status_code == 422, refused.text
            assert refused.json()["detail"][0]["loc"] == ["body", "name"]
            assert _refusals(url, service) == before + 1
            assert "tandem_http_requests_total" in httpx.get(f"{url}/metrics").text
            assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == f"Tandem {service}"
    finally:
        database_factory.drop(dsn)


def _refusals(url: str, service: str) -> float:
    """How many 422s of unmatched routes the service has counted (the registry is per process)."""
    wanted = f'method="POST",route="unmatched",service="{service}",status="422"'
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(f"tandem_http_requests_total{{{wanted}}}"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_ready_reports_unavailable_when_the_database_is_gone(
    kafka_bootstrap: str, database_factory: DatabaseFactory
) -> None:
    from tandem_matching.bootstrap import SERVICE
    from tandem_matching.settings import MatchingSettings

    dsn = database_factory.create(SERVICE.all_migrations, prefix="gone")
    settings = MatchingSettings(env="test", database_url=dsn, kafka_bootstrap=kafka_bootstrap)
    with serving(SERVICE.build_app(settings)) as url:
        database_factory.drop(dsn)
        ready = httpx.get(f"{url}/ready", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"]["ok"] is False
