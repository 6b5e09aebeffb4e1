"""Relations without direction in GEXF and GraphML: a directed graph every reader opens by
default, a mixed graph as the formats define one with ``mixed_edges``, and both read back here."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from ecosystem.errors import Problem
from ecosystem.graph import load_graph
from ecosystem.interchange import export_files, export_graph, import_files
from ecosystem.interchange.bundle import GraphImport, Report
from ecosystem.interchange.gexf import read as read_gexf
from ecosystem.interchange.graphml import read as read_graphml
from tests.helpers import TINY_DOCUMENT, TINY_ENTITIES, TINY_RELATIONS, write_dataset
from tests.interchange_helpers import entities, relations, run

GEXF_NS = {"g": "http://gexf.net/1.3"}
GRAPHML_NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
COLLABORATION = {
    "source": "acme",
    "target": "proj",
    "type": "collaborates_with",
    "role": "supplier",
    "evidence": "Acme Mining collaborates with PROJ.",
    "doc": "doc.txt",
}


@pytest.fixture
def mixed_dir(tmp_path: Path) -> Path:
    """The tiny dataset and one relation without direction: acme collaborates with proj."""
    return write_dataset(
        tmp_path / "data",
        entities=TINY_ENTITIES,
        relations=[*TINY_RELATIONS, COLLABORATION],
        document=TINY_DOCUMENT + "Acme Mining collaborates with PROJ.\n",
    )


def gexf_edges(content: bytes) -> list[tuple[str, str, str | None]]:
    """(source, target, type attribute) of every edge."""
    root = ET.fromstring(content)
    return [
        (edge.get("source", ""), edge.get("target", ""), edge.get("type"))
        for edge in root.iterfind("g:graph/g:edges/g:edge", GEXF_NS)
    ]


def graphml_edges(content: bytes) -> list[tuple[str, str, str | None]]:
    """(source, target, directed attribute) of every edge."""
    root = ET.fromstring(content)
    return [
        (edge.get("source", ""), edge.get("target", ""), edge.get("directed"))
        for edge in root.iterfind("g:graph/g:edge", GRAPHML_NS)
    ]


def test_default_gexf_has_only_directed_edges(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "gexf").values()
    graph = ET.fromstring(content).find("g:graph", GEXF_NS)
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    assert {kind for *_, kind in gexf_edges(content)} == {None}


def test_mixed_gexf_types_only_the_relations_without_direction_undirected(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "gexf", mixed_edges=True).values()
    graph = ET.fromstring(content).find("g:graph", GEXF_NS)
    # The GEXF 1.2 and 1.3 schemas allow directed, undirected or mutual here, not "mixed".
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    assert sorted(gexf_edges(content)) == [
        ("acme", "cluster", None),
        ("acme", "proj", "undirected"),
        ("cluster", "proj", None),
    ]


def test_mixed_gexf_1_2_uses_the_same_edge_type(mixed_dir):
    (content,) = export_files(
        load_graph(mixed_dir), "gexf", gexf_version="1.2", mixed_edges=True
    ).values()
    root = ET.fromstring(content)
    types = [e.get("type") for e in root.iter("{http://www.gexf.net/1.2draft}edge")]
    assert sorted(types, key=str) == [None, None, "undirected"]


def test_default_graphml_has_only_directed_edges(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "graphml").values()
    graph = ET.fromstring(content).find("g:graph", GRAPHML_NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    assert {directed for *_, directed in graphml_edges(content)} == {None}


def test_mixed_graphml_marks_only_the_relations_without_direction(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "graphml", mixed_edges=True).values()
    graph = ET.fromstring(content).find("g:graph", GRAPHML_NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    assert sorted(graphml_edges(content)) == [
        ("acme", "cluster", None),
        ("acme", "proj", "false"),
        ("cluster", "proj", None),
    ]


def test_mixed_gexf_keeps_the_directed_attribute(mixed_dir):
    """The attribute stays in a mixed file too, so a style or a filter can use it."""
    (content,) = export_files(load_graph(mixed_dir), "gexf", mixed_edges=True).values()
    values = {
        (edge.get("source"), edge.get("target")): value.get("value")
        for edge in ET.fromstring(content).iterfind("g:graph/g:edges/g:edge", GEXF_NS)
        for value in edge.iterfind("g:attvalues/g:attvalue[@for='directed']", GEXF_NS)
    }
    assert values == {
        ("acme", "cluster"): "true",
        ("cluster", "proj"): "true",
        ("acme", "proj"): "false",
    }


def test_mixed_graphml_keeps_the_directed_attribute(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "graphml", mixed_edges=True).values()
    root = ET.fromstring(content)
    (key,) = [
        k.get("id") for k in root.iterfind("g:key", GRAPHML_NS) if k.get("attr.name") == "directed"
    ]
    values = {
        # As GraphML's schema types a boolean (XML Schema's true and false), not as Python
        # prints one.
        (edge.get("source"), edge.get("target")): data.text
        for edge in root.iterfind("g:graph/g:edge", GRAPHML_NS)
        for data in edge.iterfind(f"g:data[@key='{key}']", GRAPHML_NS)
    }
    assert values == {
        ("acme", "cluster"): "true",
        ("cluster", "proj"): "true",
        ("acme", "proj"): "false",
    }


@pytest.mark.parametrize(("fmt", "reader"), [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_networkx_reads_the_default_export_and_refuses_the_mixed_one(fmt, reader, mixed_dir):
    graph = load_graph(mixed_dir)
    (plain,) = export_files(graph, fmt).values()
    assert reader(io.BytesIO(plain)).number_of_edges() == 3
    (mixed,) = export_files(graph, fmt, mixed_edges=True).values()
    with pytest.raises(nx.NetworkXError):
        reader(io.BytesIO(mixed))


def test_igraph_reads_the_mixed_graphml_with_the_same_counts(shipped_graph, tmp_path):
    igraph = pytest.importorskip("igraph")
    (path,) = export_graph(shipped_graph, "graphml", tmp_path / "mixed.graphml", mixed_edges=True)
    read = igraph.Graph.Read_GraphML(str(path))
    assert (read.vcount(), read.ecount()) == (
        shipped_graph.number_of_nodes(),
        shipped_graph.number_of_edges(),
    )


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_mixed_exports_round_trip(fmt, mixed_dir, tmp_path):
    graph = load_graph(mixed_dir)
    (path,) = export_graph(graph, fmt, tmp_path / f"mixed.{fmt}", mixed_edges=True)
    import_files(fmt, [path], tmp_path / "imported")
    back = load_graph(tmp_path / "imported")
    assert entities(back) == entities(graph)
    assert relations(back) == relations(graph)
    (edge,) = [d for _, _, d in back.edges(data=True) if d["type"] == "collaborates_with"]
    assert edge["role"] == "supplier"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_shipped_data_round_trips_through_mixed_exports(fmt, shipped_graph, tmp_path):
    (path,) = export_graph(shipped_graph, fmt, tmp_path / f"mixed.{fmt}", mixed_edges=True)
    import_files(fmt, [path], tmp_path / "imported")
    back = load_graph(tmp_path / "imported")
    assert entities(back) == entities(shipped_graph)
    assert relations(back) == relations(shipped_graph)


def test_formats_without_mixed_graphs_refuse_the_option(mixed_dir):
    with pytest.raises(ValueError, match="cyjs has no mixed graphs"):
        export_files(load_graph(mixed_dir), "cyjs", mixed_edges=True)


def test_the_command_writes_a_mixed_graph(mixed_dir):
    code, out, _ = run("export", "gexf", "--data", str(mixed_dir), "--mixed-edges")
    assert code == 0
    assert out.count('type="undirected"') == 1


def test_the_command_refuses_the_option_for_other_formats(mixed_dir, tmp_path):
    code, _, err = run(
        "export",
        "kumu",
        "--data",
        str(mixed_dir),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--mixed-edges",
    )
    assert code == 2
    assert "--mixed-edges applies to gexf and graphml only, not kumu" in err
    assert not (tmp_path / "x.xlsx").exists()


def directions(reader, path: Path) -> list[tuple[str, str, bool]]:
    """(source, target, directed) of every edge ``reader`` hands the importer."""
    problems: list[Problem] = []
    builder = GraphImport(Report("test", [path.name]), problems, default_type="association")
    reader(path, builder, problems)
    assert problems == []
    return [(edge.source, edge.target, edge.directed) for edge in builder.edges]


def test_graphml_reader_takes_each_edge_direction_over_the_default(tmp_path):
    path = tmp_path / "mixed.graphml"
    path.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="undirected">'
        '<node id="a"/><node id="b"/><node id="c"/>'
        '<edge source="a" target="b"/>'
        '<edge source="b" target="c" directed="true"/>'
        "</graph>"
        '<graph edgedefault="directed">'
        '<node id="d"/><node id="e"/>'
        '<edge source="d" target="e"/>'
        '<edge source="e" target="d" directed="false"/>'
        "</graph></graphml>",
        encoding="utf-8",
    )
    assert directions(read_graphml, path) == [
        ("a", "b", False),
        ("b", "c", True),
        ("d", "e", True),
        ("e", "d", False),
    ]


def test_gexf_reader_takes_each_edge_type_over_the_default(tmp_path):
    path = tmp_path / "mixed.gexf"
    path.write_text(
        '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph>'
        '<nodes><node id="a"/><node id="b"/><node id="c"/></nodes>'
        '<edges><edge source="a" target="b"/>'
        '<edge source="b" target="c" type="directed"/></edges>'
        "</graph></gexf>",
        encoding="utf-8",
    )
    # Without defaultedgetype, GEXF's edges are undirected.
    assert directions(read_gexf, path) == [("a", "b", False), ("b", "c", True)]


def test_graphml_booleans_are_written_as_its_schema_types_them(mixed_dir):
    (content,) = export_files(load_graph(mixed_dir), "graphml").values()
    root = ET.fromstring(content)
    booleans = {
        k.get("id") for k in root.iterfind("g:key", GRAPHML_NS) if k.get("attr.type") == "boolean"
    }
    written = {
        data.text for data in root.iter(f"{{{GRAPHML_NS['g']}}}data") if data.get("key") in booleans
    }
    assert booleans and written == {"true", "false"}
    read = nx.read_graphml(io.BytesIO(content))
    assert {(u, v, d["directed"]) for u, v, d in read.edges(data=True)} == {
        ("acme", "cluster", True),
        ("cluster", "proj", True),
        ("acme", "proj", False),
    }
