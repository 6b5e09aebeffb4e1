"""Cytoscape.js JSON (``.cyjs``), as Cytoscape desktop exports it and as ``cy.json()`` gives it.

``elements`` is either ``{"nodes": [...], "edges": [...]}`` (Cytoscape desktop) or one list whose
items say their ``group`` (Cytoscape.js). Every element's ``data`` holds its fields; Cytoscape
names a node by ``name`` and an edge's type by ``interaction``, and so does the file written here.
JSON has no element lines, so problems name the element by its place: ``elements.nodes[3]``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import MAX_JSON_DEPTH, Origin, decode
from ecosystem.limits import json_depth_exceeds
from ecosystem.schema import RELATION_TYPES

_EXPORT_AGAIN = "export the network from Cytoscape as Cytoscape.js JSON (.cyjs)"
# The nodes, the edges, and how problems name the place of each list: "elements.nodes".
_Parts = tuple[list, list, tuple[str, str]]


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the nodes and edges of a Cytoscape.js JSON file to ``builder``."""
    name = path.name
    text = decode(path.read_bytes(), name, problems)
    if text is None:
        return
    document = _document(text, name, problems)
    if document is None:
        return
    parts = _parts(document, name, problems)
    if parts is None:
        return
    nodes, edges, places = parts
    _nodes(nodes, places[0], name, builder, problems)
    _edges(edges, places[1], name, builder, problems)


def _document(text: str, name: str, problems: list[Problem]) -> object | None:
    """The parsed JSON, or None (and a problem) when it is broken or nested too deep."""
    try:
        document = json.loads(text)
    except RecursionError:
        problems.append(_too_deep(name))
        return None
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                name,
                error.lineno,
                f"column {error.colno}",
                f"not valid JSON: {error.msg}",
                "the file is damaged or cut short: export it again from Cytoscape",
            )
        )
        return None
    if json_depth_exceeds(document, MAX_JSON_DEPTH):
        problems.append(_too_deep(name))
        return None
    return document


def _parts(document: object, name: str, problems: list[Problem]) -> _Parts | None:
    """The node and edge elements of either layout, or None when there are none to read."""
    elements = document.get("elements") if isinstance(document, dict) else document
    if isinstance(elements, list):
        nodes = [e for e in elements if isinstance(e, dict) and _group(e) == "nodes"]
        edges = [e for e in elements if isinstance(e, dict) and _group(e) == "edges"]
        return nodes, edges, ("elements", "elements")
    if not isinstance(elements, dict):
        problems.append(
            Problem(
                name, 1, "elements", "no 'elements': not a Cytoscape.js JSON file", _EXPORT_AGAIN
            )
        )
        return None
    nodes, edges = elements.get("nodes") or [], elements.get("edges") or []
    places = ("elements.nodes", "elements.edges")
    wrong = [
        Problem(
            name,
            1,
            place,
            f"a {type(part).__name__} where a list of elements belongs",
            _EXPORT_AGAIN,
        )
        for place, part in zip(places, (nodes, edges), strict=True)
        if not isinstance(part, list)
    ]
    problems.extend(wrong)
    return None if wrong or problems else (nodes, edges, places)


def _nodes(
    nodes: list, place: str, name: str, builder: GraphImport, problems: list[Problem]
) -> None:
    positions = 0
    for number, element in enumerate(nodes):
        data = _data(element, f"{place}[{number}]", name, problems)
        if data is None:
            continue
        ident = data.pop("id", "")
        origin = Origin(name, 0, f"{place}[{number}] (id {ident!r})")
        if not ident:
            problems.append(origin.problem("data.id", "a node without an id", "give it an id"))
            continue
        positions += isinstance(element.get("position"), dict)
        builder.node(ident, data, origin)
    if positions:
        builder.report.notes.append(
            f"positions of {positions} node(s) read and not kept: the explorer lays out the network"
        )


def _edges(
    edges: list, place: str, name: str, builder: GraphImport, problems: list[Problem]
) -> None:
    for number, element in enumerate(edges):
        data = _data(element, f"{place}[{number}]", name, problems)
        if data is None:
            continue
        data.pop("id", None)
        source, target = data.pop("source", ""), data.pop("target", "")
        origin = Origin(name, 0, f"{place}[{number}] ({source} -> {target})")
        if not source or not target:
            missing = "source" if not source else "target"
            problems.append(
                origin.problem(f"data.{missing}", f"an edge without a {missing}", "export again")
            )
            continue
        builder.edge(source, target, data, origin)


def _too_deep(name: str) -> Problem:
    return Problem(
        name,
        1,
        "-",
        f"JSON nested more than {MAX_JSON_DEPTH} deep: not a network file",
        _EXPORT_AGAIN,
    )


def _group(element: dict) -> str:
    if element.get("group") in ("nodes", "edges"):
        return element["group"]
    data = element.get("data")
    if not isinstance(data, dict):
        return "nodes"
    return "edges" if "source" in data and "target" in data else "nodes"


def _data(element: object, place: str, name: str, problems: list[Problem]) -> dict | None:
    """An element's data as text; lists (Cytoscape's list columns) joined with ``|``."""
    data = element.get("data") if isinstance(element, dict) else None
    if not isinstance(data, dict):
        problems.append(
            Problem(name, 0, place, "an element without a 'data' object", "export again")
        )
        return None
    values = {}
    for key, value in data.items():
        if isinstance(value, list):
            values[key] = "|".join(str(item) for item in value)
        elif isinstance(value, bool):
            values[key] = str(value).lower()
        elif value is not None and not isinstance(value, dict):
            values[key] = str(value)
    return values


def write(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    metrics: dict[str, dict[str, float]],
    methods: dict[str, str] | None = None,
) -> bytes:
    """A Cytoscape.js JSON document in Cytoscape desktop's ``.cyjs`` layout.

    The network's ``data`` names the metrics that were sampled (``sampled_metrics``).
    """
    from ecosystem import __version__

    nodes = []
    for row in entities:
        data: dict[str, object] = {"id": row["id"], **{c: v for c, v in row.items() if c != "id"}}
        data.update(
            {metric: float(scores.get(row["id"], 0.0)) for metric, scores in metrics.items()}
        )
        nodes.append({"data": data})
    edges = []
    for number, row in enumerate(relations):
        data = {"id": f"e{number}", "source": row["source"], "target": row["target"]}
        data["interaction"] = row["type"]
        kind = RELATION_TYPES.get(row["type"])
        # Cytoscape.js has no undirected edges: the attribute lets a style drop the arrow.
        data["directed"] = not (kind is not None and kind.symmetric)
        data.update({c: v for c, v in row.items() if c not in ("source", "target", "type")})
        if "past" in row:  # a network as of a date: ended by then
            data["past"] = row["past"] == "true"
        edges.append({"data": data})
    document = {
        "format_version": "1.0",
        "generated_by": f"ecosystem-{__version__}",
        "target_cytoscapejs_version": "~2.1",
        "data": {"name": "ecosystem", **_sampled(metrics, methods)},
        "elements": {"nodes": nodes, "edges": edges},
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _sampled(metrics: dict, methods: dict[str, str] | None) -> dict[str, dict[str, str]]:
    sampled = {m: how for m, how in (methods or {}).items() if how != "exact" and m in metrics}
    return {"sampled_metrics": dict(sorted(sampled.items()))} if sampled else {}
