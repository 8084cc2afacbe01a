"""The deployment files cannot drift from the code: ports, probe paths, env names, commands."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest
from deployment_kit import (
    COMPOSE_FILE,
    REGISTRY,
    ROOT,
    SERVICES,
    Manifest,
    ServiceCode,
    component,
    is_real_setting,
    of_kind,
    render,
    run,
    settings_class,
    tool,
)

OPERATIONS_ROUTES = {"/health", "/ready", "/metrics", "/docs"}
KAFKA_SECURITY_SETTINGS = {
    "kafka_security_protocol",
    "kafka_sasl_mechanism",
    "kafka_sasl_username",
    "kafka_sasl_password",
}


def _container(deployment: Manifest) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_the_services_expose_the_operations_routes(service_code: dict[str, ServiceCode]) -> None:
    for code in service_code.values():
        missing = [p for p in OPERATIONS_ROUTES if not code.serves(p)]
        assert not missing, f"{code.name} does not serve {missing}"
        # Liveness must not depend on the database or Kafka (none runs here).
        assert code.status("/health") == 200
        assert not code.serves("/no-such-route")  # the check above can fail


def test_chart_ports_and_probes_match_the_code(
    manifests: list[Manifest], service_code: dict[str, ServiceCode]
) -> None:
    deployments = {component(d): d for d in of_kind(manifests, "Deployment")}
    services = {component(s): s for s in of_kind(manifests, "Service")}
    assert set(deployments) == set(SERVICES)
    for name, code in service_code.items():
        container = _container(deployments[name])
        (port,) = container["ports"]
        assert port["containerPort"] == code.port, f"{name}: chart port != settings default"
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["TANDEM_HTTP_PORT"] == str(code.port)
        assert env["TANDEM_SERVICE_NAME"] == name
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["startupProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            http = container[probe]["httpGet"]
            assert code.serves(http["path"]), f"{name}: {probe} {http['path']} is no route"
            assert http["port"] == port["name"]
        annotations = deployments[name]["spec"]["template"]["metadata"]["annotations"]
        if "prometheus.io/path" in annotations:
            assert code.serves(annotations["prometheus.io/path"])
            assert annotations["prometheus.io/port"] == str(code.port)
        (service_port,) = services[name]["spec"]["ports"]
        assert service_port["port"] == code.port
        assert service_port["targetPort"] == "http"


def _env_names(container: dict[str, Any]) -> list[str]:
    return [e["name"] for e in container["env"]]


def _assert_env_is_read(docs: list[Manifest], service_code: dict[str, ServiceCode]) -> None:
    for kind in ("Deployment", "Job"):
        for doc in of_kind(docs, kind):
            (container,) = doc["spec"]["template"]["spec"]["containers"]
            env = {e["name"]: e.get("value") for e in container["env"]}
            code = service_code[env["TANDEM_SERVICE_NAME"]]
            names = _env_names(container)
            assert len(names) == len(set(names)), f"{doc['metadata']['name']}: duplicate env"
            unknown = [n for n in names if not is_real_setting(n, code)]
            assert not unknown, (
                f"{kind}/{doc['metadata']['name']} sets {unknown}, which "
                f"{code.settings_cls.__name__} does not read"
            )


def test_every_chart_env_var_is_a_setting_the_service_reads(
    manifests: list[Manifest], service_code: dict[str, ServiceCode]
) -> None:
    _assert_env_is_read(manifests, service_code)


def test_the_chart_env_covers_the_settings_that_production_needs(
    production_manifests: list[Manifest], service_code: dict[str, ServiceCode]
) -> None:
    needed = {
        "TANDEM_ENV",
        "TANDEM_DATABASE_URL",
        "TANDEM_KAFKA_BOOTSTRAP",
        "TANDEM_HTTP_HOST",
        "TANDEM_HTTP_PORT",
        "TANDEM_JWT_JWKS_URL",
        "TANDEM_JWT_ISSUER",
        "TANDEM_JWT_AUDIENCE",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    }
    for deployment in of_kind(production_manifests, "Deployment"):
        names = set(_env_names(_container(deployment)))
        assert needed <= names, f"{deployment['metadata']['name']} lacks {needed - names}"
        assert "TANDEM_JWT_PRIVATE_KEY_FILE" not in names


def test_kafka_sasl_values_set_settings_the_services_read(
    service_code: dict[str, ServiceCode],
) -> None:
    assert set(settings_class("matching").model_fields) >= KAFKA_SECURITY_SETTINGS
    docs = render(
        sets={
            "kafka.sasl.enabled": "true",
            "kafka.sasl.existingSecret": "kafka-user",
            "kafka.tls": "true",
        }
    )
    _assert_env_is_read(docs, service_code)


def _compose() -> dict[str, Any]:
    out = run([tool("docker-compose"), "-f", COMPOSE_FILE, "config", "--format", "json"]).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The compose file as docker compose resolves it (anchors, interpolation, defaults)."""
    return _compose()


