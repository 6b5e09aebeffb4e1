"""The panels on the shipped data: what the handlers return for what a client sends."""

from __future__ import annotations

import base64
import csv
import importlib
import io

import networkx as nx
import pytest

from ecosystem.elements import (
    LABELLED_HIGHLIGHT,
    Highlight,
    base_stylesheet,
    node_elements,
    short_label,
)
from ecosystem.explorer import build_model, visible
from ecosystem.web import details, export, network, paths, presenter, source, synergy, url
from ecosystem.web.spec import BadInput, ViewState, encode_url, from_client, parse_url


@pytest.fixture(scope="module")
def model(shipped_graph):
    return build_model(shipped_graph)


def test_importing_the_app_builds_nothing():
    module = importlib.reload(importlib.import_module("ecosystem.app"))
    assert not [name for name, value in vars(module).items() if type(value).__name__ == "Dash"]


def test_model_is_read_only(model):
    with pytest.raises(nx.NetworkXError):
        model.view.add_node("intruder")
    with pytest.raises(TypeError):
        model.metrics["degree"]["ismc"] = 0  # type: ignore[index]


def test_layout_is_the_same_every_time(shipped_graph, model):
    assert build_model(shipped_graph).layout == model.layout


def test_url_state_round_trips(model):
    state = ViewState(
        selected="ismc",
        path_from="pizarras-la-bana",
        path_to="dg-grow",
        types=("company", "cluster"),
        relations=("member_of",),
        min_degree=2,
        hops=1,
        metric="betweenness",
        presenter=True,
        colour="community",
        layout="circle",
    )
    assert parse_url(model, encode_url(state)) == state


@pytest.mark.parametrize(
    "query",
    [
        "?sel=<script>alert(1)</script>",
        "?hops=99&deg=-5&metric=__class__&types=company,<b>,company",
        "?" + "x" * 100_000,
        "?sel=ismc&sel=icamcyl&%ZZ=%",
    ],
)
def test_hostile_url_gives_a_valid_state(model, query):
    state = parse_url(model, query)
    assert state.selected in (None, "ismc")
    assert 0 <= state.hops <= 3
    assert state.min_degree >= 0
    assert state.metric in model.metrics
    assert set(state.types) <= {"company"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("selected", {"id": "ismc"}),
        ("path_from", 3),
        ("types", "company"),
        ("relations", [1, "founded"]),
        ("min_degree", True),
        ("min_degree", float("nan")),
        ("hops", float("inf")),
        ("metric", ["degree"]),
        ("presenter", "yes"),
        ("avoid_hubs", "avoid"),
        ("link", ["ismc"]),
    ],
)
def test_client_values_no_control_holds_are_refused(model, field, value):
    with pytest.raises(BadInput):
        from_client(model, {field: value})


def test_client_values_are_cleaned(model):
    state = from_client(
        model,
        {"selected": "nobody", "types": ["company", "<b>", "company"], "hops": 9, "min_degree": -4},
    )
    assert state == ViewState(types=("company",), hops=3)


def test_filters_and_counts(model):
    state = ViewState(types=("company",))
    elements, counts = network.handle_elements(model, state)
    nodes = [e for e in elements if "source" not in e["data"]]
    assert {e["data"]["type"] for e in nodes} == {"company"}
    companies = sum(1 for _, d in model.view.nodes(data=True) if d["type"] == "company")
    assert len(nodes) == companies
    assert counts.startswith(f"Showing {companies} of {model.view.number_of_nodes()} entities")


def test_neighbourhood_filter_keeps_the_selection_and_its_neighbours(model):
    shown = visible(model, ViewState(selected="pizarras-la-bana", hops=1))
    assert set(shown.nodes) == {"pizarras-la-bana", *model.view["pizarras-la-bana"]}


def test_minimum_degree_filter(model):
    shown = visible(model, ViewState(min_degree=10))
    assert shown.nodes
    assert all(model.view.degree(node) >= 10 for node in shown.nodes)


