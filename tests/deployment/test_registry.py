"""The service registry is the one source: compose and the chart are generated from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import registry_sync
from deployment_kit import REGISTRY, ROOT
from nativestack import registry

from tandem_events.catalog import TOPICS
from tandem_service.settings import ServiceDeclaration


def test_compose_and_the_chart_say_what_the_registry_says() -> None:
    assert registry_sync.main(["--check"]) == 0, "run python3 deploy/tools/registry_sync.py"


@pytest.mark.parametrize(
    "change", [{"port": 8101}, {"database": "tandem_pairs"}, {"publishes": ("pairs.events",)}]
)
def test_a_change_in_the_registry_makes_the_check_fail(
    monkeypatch: pytest.MonkeyPatch, change: dict[str, object]
) -> None:
    declared = [
        dataclasses.replace(s, **change) if s.name == "matching" else s for s in REGISTRY.values()
    ]
    monkeypatch.setattr(registry_sync, "services", lambda _root: declared)
    assert registry_sync.main(["--check"]) == 1


def test_the_services_and_the_stack_read_the_same_entries() -> None:
    for service in REGISTRY.values():
        declared = ServiceDeclaration.of_package(f"tandem_{service.name}")
        assert declared.model_dump() == dataclasses.asdict(service)


def test_the_registry_covers_the_catalog_s_topics() -> None:
    published = [t for s in REGISTRY.values() for t in s.publishes]
    assert sorted(published) == sorted(TOPICS)
    assert {t for s in REGISTRY.values() for t in s.consumes} <= set(TOPICS)


def test_ports_databases_and_commands_are_unique() -> None:
    for field in ("port", "database", "cli"):
        values = [getattr(s, field) for s in REGISTRY.values()]
        assert len(values) == len(set(values)), field


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nsummary = ""\nport = 1\ndatabase = "d"\ncli = "c"\nprot = 2\n', "prot"),
        ('name = "other"\nsummary = ""\nport = 1\ndatabase = "d"\ncli = "c"\n', "package"),
        ('name = "x"\nsummary = ""\ndatabase = "d"\ncli = "c"\n', "port"),
    ],
)
def test_a_malformed_entry_is_refused(tmp_path: Path, text: str, message: str) -> None:
    entry = tmp_path / "services" / "x" / "src" / "tandem_x" / "service.toml"
    entry.parent.mkdir(parents=True)
    entry.write_text(text)
    with pytest.raises(registry.RegistryError, match=message):
        registry.services(tmp_path)


def test_no_service_is_named_outside_the_registry_and_the_generated_parts() -> None:
    # The local stack reads the registry: no service's name is written into it.
    stack = ROOT / "deploy" / "local"
    for path in [stack / "services.py", *stack.glob("nativestack/*.py")]:
        text = path.read_text()
        assert not [name for name in REGISTRY if name in text], path
