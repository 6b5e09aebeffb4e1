"""Sources named by their titles wherever they are cited, the source page, imported relations'
rows, and the type-ahead's forgiving, importance-ranked options."""

from __future__ import annotations

import json

import pytest
from dash import html

from ecosystem.explorer import build_model
from ecosystem.graph import load_graph
from ecosystem.interchange.exporter import export_files
from ecosystem.interchange.importer import read_files
from ecosystem.web import details, paths, source, url
from ecosystem.web.components import evidence_block
from ecosystem.web.ids import ID
from ecosystem.web.spec import ViewState
from tests.helpers import TINY_RELATIONS, write_dataset

ZOOM = "004_fd79ff072601a70f.txt"
ZOOM_TITLE = "Zoom on our partner : ICAMCyL"


@pytest.fixture(scope="module")
def model(shipped_graph):
    return build_model(shipped_graph)


def _links(tree) -> list[html.A]:
    found = []

    def walk(node):
        if isinstance(node, html.A) and getattr(node, "className", "") == "source-link":
            found.append(node)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    for item in tree if isinstance(tree, list) else [tree]:
        if item is not None:
            walk(item)
    return found


def test_the_details_name_sources_by_title(model):
    links = _links(details.handle_details(model, ViewState(selected="icamcyl")))
    texts = {link.children for link in links}
    assert ZOOM_TITLE in texts
    assert not any(text.endswith(".txt") for text in texts)  # no hash file names
    zoom = next(link for link in links if link.children == ZOOM_TITLE)
    assert zoom.href.startswith(f"source/{ZOOM}?line=") and zoom.href.endswith("#excerpt")


def test_show_more_names_the_next_relations_sources_by_title(model):
    button = {"type": ID.MORE_RELATIONS, "kind": "collaborates_with"}
    first = _links(details.handle_details(model, ViewState(selected="ismc")))
    items, _label, hidden, _disabled = details.handle_more(
        model, ViewState(selected="ismc"), button, 1
    )
    assert len(items) == 15 and hidden  # ISMC collaborates with 15, 10 listed at first
    added = _links(items[details.DETAILS_PAGE :])
    assert added and not {link.href for link in added} & {link.href for link in first}
    for link in added:
        assert not link.children.endswith(".txt")  # a title, not the file name
        assert link.href.startswith("source/") and "?line=" in link.href


def test_an_untitled_document_is_named_by_its_opening(model):
    texts = {
        link.children for link in _links(details.handle_details(model, ViewState(selected="ismc")))
    }
    assert any(text.startswith("“ISMC closed this week the first stage") for text in texts)


def test_the_path_report_names_sources_by_title(model):
    report, _store, _choices = paths.handle_path(
        model, ViewState(path_from="icamcyl", path_to="ismc")
    )
    assert ZOOM_TITLE in {link.children for link in _links(report)}


def test_a_long_title_is_shortened_in_the_link():
    relation = {"sentence": "A b C", "evidence": "x" * 30, "docs": ["d.txt"], "line": 2}
    (link,) = _links(evidence_block(relation, {"d.txt": "T" * 5000}))  # type: ignore[arg-type]
    assert len(link.children) == 120 and link.children.endswith("…")


def test_the_source_page_is_headed_by_the_title_with_its_record(model):
    (line,) = [
        d["line"]
        for _, t, d in model.graph.out_edges("icamcyl", data=True)
        if t == "ismc" and d["type"] == "funds"
    ]
    page, status = source.source_page(model, ZOOM, str(line))
    assert status == 200
    assert f"<h1>{ZOOM_TITLE}</h1>" in page
    assert "Published by: Black Cycle" in page and "Language: en" in page
    assert f"File: {ZOOM}" in page
    assert '<mark id="excerpt">ICAMCyL has funded' in page


@pytest.fixture
def imported(tmp_path):
    relation = {
        **TINY_RELATIONS[0],
        "evidence": "Imported from organization.csv line 7: Acme Mining is a member of <b>MC</b>",
        "doc": "organization.csv",
    }
    folder = write_dataset(tmp_path / "data", relations=[relation, TINY_RELATIONS[1]])
    return build_model(load_graph(folder), use_cache=False)


def test_an_imported_relation_links_to_its_row(imported):
    links = _links(details.handle_details(imported, ViewState(selected="acme")))
    (link,) = [link for link in links if "organization.csv" in link.href]
    assert link.children == "organization.csv (imported row)"
    page, status = source.source_page(imported, "organization.csv", "2")
    assert status == 200
    assert "<h1>Imported relation: organization.csv line 7</h1>" in page
    assert "Acme Mining is a member of Mining Cluster" in page
    assert "&lt;b&gt;MC&lt;/b&gt;" in page and "<b>MC" not in page
    assert '<th scope="row">relations.csv line</th><td>2</td>' in page


def test_an_imported_file_without_a_relation_is_not_found(imported):
    assert source.source_page(imported, "organization.csv", None)[1] == 404
    assert source.source_page(imported, "organization.csv", "99")[1] == 404
    assert source.source_page(imported, "organization.csv", "9" * 40)[1] == 404


def test_exports_carry_the_titles_and_import_back_unchanged(model, tmp_path):
    graphml = export_files(model.graph, "graphml", scores={})["ecosystem.graphml"].decode()
    assert ZOOM_TITLE in graphml
    (gexf,) = export_files(model.graph, "gexf", scores={}).values()
    assert b'title="doc title"' in gexf and ZOOM_TITLE.encode() in gexf
    cyjs = json.loads(export_files(model.graph, "cyjs", scores={})["ecosystem.cyjs"])
    assert ZOOM_TITLE in {edge["data"].get("doc_title") for edge in cyjs["elements"]["edges"]}
    path = tmp_path / "network.graphml"
    path.write_text(graphml, encoding="utf-8")
    bundle = read_files("graphml", [path])
    assert not any("doc" in what for what in bundle.report.dropped)
    assert ZOOM in {item.row["doc"] for item in bundle.relations}


def test_typeahead_forgives_a_typo(model):
    options = url.entity_options(model, "icamcil", None)
    assert options[0]["value"] == "icamcyl"
    assert options[0]["search"].startswith("icamcil ")  # not filtered away in the browser


def test_typeahead_labels_of_huge_names_are_short(tmp_path):
    entities = [
        {"id": "acme", "name": "A" * 10_000, "type": "company"},
        {"id": "cluster", "name": "Mining Cluster", "type": "cluster"},
        {"id": "proj", "name": "PROJ", "type": "project"},
    ]
    folder = write_dataset(tmp_path / "data", entities=entities)
    huge = build_model(load_graph(folder), use_cache=False)
    (option,) = url.entity_options(huge, "aaaa", None)
    assert option["value"] == "acme"
    assert len(option["label"]) <= url.MAX_LABEL_CHARS + len(" (company)")
    assert len(option["search"]) < 200
    assert len(url.entity_options(huge, "x", "acme")[0]["label"]) < 100