def test_relation_type_filter_keeps_only_those_links(model):
    elements, _ = network.handle_elements(model, ViewState(relations=("founded",)))
    edges = [e for e in elements if "source" in e["data"]]
    assert edges
    assert all("founded" in e["data"]["types"].split() for e in edges)


def test_path_highlight_marks_exactly_the_path(model):
    view = ViewState(path_from="pizarras-la-bana", path_to="dg-grow")
    panel, store, _choices = paths.handle_path(model, view)
    marked = network.highlight(model, ViewState(), store, None)
    elements, _ = network.handle_elements(model, ViewState(), highlight=marked)
    nodes = [e for e in elements if "source" not in e["data"]]
    assert {e["data"]["id"] for e in nodes if "marked" in e["classes"].split()} == set(
        store["nodes"]
    )
    assert list(marked.nodes) == store["nodes"]
    assert panel


def test_path_messages_instead_of_errors(model):
    panel, store, _ = paths.handle_path(model, ViewState(path_from="ismc", path_to="ismc"))
    assert store is None
    assert "both ends" in str(panel)
    panel, store, _ = paths.handle_path(model, ViewState(path_to="ismc"))
    assert store is None and "Choose two entities" in str(panel)


def test_synergy_pick_highlights_shared_neighbours_and_path(model):
    result = synergy.handle_pick(
        model, ViewState(selected="ismc", pick="technology-minerals-europe")
    )
    shared = set(model.view["ismc"]) & set(model.view["technology-minerals-europe"])
    assert shared <= set(result["nodes"])
    assert {"ismc", "technology-minerals-europe"} <= set(result["nodes"])
    assert synergy.handle_pick(model, ViewState(selected="ismc")) is None


def test_next_and_previous_step_through_the_highlight():
    assert presenter.step(["a", "b", "c"], "b", 1) == "c"
    assert presenter.step(["a", "b", "c"], "a", -1) == "c"
    assert presenter.step(["a", "b", "c"], None, 1) == "a"
    assert presenter.step([], "a", 1) == "a"


def test_entity_options_accent_insensitive_and_keep_the_value(model):
    options = url.entity_options(model, "bana", "ismc")
    values = [o["value"] for o in options]
    assert values[0] == "ismc"
    assert "pizarras-la-bana" in values
    assert url.entity_options(model, 42, None) == []


def test_edge_click_shows_the_relations_behind_the_link(model):
    panel = details.handle_details(model, ViewState(selected="ismc", link=("icamcyl", "ismc")))
    assert "funds" in str(panel) and "governs" in str(panel)


def test_csv_export_neutralises_spreadsheet_formulas(shipped_graph):
    graph = shipped_graph.copy()
    graph.nodes["ismc"]["name"] = '=HYPERLINK("http://x")'
    model = build_model(graph)
    rows = list(csv.DictReader(io.StringIO(export.export_csv(model, ViewState()))))
    names = {row["source_name"] for row in rows if row["source"] == "ismc"}
    assert names == {'\'=HYPERLINK("http://x")'}
    assert len(rows) == graph.number_of_edges()


def _downloaded(model, state, fmt) -> bytes:
    download = export.export_download(model, state, fmt)
    assert download["base64"] is True
    return base64.b64decode(download["content"])


def test_graphml_export_reads_back_with_metrics(model):
    content = _downloaded(model, ViewState(types=("company", "cluster")), "graphml")
    graph = nx.read_graphml(io.BytesIO(content))
    assert set(nx.get_node_attributes(graph, "type").values()) == {"company", "cluster"}
    assert float(graph.nodes["ismc"]["betweenness"]) == pytest.approx(
        model.metrics["betweenness"]["ismc"]
    )


def test_gexf_export_holds_the_visible_network(model):
    graph = nx.read_gexf(io.BytesIO(_downloaded(model, ViewState(types=("company",)), "gexf")))
    companies = sum(1 for _, d in model.view.nodes(data=True) if d["type"] == "company")
    assert graph.number_of_nodes() == companies


def test_cytoscape_and_kumu_exports_open(model):
    import json

    import openpyxl

    elements = json.loads(_downloaded(model, ViewState(), "cyjs"))
    assert elements
    book = openpyxl.load_workbook(io.BytesIO(_downloaded(model, ViewState(), "kumu")))
    assert {"Elements", "Connections"} <= set(book.sheetnames)