def test_compose_env_ports_and_health_match_the_code(
    compose: dict[str, Any], service_code: dict[str, ServiceCode]
) -> None:
    services = compose["services"]
    for name, code in service_code.items():
        for key in (name, f"{name}-migrate"):
            env = services[key]["environment"]
            unknown = [n for n in env if not is_real_setting(n, code)]
            assert not unknown, f"compose service {key} sets {unknown}, not read by {name}"
        service = services[name]
        env = service["environment"]
        assert int(env["TANDEM_HTTP_PORT"]) == code.port
        assert [p["target"] for p in service["ports"]] == [code.port]
        probe = " ".join(service["healthcheck"]["test"])
        (url,) = re.findall(r"http://127\.0\.0\.1:(\d+)(/\w+)", probe)
        assert int(url[0]) == code.port
        assert code.serves(url[1])
        assert services[f"{name}-migrate"]["command"] == ["migrate"]
        assert service["command"] == ["serve"]


def test_one_dockerfile_builds_every_service(
    compose: dict[str, Any], service_code: dict[str, ServiceCode]
) -> None:
    assert not list(ROOT.glob("services/*/Dockerfile")), "one Dockerfile, at the root"
    text = (ROOT / "Dockerfile").read_text()
    assert 'uv sync --frozen --no-dev --no-editable --package "tandem-${SERVICE}"' in text
    assert 'ln -s "tandem-${SERVICE}" /app/.venv/bin/tandem-service' in text
    assert 'ENTRYPOINT ["tandem-service"]' in text
    # uv reads the whole workspace: every member's pyproject.toml must be in the image.
    copied = "COPY --parents libs/*/pyproject.toml services/*/pyproject.toml ./"
    assert copied in text
    assert all(m.startswith(("libs/", "services/")) for m in _workspace_members())
    for name, code in service_code.items():
        declared = REGISTRY[name]
        project = tomllib.loads((ROOT / "services" / name / "pyproject.toml").read_text())
        assert project["project"]["name"] == f"tandem-{name}"
        assert declared.cli == f"tandem-{name}", "the image links tandem-<name>"
        assert declared.cli in project["project"]["scripts"], "the console script"
        # The build checks PORT with `grep -qx "port = ${PORT}"` against the entry.
        toml = ROOT / "services" / name / "src" / f"tandem_{name}" / "service.toml"
        assert f"port = {code.port}" in toml.read_text().splitlines()
        build = compose["services"][f"{name}-migrate"]["build"]
        assert build["dockerfile"] == "Dockerfile"
        assert build["args"] == {"SERVICE": name, "PORT": str(code.port)}
        # The workspace packages the service depends on must be copied whole.
        for dep in _workspace_deps(f"tandem-{name}") - {f"services/{name}"}:
            assert f"COPY {dep} {dep}\n" in text, f"the Dockerfile lacks {dep} for {name}"
    assert "COPY services/${SERVICE} services/${SERVICE}\n" in text


def _workspace_members() -> list[str]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        members += [str(p.parent.relative_to(ROOT)) for p in ROOT.glob(f"{pattern}/pyproject.toml")]
    return sorted(members)


def _workspace_deps(dist: str) -> set[str]:
    """The workspace folders a distribution needs, itself included (transitively)."""
    by_name = {}
    for member in _workspace_members():
        project = tomllib.loads((ROOT / member / "pyproject.toml").read_text())["project"]
        by_name[project["name"]] = (member, project.get("dependencies", []))
    needed, todo = set(), [dist]
    while todo:
        member, deps = by_name[todo.pop()]
        if member in needed:
            continue
        needed.add(member)
        todo += [d for d in (re.split(r"[\s<>=!~;\[]", dep)[0] for dep in deps) if d in by_name]
    return needed
