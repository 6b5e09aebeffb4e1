"""Imports of files that the tools themselves wrote: Gephi 0.7, 0.9 and 0.10 GEXF, Gephi's
GraphML, yEd 3.14.3 GraphML and Cytoscape 3.7.2 and 3.8.2 ``.cyjs`` exports, copied byte for byte
from public repositories (see fixtures/interchange/real/SOURCES.md).

Every expected value below was read off the file itself (counts of <node> and <edge>, labels,
ids, line numbers), never taken from what the importer produced.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ecosystem.graph import load_graph
from ecosystem.interchange import import_files

REAL = Path(__file__).resolve().parent / "fixtures" / "interchange" / "real"

# Size in bytes as the source repository stores it, and the SHA-256 of the copy: the files are
# evidence of what the tools write, so they must stay exactly as fetched.
COPIES = {
    "gephi-0.9-lesmiserables-v1.3.gexf": (
        41117,
        "c64d25c825c94db187e34ce3d5429cbb1021070185beac179497ca6bac653246",
    ),
    "gephi-lesmiserables.graphml": (
        40781,
        "1e67a1637f18fac3942c9d3d5ecb8c6a5dcb8d8d280e4983ecea781e34f9b23b",
    ),
    "gephi-0.7-standard_graph.gexf": (
        6582,
        "0737c250acaa0f6c8513dd8730a9f948981a6ab4abcabaf62c273694b11c26b9",
    ),
    "gephi-0.10-includenullattvalues.gexf": (
        871,
        "3516059be3ef02a0cb374b26171cd6d4505d99d66930e3e126ac6dba0f3f672b",
    ),
    "yed-3.14.3-gml.graphml": (
        15587,
        "6a02513518f6c5b9a3643debe01361fdf303cf6635a7f10552d1f839055e3e55",
    ),
    "cytoscape-3.7.2-smallDemo.cyjs": (
        2215,
        "f7a1e06faef788f743b7394ccc6c56e6cad9d935e9380a07faa551cd5cc342d6",
    ),
    "cytoscape-3.8.2-cyjshiny.cyjs": (
        10354,
        "e49cd1f29362317f46caab13346175d7746ea726b9bace21cc3cbd69f037ebbe",
    ),
}
FORMATS = {".gexf": "gexf", ".graphml": "graphml", ".cyjs": "cyjs"}


def imported(name: str, folder: Path, **options):
    report = import_files(FORMATS[Path(name).suffix], [REAL / name], folder, **options)
    return report, load_graph(folder)


def names(graph) -> dict[str, str]:
    return {node: data["name"] for node, data in graph.nodes(data=True)}


def named_pairs(graph) -> set[tuple[str, str]]:
    """Every relation as (source name, target name)."""
    label = names(graph)
    return {(label[s], label[t]) for s, t in graph.edges()}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_the_copies_are_byte_for_byte(name):
    size, digest = COPIES[name]
    raw = (REAL / name).read_bytes()
    assert len(raw) == size
    assert hashlib.sha256(raw).hexdigest() == digest


def test_sources_name_every_copy():
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    on_disk = {path.name for path in REAL.iterdir() if path.suffix in FORMATS}
    assert on_disk >= set(COPIES)
    # Every file kept here, whatever its format, has its row: name, size and SHA-256.
    for path in REAL.iterdir():
        if path.name in ("SOURCES.md", ".gitattributes"):
            continue
        content = path.read_bytes()
        row = next((line for line in sources.splitlines() if f"| `{path.name}` |" in line), "")
        assert f"| {len(content)} | {hashlib.sha256(content).hexdigest()} |" in row, path.name


def test_gephi_0_9_gexf_1_3_les_miserables(tmp_path):
    raw = (REAL / "gephi-0.9-lesmiserables-v1.3.gexf").read_bytes()
    assert b"<creator>Gephi 0.9</creator>" in raw
    assert b'xmlns="http://www.gexf.net/1.3" version="1.3"' in raw
    report, graph = imported("gephi-0.9-lesmiserables-v1.3.gexf", tmp_path, default_type="person")
    # 77 <node> and 254 <edge>, no loops, no repeated pair.
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (77, 254)
    assert graph.nodes["valjean"]["name"] == "Valjean"  # <node id="11" label="Valjean">
    assert "11" not in graph  # Gephi's numbers give way to the names
    assert {data["type"] for _, data in graph.nodes(data=True)} == {"person"}
    assert ("Napoleon", "Myriel") in named_pairs(graph)  # <edge id="0" source="1" target="0">
    first = graph.edges["napoleon", "myriel", "r2"]
    assert first["evidence"] == (
        'Imported from gephi-0.9-lesmiserables-v1.3.gexf <edge id="0"> line 630: '
        "Napoleon collaborates with Myriel"
    )
    # 157 edges carry a weight other than 1; every node a Modularity Class and viz data.
    assert report.dropped["edge attribute 'weight'"] == 157
    assert report.dropped["node attribute 'Modularity Class'"] == 77
    assert any("viz data" in note and "77 node(s)" in note for note in report.notes)


def test_gephi_graphml_les_miserables(tmp_path):
    report, graph = imported("gephi-lesmiserables.graphml", tmp_path, default_type="person")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (77, 254)
    assert graph.nodes["valjean"]["name"] == "Valjean"  # <node id="11">, label Valjean
    assert graph.nodes["mmehucheloup"]["name"] == "MmeHucheloup"  # <node id="76">
    assert ("Napoleon", "Myriel") in named_pairs(graph)
    assert graph.edges["napoleon", "myriel", "r2"]["evidence"] == (
        'Imported from gephi-lesmiserables.graphml <edge id="0"> line 783: '
        "Napoleon collaborates with Myriel"
    )
    # Gephi writes weight 1.0 on 97 edges (not worth a mention) and another weight on 157.
    assert report.dropped["edge attribute 'weight'"] == 157
    assert report.dropped["node attribute 'Modularity Class'"] == 77
    # r, g, b, x, y and size are layout: not reported as lost.
    assert set(report.dropped) == {"edge attribute 'weight'", "node attribute 'Modularity Class'"}


def test_gephi_0_7_gexf_with_loops_and_a_pair_in_both_directions(tmp_path):
    raw = (REAL / "gephi-0.7-standard_graph.gexf").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 204  # saved with Windows line ends
    report, graph = imported("gephi-0.7-standard_graph.gexf", tmp_path)
    # 17 nodes: n1, n2, n4 to n17 and Paris.
    assert sorted(names(graph).values()) == sorted(
        ["Paris", "n1", "n2", *(f"n{number}" for number in range(4, 18))]
    )
    assert graph.nodes["paris"]["name"] == "Paris"
    # 35 edges in an undirected graph, less the loops n17-n17 and Paris-Paris, less n16-n15
    # (the edge n15-n16 read the other way).
    assert graph.number_of_edges() == 32
    assert any("2 edge(s) from a node to itself" in note for note in report.notes)
    assert any("1 edge(s) skipped as repeats" in note for note in report.notes)
    assert graph.edges["n1", "paris", "r2"]["evidence"] == (
        'Imported from gephi-0.7-standard_graph.gexf <edge id="8"> line 167: '
        "n1 collaborates with Paris"
    )
    assert report.dropped["node attribute 'latitude'"] == 17
    assert report.dropped["node attribute 'longitude'"] == 17


def test_gephi_0_10_export_with_empty_values(tmp_path):
    report, graph = imported("gephi-0.10-includenullattvalues.gexf", tmp_path)
    # Two unlabelled nodes, "1" and "2", and one edge from 1 to 2.
    assert names(graph) == {"1": "1", "2": "2"}
    assert named_pairs(graph) == {("1", "2")}
    # Node 1's value is Gephi's "null" (no value); only node 2's 11.0 is data not kept.
    assert report.dropped["node attribute 'value'"] == 1


def test_gephi_null_is_no_value_not_the_word_null(tmp_path):
    """The same Gephi export with its column renamed to a schema column: the empty cell stays
    empty instead of becoming the text "null"."""
    text = (REAL / "gephi-0.10-includenullattvalues.gexf").read_text(encoding="utf-8")
    renamed = text.replace('title="value" type="double"', 'title="description" type="string"')
    assert renamed != text
    source = tmp_path / "described.gexf"
    source.write_text(renamed, encoding="utf-8")
    import_files("gexf", [source], tmp_path / "data")
    graph = load_graph(tmp_path / "data")
    assert graph.nodes["1"]["description"] == ""
    assert graph.nodes["2"]["description"] == "11.0"


def test_yed_3_14_3_graphml_with_a_folder_node(tmp_path):
    raw = (REAL / "yed-3.14.3-gml.graphml").read_bytes()
    assert b"<!--Created by yEd 3.14.3-->" in raw
    report, graph = imported("yed-3.14.3-gml.graphml", tmp_path)
    # Nine shape nodes labelled 1 to 9 and a folder node n9 labelled 2, like n1.
    assert sorted(names(graph).values()) == ["1", "2", "2", "3", "4", "5", "6", "7", "8", "9"]
    # e0 n6->n7, e1 n7->n4, e2 n6->n2, e3 n0->n9, e4 n5->n9, e5 n6->n1, e6 n1->n3.
    assert graph.number_of_edges() == 7
    assert named_pairs(graph) == {
        ("7", "8"),
        ("8", "5"),
        ("7", "3"),
        ("1", "2"),
        ("6", "2"),
        ("7", "2"),
        ("2", "4"),
    }
    by_name = {}
    for node, name in names(graph).items():
        by_name.setdefault(name, []).append(node)
    shape, folder = by_name["2"]  # n1 comes before n9 in the file
    assert set(graph.predecessors(folder)) == {by_name["1"][0], by_name["6"][0]}
    assert set(graph.successors(shape)) == {by_name["4"][0]}
    assert {data["type"] for _, _, data in graph.edges(data=True)} == {"collaborates_with"}
    evidence = {data["evidence"] for _, _, data in graph.edges(data=True)}
    first_to_folder = (
        'Imported from yed-3.14.3-gml.graphml <edge id="e3"> line 244: 1 collaborates with 2'
    )
    assert first_to_folder in evidence
    assert not report.dropped  # empty url and description, graphics are layout


def test_cytoscape_3_7_2_cyjs(tmp_path):
    report, graph = imported("cytoscape-3.7.2-smallDemo.cyjs", tmp_path)
    # Nodes with SUIDs 1501, 1499 and 1498 named C, B and A.
    assert names(graph) == {"a": "A", "b": "B", "c": "C"}
    assert named_pairs(graph) == {("C", "A"), ("B", "C"), ("A", "B")}
    # "regulates" (twice) and "represses" are no relation types of the schema.
    assert report.mappings[("relation", "regulates", "collaborates_with", "fallback")] == 2
    assert report.mappings[("relation", "represses", "collaborates_with", "fallback")] == 1
    assert graph.edges["c", "a", "r2"]["evidence"] == (
        "Imported from cytoscape-3.7.2-smallDemo.cyjs elements.edges[0] (1501 -> 1498): "
        "C collaborates with A (represses)"
    )
    assert not report.dropped  # SUID, shared_name, selected: Cytoscape's bookkeeping
    assert any("positions of 3 node(s)" in note for note in report.notes)


def test_cytoscape_3_8_2_cyjs_with_numbers_for_names(tmp_path):
    report, graph = imported("cytoscape-3.8.2-cyjshiny.cyjs", tmp_path)
    # 14 nodes named 1 to 14 (SUIDs 71 to 84), 16 edges, all "interacts with".
    assert sorted(names(graph).values(), key=int) == [str(number) for number in range(1, 15)]
    assert graph.number_of_edges() == 16
    assert {("1", "2"), ("9", "13"), ("13", "14")} <= named_pairs(graph)
    assert report.mappings[("relation", "interacts with", "collaborates_with", "synonym")] == 16
    assert not report.dropped  # its color column is a colour


@pytest.mark.parametrize("name", sorted(COPIES))
def test_importing_a_real_file_twice_adds_nothing(name, tmp_path):
    first, _ = imported(name, tmp_path)
    before = (tmp_path / "relations.csv").read_bytes()
    again, _ = imported(name, tmp_path)
    assert again.entities_added == again.relations_added == 0
    assert again.relations_present == first.relations_added
    assert (tmp_path / "relations.csv").read_bytes() == before
