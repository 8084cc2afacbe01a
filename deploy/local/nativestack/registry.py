"""The service registry, read with the standard library: each service's ``service.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

# Where a service declares itself: inside its package, so that its image carries it too.
PATTERN = "services/*/src/tandem_*/service.toml"
KEYS = {
    "name",
    "summary",
    "port",
    "database",
    "cli",
    "publishes",
    "consumes",
    "analyst_reads",
    "local_env",
}


class RegistryError(Exception):
    """A service declaration is missing or malformed."""


@dataclass(frozen=True)
class Service:
    """One service as the registry declares it."""

    name: str
    summary: str
    port: int
    database: str
    cli: str
    publishes: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    analyst_reads: bool = False
    # Defaults the local stack gives the service's environment; "{url:NAME}" is where the
    # service NAME answers there.
    local_env: tuple[tuple[str, str], ...] = ()

    @property
    def port_variable(self) -> str:
        """The variable that moves the service's port on the host (local stack, compose)."""
        return f"TANDEM_{self.name.upper()}_PORT"


def load(path: Path) -> Service:
    """Parse one ``service.toml``; unknown keys are errors, as in the services' own reader."""
    data = tomllib.loads(path.read_text())
    unknown = set(data) - KEYS
    if unknown:
        raise RegistryError(f"{path}: unknown keys {sorted(unknown)}")
    try:
        service = Service(
            **{
                **data,
                "publishes": tuple(data.get("publishes", ())),
                "consumes": tuple(data.get("consumes", ())),
                "local_env": tuple(sorted(data.get("local_env", {}).items())),
            }
        )
    except TypeError as exc:
        raise RegistryError(f"{path}: {exc}") from None
    if path.parent.name != f"tandem_{service.name}":
        raise RegistryError(f"{path}: name {service.name!r} is not its package's")
    return service


def services(root: Path) -> list[Service]:
    """Every declared service, in port order."""
    found = [load(p) for p in root.glob(PATTERN)]
    if not found:
        raise RegistryError(f"no service declarations ({PATTERN}) under {root}")
    return sorted(found, key=lambda s: s.port)


def topics(root: Path) -> list[str]:
    """Every event topic a service publishes, in port order."""
    return [t for s in services(root) for t in s.publishes]
