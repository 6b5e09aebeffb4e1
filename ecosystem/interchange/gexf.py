"""GEXF, Gephi's format: read versions 1.1 to 1.3, write 1.3 (or 1.2 for older Gephi).

Reading matches elements by their local name, so every GEXF version and the namespace slips of
real files (Gephi 0.9 writes a 1.2 document with a 1.1 ``viz`` namespace) read the same.
Attributes are looked up by their title. Viz data (position, size, colour) is read and left out:
the explorer lays out and colours the network itself.

Writing is done here rather than with ``networkx.write_gexf``, which writes 1.2draft only and
names attributes by number: the file carries the entity type, the relation type, every column and
every centrality metric as titled attributes, and viz colours by type and sizes by degree, so it
opens in Gephi ready to style.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, XmlDocument, describe, local, parse_xml
from ecosystem.schema import RELATION_TYPES

TOOL = "Gephi"
VIZ = frozenset({"position", "size", "color", "shape", "thickness"})
NAMESPACES = {
    "1.2": ("http://www.gexf.net/1.2draft", "http://www.gexf.net/1.2draft/viz"),
    "1.3": ("http://gexf.net/1.3", "http://gexf.net/1.3/viz"),
}
SCHEMAS = {
    "1.2": "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd",
    "1.3": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
}


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the nodes and edges of a GEXF file to ``builder``."""
    name = path.name
    document = parse_xml(path.read_bytes(), name, TOOL, problems)
    if document is None:
        return
    root = document.root
    if local(root.tag) != "gexf":
        problems.append(
            Problem(
                name,
                document.line(root),
                f"<{local(root.tag)}>",
                "not a GEXF file: the root element should be <gexf>",
                "choose the format that matches the file",
            )
        )
        return
    graphs = _children(root, "graph")
    if not graphs:
        problems.append(
            Problem(name, document.line(root), "<gexf>", "no <graph> element", "export again")
        )
        return
    graph = graphs[0]
    times = _Times(graph.get("timeformat", "double"))
    titles, defaults = _attributes(graph)
    viz = 0
    for nodes in _children(graph, "nodes"):
        for node in _walk_nodes(nodes):
            origin = Origin(name, document.line(node), describe(node))
            key = node.get("id")
            if key is None or not key.strip():
                problems.append(origin.problem("id", "a node without an id", "give it an id"))
                continue
            values = {**defaults["node"], **_attvalues(node, titles["node"])}
            if node.get("label") is not None:
                values["label"] = node.get("label", "")
            viz += any(local(child.tag) in VIZ for child in node)
            builder.node(key, values, origin)
    # GEXF's default edge type is undirected; an edge's own ``type`` overrides it.
    default_kind = graph.get("defaultedgetype", "undirected")
    for edges in _children(graph, "edges"):
        for edge in _children(edges, "edge"):
            _edge(edge, document, titles, defaults, builder, problems, times, default_kind)
    times.report(builder.report.notes)
    if viz:
        builder.report.notes.append(
            f"viz data (position, size, colour) of {viz} node(s) read and not kept: "
            "the explorer lays out and colours the network by type"
        )


def _edge(
    edge: ET.Element,
    document: XmlDocument,
    titles: dict[str, dict[str, str]],
    defaults: dict[str, dict[str, str]],
    builder: GraphImport,
    problems: list[Problem],
    times: _Times,
    default_kind: str,
) -> None:
    origin = Origin(document.name, document.line(edge), describe(edge))
    source, target = edge.get("source"), edge.get("target")
    if not source or not target:
        missing = "source" if not source else "target"
        problems.append(origin.problem(missing, f"an edge without a {missing}", "export again"))
        return
    values = {**defaults["edge"], **_attvalues(edge, titles["edge"])}
    for attribute in ("label", "weight", "kind"):
        if edge.get(attribute) is not None:
            values.setdefault(attribute, edge.get(attribute, ""))
    # An explicit weight of 1 is every edge's weight: not worth a mention in the report.
    if values.get("weight") in ("1", "1.0"):
        del values["weight"]
    start, end = times.span(edge)
    if start and not values.get("start"):
        values["start"] = start
    if end and not values.get("end"):
        values["end"] = end
    directed = (edge.get("type") or default_kind) not in ("undirected", "mutual")
    builder.edge(source, target, values, origin, directed=directed)


# Epoch times in milliseconds (SocioPatterns, Gephi's timestamps) and in seconds, by magnitude.
_EPOCH_MS = (1e11, 1e14)
_EPOCH_S = (1e8, 1e11)


