#!/usr/bin/env python3
"""Write what docker-compose.yml and the Helm chart say per service from the service registry.

    python3 deploy/tools/registry_sync.py           rewrite the generated parts
    python3 deploy/tools/registry_sync.py --check   exit 1 if a generated part is stale

The registry is each service's ``service.toml`` (deploy/local/nativestack/registry.py reads
it). Generated: the service blocks, the database list and the topic list of
docker-compose.yml, the ``services:`` section of the chart's values.yaml and its schema.
Afterwards run deploy/tools/helm_docs.py for the chart's README. Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from nativestack.registry import Service, services  # noqa: E402 -- found through the path above

COMPOSE = ROOT / "docker-compose.yml"
VALUES = ROOT / "deploy" / "helm" / "tandem" / "values.yaml"
SCHEMA = ROOT / "deploy" / "helm" / "tandem" / "values.schema.json"
CHART_ENTRY = Path(__file__).with_name("chart-service-values.yaml")
BEGIN = "# >>> {part}: generated from the service registry by deploy/tools/registry_sync.py"
END = "# <<< {part}"


def _password(svc: Service) -> str:
    return f"${{TANDEM_{svc.name.upper()}_DB_PASSWORD:-{svc.database}}}"


def _database_url(svc: Service) -> str:
    return f"postgresql://{svc.database}:{_password(svc)}@postgres:5432/{svc.database}"


def compose_databases(declared: list[Service]) -> str:
    """The postgres container's environment: each database and its password."""
    lines = [f"      TANDEM_PASSWORD_{s.database}: {_password(s)}" for s in declared]
    analyst = " ".join(s.database for s in declared if s.analyst_reads)
    return "\n".join([*lines, f'      TANDEM_ANALYST_DATABASES: "{analyst}"'])


def compose_topics(declared: list[Service]) -> str:
    """The topic job's environment: every topic a service publishes."""
    return f'      TANDEM_TOPICS: "{" ".join(t for s in declared for t in s.publishes)}"'


def compose_services(declared: list[Service]) -> str:
    """A one-shot migration and a long-running container per service."""
    blocks = []
    for s in declared:
        image = f"tandem/{s.name}:${{TANDEM_VERSION:-dev}}"
        build = (
            f'{{context: ., dockerfile: Dockerfile, args: {{SERVICE: {s.name}, PORT: "{s.port}"}}}}'
        )
        probe = (
            '["CMD", "python", "-c", "import urllib.request; '
            f"urllib.request.urlopen('http://127.0.0.1:{s.port}/ready', timeout=4)\"]"
        )
        blocks.append(f"""\
  {s.name}-migrate:
    image: {image}
    build: {build}
    <<: *hardening
    command: ["migrate"]
    environment:
      <<: *migrate-env
      TANDEM_DATABASE_URL: {_database_url(s)}
    depends_on:
      postgres:
        condition: service_healthy
    restart: "no"

  {s.name}:  # {s.summary}
    image: {image}
    <<: *hardening
    command: ["serve"]
    environment:
      <<: *service-env
      TANDEM_HTTP_PORT: {s.port}
      TANDEM_DATABASE_URL: {_database_url(s)}
      OTEL_SERVICE_NAME: tandem-{s.name}
    volumes:
      - dev-keys:/var/lib/tandem/dev-keys
    ports:
      - "${{{s.port_variable}:-{s.port}}}:{s.port}"
    healthcheck:
      test: {probe}
      <<: *ready-check
    depends_on:
      <<: *service-deps
      {s.name}-migrate:
        condition: service_completed_successfully
    restart: unless-stopped""")
    return "\n\n".join(blocks)


def chart_services(declared: list[Service]) -> str:
    """The chart's ``services:`` values: one entry per service, the same fields each."""
    text = CHART_ENTRY.read_text()
    template = Template(text[text.index("\n  ${name}:") + 1 :].rstrip("\n"))
    entries = [template.substitute(name=s.name, summary=s.summary, port=s.port) for s in declared]
    return "services:\n" + "\n".join(entries)


def with_part(text: str, part: str, body: str, indent: str = "") -> str:
    """Replace what lies between a part's two marker lines."""
    begin = indent + BEGIN.format(part=part)
    end = indent + END.format(part=part)
    if text.count(begin) != 1 or text.count(end) != 1:
        raise SystemExit(f"registry_sync: markers of {part!r} missing or repeated")
    head, rest = text.split(begin + "\n", 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def chart_schema(text: str, declared: list[Service]) -> str:
    """values.schema.json with exactly the declared services allowed and required."""
    schema = json.loads(text)
    entry = schema["properties"]["services"]
    entry["properties"] = {s.name: {"$ref": "#/$defs/service"} for s in declared}
    entry["required"] = [s.name for s in declared]
    return json.dumps(schema, indent=2) + "\n"


def rendered() -> dict[Path, str]:
    """Each generated file as the registry says it should read."""
    declared = services(ROOT)
    compose = COMPOSE.read_text()
    compose = with_part(compose, "databases", compose_databases(declared), "      ")
    compose = with_part(compose, "topics", compose_topics(declared), "      ")
    compose = with_part(compose, "services", compose_services(declared), "  ")
    values = with_part(VALUES.read_text(), "services", chart_services(declared))
    return {COMPOSE: compose, VALUES: values, SCHEMA: chart_schema(SCHEMA.read_text(), declared)}


def main(argv: list[str]) -> int:
    """Rewrite (or with --check, compare) every generated part."""
    stale = [path for path, text in rendered().items() if path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(
                f"{path.relative_to(ROOT)} differs from the service registry: "
                "run python3 deploy/tools/registry_sync.py",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path, text in rendered().items():
        if path in stale:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
