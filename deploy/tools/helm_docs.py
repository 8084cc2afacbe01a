#!/usr/bin/env python3
"""Generate the values tables of the chart's README.md from the `# --` comments in values.yaml.

    python3 deploy/tools/helm_docs.py           rewrite the tables in README.md
    python3 deploy/tools/helm_docs.py --check   exit 1 if README.md is stale or a value lacks docs

A `# -- text` comment documents the key on the next line (and everything under it). Every
value must be documented, itself or through a parent. The services share one table.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

CHART = Path(__file__).resolve().parents[2] / "deploy" / "helm" / "tandem"
START, END = "<!-- values:start -->", "<!-- values:end -->"
KEY = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.-]+):(?:\s|$)")
DOC = re.compile(r"^\s*# -- (?P<text>.+)$")


def documented(values_text: str) -> dict[tuple[str, ...], str]:
    """Map each documented key path to its description."""
    docs: dict[tuple[str, ...], str] = {}
    stack: list[tuple[int, str]] = []
    pending: str | None = None
    for line in values_text.splitlines():
        if m := DOC.match(line):
            pending = m["text"].strip()
            continue
        m = KEY.match(line)
        if not m:
            continue
        indent = len(m["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m["key"]))
        if pending is not None:
            docs[tuple(k for _, k in stack)] = pending
            pending = None
    return docs


def leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf key path of a values tree (an empty map or list is a leaf)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in leaves(v, (*path, str(k)))]
    return [path]


def lookup(values: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        values = values[key]
    return values


def show(value: Any) -> str:
    text = json.dumps(value, separators=(", ", ": "))
    return "`" + text.replace("|", "\\|") + "`"


def tables(values_text: str) -> tuple[str, list[str]]:
    """The Markdown tables, and the values that have no description."""
    values = yaml.safe_load(values_text)
    docs = documented(values_text)
    undocumented = [
        ".".join(leaf)
        for leaf in leaves(values)
        if not any(leaf[:n] in docs for n in range(1, len(leaf) + 1))
    ]
    services = list(values["services"])
    general = ["| Key | Default | Description |", "| --- | --- | --- |"]
    for path, text in docs.items():
        if path[0] != "services":
            general.append(f"| `{'.'.join(path)}` | {show(lookup(values, path))} | {text} |")
    per_service = [
        "| Key | " + " | ".join(services) + " | Description |",
        "| --- | " + " | ".join("---" for _ in services) + " | --- |",
    ]
    first = services[0]
    for path, text in docs.items():
        if path[:2] == ("services", first) and len(path) > 2:
            field = ".".join(path[2:])
            cells = " | ".join(show(lookup(values, ("services", s, *path[2:]))) for s in services)
            per_service.append(f"| `services.<name>.{field}` | {cells} | {text} |")
    body = "\n".join(
        [
            "### Values shared by all services",
            "",
            *general,
            "",
            "### Per-service values",
            "",
            "Each of "
            + ", ".join(f"`services.{s}`" for s in services)
            + " takes these fields (defaults per service; the entries are generated from the "
            "service registry by deploy/tools/registry_sync.py):",
            "",
            *per_service,
        ]
    )
    return body, undocumented


def main(argv: list[str]) -> int:
    values_text = (CHART / "values.yaml").read_text()
    body, undocumented = tables(values_text)
    if undocumented:
        print("values without a `# --` description: " + ", ".join(undocumented), file=sys.stderr)
        return 1
    readme_path = CHART / "README.md"
    readme = readme_path.read_text()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{START}\n{body}\n{END}{tail}"
    if "--check" in argv:
        if updated != readme:
            print(
                "deploy/helm/tandem/README.md is stale: run python3 deploy/tools/helm_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    readme_path.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
