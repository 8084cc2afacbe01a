"""Plain-graph entry point: `{"nodes": [...], "edges": [[u, v, w], ...]}` in, best matching out."""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any

from tandem_matching.domain.small_graph import DIRECT_EDGES, solve_small

EXIT_BAD_INPUT = 2


class GraphInputError(ValueError):
    """The input file is not a valid candidate graph; the message says what and where."""


def solve_graph_main(path: str) -> int:
    """Solve the graph in the JSON file at `path`, print the result; 2 on bad input."""
    try:
        ids, us, vs, ws = read_graph(path)
    except GraphInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    if len(us) <= DIRECT_EDGES:
        pairs, weight = solve_small(len(ids), us, vs, ws)
    else:
        from tandem_matching.domain.solver import solve  # numpy and scipy pay off only here

        matching = solve(len(ids), us, vs, ws)
        pairs, weight = matching.pairs, matching.weight
    seconds = time.perf_counter() - started
    result = {
        "pairs": [[ids[a], ids[b]] for a, b in pairs],
        "weight": weight,
        "seconds": round(seconds, 6),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


def read_graph(path: str) -> tuple[list[Any], list[int], list[int], list[float]]:
    """Parse and check the file: node ids, then edges as index lists and weights."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream, parse_constant=_reject_constant)
    except OSError as error:
        raise GraphInputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise GraphInputError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise GraphInputError(
            f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(document, dict) or set(document) != {"nodes", "edges"}:
        raise GraphInputError('expected an object with exactly the keys "nodes" and "edges"')
    ids = _node_ids(document["nodes"])
    index = {node: i for i, node in enumerate(ids)}
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    edges = document["edges"]
    if not isinstance(edges, list):
        raise GraphInputError('"edges" must be a list of [u, v, weight]')
    for position, edge in enumerate(edges):
        where = f"edges[{position}]"
        if not isinstance(edge, list) or len(edge) != 3:
            raise GraphInputError(f"{where} must be [u, v, weight]")
        u, v, weight = edge
        for end in (u, v):
            if not _is_id(end) or end not in index:
                raise GraphInputError(f"{where} names unknown node {json.dumps(end)}")
        if index[u] == index[v]:
            raise GraphInputError(f"{where} is a self-loop on node {json.dumps(u)}")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise GraphInputError(f"{where} weight {json.dumps(weight)} is not a number")
        if not math.isfinite(weight) or weight < 0:
            raise GraphInputError(f"{where} weight {weight} must be finite and non-negative")
        us.append(index[u])
        vs.append(index[v])
        ws.append(float(weight))
    return ids, us, vs, ws


def _node_ids(nodes: object) -> list[Any]:
    """Check the node list: strings or integers, no repeats."""
    if not isinstance(nodes, list):
        raise GraphInputError('"nodes" must be a list of ids')
    seen: set[Any] = set()
    for position, node in enumerate(nodes):
        if not _is_id(node):
            raise GraphInputError(
                f"nodes[{position}] {json.dumps(node)} is not a string or integer"
            )
        if node in seen:
            raise GraphInputError(f"nodes[{position}] repeats id {json.dumps(node)}")
        seen.add(node)
    return list(nodes)


def _is_id(value: object) -> bool:
    """Node ids are strings or integers (booleans are not integers here)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _reject_constant(name: str) -> float:
    """JSON has no NaN or Infinity; Python's parser accepts them unless told not to."""
    raise GraphInputError(f"malformed JSON: {name} is not a number")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m tandem_matching.graph_cli INPUT.json", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(solve_graph_main(sys.argv[1]))
