"""Real files the tools wrote, in the formats and cases that used to fail: compressed Gephi
datasets, dynamic GEXF, country names, Gephi Lite, GML and Pajek classics, Kumu blueprints; and
the meanings that must not flip on the way in or out."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest

from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.conventions import betweenness_per_component, two_mode
from ecosystem.errors import DataError
from ecosystem.graph import load_graph
from ecosystem.interchange.duplicates import near_duplicates
from ecosystem.interchange.exporter import export_files
from ecosystem.interchange.formats import EXPORT_FORMATS, FORMATS, IMPORT_FORMATS, download
from ecosystem.interchange.importer import import_files, read_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interchange"
REAL = FIXTURES / "real"
# bytes and SHA-256 of each copy, as SOURCES.md gives them
COPIES = {
    "ht2009_15min.gexf.gz": (
        135929,
        "2d83d2c7cb75b53c5aad5005f7778c9d5e20eb06862c739db366403dc50d510e",
    ),
    "eurosis.gexf.zip": (
        128583,
        "81d611ab56545ebc00c7d4f860186118a9b6d9fc936be02159502ed9c9c54da7",
    ),
    "karate.gml.zip": (600, "85a6b143777881395a3903770593d9154083ff1037c8d19ff4050445bd48173c"),
    "netscience.gml.zip": (
        27786,
        "97fa00a54a20a1dbf10797cb75aaec46ff843a0cd843da21ae030374ce33ad4e",
    ),
    "jazz.net.zip": (16273, "22671146099821341bf9766d80ac2c103919b6e575a0874dac2ee37da8551524"),
    "gephi-lite-1.0-gephi-lite.gexf": (
        56590,
        "c3ca62ecdff012cdd5d06749c758b1dfc417cce35314fc3e76e43d65f895c6a6",
    ),
    "gephi-lite-1.0-lesmiserables-workspace.json": (
        36969,
        "36f4dcda388883640e57834e6056a78d93dd9437895302cf2ddab818e9ad711d",
    ),
    "diseasome.gexf.zip": (
        56897,
        "c917b89a0b4a8054d2c57ba37ebeb02db46a75922a29cce7f91477e8e1eb43db",
    ),
    # An extract (see SOURCES.md): id, name and NetworkAnalyzer's two columns of each node.
    "cytoscape-3.1.0-galFiltered-networkanalyzer.cyjs": (
        56391,
        "88bd9b8db4775919ea7bd1c145fc0a5bd562ce9811e8f455cddd68e73fe3e84f",
    ),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_each_copy_is_the_published_file(name):
    content = (REAL / name).read_bytes()
    assert (len(content), hashlib.sha256(content).hexdigest()) == COPIES[name]


def test_every_copy_is_listed_with_its_source():
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in sources for name in COPIES)


def imported(fmt, name, folder):
    report = import_files(fmt, [REAL / name], folder)
    return report, load_graph(folder)


def test_compressed_dynamic_gexf_imports_with_its_spells_as_dates(tmp_path):
    _, graph = imported("gexf", "ht2009_15min.gexf.gz", tmp_path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (113, 2163)
    starts = {data["start"] for *_, data in graph.edges(data=True)}
    ends = {data["end"] for *_, data in graph.edges(data=True)}
    # The spells are epoch milliseconds: the earliest and latest, read from the file itself.
    text = gzip.decompress((REAL / "ht2009_15min.gexf.gz").read_bytes()).decode()
    spells = [int(t) for t in re.findall(r'<spell end="\d+" start="(\d+)"', text)]
    spell_ends = [int(t) for t in re.findall(r'<spell end="(\d+)"', text)]
    first = datetime.fromtimestamp(min(spells) / 1000, tz=UTC).date().isoformat()
    last = datetime.fromtimestamp(max(spell_ends) / 1000, tz=UTC).date().isoformat()
    assert (min(starts), max(ends)) == (first, last) == ("2009-06-28", "2009-07-01")
    assert all(data["start"] <= data["end"] for *_, data in graph.edges(data=True))
    assert "" not in starts


def test_edge_labels_naming_their_ends_are_not_types_and_the_report_is_short(tmp_path):
    report, _ = imported("gexf", "ht2009_15min.gexf.gz", tmp_path)
    relation_mappings = [key for key in report.mappings if key[0] == "relation"]
    assert relation_mappings == [("relation", "(none)", "collaborates_with", "fallback")]
    assert report.dropped["edge label naming its two ends"] == 2163
    assert len(report.lines()) < 40
    assert "ht2009_15min.gexf read from the archive ht2009_15min.gexf.gz" in report.notes


def test_eurosis_zip_imports_with_countries_mapped_and_text_kept(tmp_path):
    report, graph = imported("gexf", "eurosis.gexf.zip", tmp_path)
    assert graph.number_of_nodes() == 1285
    countries = nx.get_node_attributes(graph, "country")
    assert sum(code == "FR" for code in countries.values()) == 151
    assert sum(code == "CZ" for code in countries.values()) == 33  # "Czech Republic"
    assert sum(code == "International" for code in countries.values()) == 47
    assert report.countries[("France", "FR")] == 151
    assert report.countries[("International", "")] == 47
    assert "'International' -> kept as text (names no country): 47" in "\n".join(report.lines())


def test_eurosis_types_map_onto_the_vocabulary(tmp_path):
    report, _ = imported("gexf", "eurosis.gexf.zip", tmp_path)
    assert report.mappings[("entity", "Universities and secondary schools", "research", "synonym")]
    assert report.mappings[("entity", "NGO-CSO", "association", "synonym")] == 184
    assert report.mappings[("entity", "International", "association", "fallback")] == 47


@pytest.mark.parametrize(
    ("fmt", "name", "nodes", "edges"),
    [
        ("gml", "karate.gml.zip", 34, 78),
        ("gml", "netscience.gml.zip", 1589, 2742),
        ("pajek", "jazz.net.zip", 198, 2742),
    ],
)
def test_classic_collections_import_with_exact_counts(fmt, name, nodes, edges, tmp_path):
    _, graph = imported(fmt, name, tmp_path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)


def test_netscience_names_come_from_gml_labels(tmp_path):
    _, graph = imported("gml", "netscience.gml.zip", tmp_path)
    assert graph.nodes["abramson-g"]["name"] == "ABRAMSON, G"


def test_gephi_lite_types_keep_their_meaning_and_fallbacks_are_reported(tmp_path):
    report, graph = imported("gexf", "gephi-lite-1.0-gephi-lite.gexf", tmp_path)
    assert report.mappings[("entity", "research group", "research", "synonym")] == 7
    assert report.mappings[("entity", "entreprise", "company", "synonym")] == 3
    assert report.mappings[("relation", "sponsored", "funds", "synonym")] == 14
    assert report.mappings[("relation", "presented at", "speaks_at", "synonym")] == 8
    assert report.mappings[("relation", "created", "founded", "synonym")] == 3
    assert report.mappings[("relation", "requires", "collaborates_with", "fallback")] == 16
    roles = [d["role"] for *_, d in graph.edges(data=True) if d["type"] == "collaborates_with"]
    assert roles.count("requires") == 16  # the words of the fallback are kept


def test_gephi_lite_workspace_json_imports(tmp_path):
    _, graph = imported("graphology", "gephi-lite-1.0-lesmiserables-workspace.json", tmp_path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (77, 254)
    assert graph.nodes["valjean"]["name"] == "Valjean"


def test_graphology_json_with_typed_edges(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(
        '{"nodes": [{"key": "thomas"}, {"key": "eric"}], "edges": [{"key": "T->E", '
        '"source": "thomas", "target": "eric", "attributes": {"type": "KNOWS"}}]}',
        encoding="utf-8",
    )
    bundle = read_files("graphology", [path])
    assert [(r.row["source"], r.row["target"], r.row["type"]) for r in bundle.relations] == [
        ("thomas", "eric", "collaborates_with")
    ]


def test_kumu_blueprint_keeps_the_reading_of_each_type(tmp_path):
    report = import_files("kumu", [FIXTURES / "kumu" / "blueprint.json"], tmp_path)
    graph = load_graph(tmp_path)
    founded = {(u, v) for u, v, d in graph.edges(data=True) if d["type"] == "founded"}
    # Drawn from PayPal to Ken Howery, it still reads "Ken Howery founded PayPal".
    assert founded == {
        ("ken-howery", "paypal"),
        ("peter-thiel", "paypal"),
        ("peter-thiel", "founders-fund"),
    }
    assert (
        report.swapped[("founded", "Employee/Founder", "drawn from the company to the person")] == 1
    )
    assert any("reversed" in note for note in report.notes)
    assert "source and target swapped" in "\n".join(report.lines())


def test_a_file_of_another_kind_is_named_for_what_it_is(tmp_path):
    with pytest.raises(DataError) as error:
        read_files("cyjs", [FIXTURES / "kumu" / "blueprint.json"])
    assert "this is a Kumu JSON blueprint" in str(error.value)
    assert "ecosystem import kumu" in str(error.value)


def test_reversed_reading_types_swap_their_ends(tmp_path):
    elements = tmp_path / "elements.csv"
    elements.write_text("Label,Type\nAcme,company\nAna Ruiz,person\n", encoding="utf-8")
    connections = tmp_path / "connections.csv"
    connections.write_text("From,To,Type\nAcme,Ana Ruiz,founded by\n", encoding="utf-8")
    bundle = read_files("kumu", [elements, connections])
    (relation,) = bundle.relations
    assert (relation.row["source"], relation.row["target"]) == ("ana-ruiz", "acme")
    assert relation.row["type"] == "founded"


def test_a_gzip_bomb_stops_at_the_limit(tmp_path):
    path = tmp_path / "big.gexf.gz"
    path.write_bytes(gzip.compress(b" " * (3 * 1024 * 1024)))
    with pytest.raises(DataError) as error:
        read_files("gexf", [path], max_bytes=1024 * 1024)
    assert "more than the import limit of 1 MB" in str(error.value)
    assert path.stat().st_size < 20_000


def test_a_zip_member_cannot_write_outside_the_folder(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../escape.gml", 'graph [ node [ id 1 label "a" ] ]')
    bundle = read_files("gml", [path])
    assert [item.row["name"] for item in bundle.entities] == ["a"]
    assert not (tmp_path.parent / "escape.gml").exists()


def test_a_damaged_gzip_is_reported(tmp_path):
    path = tmp_path / "cut.gexf.gz"
    path.write_bytes(gzip.compress(b"<gexf>" * 1000)[:100])
    with pytest.raises(DataError) as error:
        read_files("gexf", [path])
    assert "cut.gexf" in str(error.value) and "cut short" in str(error.value)


def test_near_duplicates_by_case_accents_and_spelling():
    rows = [
        {"id": "fujitsu", "name": "fujitsu"},
        {"id": "fujitsu-2", "name": "Fujitsu"},
        {"id": "ule", "name": "Universidad de León"},
        {"id": "ule-2", "name": "Universidad de Leon"},
        {"id": "nf", "name": "Neurofibromatosis"},
        {"id": "nf-2", "name": "Neurofibromatosis"},
        {"id": "esf", "name": "European Science Foundation"},
        {"id": "esf-2", "name": "European Science Fondation"},
        {"id": "other", "name": "European Space Agency"},
    ]
    pairs = {(p["id"], p["other_id"]): p["why"] for p in near_duplicates(rows)}
    assert pairs[("fujitsu", "fujitsu-2")] == "the same name but for case, accents or punctuation"
    assert pairs[("ule", "ule-2")] == "the same name but for case, accents or punctuation"
    assert pairs[("nf", "nf-2")] == "the same name"
    assert pairs[("esf", "esf-2")].startswith("close spellings")
    assert not any("other" in pair for pair in pairs)


def test_near_duplicates_are_in_the_import_report(tmp_path):
    path = tmp_path / "g.gml"
    path.write_text(
        'graph [ node [ id 1 label "fujitsu" ] node [ id 2 label "Fujitsu" ] '
        "edge [ source 1 target 2 ] ]",
        encoding="utf-8",
    )
    report = import_files("gml", [path], tmp_path / "data", dry_run=True)
    assert report.as_dict()["possible_near_duplicates"][0]["why"] == (
        "the same name but for case, accents or punctuation"
    )


def test_validate_lists_near_duplicates(tmp_path, capsys):
    from ecosystem.cli import main

    path = tmp_path / "g.gml"
    path.write_text(
        'graph [ node [ id 1 label "fujitsu" ] node [ id 2 label "Fujitsu" ] '
        "edge [ source 1 target 2 ] ]",
        encoding="utf-8",
    )
    import_files("gml", [path], tmp_path / "data")
    assert main(["validate", "--data", str(tmp_path / "data")]) == 0
    assert "possible near-duplicates, worth a look: 1" in capsys.readouterr().out


def test_exports_say_which_relations_have_no_direction():
    graph = load_graph()
    content = export_files(graph, "graphml")["ecosystem.graphml"]
    read = nx.read_graphml(io.BytesIO(content))
    assert read.number_of_edges() == graph.number_of_edges()
    kinds = {(d["type"], d["directed"]) for *_, d in read.edges(data=True)}
    assert ("collaborates_with", False) in kinds
    assert ("collaborates_with", True) not in kinds
    gexf = export_files(graph, "gexf")["ecosystem.gexf"]
    assert nx.read_gexf(io.BytesIO(gexf)).number_of_edges() == graph.number_of_edges()


def test_exports_mark_sampled_metrics():
    graph = load_graph()
    sampled = {"betweenness": "approximate, sampled from 1,000 sources"}
    gexf = export_files(graph, "gexf", methods=sampled)["ecosystem.gexf"].decode()
    assert "Sampled metrics: betweenness approximate, sampled from 1,000 sources" in gexf
    cyjs = export_files(graph, "cyjs", methods=sampled)["ecosystem.cyjs"].decode()
    assert '"sampled_metrics": {\n   "betweenness": "approximate' in cyjs
    graphml = export_files(graph, "graphml", methods=sampled)["ecosystem.graphml"]
    assert (
        "betweenness approximate" in nx.read_graphml(io.BytesIO(graphml)).graph["sampled_metrics"]
    )
    exact = export_files(graph, "gexf")["ecosystem.gexf"].decode()
    assert "Sampled metrics" not in exact


def test_the_registry_drives_the_commands_and_the_download():
    assert set(IMPORT_FORMATS) >= {"gml", "pajek", "graphology", "kumu", "gexf", "cordis"}
    assert list(EXPORT_FORMATS) == ["gexf", "graphml", "cyjs", "kumu", "csv"]
    got = download(load_graph(), "kumu")
    assert got["filename"] == FORMATS["kumu"].file_name == "ecosystem.xlsx"
    assert got["type"] == FORMATS["kumu"].media_type and got["base64"] is True
    assert base64.b64decode(got["content"])[:2] == b"PK"


# Borgatti and Halgin (2011), "Analyzing affiliation networks", the Davis southern women data:
# every woman and event, two decimals as published (the figures networkx's own tests use too).
DAVIS = {
    "degree": {
        "E8": 0.78,
        "E9": 0.67,
        "E7": 0.56,
        "Nora Fayette": 0.57,
        "Evelyn Jefferson": 0.57,
        "Theresa Anderson": 0.57,
        "E6": 0.44,
        "Sylvia Avondale": 0.50,
        "Laura Mandeville": 0.50,
        "Brenda Rogers": 0.50,
        "Katherina Rogers": 0.43,
        "E5": 0.44,
        "Helen Lloyd": 0.36,
        "E3": 0.33,
        "Ruth DeSand": 0.29,
        "Verne Sanderson": 0.29,
        "E12": 0.33,
        "Myra Liddel": 0.29,
        "E11": 0.22,
        "Eleanor Nye": 0.29,
        "Frances Anderson": 0.29,
        "Pearl Oglethorpe": 0.21,
        "E4": 0.22,
        "Charlotte McDowd": 0.29,
        "E10": 0.28,
        "Olivia Carleton": 0.14,
        "Flora Price": 0.14,
        "E2": 0.17,
        "E1": 0.17,
        "Dorothy Murchison": 0.14,
        "E13": 0.17,
        "E14": 0.17,
    },
    "betweenness": {
        "E8": 0.24,
        "E9": 0.23,
        "E7": 0.13,
        "Nora Fayette": 0.11,
        "Evelyn Jefferson": 0.10,
        "Theresa Anderson": 0.09,
        "E6": 0.07,
        "Sylvia Avondale": 0.07,
        "Laura Mandeville": 0.05,
        "Brenda Rogers": 0.05,
        "Katherina Rogers": 0.05,
        "E5": 0.04,
        "Helen Lloyd": 0.04,
        "E3": 0.02,
        "Ruth DeSand": 0.02,
        "Verne Sanderson": 0.02,
        "E12": 0.02,
        "Myra Liddel": 0.02,
        "E11": 0.02,
        "Eleanor Nye": 0.01,
        "Frances Anderson": 0.01,
        "Pearl Oglethorpe": 0.01,
        "E4": 0.01,
        "Charlotte McDowd": 0.01,
        "E10": 0.01,
        "Olivia Carleton": 0.01,
        "Flora Price": 0.01,
        "E2": 0.00,
        "E1": 0.00,
        "Dorothy Murchison": 0.00,
        "E13": 0.00,
        "E14": 0.00,
    },
    "closeness": {
        "E8": 0.85,
        "E9": 0.79,
        "E7": 0.73,
        "Nora Fayette": 0.80,
        "Evelyn Jefferson": 0.80,
        "Theresa Anderson": 0.80,
        "E6": 0.69,
        "Sylvia Avondale": 0.77,
        "Laura Mandeville": 0.73,
        "Brenda Rogers": 0.73,
        "Katherina Rogers": 0.73,
        "E5": 0.59,
        "Helen Lloyd": 0.73,
        "E3": 0.56,
        "Ruth DeSand": 0.71,
        "Verne Sanderson": 0.71,
        "E12": 0.56,
        "Myra Liddel": 0.69,
        "E11": 0.54,
        "Eleanor Nye": 0.67,
        "Frances Anderson": 0.67,
        "Pearl Oglethorpe": 0.67,
        "E4": 0.54,
        "Charlotte McDowd": 0.60,
        "E10": 0.55,
        "Olivia Carleton": 0.59,
        "Flora Price": 0.59,
        "E2": 0.52,
        "E1": 0.52,
        "Dorothy Murchison": 0.65,
        "E13": 0.52,
        "E14": 0.52,
    },
}


@pytest.mark.parametrize("metric", sorted(DAVIS))
def test_two_mode_convention_gives_the_published_davis_values(metric):
    davis = nx.davis_southern_women_graph()
    women = [n for n, d in davis.nodes(data=True) if d["bipartite"] == 0]
    scores = two_mode(davis, metric, women)
    for node, published in DAVIS[metric].items():
        assert scores[node] == pytest.approx(published, abs=0.005)


def test_per_component_betweenness_is_networkanalyzers():
    # A star of 4 leaves beside a path of 3: each centre lies on every path of its component.
    graph = nx.union(nx.star_graph(4), nx.path_graph(["a", "b", "c"]))
    per_component = betweenness_per_component(graph)
    assert per_component[0] == 1.0 and per_component["b"] == 1.0
    whole = nx.betweenness_centrality(graph)
    assert whole["b"] < 0.1  # over the whole network the path's centre looks minor


def test_clustering_is_a_metric():
    from ecosystem.analysis.centrality import centrality

    assert "clustering" in METRICS
    scores = centrality(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)]), "clustering")
    assert scores == {0: 1.0, 1: 1.0, 2: pytest.approx(1 / 3), 3: 0.0}


def gexf_file(folder: Path, graph_attributes: str, edges: str) -> Path:
    path = folder / "dynamic.gexf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
        f"<graph {graph_attributes}>\n<nodes>\n"
        '<node id="a" label="Acme"/>\n<node id="b" label="Beta"/>\n<node id="c" label="Gamma"/>\n'
        f"</nodes>\n<edges>\n{edges}</edges>\n</graph>\n</gexf>\n",
        encoding="utf-8",
    )
    return path


def relation_dates(bundle):
    return [
        (r.row["source"], r.row["target"], r.row["start"], r.row["end"]) for r in bundle.relations
    ]


def test_dated_spells_and_timestamps_become_relation_dates(tmp_path):
    path = gexf_file(
        tmp_path,
        'mode="dynamic" timeformat="date" defaultedgetype="directed"',
        '<edge id="0" source="a" target="b"><spells><spell start="2021-03-01" end="2021-06-30"/>'
        '<spell start="2019-01-15" end="2019-02-01"/></spells></edge>\n'
        '<edge id="1" source="b" target="c" timestamps="&lt;[2004, 2005]&gt;"/>\n'
        '<edge id="2" source="a" target="c" start="2012-01-12T15:00:00"/>\n',
    )
    bundle = read_files("gexf", [path])
    assert relation_dates(bundle) == [
        ("a", "b", "2019-01-15", "2021-06-30"),
        ("b", "c", "2004", "2005"),
        ("a", "c", "2012-01-12", ""),
    ]


def test_numbered_steps_are_not_dates(tmp_path):
    path = gexf_file(
        tmp_path,
        'mode="dynamic" timeformat="double"',
        '<edge id="0" source="a" target="b" start="1.0" end="3.0"/>\n',
    )
    bundle = read_files("gexf", [path])
    assert relation_dates(bundle) == [("a", "b", "", "")]
    assert any("steps, not dates" in note for note in bundle.report.notes)


def test_deeply_nested_gml_is_refused_not_recursed(tmp_path):
    path = tmp_path / "deep.gml"
    path.write_text("graph [ " + "x [ " * 10_000 + "]" * 10_001, encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_files("gml", [path])
    assert "nested more than 32 deep" in str(error.value)


def test_broken_gml_names_its_line(tmp_path):
    path = tmp_path / "broken.gml"
    path.write_text(
        'graph [\n  node [ id 1 label "a" ]\n  edge [ source 1 target ]\n]\n', encoding="utf-8"
    )
    with pytest.raises(DataError) as error:
        read_files("gml", [path])
    assert "broken.gml:3: -: not valid GML: the key 'target' has no value" in str(error.value)


def test_pajek_matrix_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "m.net"
    path.write_text('*Vertices 2\n1 "a"\n2 "b"\n*Matrix\n0 1\n1 0\n', encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_files("pajek", [path])
    assert "m.net:4: *Matrix: an adjacency matrix, which is not read" in str(error.value)


def test_pajek_labels_and_arcs(tmp_path):
    path = tmp_path / "small.net"
    path.write_text(
        '*Vertices 3\n1 "St Mary\'s" 0.1 0.2 0.5\n2 "Nome"\n*Arcs\n1 2 1\n*Edges\n2 3 4\n',
        encoding="utf-8",
    )
    bundle = read_files("pajek", [path])
    assert [e.row["name"] for e in bundle.entities] == ["St Mary's", "Nome", "3"]
    assert len(bundle.relations) == 2
    assert bundle.report.dropped["link weight"] == 1


def test_numbered_names_are_not_near_duplicates():
    rows = [
        {"id": "p1", "name": "H2020 project 205512"},
        {"id": "p2", "name": "H2020 project 205525"},
        {"id": "o1", "name": "Organisation PIC 916609552"},
        {"id": "o2", "name": "Organisation PIC 916609552"},
    ]
    pairs = near_duplicates(rows)
    assert [(p["id"], p["other_id"], p["why"]) for p in pairs] == [("o1", "o2", "the same name")]


def test_a_large_block_of_names_is_split_not_compared_all_against_all():
    from ecosystem.interchange import duplicates

    rows = [{"id": f"u{n}", "name": f"University {chr(65 + n % 26)}{n:05d} x"} for n in range(5000)]
    rows.append({"id": "twin", "name": "University A00000 x"})
    blocks = list(duplicates._blocks([(r["name"].casefold(), r) for r in rows], duplicates.PREFIX))
    assert max(len(block) for block in blocks) <= duplicates.MAX_BLOCK
    pairs = near_duplicates(rows)
    assert ("u0", "twin", "the same name") in {(p["id"], p["other_id"], p["why"]) for p in pairs}


GALFILTERED = REAL / "cytoscape-3.1.0-galFiltered-networkanalyzer.cyjs"


def galfiltered(tmp_path):
    import json

    from ecosystem.graph import simple_view

    import_files("cyjs", [GALFILTERED], tmp_path)
    view = simple_view(load_graph(tmp_path))
    printed = {
        node["data"]["name"]: node["data"]
        for node in json.loads(GALFILTERED.read_text(encoding="utf-8"))["elements"]["nodes"]
    }
    by_name = {view.nodes[node]["name"]: node for node in view}
    return view, printed, by_name


def agreeing(scores, printed, by_name, column):
    # NetworkAnalyzer prints eight decimals.
    return sum(
        round(scores[by_name[name]], 8) == pytest.approx(values[column], abs=1e-12)
        for name, values in printed.items()
    )


def test_per_component_betweenness_reproduces_networkanalyzer_on_galfiltered(tmp_path):
    view, printed, by_name = galfiltered(tmp_path)
    assert (len(view), nx.number_connected_components(view)) == (331, 26)
    per_component = betweenness_per_component(view)
    assert agreeing(per_component, printed, by_name, "BetweennessCentrality") == 331
    # Normalised over the whole network, as networkx and Gephi do, most values differ.
    whole = nx.betweenness_centrality(view)
    assert agreeing(whole, printed, by_name, "BetweennessCentrality") == 142


def test_clustering_reproduces_networkanalyzer_on_galfiltered(tmp_path):
    from ecosystem.analysis.centrality import centrality

    view, printed, by_name = galfiltered(tmp_path)
    scores = centrality(view, "clustering")
    assert agreeing(scores, printed, by_name, "ClusteringCoefficient") == 331


def test_the_centrality_command_offers_networkanalyzers_convention(tmp_path, capsys):
    from ecosystem.cli import main

    import_files("cyjs", [GALFILTERED], tmp_path)
    assert main(["centrality", "--data", str(tmp_path), "--convention", "component", "--json"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert result["convention"] == "component"
    printed = {
        node["data"]["name"]: node["data"]["BetweennessCentrality"]
        for node in json.loads(GALFILTERED.read_text(encoding="utf-8"))["elements"]["nodes"]
    }
    for row in result["ranking"]:
        assert row["value"] == pytest.approx(printed[row["name"]], abs=5e-9)


def test_sampled_metrics_are_marked_when_the_network_is_large(monkeypatch):
    from ecosystem.analysis import fast

    # The rule of networks over 5,000 entities, on the shipped data: sampling above 50
    # entities, from 20 sources.
    monkeypatch.setattr(fast, "APPROXIMATE_ABOVE", 50)
    monkeypatch.setattr(fast, "FAST_ABOVE", 50)
    monkeypatch.setattr(fast, "BETWEENNESS_SOURCES", 20)
    monkeypatch.setattr(fast, "DISTANCE_SOURCES", 20)
    gexf = export_files(load_graph(), "gexf")["ecosystem.gexf"].decode()
    assert "Sampled metrics: betweenness approximate, sampled from" in gexf
    assert "<keywords>sampled metrics: betweenness, closeness, harmonic</keywords>" in gexf


def test_scores_from_elsewhere_are_not_described_by_guess():
    graph = load_graph()
    scores = {"degree": dict.fromkeys(graph, 0.5)}
    gexf = export_files(graph, "gexf", scores=scores)["ecosystem.gexf"].decode()
    assert "Sampled metrics" not in gexf


def test_two_mode_convention_on_a_typed_network_from_the_command_line_function():
    from ecosystem.analysis.conventions import convention_scores

    davis = nx.davis_southern_women_graph()
    typed = nx.Graph()
    for node, data in davis.nodes(data=True):
        typed.add_node(node, type="person" if data["bipartite"] == 0 else "event", name=node)
    typed.add_edges_from(davis.edges())
    typed.add_edge("Evelyn Jefferson", "Laura Mandeville")  # a person-person link: left out
    view, scores = convention_scores(typed, "betweenness", "two-mode", ["person", "event"])
    assert not view.has_edge("Evelyn Jefferson", "Laura Mandeville")
    assert scores is not None
    assert scores["E8"] == pytest.approx(DAVIS["betweenness"]["E8"], abs=0.005)


def test_a_pajek_file_cannot_ask_for_a_billion_vertices(tmp_path):
    path = tmp_path / "huge.net"
    path.write_text("*Vertices 1000000000\n*Edges\n1 2\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_files("pajek", [path])
    assert "declares 1,000,000,000 vertices" in str(error.value)


@pytest.mark.parametrize(
    ("foreign", "expected"),
    [
        ("Université", ("research", "synonym")),
        ("Grupo de investigación", ("research", "synonym")),
        ("Entreprises", ("company", "synonym")),
        ("Ayuntamiento", ("government", "synonym")),
        ("Fundación", ("foundation", "synonym")),
    ],
)
def test_french_and_spanish_entity_types(foreign, expected):
    from ecosystem.interchange.vocabulary import entity_type

    assert entity_type(foreign) == expected


@pytest.mark.parametrize(
    ("foreign", "expected"),
    [
        ("membre de", ("member_of", "synonym", False)),
        ("Fondé par", ("founded", "synonym", True)),
        ("financiado por", ("funds", "synonym", True)),
        ("colabora con", ("collaborates_with", "synonym", False)),
        ("employs", ("works_for", "synonym", True)),
        ("requires", ("collaborates_with", "fallback", False)),
    ],
)
def test_french_spanish_and_reversed_relation_types(foreign, expected):
    from ecosystem.interchange.vocabulary import relation_reading

    assert relation_reading(foreign) == expected


def test_text_that_names_no_country_loads_and_a_written_out_country_does_not(tmp_path):
    from ecosystem.countries import alpha2, country_problem

    assert country_problem("International") is None
    assert country_problem("Francia") == (
        "'Francia' is a country written out, not its ISO 3166-1 alpha-2 code",
        "write FR",
    )
    assert country_problem("es") is not None  # a code written in lower case
    assert [alpha2(code) for code in ("FRA", "250", "France", "Czechia", "EL")] == [
        "FR",
        "FR",
        "FR",
        "CZ",
        "GR",
    ]


def test_adding_a_metric_changes_the_cache_key(monkeypatch):
    from ecosystem import cache
    from ecosystem.analysis import centrality
    from ecosystem.graph import simple_view

    view = simple_view(load_graph())
    before = cache.cache_key(view, "metrics", **cache._metric_options())
    assert "clustering" in cache._metric_options()["metrics"]
    monkeypatch.setitem(centrality.METRICS, "another", "a metric added later")
    assert cache.cache_key(view, "metrics", **cache._metric_options()) != before


def test_diseasome_names_its_near_duplicates(tmp_path):
    report = import_files("gexf", [REAL / "diseasome.gexf.zip"], tmp_path)
    pairs = {(d["name"], d["other_name"]): d["why"] for d in report.near_duplicates}
    assert pairs[("Neurofibromatosis", "Neurofibromatosis")] == "the same name"
    assert pairs[("Li Fraumeni syndrome", "Li-Fraumeni syndrome")] == (
        "the same name but for case, accents or punctuation"
    )
    assert pairs[("Hyperthyroidism", "Hyperthroidism")].startswith("close spellings")
    assert "possible near-duplicates in the import: 6" in report.lines()
