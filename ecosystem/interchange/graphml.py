"""GraphML, as Gephi, Cytoscape, yEd and networkx write it.

Data values are looked up by their key's ``attr.name``; a yEd node or edge label (the text of
``y:NodeLabel`` inside a ``nodegraphics`` value) serves as its name or type when no data names it.
Nodes inside yEd groups (nested graphs) are read as nodes of the one network.

Written with networkx's GraphML writer, which is correct for typed multigraphs: every column as a
string key, every centrality metric as a double.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, describe, local, parse_xml
from ecosystem.schema import RELATION_TYPES

TOOL = "Gephi, Cytoscape or yEd"

_GRAPHICS = {"nodegraphics": "NodeLabel", "edgegraphics": "EdgeLabel"}


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the nodes and edges of a GraphML file to ``builder``."""
    name = path.name
    document = parse_xml(path.read_bytes(), name, TOOL, problems)
    if document is None:
        return
    root = document.root
    if local(root.tag) != "graphml":
        problems.append(
            Problem(
                name,
                document.line(root),
                f"<{local(root.tag)}>",
                "not a GraphML file: the root element should be <graphml>",
                "choose the format that matches the file",
            )
        )
        return
    keys: dict[str, tuple[str, str]] = {}  # key id -> (attribute name, yfiles type)
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for key in root.iter():
        if local(key.tag) != "key":
            continue
        key_id = key.get("id", "")
        attribute = key.get("attr.name") or key_id
        keys[key_id] = (attribute, key.get("yfiles.type", ""))
        for default in key:
            if local(default.tag) == "default" and key.get("for") in defaults:
                defaults[key.get("for", "")][attribute] = (default.text or "").strip()

    elements = list(root.iter())
    directions = _directions(elements)
    for element in elements:
        kind = local(element.tag)
        origin = Origin(name, document.line(element), describe(element))
        if kind == "hyperedge":
            problems.append(
                origin.problem(
                    "-", "hyperedges are not supported", "replace it by edges between two nodes"
                )
            )
        elif kind == "node":
            ident = element.get("id")
            if not ident:
                problems.append(origin.problem("id", "a node without an id", "give it an id"))
                continue
            values = {**defaults["node"], **_data(element, keys, origin, problems)}
            builder.node(ident, values, origin)
    for element in elements:
        if local(element.tag) != "edge":
            continue
        origin = Origin(name, document.line(element), describe(element))
        source, target = element.get("source"), element.get("target")
        if not source or not target:
            missing = "source" if not source else "target"
            problems.append(origin.problem(missing, f"an edge without a {missing}", "export again"))
            continue
        values = {**defaults["edge"], **_data(element, keys, origin, problems)}
        if values.get("weight") in ("1", "1.0"):
            del values["weight"]
        builder.edge(source, target, values, origin, directed=directions.get(element, True))


def _directions(elements: list[ET.Element]) -> dict[ET.Element, bool]:
    """Whether each edge is directed: its own ``directed`` (a boolean), or else the
    ``edgedefault`` of the graph that holds it, as GraphML defines a mixed graph."""
    directed: dict[ET.Element, bool] = {}
    for graph in elements:
        if local(graph.tag) != "graph":
            continue
        default = graph.get("edgedefault", "").strip() == "directed"
        for edge in graph:
            if local(edge.tag) == "edge":
                own = edge.get("directed", "").strip()
                directed[edge] = own in ("true", "1") if own else default
    return directed


def _data(
    element: ET.Element,
    keys: dict[str, tuple[str, str]],
    origin: Origin,
    problems: list[Problem],
) -> dict[str, str]:
    values: dict[str, str] = {}
    for data in element:
        if local(data.tag) != "data":
            continue
        key = data.get("key", "")
        if key not in keys:
            problems.append(
                origin.problem(
                    f'<data key="{key}">',
                    "the key is not declared by any <key> element",
                    "declare it, or export the file again",
                )
            )
            continue
        attribute, yfiles = keys[key]
        if yfiles in _GRAPHICS:
            label = next(
                (
                    "".join(part.itertext()).strip()
                    for part in data.iter()
                    if local(part.tag) == _GRAPHICS[yfiles]
                ),
                "",
            )
            if label:
                values["label"] = label
        elif yfiles:
            continue  # yEd's resources and URLs: layout, not data
        else:
            values[attribute] = "".join(data.itertext()).strip()
    return values


def write(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    metrics: dict[str, dict[str, float]],
    methods: dict[str, str] | None = None,
    *,
    mixed_edges: bool = False,
) -> bytes:
    """A GraphML document of the entity and relation rows, with every metric per node.

    The graph's ``sampled_metrics`` data names the sampled metrics. Every edge carries a boolean
    ``directed`` attribute, false for a type without direction (``collaborates_with``). By
    default the graph is directed and so is every edge, as networkx reads only files of one
    kind of edge. ``mixed_edges`` writes the edges of such types ``directed="false"``, which
    GraphML defines as overriding the graph's ``edgedefault``: readers of mixed graphs (Gephi)
    take them as undirected, igraph and graphology read a directed graph, networkx refuses it.
    """
    graph = nx.MultiDiGraph()
    sampled = {m: how for m, how in (methods or {}).items() if how != "exact" and m in metrics}
    if sampled:
        graph.graph["sampled_metrics"] = "; ".join(
            f"{metric} {how}" for metric, how in sorted(sampled.items())
        )
    for row in entities:
        attributes: dict[str, object] = {c: v for c, v in row.items() if c != "id"}
        for metric, scores in metrics.items():
            attributes[metric] = float(scores.get(row["id"], 0.0))
        graph.add_node(row["id"], **attributes)
    undirected = set()
    for number, row in enumerate(relations):
        attributes = {c: v for c, v in row.items() if c not in ("source", "target")}
        if "past" in attributes:  # a network as of a date: a boolean, as GraphML types them
            attributes["past"] = row["past"] == "true"
        kind = RELATION_TYPES.get(row["type"])
        attributes["directed"] = not (kind is not None and kind.symmetric)
        graph.add_edge(row["source"], row["target"], key=f"e{number}", **attributes)
        if not attributes["directed"]:
            undirected.add(f"e{number}")
    # networkx's own writer (the one write_graphml uses without lxml), so the edges can be marked
    # before the document is written.
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    _schema_booleans(writer.xml)
    if mixed_edges:
        for edge in writer.xml.iter("edge"):
            if edge.get("id") in undirected:
                edge.set("directed", "false")
    buffer = io.BytesIO()
    writer.dump(buffer)
    return buffer.getvalue()


def _schema_booleans(document: ET.Element) -> None:
    """Boolean values as GraphML's schema types them (XML Schema's ``true`` and ``false``):
    networkx writes Python's ``True`` and ``False``, which strict readers refuse."""
    booleans = {key.get("id") for key in document.iter("key") if key.get("attr.type") == "boolean"}
    for data in document.iter("data"):
        if data.get("key") in booleans and data.text in ("True", "False"):
            data.text = data.text.lower()
