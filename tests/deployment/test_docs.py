"""The chart's README lists every value, and the runbook explains every alert the chart defines."""

from __future__ import annotations

import re
import sys

from deployment_kit import REGISTRY, ROOT, of_kind, render

sys.path.insert(0, str(ROOT / "deploy" / "tools"))

import helm_docs


def test_the_chart_readme_lists_every_value_as_values_yaml_says() -> None:
    assert helm_docs.main(["--check"]) == 0, "run python3 deploy/tools/helm_docs.py"


def test_an_undocumented_value_is_caught() -> None:
    text = (ROOT / "deploy/helm/tandem/values.yaml").read_text() + "\nsurprise: 1\n"
    _, undocumented = helm_docs.tables(text)
    assert undocumented == ["surprise"]


def test_the_runbook_explains_every_alert() -> None:
    docs = render(sets={"metrics.prometheusRule.enabled": "true"})
    (rule,) = of_kind(docs, "PrometheusRule")
    runbook = (ROOT / "docs/operations.md").read_text()
    headings = set(re.findall(r"^### (\w+)$", runbook, re.M))
    for alert in (r for group in rule["spec"]["groups"] for r in group["rules"]):
        assert alert["alert"] in headings, f"docs/operations.md has no section {alert['alert']}"
        assert alert["annotations"]["runbook_url"].endswith("#" + alert["alert"].lower())


def test_the_runbook_covers_the_operations_ops_need() -> None:
    runbook = (ROOT / "docs/operations.md").read_text()
    for section in (
        "Deploy",
        "Upgrade",
        "Roll back",
        "Scale a consumer group",
        "Rebuild a projection",
        "Rotate the JWT key",
        "Erase a person",
        "Read the lag and the dead-letter topics",
        "Alerts",
    ):
        assert f"\n## {section}\n" in runbook, section


def test_the_runbook_states_the_broker_settings_and_every_topic() -> None:
    runbook = (ROOT / "docs/operations.md").read_text()
    section = runbook.split("\n## The Kafka broker\n", 1)[1].split("\n## ", 1)[0]
    assert "| `auto.create.topics.enable` | `false` |" in section
    for service in REGISTRY.values():
        for topic in service.publishes:
            assert f"`{topic}`" in section, topic
