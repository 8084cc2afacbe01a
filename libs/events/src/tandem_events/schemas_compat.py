"""Is a new JSON Schema of an event type compatible with the committed one of the same type?

A published type name is a contract in both directions: the store holds old events that new
code must read, and subscribers on older code read what new code publishes. So only new
optional properties (and documentation) may change; anything else needs a new version.
"""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]

# Value constraints: tightening one rejects stored events, loosening one makes old readers fail.
_CONSTRAINTS = (
    "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties",
)  # fmt: skip
# Keywords this check does not reason about: any change to them counts as breaking.
_OPAQUE = (
    "allOf", "not", "if", "then", "else", "patternProperties", "propertyNames", "contains",
    "prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
)  # fmt: skip
_FROZEN_EXTENSIONS = ("x-tandem-topic", "x-tandem-key")
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Every way ``new`` breaks stored events or subscribers of ``old``; empty if compatible."""
    problems = [
        f"{key} changed from {old.get(key)!r} to {new.get(key)!r}"
        for key in _FROZEN_EXTENSIONS
        if old.get(key) != new.get(key)
    ]
    comparison = _Comparison(old, new)
    comparison.compare(old, new, "")
    return problems + comparison.problems


def _where(path: str) -> str:
    """How a problem names its place: ``property 'a.b'`` or ``the payload``."""
    return f"property {path.lstrip('.')!r}" if path else "the payload"


def _canonical(value: Any) -> str:
    """A stable text form, for comparing what this check does not take apart."""
    return json.dumps(value, sort_keys=True)


def _resolve(root: Schema, schema: Any) -> Schema:
    """Follow local ``$ref`` pointers (``#/$defs/...``), keeping keywords beside the ref."""
    seen: set[str] = set()
    while isinstance(schema, dict) and "$ref" in schema:
        ref = str(schema["$ref"])
        if not ref.startswith("#") or ref in seen:
            raise ValueError(f"cannot resolve $ref {ref!r} (only local, non-circular refs)")
        seen.add(ref)
        target: Any = root
        for part in filter(None, ref[1:].split("/")):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **siblings}
    if schema is True:
        return {}
    if not isinstance(schema, dict):
        raise ValueError(f"unsupported schema {schema!r}")
    return schema


def _type_of(branch: Schema) -> str:
    """The JSON type of one alternative: its ``type``, or that of its const/enum values."""
    if isinstance(branch.get("type"), str):
        return str(branch["type"])
    values = _values(branch) or set()
    types = {_JSON_TYPES.get(type(json.loads(v)), "any") for v in values}
    return types.pop() if len(types) == 1 else "any"


def _values(branch: Schema) -> set[str] | None:
    """The allowed values (``enum``/``const``) in canonical form, or None if unrestricted."""
    if "const" in branch:
        return {_canonical(branch["const"])}
    if "enum" in branch:
        return {_canonical(v) for v in branch["enum"]}
    return None


class _Comparison:
    """Walks an old and a new schema side by side, collecting breaking changes."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root, self.new_root = old_root, new_root
        self.problems: list[str] = []

    def _branches(self, root: Schema, schema: Any) -> dict[str, list[Schema]]:
        """The alternatives of a schema (flattening anyOf/oneOf and type lists), by type."""
        resolved = _resolve(root, schema)
        found: dict[str, list[Schema]] = {}
        alternatives = resolved.get("anyOf", []) + resolved.get("oneOf", [])
        for alternative in alternatives:
            for kind, branches in self._branches(root, alternative).items():
                found.setdefault(kind, []).extend(branches)
        if alternatives:
            return found
        if isinstance(resolved.get("type"), list):
            return {t: [{**resolved, "type": t}] for t in resolved["type"]}
        return {_type_of(resolved): [resolved]}

    def compare(self, old: Any, new: Any, path: str) -> None:
        """Compare two schemas at ``path`` (dotted property names, ``[]`` for items)."""
        old_types = self._branches(self.old_root, old)
        new_types = self._branches(self.new_root, new)
        if old_types.keys() != new_types.keys():
            was, now = " | ".join(sorted(old_types)), " | ".join(sorted(new_types))
            self.problems.append(f"{_where(path)} changed type from {was} to {now}")
        for kind in sorted(old_types.keys() & new_types.keys()):
            olds, news = old_types[kind], new_types[kind]
            if len(olds) == 1 == len(news):
                self._compare_branch(olds[0], news[0], kind, path)
            elif _canonical(olds) != _canonical(news):
                self.problems.append(f"{_where(path)}: its {kind} alternatives changed")

    def _compare_branch(self, old: Schema, new: Schema, kind: str, path: str) -> None:
        """Compare two alternatives of the same JSON type."""
        self._compare_values(old, new, path)
        for key in _CONSTRAINTS:
            if old.get(key) != new.get(key):
                was, now = old.get(key, "absent"), new.get(key, "absent")
                self.problems.append(f"{_where(path)}: {key} changed from {was!r} to {now!r}")
        for key in _OPAQUE:
            if _canonical(old.get(key)) != _canonical(new.get(key)):
                self.problems.append(f"{_where(path)}: {key} changed (not checked: breaking)")
        if kind == "object":
            self._compare_object(old, new, path)
        if kind == "array" or "items" in old or "items" in new:
            self._compare_open(old, new, "items", f"{path}[]")

    def _compare_values(self, old: Schema, new: Schema, path: str) -> None:
        """An enum or const may neither lose values (stored events) nor gain them (readers)."""
        was, now = _values(old), _values(new)
        if was == now:
            return
        if now is None or was is None:
            change = "is no longer restricted" if now is None else "became restricted"
            self.problems.append(f"{_where(path)}: its set of allowed values {change}")
            return
        if removed := ", ".join(sorted(was - now)):
            self.problems.append(f"{_where(path)}: enum narrowed, no longer allows {removed}")
        if added := ", ".join(sorted(now - was)):
            self.problems.append(
                f"{_where(path)}: enum widened with {added} (older subscribers reject it)"
            )

    def _compare_object(self, old: Schema, new: Schema, path: str) -> None:
        """Properties may be added only as optional; none removed, none made required."""
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(old_props.keys() - new_props.keys()):
            self.problems.append(f"{_where(f'{path}.{name}')} was removed")
        for name in sorted(new_required - old_required):
            state = "became required" if name in old_props else "is new and required"
            self.problems.append(f"{_where(f'{path}.{name}')} {state}")
        for name in sorted(old_props.keys() & new_props.keys()):
            self.compare(old_props[name], new_props[name], f"{path}.{name}")
        self._compare_open(old, new, "additionalProperties", f"{path}.*")

    def _compare_open(self, old: Schema, new: Schema, key: str, path: str) -> None:
        """Compare a sub-schema keyword that defaults to 'anything' (items, additionalProps)."""
        was, now = old.get(key, True), new.get(key, True)
        if all(isinstance(s, dict) or s is True for s in (was, now)):
            if was is not True or now is not True:
                self.compare(was, now, path)
        elif _canonical(was) != _canonical(now):
            self.problems.append(f"{_where(path)}: {key} changed from {was!r} to {now!r}")
