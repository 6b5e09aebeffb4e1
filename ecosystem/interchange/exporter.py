"""Export the typed graph: GEXF, GraphML, Cytoscape.js JSON, the CSV pair, a Kumu workbook.

Every format carries every entity column and every relation column as text, so that importing an
export gives the same dataset back; the graph formats add every centrality metric per entity
(computed on the simple view, as the explorer shows them). The functions take any typed graph
shaped like :func:`ecosystem.graph.load_graph`'s, so the web app can export what it shows.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ecosystem.interchange.formats import (
    EXPORT_FORMATS,
    FORMATS,
    MIXED_EDGE_FORMATS,
    ExportOptions,
    get,
)
from ecosystem.interchange.store import write_atomically
from ecosystem.schema import DOC_SEPARATOR, ENTITY_COLUMNS, RELATION_COLUMNS

__all__ = ["EXPORT_FORMATS", "export_files", "export_graph", "metrics", "tables"]


def tables(graph: nx.MultiDiGraph) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Entity rows in graph order and relation rows in file order, every column as text; with
    ``doc_title`` (the titles of the documents ``doc`` names, ``|``-separated) where the data
    folder records them, and for a network as of a date (:func:`ecosystem.analysis.timeline.as_of`)
    ``past`` (``true`` for a relation that had ended by then, else ``false``). The formats that
    carry any attribute write them; importers skip both."""
    entities = []
    for node, data in graph.nodes(data=True):
        row = {column: str(data.get(column, "") or "") for column in ENTITY_COLUMNS[1:]}
        entities.append({"id": str(node), **row})
    relations = []
    edges = sorted(
        enumerate(graph.edges(data=True)), key=lambda item: (item[1][2].get("line", 0), item[0])
    )
    titles = _titles(graph)
    dated = bool(graph.graph.get("as_of"))
    for _, (source, target, data) in edges:
        row = {column: str(data.get(column, "") or "") for column in RELATION_COLUMNS[2:]}
        if titles:
            row["doc_title"] = DOC_SEPARATOR.join(
                titles.get(doc, "") for doc in row["doc"].split(DOC_SEPARATOR)
            ).strip(DOC_SEPARATOR)
        if dated:
            row["past"] = "true" if data.get("past") else "false"
        relations.append({"source": str(source), "target": str(target), **row})
    return entities, relations


def _titles(graph: nx.MultiDiGraph) -> dict[str, str]:
    from ecosystem.sources import catalogue

    data_dir = graph.graph.get("data_dir")
    records = catalogue(data_dir) if data_dir else {}
    return {doc: record["title"] for doc, record in records.items() if record["title"]}


def metrics(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Every centrality metric of every entity, as the explorer computes them."""
    from ecosystem.analysis.centrality import all_centralities
    from ecosystem.graph import simple_view

    return all_centralities(simple_view(graph))


def metric_methods(graph: nx.MultiDiGraph) -> dict[str, str]:
    """How each metric of :func:`metrics` is computed on ``graph``: "exact", or how it was
    sampled (networks over 5,000 entities), so that an export can say so."""
    from ecosystem.analysis.centrality import methods
    from ecosystem.graph import simple_view

    return {name: method.describe() for name, method in methods(simple_view(graph)).items()}


def export_files(
    graph: nx.MultiDiGraph,
    fmt: str,
    *,
    gexf_version: str = "1.3",
    scores: dict[str, dict] | None = None,
    methods: dict[str, str] | None = None,
    mixed_edges: bool = False,
) -> dict[str, bytes]:
    """The files of an export, by suggested name: one file, or two for ``csv``.

    ``scores`` (metric -> entity -> value) saves computing the metrics again when the caller
    has them, as the web app does; by default they are computed on ``graph``. ``methods``
    (metric -> how it was computed) marks sampled metrics in the file. When the metrics are
    computed here it is worked out from ``graph``'s size; given ``scores`` come from elsewhere
    (the whole network, for an export of part of it), so only the caller can say how.
    ``mixed_edges`` (GEXF and GraphML only) writes relations without direction as undirected
    edges of a mixed graph, which Gephi and yEd read and networkx refuses.
    """
    format_ = get(fmt, exporting=True)
    assert format_.writer is not None
    if mixed_edges and not format_.mixed_edges:
        raise ValueError(
            f"{fmt} has no mixed graphs: mixed edges are written by "
            f"{' and '.join(MIXED_EDGE_FORMATS)} only"
        )
    entities, relations = tables(graph)
    if fmt in ("csv", "kumu"):
        scores, methods = {}, {}
    elif scores is None:
        scores = metrics(graph)
        if methods is None:
            methods = metric_methods(graph)
    options = ExportOptions(gexf_version, tuple(sorted((methods or {}).items())), mixed_edges)
    return format_.writer(entities, relations, scores, options)


def export_graph(
    graph: nx.MultiDiGraph,
    fmt: str,
    out: Path,
    *,
    gexf_version: str = "1.3",
    mixed_edges: bool = False,
) -> list[Path]:
    """Write an export to ``out`` (a folder for ``csv``, a file otherwise), atomically."""
    files = export_files(graph, fmt, gexf_version=gexf_version, mixed_edges=mixed_edges)
    if len(files) > 1:
        return write_atomically(out, files)
    (content,) = files.values()
    return write_atomically(out.parent, {out.name: content})


# The file name each format suggests and its media type, for callers that predate FORMATS.
FILE_NAMES = {name: f.file_name for name, f in FORMATS.items() if f.writer}
MEDIA_TYPES = {name: f.media_type for name, f in FORMATS.items() if f.writer}
BINARY = frozenset(name for name, f in FORMATS.items() if f.binary)
