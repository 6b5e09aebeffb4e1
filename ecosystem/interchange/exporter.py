"""Export the typed graph: GEXF, GraphML, Cytoscape.js JSON, the CSV pair, a Kumu workbook.

Every format carries every entity column and every relation column as text, so that importing an
export gives the same dataset back; the graph formats add every centrality metric per entity
(computed on the simple view, as the explorer shows them). The functions take any typed graph
shaped like :func:`ecosystem.graph.load_graph`'s, so the web app can export what it shows.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ecosystem.interchange import csvpair, cyjs, gexf, graphml, kumu
from ecosystem.interchange.store import write_atomically
from ecosystem.schema import ENTITY_COLUMNS, RELATION_COLUMNS

EXPORT_FORMATS: dict[str, str] = {
    "gexf": "GEXF for Gephi: entity and relation types and every centrality metric as attributes",
    "graphml": "GraphML for Gephi, Cytoscape and yEd: every column and every metric",
    "cyjs": "Cytoscape.js JSON (.cyjs), as Cytoscape desktop writes it",
    "csv": "the project's own entities.csv and relations.csv, into a folder",
    "kumu": "a Kumu workbook (.xlsx) with Elements and Connections sheets",
}
# The file name each format suggests (for the web app's download) and its media type.
FILE_NAMES = {
    "gexf": "ecosystem.gexf",
    "graphml": "ecosystem.graphml",
    "cyjs": "ecosystem.cyjs",
    "kumu": "ecosystem.xlsx",
}
MEDIA_TYPES = {
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
    "cyjs": "application/json",
    "csv": "text/csv",
    "kumu": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BINARY = frozenset({"kumu"})


def tables(graph: nx.MultiDiGraph) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Entity rows in graph order and relation rows in file order, every column as text."""
    entities = []
    for node, data in graph.nodes(data=True):
        row = {column: str(data.get(column, "") or "") for column in ENTITY_COLUMNS[1:]}
        entities.append({"id": str(node), **row})
    relations = []
    edges = sorted(
        enumerate(graph.edges(data=True)), key=lambda item: (item[1][2].get("line", 0), item[0])
    )
    for _, (source, target, data) in edges:
        row = {column: str(data.get(column, "") or "") for column in RELATION_COLUMNS[2:]}
        relations.append({"source": str(source), "target": str(target), **row})
    return entities, relations


def metrics(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Every centrality metric of every entity, as the explorer computes them."""
    from ecosystem.analysis.centrality import all_centralities
    from ecosystem.graph import simple_view

    return all_centralities(simple_view(graph))


def export_files(
    graph: nx.MultiDiGraph,
    fmt: str,
    *,
    gexf_version: str = "1.3",
    scores: dict[str, dict] | None = None,
) -> dict[str, bytes]:
    """The files of an export, by suggested name: one file, or two for ``csv``.

    ``scores`` (metric -> entity -> value) saves computing the metrics again when the caller
    has them, as the web app does; by default they are computed on ``graph``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    entities, relations = tables(graph)
    if fmt == "csv":
        return csvpair.write(entities, relations, {})
    if fmt == "kumu":
        scores = {}
    elif scores is None:
        scores = metrics(graph)
    if fmt == "gexf":
        content = gexf.write(entities, relations, scores, version=gexf_version)
    else:
        writer = {"graphml": graphml.write, "cyjs": cyjs.write, "kumu": kumu.write}[fmt]
        content = writer(entities, relations, scores)
    return {FILE_NAMES[fmt]: content}


def export_graph(
    graph: nx.MultiDiGraph, fmt: str, out: Path, *, gexf_version: str = "1.3"
) -> list[Path]:
    """Write an export to ``out`` (a folder for ``csv``, a file otherwise), atomically."""
    files = export_files(graph, fmt, gexf_version=gexf_version)
    if fmt == "csv":
        return write_atomically(out, files)
    (content,) = files.values()
    return write_atomically(out.parent, {out.name: content})
