"""docker-compose.yml: valid for docker compose, and the stack it describes starts in order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deployment_kit import COMPOSE_FILE, REGISTRY, ROOT, SERVICES, run, tool


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    """The compose file as docker compose resolves it (anchors, interpolation, defaults)."""
    out = run([tool("docker-compose"), "-f", COMPOSE_FILE, "config", "--format", "json"]).stdout
    return dict(json.loads(out)["services"])


def test_docker_compose_config_accepts_the_file() -> None:
    proc = run([tool("docker-compose"), "-f", COMPOSE_FILE, "config", "-q"])
    assert proc.stderr.strip() == "", proc.stderr  # no warnings either


def test_docker_compose_rejects_a_broken_file(tmp_path: Any) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE_FILE.read_text().replace(
            "condition: service_healthy", "condition: service_happy", 1
        )
    )
    proc = run([tool("docker-compose"), "-f", broken, "config", "-q"], check=False)
    assert proc.returncode != 0


def test_the_infrastructure_is_the_pinned_one(stack: dict[str, Any]) -> None:
    assert stack["kafka"]["image"] == "apache/kafka:3.9.1"
    env = stack["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert stack["postgres"]["image"].startswith("postgres:15")
    init = [v for v in stack["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v["target"]]
    assert init
    assert (ROOT / "deploy/compose/postgres-init.sh").samefile(init[0]["source"])
    assert {"otel-collector", "jaeger", "kafka-topics"} <= set(stack)


def test_the_init_jobs_get_every_database_and_topic_from_the_registry(
    stack: dict[str, Any],
) -> None:
    postgres = stack["postgres"]["environment"]
    passwords = {k.removeprefix("TANDEM_PASSWORD_") for k in postgres if "PASSWORD_" in k}
    assert passwords == {s.database for s in REGISTRY.values()}
    analyst = {s.database for s in REGISTRY.values() if s.analyst_reads}
    assert set(postgres["TANDEM_ANALYST_DATABASES"].split()) == analyst
    for service in REGISTRY.values():
        url = stack[f"{service.name}-migrate"]["environment"]["TANDEM_DATABASE_URL"]
        password = postgres[f"TANDEM_PASSWORD_{service.database}"]
        assert url == (
            f"postgresql://{service.database}:{password}@postgres:5432/{service.database}"
        )
    topics = stack["kafka-topics"]["environment"]["TANDEM_TOPICS"].split()
    assert topics == [t for s in REGISTRY.values() for t in s.publishes]
    assert '"$topic.dlq"' in (ROOT / "deploy/compose/kafka-topics.sh").read_text()


def test_the_init_script_names_no_service() -> None:
    for script in ("postgres-init.sh", "kafka-topics.sh"):
        text = (ROOT / "deploy/compose" / script).read_text()
        assert not [name for name in SERVICES if name in text], script


def test_services_start_after_their_migrations_and_infrastructure(stack: dict[str, Any]) -> None:
    for service in SERVICES:
        deps = stack[service]["depends_on"]
        assert deps[f"{service}-migrate"]["condition"] == "service_completed_successfully"
        assert deps["kafka-topics"]["condition"] == "service_completed_successfully"
        assert deps["kafka"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        migrate = stack[f"{service}-migrate"]
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert migrate["restart"] == "no"
        assert stack[service]["healthcheck"]["test"][0] == "CMD"
    for infra in ("kafka", "postgres"):
        assert stack[infra]["healthcheck"]["test"]


def test_service_containers_are_hardened(stack: dict[str, Any]) -> None:
    for name in (*SERVICES, *(f"{s}-migrate" for s in SERVICES)):
        container = stack[name]
        assert container["read_only"] is True, name
        assert container["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in container["security_opt"], name
        assert "/tmp" in container["tmpfs"], name
        assert container["image"] == f"tandem/{name.removesuffix('-migrate')}:dev"
