"""The Helm chart: lint --strict, render, validate every manifest against the Kubernetes schemas."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
from deployment_kit import (
    CHART,
    KUBE_VERSIONS,
    NAMESPACE,
    PRODUCTION_VALUES,
    SERVICES,
    Manifest,
    component,
    helm_template_cmd,
    of_kind,
    render,
    run,
    tool,
)
from kubernetes_validate.utils import SchemaNotFoundError

# Custom resources whose CRDs kubernetes-validate does not carry: checked structurally below.
PROMETHEUS_OPERATOR = "monitoring.coreos.com/v1"


@pytest.mark.parametrize("values", ["default", "production"])
def test_helm_lint_strict_passes_without_warnings(values: str) -> None:
    cmd = [tool("helm"), "lint", "--strict", CHART, "--kube-version", KUBE_VERSIONS[-1]]
    if values == "production":
        cmd += ["--values", PRODUCTION_VALUES]
    out = run(cmd).stdout
    assert "[WARNING]" not in out, out
    assert "[ERROR]" not in out, out
    assert "0 chart(s) failed" in out


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("values", ["default", "production"])
def test_every_rendered_manifest_matches_the_kubernetes_schema(
    values: str, kube_version: str
) -> None:
    docs = render(
        *([PRODUCTION_VALUES] if values == "production" else []), kube_version=kube_version
    )
    assert docs, "the chart rendered nothing"
    errors = []
    for doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        try:
            kubernetes_validate.validate(doc, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{name}: {path}: {exc.message}")
        except SchemaNotFoundError:
            if doc["apiVersion"] != PROMETHEUS_OPERATOR:
                errors.append(f"{name}: no schema for {doc['apiVersion']} in {kube_version}")
    assert not errors, "\n".join(errors)


def test_the_production_render_uses_the_prometheus_operator(
    production_manifests: list[Manifest],
) -> None:
    (monitor,) = of_kind(production_manifests, "ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http"
    assert endpoint["path"] == "/metrics"
    assert monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] == "tandem"
    (rules,) = of_kind(production_manifests, "PrometheusRule")
    alerts = [r for g in rules["spec"]["groups"] for r in g["rules"]]
    assert alerts
    assert all({"alert", "expr", "labels", "annotations"} <= set(r) for r in alerts)
    assert monitor["metadata"]["labels"]["release"] == "prometheus"


def test_each_service_gets_its_full_set_of_resources(manifests: list[Manifest]) -> None:
    for kind in ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"):
        owners = {component(d) for d in of_kind(manifests, kind)}
        assert set(SERVICES) <= owners, f"{kind} missing for {set(SERVICES) - owners}"
    for hpa in of_kind(manifests, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        deployments = {d["metadata"]["name"] for d in of_kind(manifests, "Deployment")}
        assert target["kind"] == "Deployment"
        assert target["name"] in deployments
    for deployment in of_kind(manifests, "Deployment"):
        has_hpa = any(
            h["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
            for h in of_kind(manifests, "HorizontalPodAutoscaler")
        )
        # With an HPA, the Deployment must not fight it over `replicas`.
        assert has_hpa != ("replicas" in deployment["spec"]), deployment["metadata"]["name"]


def test_selectors_select_their_own_pods(manifests: list[Manifest]) -> None:
    pods = {
        component(d): d["spec"]["template"]["metadata"]["labels"]
        for d in of_kind(manifests, "Deployment")
    }
    for kind in ("Service", "PodDisruptionBudget", "NetworkPolicy"):
        for doc in of_kind(manifests, kind):
            spec = doc["spec"]
            selector = spec.get("selector") or spec.get("podSelector")
            match = selector.get("matchLabels", selector)
            labels = pods.get(component(doc))
            if labels is None:  # the migrations' NetworkPolicy selects the Job pods
                jobs = of_kind(manifests, "Job")
                labels = jobs[0]["spec"]["template"]["metadata"]["labels"]
            assert match.items() <= labels.items(), f"{kind}/{doc['metadata']['name']}"
    for deployment in of_kind(manifests, "Deployment"):
        match = deployment["spec"]["selector"]["matchLabels"]
        others = [
            c
            for c, labels in pods.items()
            if c != component(deployment) and match.items() <= labels.items()
        ]
        assert not others, f"{deployment['metadata']['name']} also selects {others}"


def _pod_specs(docs: list[Manifest]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{d['kind']}/{d['metadata']['name']}", d["spec"]["template"]["spec"])
        for d in docs
        if d["kind"] in ("Deployment", "Job")
    ]


def test_every_pod_is_hardened(manifests: list[Manifest]) -> None:
    specs = _pod_specs(manifests)
    assert len(specs) == 2 * len(SERVICES)  # a Deployment and a migration Job each
    for name, spec in specs:
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] != 0, name
        assert pod["seccompProfile"]["type"] == "RuntimeDefault", name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            sc = container["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            assert sc.get("privileged", False) is False, name
            assert "cpu" in container["resources"]["requests"], name
            assert "memory" in container["resources"]["limits"], name
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts, f"{name}: a read-only root needs a writable /tmp"


def test_secrets_are_only_referenced(manifests: list[Manifest]) -> None:
    assert not of_kind(manifests, "Secret"), "the chart must never carry credentials"
    for name, spec in _pod_specs(manifests):
        for container in spec["containers"]:
            env = {e["name"]: e for e in container["env"]}
            assert "secretKeyRef" in env["TANDEM_DATABASE_URL"]["valueFrom"], name
            for e in container["env"]:
                if any(w in e["name"] for w in ("PASSWORD", "SECRET", "_KEY")) and not e[
                    "name"
                ].endswith("_FILE"):
                    assert "valueFrom" in e, f"{name}: {e['name']} given as a literal"


def test_migrations_run_as_hooks_before_install_and_upgrade(manifests: list[Manifest]) -> None:
    jobs = of_kind(manifests, "Job")
    assert len(jobs) == len(SERVICES)
    for job in jobs:
        notes = job["metadata"]["annotations"]
        assert set(notes["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
        spec = job["spec"]["template"]["spec"]
        assert spec["restartPolicy"] == "Never"
        (container,) = spec["containers"]
        assert container["args"] == ["migrate"]
    # What the Job needs exists before it: hooks with a lower weight.
    for kind in ("ServiceAccount", "NetworkPolicy"):
        (support,) = [d for d in of_kind(manifests, kind) if component(d) == "migrations"]
        notes = support["metadata"]["annotations"]
        assert "pre-install" in notes["helm.sh/hook"]
        assert int(notes["helm.sh/hook-weight"]) < 0


def test_network_policies_allow_only_what_is_needed(production_manifests: list[Manifest]) -> None:
    for policy in of_kind(production_manifests, "NetworkPolicy"):
        spec = policy["spec"]
        assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
        egress_ports = {p["port"] for rule in spec["egress"] for p in rule.get("ports", [])}
        if component(policy) == "migrations":
            assert egress_ports == {53, 5432}
            assert spec["ingress"] == []
            continue
        assert {53, 9092, 5432, 4318} <= egress_ports
        assert all("to" in rule for rule in spec["egress"]), "production narrows every peer"
        (rule,) = spec["ingress"]
        assert rule["ports"] == [{"port": "http", "protocol": "TCP"}]


def _template_fails(sets: dict[str, str]) -> str:
    proc = run(helm_template_cmd(sets=sets), check=False)
    assert proc.returncode != 0, f"helm template accepted {sets}"
    return proc.stderr


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"services.matching.port": "http"}, "/services/matching/port"),
        ({"services.matchng.port": "8001"}, "matchng"),
        ({"environment": "prod"}, "/environment"),
        ({"kafka.bootstrapServers": "kafka"}, "/kafka/bootstrapServers"),
        ({"services.engagement.env.SMTP_HOST": "x"}, "SMTP_HOST"),
        ({"auth.publicKey.existingSecret": ""}, "auth.jwksUrl or auth.publicKey"),
        ({"kafka.sasl.enabled": "true"}, "kafka.sasl.existingSecret"),
    ],
)
def test_wrong_values_fail_at_install(sets: dict[str, str], message: str) -> None:
    assert message in _template_fails(sets)


def test_development_mode_gets_a_writable_key_directory() -> None:
    docs = render(sets={"environment": "development", "auth.publicKey.existingSecret": ""})
    for deployment in of_kind(docs, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["TANDEM_DEV_KEYS_DIR"] in mounts


def test_the_chart_can_be_renamed_and_trimmed() -> None:
    docs = render(
        sets={
            "fullnameOverride": "tnd",
            "services.analytics.enabled": "false",
            "migrations.enabled": "false",
            "networkPolicy.enabled": "false",
        }
    )
    names = {d["metadata"]["name"] for d in docs}
    assert "tnd-matching" in names
    assert not any("analytics" in n for n in names)
    assert not of_kind(docs, "Job")
    assert not of_kind(docs, "NetworkPolicy")
    assert all(d["metadata"].get("namespace", NAMESPACE) == NAMESPACE for d in docs)
