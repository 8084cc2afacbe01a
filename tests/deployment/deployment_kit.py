"""Helpers for the deployment checks: the pinned tools, chart renders, the services' code."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(ROOT / "deploy" / "tools"))

from nativestack import registry  # noqa: E402 -- found through the path above

# Where deploy/tools/install.sh put the pinned tools (TANDEM_TOOLS_BIN moves both alike).
BIN = Path(os.environ.get("TANDEM_TOOLS_BIN") or ROOT / ".local" / "bin")
CHART = ROOT / "deploy" / "helm" / "tandem"
PRODUCTION_VALUES = CHART / "ci" / "production-values.yaml"
COMPOSE_FILE = ROOT / "docker-compose.yml"
REGISTRY = {service.name: service for service in registry.services(ROOT)}
SERVICES = tuple(REGISTRY)
# Oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest that
# kubernetes-validate carries schemas for: every manifest must pass both.
KUBE_VERSIONS = ("1.27.0", "1.37.0")
RELEASE = "tandem"
NAMESPACE = "tandem"

Manifest = dict[str, Any]


def tool(name: str) -> Path:
    """The pinned binary in .local/bin; fails (never skips) when it has not been built."""
    path = BIN / name
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: build the pinned deployment tools with "
            "`make setup-test` (or `deploy/tools/install.sh`, which needs Go)",
            pytrace=False,
        )
    return path


def run(cmd: list[str | Path], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a tool from the repository root; on failure show what it printed."""
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"{' '.join(str(c) for c in cmd)} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
            pytrace=False,
        )
    return proc


def helm_template_cmd(
    *values: Path, sets: dict[str, str] | None = None, kube_version: str = KUBE_VERSIONS[-1]
) -> list[str | Path]:
    """`helm template` of the chart as release `tandem` in namespace `tandem`."""
    cmd: list[str | Path] = [
        tool("helm"),
        "template",
        RELEASE,
        CHART,
        "--namespace",
        NAMESPACE,
        "--kube-version",
        kube_version,
    ]
    for v in values:
        cmd += ["--values", v]
    for key, value in (sets or {}).items():
        cmd += ["--set", f"{key}={value}"]
    return cmd


def render(
    *values: Path, sets: dict[str, str] | None = None, kube_version: str = KUBE_VERSIONS[-1]
) -> list[Manifest]:
    """The chart's manifests (hooks included) for these values."""
    out = run(helm_template_cmd(*values, sets=sets, kube_version=kube_version)).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def of_kind(docs: list[Manifest], kind: str) -> list[Manifest]:
    """The manifests of one kind."""
    return [d for d in docs if d["kind"] == kind]


def component(doc: Manifest) -> str:
    """The `app.kubernetes.io/component` label of a manifest."""
    return str(doc["metadata"]["labels"]["app.kubernetes.io/component"])


@dataclass(frozen=True)
class ServiceCode:
    """What the code of one service says: its settings class, its port, and its app."""

    name: str
    settings_cls: type
    port: int
    env_names: frozenset[str]
    client: TestClient

    def status(self, path: str) -> int:
        """The status the app answers a GET with (its lifespan not started: no DB, no Kafka)."""
        return self.client.get(path).status_code

    def serves(self, path: str) -> bool:
        """Whether the app has a route at ``path``."""
        return self.status(path) != 404


def settings_class(service: str) -> type:
    """The service's ServiceSettings subclass (``tandem_<service>.settings``)."""
    from tandem_service.settings import ServiceSettings

    module = importlib.import_module(f"tandem_{service}.settings")
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, ServiceSettings)
        and v is not ServiceSettings
        and v.__module__ == module.__name__
    ]
    assert len(found) == 1, f"expected one settings class in {module.__name__}, found {found}"
    return found[0]


def env_names(settings_cls: type) -> frozenset[str]:
    """Every environment variable a pydantic-settings class reads (prefix + field, or alias)."""
    prefix = settings_cls.model_config.get("env_prefix", "")  # type: ignore[attr-defined]
    names = set()
    for field_name, field in settings_cls.model_fields.items():  # type: ignore[attr-defined]
        alias = field.validation_alias or field.alias
        names.add(alias.upper() if isinstance(alias, str) else f"{prefix}{field_name}".upper())
    return frozenset(names)


def is_real_setting(name: str, code: ServiceCode) -> bool:
    """A variable the service reads: one of its settings, or an OpenTelemetry SDK variable."""
    return name in code.env_names or name.startswith("OTEL_")


def load_service_code(service: str, keys_dir: Path) -> ServiceCode:
    """Read one service's settings class and build its app (no I/O until its lifespan)."""
    cls = settings_class(service)
    bootstrap = importlib.import_module(f"tandem_{service}.bootstrap")
    app = bootstrap.build_app(cls(env="test", dev_keys_dir=keys_dir))
    # Asking the app is sturdier than walking FastAPI's route objects: it answers as it serves.
    client = TestClient(app, raise_server_exceptions=False)
    # Its default port is its registry entry's (libs/service's unit tests show the link).
    port = cls.declaration.port
    return ServiceCode(service, cls, port, env_names(cls), client)
