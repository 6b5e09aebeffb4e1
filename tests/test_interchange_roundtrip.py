"""Export then import gives the same graph back, in every format, for the shipped data and a
tiny one; and the exports are files other readers accept."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest

from ecosystem.analysis.centrality import METRICS
from ecosystem.graph import load_graph
from ecosystem.interchange import EXPORT_FORMATS, export_files, export_graph, import_files
from tests.interchange_helpers import entities, relations

OUT_NAMES = {
    "gexf": "network.gexf",
    "graphml": "network.graphml",
    "cyjs": "network.cyjs",
    "csv": "pair",
    "kumu": "network.xlsx",
}


def round_trip(graph: nx.MultiDiGraph, fmt: str, folder: Path, **options) -> nx.MultiDiGraph:
    paths = export_graph(graph, fmt, folder / OUT_NAMES[fmt], **options)
    import_files(fmt, paths, folder / "imported")
    return load_graph(folder / "imported")


def test_every_export_format_is_round_tripped_here():
    assert set(OUT_NAMES) == set(EXPORT_FORMATS)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_shipped_data_round_trips(fmt, shipped_graph, tmp_path):
    back = round_trip(shipped_graph, fmt, tmp_path)
    assert entities(back) == entities(shipped_graph)
    assert relations(back) == relations(shipped_graph)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_tiny_data_round_trips(fmt, tiny_dir, tmp_path):
    graph = load_graph(tiny_dir)
    back = round_trip(graph, fmt, tmp_path)
    assert entities(back) == entities(graph)
    assert relations(back) == relations(graph)
    assert back.nodes["cluster"]["aliases"] == "MC|The Cluster"
    (edge,) = [d for s, t, d in back.edges(data=True) if d["type"] == "coordinates"]
    assert (edge["start"], edge["amount_eur"]) == ("2023-01-01", "1000000")


def test_gexf_1_2_round_trips(shipped_graph, tmp_path):
    back = round_trip(shipped_graph, "gexf", tmp_path, gexf_version="1.2")
    assert entities(back) == entities(shipped_graph)
    assert relations(back) == relations(shipped_graph)


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(tiny_dir, tmp_path):
    graph = load_graph(tiny_dir)
    graph.nodes["acme"]["description"] = "=HYPERLINK('http://example.com')"
    back = round_trip(graph, "kumu", tmp_path)
    assert back.nodes["acme"]["description"] == "=HYPERLINK('http://example.com')"


def test_importing_an_export_into_its_own_dataset_changes_nothing(tiny_dir, tmp_path):
    before = {name: (tiny_dir / name).read_bytes() for name in ("entities.csv", "relations.csv")}
    (path,) = export_graph(load_graph(tiny_dir), "gexf", tmp_path / "tiny.gexf")
    report = import_files("gexf", [path], tiny_dir)
    assert report.entities_added == report.relations_added == 0
    assert report.relations_present == 2
    assert {m["by"] for m in report.matched} == {"id"}
    assert report.written == []
    after = {name: (tiny_dir / name).read_bytes() for name in before}
    assert after == before


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_networkx_reads_the_gexf_with_types_and_every_metric(version, shipped_graph):
    (content,) = export_files(shipped_graph, "gexf", gexf_version=version).values()
    graph = nx.read_gexf(io.BytesIO(content))
    assert graph.number_of_nodes() == shipped_graph.number_of_nodes()
    assert graph.number_of_edges() == shipped_graph.number_of_edges()
    ismc = graph.nodes["ismc"]
    assert ismc["type"] == "cluster"
    assert ismc["label"] == "Iberian Sustainable Mining Cluster"
    assert set(METRICS) <= set(ismc)
    assert ismc["degree"] > 0
    assert ismc["viz"]["color"] == {"r": 213, "g": 94, "b": 0, "a": 1.0}
    types = {data["relation type"] for *_, data in graph.edges(data=True)}
    assert types == {data["type"] for *_, data in shipped_graph.edges(data=True)}


def test_gexf_declares_its_version_namespace(tiny_dir):
    graph = load_graph(tiny_dir)
    (v13,) = export_files(graph, "gexf").values()
    (v12,) = export_files(graph, "gexf", gexf_version="1.2").values()
    assert b'xmlns="http://gexf.net/1.3"' in v13
    assert b'version="1.3"' in v13
    assert b'xmlns="http://www.gexf.net/1.2draft"' in v12


def test_networkx_reads_the_graphml_with_every_metric(shipped_graph):
    (content,) = export_files(shipped_graph, "graphml").values()
    graph = nx.read_graphml(io.BytesIO(content))
    assert graph.number_of_edges() == shipped_graph.number_of_edges()
    assert set(METRICS) <= set(graph.nodes["ismc"])
    assert graph.nodes["ismc"]["type"] == "cluster"


def test_cyjs_is_cytoscape_desktop_layout(tiny_dir):
    import json

    (content,) = export_files(load_graph(tiny_dir), "cyjs").values()
    document = json.loads(content)
    assert document["format_version"] == "1.0"
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    assert nodes["cluster"]["name"] == "Mining Cluster"
    assert set(METRICS) <= set(nodes["cluster"])
    interactions = sorted(e["data"]["interaction"] for e in document["elements"]["edges"])
    assert interactions == ["coordinates", "member_of"]


def test_kumu_workbook_has_kumus_columns_first(tiny_dir, tmp_path):
    from openpyxl import load_workbook

    (path,) = export_graph(load_graph(tiny_dir), "kumu", tmp_path / "tiny.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Elements", "Connections"]
    elements = list(book["Elements"].values)
    connections = list(book["Connections"].values)
    assert elements[0][:3] == ("ID", "Label", "Type")
    assert connections[0][:4] == ("ID", "From", "To", "Type")
    assert elements[1][:3] == ("acme", "Acme Mining", "company")
    ids = [row[0] for row in elements[1:]] + [row[0] for row in connections[1:]]
    assert len(set(ids)) == len(ids)  # Kumu wants ids unique across both sheets


def test_metrics_the_caller_has_are_used_as_given(tiny_dir):
    graph = load_graph(tiny_dir)
    given = {"degree": {"acme": 0.25, "cluster": 0.5, "proj": 0.75}}
    (content,) = export_files(graph, "graphml", scores=given).values()
    read = nx.read_graphml(io.BytesIO(content))
    assert read.nodes["proj"]["degree"] == 0.75
    assert "betweenness" not in read.nodes["proj"]


def test_a_formula_like_text_is_written_as_a_text_cell_not_a_formula():
    from openpyxl import load_workbook

    from ecosystem.interchange import kumu

    entity = dict.fromkeys(("id", "name", "type", "description", "aliases", "country", "url"), "")
    entity.update(id="acme", name="=1+1", type="company", description="plain")
    book = load_workbook(io.BytesIO(kumu.write([entity], [], {})))
    cells = {cell.value: cell.data_type for row in book["Elements"].iter_rows() for cell in row}
    assert cells["=1+1"] == "s" and cells["plain"] == "s"