class _Times:
    """Dynamic GEXF: an edge's spells (or its start and end) become the relation's dates.

    The relation starts with the earliest spell and ends with the latest. Dates and date-times
    keep their day; numbers are read as years (1000 to 2999) or as epoch seconds or
    milliseconds by their magnitude; other numbers (steps 1, 2, 3) are no dates and are counted
    in the report, not kept.
    """

    def __init__(self, timeformat: str):
        self.timeformat = timeformat.casefold()
        self.kept = 0
        self.not_dates = 0
        self.how: set[str] = set()

    def span(self, edge: ET.Element) -> tuple[str, str]:
        starts = [edge.get("start"), edge.get("startopen")]
        ends = [edge.get("end"), edge.get("endopen")]
        # GEXF 1.3 timestamps: one attribute, "<[2004, 2005]>", or <timestamps><timestamp>.
        moments = [edge.get("timestamp"), *_TIMESTAMP_LIST.findall(edge.get("timestamps", ""))]
        for block in _children(edge, "spells") + _children(edge, "slices"):
            for spell in block:
                starts.extend((spell.get("start"), spell.get("startopen")))
                ends.extend((spell.get("end"), spell.get("endopen")))
                moments.append(spell.get("timestamp"))
        for block in _children(edge, "timestamps"):
            moments.extend(stamp.get("timestamp") for stamp in block)
        starts.extend(moments)
        ends.extend(moments)
        found_start = sorted(d for d in map(self._date, filter(None, starts)) if d)
        found_end = sorted(d for d in map(self._date, filter(None, ends)) if d)
        if any(filter(None, starts + ends)):
            if found_start or found_end:
                self.kept += 1
            else:
                self.not_dates += 1
        return (found_start[0] if found_start else "", found_end[-1] if found_end else "")

    def _date(self, raw: str) -> str:
        text = raw.strip()
        if self.timeformat in ("date", "datetime") or "-" in text[1:]:
            return text[:10] if _ISO_DAY.match(text[:10]) else ""
        try:
            number = float(text)
        except ValueError:
            return ""
        if number.is_integer() and 1000 <= number <= 2999:
            self.how.add("years")
            return str(int(number))
        for (low, high), scale, how in (
            (_EPOCH_MS, 1000.0, "epoch milliseconds"),
            (_EPOCH_S, 1.0, "epoch seconds"),
        ):
            if low <= number < high:
                self.how.add(how)
                moment = datetime.fromtimestamp(number / scale, tz=UTC)
                return moment.date().isoformat()
        return ""

    def report(self, notes: list[str]) -> None:
        if self.kept:
            how = f" (times read as {', '.join(sorted(self.how))})" if self.how else ""
            notes.append(
                f"time spells of {self.kept} edge(s) kept as the relations' start and end "
                f"dates{how}"
            )
        if self.not_dates:
            notes.append(
                f"time spells of {self.not_dates} edge(s) are steps, not dates, and are not kept"
            )


_TIMESTAMP_LIST = re.compile(r"[^\s<>\[\],;]+")
_ISO_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _walk_nodes(nodes: ET.Element):
    """Every node, nested ones (hierarchical graphs) flattened."""
    for node in _children(nodes, "node"):
        yield node
        for inner in _children(node, "nodes"):
            yield from _walk_nodes(inner)


