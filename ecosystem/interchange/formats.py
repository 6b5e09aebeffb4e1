"""Every file format the tool reads or writes, declared once.

:data:`FORMATS` holds, for each format, what the command line, the importer, the exporter and
the web app's export menu need: the reader, the writer, the file name an export suggests, its
media type, whether it is binary, and the words that describe it. The importer, the exporter,
``ecosystem import`` / ``ecosystem export`` and their ``--help`` are all derived from it, so
adding a format is one entry here.

>>> [f.name for f in FORMATS.values() if f.writer]
['gexf', 'graphml', 'cyjs', 'kumu', 'csv']
>>> FORMATS["kumu"].binary, FORMATS["kumu"].file_name
(True, 'ecosystem.xlsx')
>>> MIXED_EDGE_FORMATS
('gexf', 'graphml')
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypedDict

from ecosystem.errors import Problem

if TYPE_CHECKING:
    import networkx as nx

    from ecosystem.interchange.bundle import GraphImport, Imported, Report

# The readers and writers are imported when first used, so that the command line's --help, which
# lists the formats, loads none of the libraries they read and write with.
Rows = tuple["list[Imported]", "list[Imported]"]
# (paths, report, problems, default entity type) -> entity and relation rows
TableReader = Callable[[list[Path], "Report", list[Problem], str], Rows]
# (paths, builder, problems): adds nodes and edges to the builder
GraphReader = Callable[[list[Path], "GraphImport", list[Problem]], None]
# (entity rows, relation rows, metrics, options) -> the bytes of each file, by suggested name
Writer = Callable[[list[dict], list[dict], dict, "ExportOptions"], dict[str, bytes]]
DEFAULT_MAX_MB = 100  # an import refuses larger files unless told otherwise
DEFAULT_ENTITY_TYPE = "association"  # the type of an imported entity whose type matches none


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"ecosystem.interchange.{name}")


@dataclass(frozen=True)
class ExportOptions:
    """Settings of an export that some formats use."""

    gexf_version: str = "1.3"
    # metric -> how it was computed ("exact", or "approximate, sampled from 1,000 sources")
    methods: tuple[tuple[str, str], ...] = ()
    # Relations without direction as undirected edges of a mixed graph (formats that have them).
    mixed_edges: bool = False


@dataclass(frozen=True)
class Format:
    """One file format: how to read it, how to write it, and how to name and describe it."""

    name: str
    label: str  # how a menu names it: "GEXF for Gephi"
    reads: str = ""  # what an import reads, for --help; empty when it cannot be imported
    writes: str = ""  # what an export writes, for --help; empty when it cannot be exported
    table_reader: TableReader | None = None
    graph_reader: GraphReader | None = None
    writer: Writer | None = None
    file_name: str = ""  # what an export suggests; csv writes entities.csv and relations.csv
    media_type: str = "application/octet-stream"
    binary: bool = False
    most_files: int = 1  # how many files one import takes
    # Whether the writer can give relations without direction as undirected edges of a mixed
    # graph (ExportOptions.mixed_edges): GEXF and GraphML define one; not every reader takes it.
    mixed_edges: bool = False

    @property
    def importable(self) -> bool:
        return self.table_reader is not None or self.graph_reader is not None


def _single(module: str) -> GraphReader:
    def read(paths: list[Path], builder: GraphImport, problems: list[Problem]) -> None:
        _module(module).read(paths[0], builder, problems)

    return read


def _kumu(paths: list[Path], builder: GraphImport, problems: list[Problem]) -> None:
    _module("kumu").read(paths, builder, problems)


def _cordis(paths: list[Path], report: Report, problems: list[Problem], default: str) -> Rows:
    return _module("cordis").read(paths, report, problems, default_type=default)


def _csv(paths: list[Path], report: Report, problems: list[Problem], default: str) -> Rows:
    return _module("csvpair").read(paths, report, problems)


def _one(name: str, module: str) -> Writer:
    def writer(entities, relations, metrics, options: ExportOptions) -> dict[str, bytes]:
        return {name: _module(module).write(entities, relations, metrics)}

    return writer


def _gexf(entities, relations, metrics, options: ExportOptions) -> dict[str, bytes]:
    content = _module("gexf").write(
        entities,
        relations,
        metrics,
        version=options.gexf_version,
        methods=dict(options.methods),
        mixed_edges=options.mixed_edges,
    )
    return {"ecosystem.gexf": content}


def _graphml(entities, relations, metrics, options: ExportOptions) -> dict[str, bytes]:
    content = _module("graphml").write(
        entities, relations, metrics, dict(options.methods), mixed_edges=options.mixed_edges
    )
    return {"ecosystem.graphml": content}


def _cyjs(entities, relations, metrics, options: ExportOptions) -> dict[str, bytes]:
    write: Any = _module("cyjs").write
    return {"ecosystem.cyjs": write(entities, relations, metrics, dict(options.methods))}


def _csvpair(entities, relations, metrics, options: ExportOptions) -> dict[str, bytes]:
    return _module("csvpair").write(entities, relations, metrics)


FORMATS: dict[str, Format] = {
    format_.name: format_
    for format_ in (
        Format(
            "cordis",
            "CORDIS bulk download",
            reads="CORDIS bulk files organization.csv and project.csv "
            "(Horizon 2020, Horizon Europe)",
            table_reader=_cordis,
            most_files=2,
        ),
        Format(
            "gexf",
            "GEXF for Gephi",
            reads="a GEXF file from Gephi (versions 1.1 to 1.3, static or dynamic)",
            writes="GEXF for Gephi: entity and relation types and every centrality metric as "
            "attributes",
            graph_reader=_single("gexf"),
            writer=_gexf,
            file_name="ecosystem.gexf",
            media_type="application/gexf+xml",
            mixed_edges=True,
        ),
        Format(
            "graphml",
            "GraphML (Cytoscape, yEd, Gephi)",
            reads="a GraphML file from Gephi, Cytoscape, yEd or networkx",
            writes="GraphML for Gephi, Cytoscape and yEd: every column and every metric",
            graph_reader=_single("graphml"),
            writer=_graphml,
            file_name="ecosystem.graphml",
            media_type="application/graphml+xml",
            mixed_edges=True,
        ),
        Format(
            "cyjs",
            "Cytoscape.js JSON",
            reads="a Cytoscape.js JSON file (.cyjs) from Cytoscape or Cytoscape.js",
            writes="Cytoscape.js JSON (.cyjs), as Cytoscape desktop writes it",
            graph_reader=_single("cyjs"),
            writer=_cyjs,
            file_name="ecosystem.cyjs",
            media_type="application/json",
        ),
        Format(
            "kumu",
            "Kumu workbook (.xlsx)",
            reads="a Kumu workbook (.xlsx, sheets Elements and Connections), its two CSV "
            "files, or a Kumu JSON blueprint",
            writes="a Kumu workbook (.xlsx) with Elements and Connections sheets",
            graph_reader=_kumu,
            writer=_one("ecosystem.xlsx", "kumu"),
            file_name="ecosystem.xlsx",
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            binary=True,
            most_files=2,
        ),
        Format(
            "graphology",
            "Graphology JSON (Gephi Lite)",
            reads="a graphology JSON file or a Gephi Lite workspace (.json)",
            graph_reader=_single("graphology"),
        ),
        Format(
            "gml",
            "GML",
            reads="a GML file (the classic network collections, igraph, networkx, yEd)",
            graph_reader=_single("gml"),
        ),
        Format(
            "pajek",
            "Pajek .net",
            reads="a Pajek .net file (vertices, arcs and edges)",
            graph_reader=_single("pajek"),
        ),
        Format(
            "csv",
            "CSV pair (entities.csv, relations.csv)",
            reads="entities.csv and/or relations.csv of another ecosystem dataset",
            writes="the project's own entities.csv and relations.csv, into a folder",
            table_reader=_csv,
            writer=_csvpair,
            file_name="relations.csv",
            media_type="text/csv",
            most_files=2,
        ),
    )
}
IMPORT_FORMATS: dict[str, str] = {f.name: f.reads for f in FORMATS.values() if f.importable}
EXPORT_FORMATS: dict[str, str] = {f.name: f.writes for f in FORMATS.values() if f.writer}
MIXED_EDGE_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS.values() if f.mixed_edges)


def get(name: str, *, exporting: bool = False) -> Format:
    """The format called ``name``; ValueError naming the choices when there is none."""
    table = EXPORT_FORMATS if exporting else IMPORT_FORMATS
    if name not in table:
        what = "export" if exporting else "import"
        raise ValueError(f"unknown {what} format {name!r}: use one of {', '.join(table)}")
    return FORMATS[name]


class Download(TypedDict):
    """What ``dcc.Download`` takes: the file's content, base64 when binary."""

    content: str
    base64: bool
    filename: str
    type: str


def download(
    graph: nx.MultiDiGraph,
    fmt: str,
    *,
    scores: dict[str, dict] | None = None,
    methods: dict[str, str] | None = None,
) -> Download:
    """The network ``graph`` (the app's visible subgraph) as one file to download.

    ``scores`` (metric -> entity -> value) are the metrics the app already holds; ``methods``
    (metric -> "exact" or "approximate, sampled from ...") lets the file say which metrics were
    sampled. ``csv`` gives the relations file of the pair (the entities are in the others).
    """
    from ecosystem.interchange.exporter import export_files

    format_ = get(fmt, exporting=True)
    files = export_files(graph, fmt, scores=scores, methods=methods)
    content = files.get(format_.file_name) or next(iter(files.values()))
    return {
        "content": base64.b64encode(content).decode("ascii"),
        "base64": True,
        "filename": format_.file_name,
        "type": format_.media_type,
    }
