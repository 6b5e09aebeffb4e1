"""Each import format on files in the layouts the tools write: Gephi's GEXF 1.1 (the Les
Misérables sample), 1.2 and 1.3, GraphML from Gephi, Cytoscape and yEd, Cytoscape.js JSON, Kumu
workbooks and CSV files. Known answers: names, types, relations, evidence naming file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecosystem.graph import load_graph
from ecosystem.interchange import import_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interchange"


def imported(fmt: str, *names: str, folder: Path, **options):
    report = import_files(fmt, [FIXTURES / name for name in names], folder, **options)
    return report, load_graph(folder)


def by_type(graph, kind: str) -> set[tuple[str, str]]:
    return {(s, t) for s, t, d in graph.edges(data=True) if d["type"] == kind}


def test_les_miserables_gexf_1_1_from_gephi(tmp_path):
    report, graph = imported("gexf", "LesMiserables.gexf", folder=tmp_path, default_type="person")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (77, 254)
    assert graph.nodes["valjean"]["name"] == "Valjean"
    assert {data["type"] for _, data in graph.nodes(data=True)} == {"person"}
    assert ("napoleon", "myriel") in by_type(graph, "collaborates_with")
    first = graph.edges["napoleon", "myriel", "r2"]
    assert first["evidence"] == (
        'Imported from LesMiserables.gexf <edge id="0"> line 87: Napoleon collaborates with Myriel'
    )
    assert first["doc"] == "LesMiserables.gexf"
    assert report.mappings[("entity", "(none)", "person", "fallback")] == 77
    assert report.dropped["edge attribute 'weight'"] > 0


def test_gephi_0_9_gexf_1_2_with_attributes_and_viz(tmp_path):
    report, graph = imported("gexf", "gephi-0.9-v1.2.gexf", folder=tmp_path)
    names = {data["name"]: (node, data["type"]) for node, data in graph.nodes(data=True)}
    assert names == {
        "Iberian Sustainable Mining Cluster": ("iberian-sustainable-mining-cluster", "cluster"),
        "Universidad de León": ("universidad-de-leon", "research"),
        "Pizarras Matacouta": ("pizarras-matacouta", "company"),
        "Friends of the Earth & Mining": ("friends-of-the-earth-mining", "association"),
        "Bierzo Geopark": ("bierzo-geopark", "association"),
    }
    assert graph.nodes["iberian-sustainable-mining-cluster"]["country"] == "ES"
    assert ("pizarras-matacouta", "iberian-sustainable-mining-cluster") in by_type(
        graph, "member_of"
    )
    assert ("pizarras-matacouta", "bierzo-geopark") in by_type(graph, "located_in")
    assert report.mappings[("entity", "Landmark", "association", "fallback")] == 1
    assert report.mappings[("relation", "inspires", "collaborates_with", "fallback")] == 1
    assert report.dropped["node attribute 'Modularity Class'"] == 5
    assert any("viz data" in note and "5 node(s)" in note for note in report.notes)


def test_gephi_0_10_gexf_1_3(tmp_path):
    _, graph = imported("gexf", "gephi-0.10-v1.3.gexf", folder=tmp_path)
    assert graph.nodes["junta"]["type"] == "government"  # "Regional government"
    assert graph.nodes["ade"]["type"] == "government"  # "Public agency"
    assert graph.nodes["digital-twins-pilot"]["type"] == "project"  # "Projects"
    assert graph.nodes["junta"]["url"] == "https://www.jcyl.es"
    (funds,) = [d for s, t, d in graph.edges(data=True) if d["type"] == "funds"]
    assert (funds["start"], funds["amount_eur"]) == ("2023-02", "250000")
    assert by_type(graph, "governs") == {("junta", "ade")}


def test_gephi_graphml(tmp_path):
    report, graph = imported("graphml", "gephi.graphml", folder=tmp_path)
    assert {node: data["type"] for node, data in graph.nodes(data=True)} == {
        "ismc": "cluster",
        "xeridia": "company",
        "mining-europe-forum": "event",
    }
    assert by_type(graph, "member_of") == {("xeridia", "ismc")}
    assert by_type(graph, "organises") == {("ismc", "mining-europe-forum")}
    # Gephi writes layout as data: not reported as lost data.
    assert not any("'x'" in what or "'size'" in what for what in report.dropped)


def test_cytoscape_graphml(tmp_path):
    report, graph = imported("graphml", "cytoscape.graphml", folder=tmp_path)
    assert set(graph) == {"icamcyl", "ismc", "santiago-cuesta-lopez"}
    assert graph.nodes["santiago-cuesta-lopez"]["name"] == "Santiago Cuesta López"
    (leads,) = [d for s, t, d in graph.edges(data=True) if d["type"] == "leads"]
    assert leads["role"] == "director"
    assert not report.dropped  # SUIDs, selection and Cytoscape's edge names are bookkeeping


def test_yed_graphml_labels_and_groups(tmp_path):
    _, graph = imported("graphml", "yed.graphml", folder=tmp_path, default_type="site")
    names = {data["name"] for _, data in graph.nodes(data=True)}
    assert names == {"ISMC", "León Technology Park", "ISMC innovation office"}
    assert graph.nodes["ismc"]["url"] == "https://www.ismc.es"
    assert graph.nodes["ismc"]["description"] == "Cluster based in the León Technology Park."
    assert by_type(graph, "part_of") == {("ismc-innovation-office", "ismc")}
    assert by_type(graph, "located_in") == {("ismc-innovation-office", "leon-technology-park")}


def test_cytoscape_desktop_cyjs(tmp_path):
    _, graph = imported("cyjs", "cytoscape.cyjs", folder=tmp_path)
    assert set(graph) == {"icamcyl", "horizon-europe", "resilex"}
    assert graph.nodes["horizon-europe"]["type"] == "programme"
    assert graph.nodes["icamcyl"]["aliases"] == (
        "ICAMCYL Foundation|International Center for Advanced Materials and Raw Materials"
    )
    (funds,) = [d for s, t, d in graph.edges(data=True) if d["type"] == "funds"]
    assert funds["amount_eur"] == "10499987.5"
    assert funds["evidence"].startswith("Imported from cytoscape.cyjs elements.edges[0]")
    assert by_type(graph, "collaborates_with") == {("icamcyl", "resilex")}  # "pp"


def test_cytoscape_js_element_list(tmp_path):
    _, graph = imported("cyjs", "cytoscape-js.json", folder=tmp_path)
    assert graph.nodes["leon"]["name"] == "León"
    assert by_type(graph, "located_in") == {("ismc", "leon")}


def test_kumu_workbook(tmp_path):
    report, graph = imported("kumu", "kumu/stakeholders.xlsx", folder=tmp_path)
    assert graph.nodes["icamcyl"]["type"] == "foundation"
    assert graph.nodes["maria-perez"]["type"] == "person"  # from its tag
    (coordinates,) = [d for s, t, d in graph.edges(data=True) if d["type"] == "coordinates"]
    assert coordinates["role"] == "lead partner"  # Kumu's connection Label
    assert coordinates["start"] == "2022-09-01"  # a date cell
    assert coordinates["amount_eur"] == "4500000.5"
    assert coordinates["evidence"].startswith(
        "Imported from stakeholders.xlsx sheet Connections row 2: ICAMCyL coordinates I4-GREEN"
    )
    assert report.dropped["node attribute 'Founded'"] == 1
    assert "Notes (ignore)" not in " ".join(report.notes)


def test_kumu_csv_pair(tmp_path):
    report, graph = imported("kumu", "kumu/connections.csv", "kumu/elements.csv", folder=tmp_path)
    assert graph.nodes["raw-materials-week"]["type"] == "event"  # from its tags
    assert graph.nodes["ismc"]["url"] == "https://www.ismc.es"  # Website
    # "A|B" in To: one connection to each
    assert by_type(graph, "speaks_at") == {
        ("santiago-cuesta-lopez", "raw-materials-week"),
        ("santiago-cuesta-lopez", "ismc"),
    }
    # ICAMCyL is named only in a connection: created, as Kumu does.
    assert "icamcyl" in graph
    assert any("named only in connections" in note for note in report.notes)


def test_csv_pair_of_another_dataset(tiny_dir, tmp_path):
    report = import_files(
        "csv", [tiny_dir / "relations.csv", tiny_dir / "entities.csv"], tmp_path / "copy"
    )
    assert (report.entities_added, report.relations_added) == (3, 2)
    assert (tmp_path / "copy" / "entities.csv").read_bytes() == (
        tiny_dir / "entities.csv"
    ).read_bytes()


def test_file_names_are_made_safe_for_doc(tmp_path):
    source = tmp_path / "Les Misérables (copy).gexf"
    shutil.copy(FIXTURES / "LesMiserables.gexf", source)
    import_files("gexf", [source], tmp_path / "data")
    graph = load_graph(tmp_path / "data")
    docs = {data["doc"] for *_, data in graph.edges(data=True)}
    assert docs == {"Les_Miserables_copy_.gexf"}


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("gexf", "LesMiserables.gexf"),
        ("gexf", "gephi-0.9-v1.2.gexf"),
        ("graphml", "yed.graphml"),
        ("cyjs", "cytoscape.cyjs"),
        ("kumu", "kumu/stakeholders.xlsx"),
    ],
)
def test_importing_the_same_file_twice_adds_nothing(fmt, name, tmp_path):
    first = import_files(fmt, [FIXTURES / name], tmp_path)
    before = (tmp_path / "relations.csv").read_bytes()
    again = import_files(fmt, [FIXTURES / name], tmp_path)
    assert again.entities_added == again.relations_added == 0
    assert again.relations_present == first.relations_added
    assert len(again.matched) == first.entities_added
    assert (tmp_path / "relations.csv").read_bytes() == before


def test_the_writers_mark_what_had_ended_whichever_row_comes_first():
    import io

    import networkx as nx
    import openpyxl

    from ecosystem.analysis.timeline import as_of, parse_when
    from ecosystem.interchange import gexf, kumu
    from ecosystem.interchange.exporter import tables

    entities, relations = tables(as_of(load_graph(), parse_when("2025-06")))
    ended = next(i for i, row in enumerate(relations) if row["past"] == "true")
    rows = [relations[ended], *relations[:ended], *relations[ended + 1 :]]
    del rows[1]["past"]  # a row told nothing, after one that had ended
    assert rows[1] is not relations[ended]
    count = sum(row.get("past") == "true" for row in rows)
    for order in (rows, rows[1:] + rows[:1]):
        graph = nx.read_gexf(io.BytesIO(gexf.write(entities, order, {})))
        marks = [data.get("past") for *_, data in graph.edges(data=True)]
        assert marks.count(True) == count > 0 and marks.count(None) == 1
        sheet = openpyxl.load_workbook(io.BytesIO(kumu.write(entities, order, {})))["Connections"]
        header, *cells = list(sheet.iter_rows(values_only=True))
        assert [row[header.index("Past")] for row in cells].count("yes") == count