def test_source_page_escapes_and_marks_the_excerpt(model):
    (line,) = [
        d["line"]
        for _, t, d in model.graph.out_edges("icamcyl", data=True)
        if t == "ismc" and d["type"] == "funds"
    ]
    page, status = source.source_page(model, "004_fd79ff072601a70f.txt", str(line))
    assert status == 200
    assert '<mark id="excerpt">ICAMCyL has funded the Iberian Sustainable Mining Cluster' in page
    assert "<script" not in page


@pytest.mark.parametrize("doc", ["../../etc/passwd", "unknown.txt", "%2e%2e/entities.csv"])
def test_source_page_serves_only_cited_documents(model, doc):
    _page, status = source.source_page(model, doc, None)
    assert status == 404


def test_short_labels_prefer_acronyms():
    assert short_label("Directorate-General for Internal Market", "DG GROW|Growth") == "DG GROW"


def test_a_breadthfirst_layout_roots_at_the_selection_whatever_its_id_holds():
    chosen = network.handle_layout(ViewState(layout="breadthfirst", selected='a"]; node{'))
    assert chosen["roots"] == '[id = "a\\"]; node{"]'


def test_exports_take_the_relations_behind_the_links_on_screen(model):
    whole = export.visible_subgraph(model, ViewState())
    assert whole.number_of_edges() == model.graph.number_of_edges()
    founded = export.visible_subgraph(model, ViewState(relations=("founded",)))
    assert founded.number_of_edges() == model.relation_counts["founded"]
    assert {data["type"] for *_, data in founded.edges(data=True)} == {"founded"}
    lines = [data["line"] for *_, data in whole.edges(data=True)]
    assert sorted(lines) == sorted(data["line"] for *_, data in model.graph.edges(data=True))


def test_a_large_highlight_keeps_the_usual_labels_and_a_small_one_names_everyone(model):
    def named(count: int) -> set[str]:
        nodes = sorted(model.view)[:count]
        marked = Highlight(tuple(nodes))
        elements = node_elements(model.view, nodes, layout={}, sizes={}, highlight=marked)
        return {e["data"]["id"] for e in elements if "named" in e["classes"].split()}

    assert len(named(3)) == 3
    assert named(LABELLED_HIGHLIGHT + 1) == set()
    (rule,) = [r for r in base_stylesheet() if r["selector"] == "node.named"]
    assert rule["style"]["label"] == "data(label)"


@pytest.mark.parametrize("presenter", [False, True])
def test_a_named_entity_is_drawn_above_the_unnamed_and_below_a_highlight(presenter):
    sheet = base_stylesheet(presenter=presenter, overview=True)
    (named,) = [r for r in sheet if r["selector"] == "node.labelled, node.zoomed"]
    (marked,) = [r for r in sheet if r["selector"] == "node.marked"]
    (crowded,) = [r for r in sheet if r["selector"] == "node.crowded"]
    # Unnamed entities have Cytoscape's default z-index, 0: their shapes do not hide names.
    assert 0 < named["style"]["z-index"] < marked["style"]["z-index"]
    assert crowded["style"]["label"] == ""
    assert sheet.index(crowded) > sheet.index(named)  # a crowded name stays unshown


def test_the_apps_exports_name_each_source_by_its_title(model):
    graph = nx.read_graphml(io.BytesIO(_downloaded(model, ViewState(), "graphml")))
    titles = {title for *_, d in graph.edges(data=True) for title in d["doc_title"].split("|")}
    assert {
        "The RESILEX project lights the energy sector from Castilla y León",
        "Zoom on our partner : ICAMCyL",
    } <= titles


def test_the_csv_download_names_each_source_by_its_title(model):
    rows = list(csv.DictReader(io.StringIO(export.export_csv(model, ViewState()))))
    titles = {title for row in rows for title in row["doc_title"].split("|")}
    assert "Zoom on our partner : ICAMCyL" in titles
    assert all(row["doc_title"] for row in rows)
