"""Graphology's JSON, the format of Gephi Lite and sigma.js, and Gephi Lite's saved workspace.

Graphology serialises a graph as ``{"attributes", "options", "nodes": [{"key", "attributes"}],
"edges": [{"key", "source", "target", "attributes", "undirected"}]}``. Gephi Lite saves a
workspace as ``{"type": "gephi-lite", "graphDataset": {"fullGraph": <graphology JSON of the
topology>, "nodeData": {key: attributes}, "edgeData": {key: attributes}}}``; both are read here.
An edge is undirected when it says so or when the graph's ``options.type`` is ``undirected``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, decode

TOOL = "Gephi Lite"


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "|".join(str(item) for item in value if not isinstance(item, (dict, list)))
    if value is None or isinstance(value, dict):
        return None
    return str(value)


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _attributes(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {key: text for key, value in raw.items() if (text := _text(value)) is not None}


def load(path: Path, problems: list[Problem]) -> dict | None:
    """The JSON document of ``path`` as a dict, or None with a problem."""
    text = decode(path.read_bytes(), path.name, problems)
    if text is None:
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                path.name,
                error.lineno,
                f"column {error.colno}",
                f"not valid JSON: {error.msg}",
                f"the file is damaged or cut short: export it again from {TOOL}",
            )
        )
        return None
    if not isinstance(document, dict):
        problems.append(Problem(path.name, 1, "-", "the JSON is not an object", "export it again"))
        return None
    return document


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the nodes and edges of a graphology JSON file or Gephi Lite workspace to ``builder``."""
    document = load(path, problems)
    if document is None:
        return
    name = path.name
    node_data: dict = {}
    edge_data: dict = {}
    place = ""
    graph: object = document
    if document.get("type") == "gephi-lite":
        dataset = _object(document.get("graphDataset"))
        graph = dataset.get("fullGraph")
        node_data = _object(dataset.get("nodeData"))
        edge_data = _object(dataset.get("edgeData"))
        place = "graphDataset.fullGraph."
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        problems.append(
            Problem(
                name,
                1,
                "nodes",
                "no 'nodes' list: not a graphology JSON file",
                "export the graph from Gephi Lite as graphology JSON",
            )
        )
        return
    options = _object(graph.get("options"))
    undirected_graph = options.get("type") == "undirected"
    for number, node in enumerate(graph["nodes"]):
        where = f"{place}nodes[{number}]"
        key = _text(node.get("key")) if isinstance(node, dict) else None
        origin = Origin(name, 0, f"{where} (key {key!r})")
        if not key:
            problems.append(origin.problem("key", "a node without a key", "give it a key"))
            continue
        values = {**_attributes(node.get("attributes")), **_attributes(node_data.get(key))}
        builder.node(key, values, origin)
    edges = graph["edges"] if isinstance(graph.get("edges"), list) else []
    for number, edge in enumerate(edges):
        if not isinstance(edge, dict):
            problems.append(
                Problem(name, 0, f"{place}edges[{number}]", "not an object", "export again")
            )
            continue
        source, target = _text(edge.get("source")), _text(edge.get("target"))
        origin = Origin(name, 0, f"{place}edges[{number}] ({source} -> {target})")
        if not source or not target:
            missing = "source" if not source else "target"
            problems.append(origin.problem(missing, f"an edge without a {missing}", "export again"))
            continue
        key = _text(edge.get("key"))
        values = {**_attributes(edge.get("attributes")), **_attributes(edge_data.get(key))}
        if values.get("weight") in ("1", "1.0"):
            del values["weight"]
        directed = not (edge.get("undirected") is True or undirected_graph)
        builder.edge(source, target, values, origin, directed=directed)