def _attributes(graph: ET.Element) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Attribute titles by id, and default values by title, for nodes and for edges."""
    titles: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in _children(graph, "attributes"):
        kind = block.get("class", "node")
        if kind not in titles:
            continue
        for attribute in _children(block, "attribute"):
            ident = attribute.get("id", "")
            title = attribute.get("title") or ident
            titles[kind][ident] = title
            for default in _children(attribute, "default"):
                defaults[kind][title] = (default.text or "").strip()
    return titles, defaults


# Gephi writes an empty cell as the text "null" when asked to include empty values.
GEPHI_NULL = "null"


def _attvalues(element: ET.Element, titles: dict[str, str]) -> dict[str, str]:
    values = {}
    for block in _children(element, "attvalues"):
        for value in _children(block, "attvalue"):
            text = value.get("value", "")
            if text == GEPHI_NULL:
                continue  # no value, not the word "null"
            ident = value.get("for", value.get("id", ""))
            values[titles.get(ident, ident)] = text
    return values


NODE_ATTRIBUTES = ("type", "aliases", "country", "description", "url")
EDGE_ATTRIBUTES = (
    ("relation_type", "relation type"),
    ("role", "role"),
    ("start", "start"),
    ("end", "end"),
    ("amount_eur", "amount_eur"),
    ("evidence", "evidence"),
    ("doc", "doc"),
    ("doc_title", "doc title"),
)


def _meta(root: ET.Element, creator: str, metrics: dict, methods: dict[str, str]) -> None:
    """``<meta>``: the creator, and a description that names every sampled metric."""
    meta = ET.SubElement(root, "meta", lastmodifieddate=date.today().isoformat())
    ET.SubElement(meta, "creator").text = creator
    description = (
        "Stakeholder network: entity type and relation type as attributes, with every "
        "centrality metric per entity"
    )
    sampled = {m: how for m, how in methods.items() if how != "exact" and m in metrics}
    if sampled:
        description += ". Sampled metrics: " + "; ".join(
            f"{metric} {how}" for metric, how in sorted(sampled.items())
        )
    ET.SubElement(meta, "description").text = description
    if sampled:
        ET.SubElement(meta, "keywords").text = "sampled metrics: " + ", ".join(sorted(sampled))


def _directed(row: dict[str, str]) -> str:
    kind = RELATION_TYPES.get(row["type"])
    return "false" if kind is not None and kind.symmetric else "true"


def write(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    metrics: dict[str, dict[str, float]],
    *,
    version: str = "1.3",
    methods: dict[str, str] | None = None,
    mixed_edges: bool = False,
) -> bytes:
    """A GEXF document of the entity and relation rows, with every metric per node.

    Every edge carries a boolean ``directed`` attribute, false for a type without direction
    (``collaborates_with``). By default every edge is also directed, as networkx reads only
    files of one kind of edge. ``mixed_edges`` writes the edges of such types
    ``type="undirected"`` in the directed graph, as GEXF 1.2 and 1.3 define a mixed graph (their
    schemas know no ``defaultedgetype="mixed"``): Gephi and graphology read a mixed graph,
    networkx refuses the file. ``mutual`` is not used: networkx reads it as two edges.
    ``methods`` (metric -> how it was computed) names the sampled metrics in the description.
    """
    from ecosystem import __version__
    from ecosystem.elements import FALLBACK_STYLE, TYPE_STYLE

    namespace, viz_namespace = NAMESPACES[version]
    root = ET.Element(
        "gexf",
        {
            "xmlns": namespace,
            "xmlns:viz": viz_namespace,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": SCHEMAS[version],
            "version": version,
        },
    )
    _meta(root, f"ecosystem {__version__}", metrics, methods or {})
    graph = ET.SubElement(root, "graph", defaultedgetype="directed", mode="static")
    node_block = ET.SubElement(graph, "attributes", {"class": "node", "mode": "static"})
    for column in NODE_ATTRIBUTES:
        ET.SubElement(node_block, "attribute", id=column, title=column, type="string")
    for metric in metrics:
        ET.SubElement(node_block, "attribute", id=metric, title=metric, type="double")
    edge_block = ET.SubElement(graph, "attributes", {"class": "edge", "mode": "static"})
    for ident, title in EDGE_ATTRIBUTES:
        ET.SubElement(edge_block, "attribute", id=ident, title=title, type="string")
    ET.SubElement(edge_block, "attribute", id="directed", title="directed", type="boolean")
    if any("past" in row for row in relations):  # a network as of a date: ended by then
        ET.SubElement(edge_block, "attribute", id="past", title="past", type="boolean")

    degree = metrics.get("degree", {})
    largest = max(degree.values(), default=0.0) or 1.0
    nodes = ET.SubElement(graph, "nodes", count=str(len(entities)))
    for row in entities:
        node = ET.SubElement(nodes, "node", id=row["id"], label=row["name"])
        values = ET.SubElement(node, "attvalues")
        for column in NODE_ATTRIBUTES:
            if row.get(column):
                ET.SubElement(values, "attvalue", {"for": column, "value": row[column]})
        for metric, scores in metrics.items():
            value = repr(float(scores.get(row["id"], 0.0)))
            ET.SubElement(values, "attvalue", {"for": metric, "value": value})
        colour = TYPE_STYLE.get(row["type"], FALLBACK_STYLE)[0].lstrip("#")
        red, green, blue = (str(int(colour[i : i + 2], 16)) for i in (0, 2, 4))
        size = 10.0 + 40.0 * degree.get(row["id"], 0.0) / largest
        ET.SubElement(node, "viz:size", value=f"{size:.2f}")
        ET.SubElement(node, "viz:color", r=red, g=green, b=blue)

    _edges(graph, relations, mixed_edges=mixed_edges)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _edges(graph: ET.Element, relations: list[dict[str, str]], *, mixed_edges: bool) -> None:
    """``<edges>``: one edge per relation, typed ``undirected`` only in a mixed graph."""
    edges = ET.SubElement(graph, "edges", count=str(len(relations)))
    for number, row in enumerate(relations):
        edge = ET.SubElement(
            edges,
            "edge",
            id=str(number),
            source=row["source"],
            target=row["target"],
            label=row["type"],
        )
        if mixed_edges and _directed(row) == "false":
            edge.set("type", "undirected")
        values = ET.SubElement(edge, "attvalues")
        for ident, _title in EDGE_ATTRIBUTES:
            value = row["type"] if ident == "relation_type" else row.get(ident, "")
            if value:
                ET.SubElement(values, "attvalue", {"for": ident, "value": value})
        ET.SubElement(values, "attvalue", {"for": "directed", "value": _directed(row)})
        if "past" in row:
            ET.SubElement(values, "attvalue", {"for": "past", "value": row["past"]})
