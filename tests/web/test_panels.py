"""Each panel's handlers called directly on the town network, whose answers are known."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import pytest
from dash import dcc

from ecosystem import elements as elements_module
from ecosystem import explorer
from ecosystem.explorer import build_model, visible
from ecosystem.settings import Settings
from ecosystem.web import centrality, details, filters, network, paths, presenter, spec, synergy
from ecosystem.web.spec import ViewState
from tests.helpers import make_graph

TO_LAB = ViewState(path_from="bolt", path_to="lab")


def test_paths_list_the_alternatives_and_highlight_the_chosen_one(town):
    report, store, choices = paths.handle_path(town, TO_LAB)
    assert [c["value"] for c in choices] == [1, 2, 3]
    assert store == {"nodes": ["bolt", "cluster", "acme", "p1", "lab"], "chosen": 1}
    _, second, _ = paths.handle_path(
        town, ViewState(path_from="bolt", path_to="lab", path_choice=2)
    )
    assert second == {"nodes": ["bolt", "spain", "acme", "p1", "lab"], "chosen": 2}
    assert "Path 2: 4 hops" in str(report) and "cost" not in str(report)


def test_a_chosen_alternative_past_the_last_shows_the_last(town):
    view = ViewState(path_from="bolt", path_to="lab", path_k=2, path_choice=9)
    _, store, choices = paths.handle_path(town, view)
    assert store["chosen"] == 2 and len(choices) == 2


def test_one_path_offers_no_choice(town):
    view = ViewState(path_from="acme", path_to="p1", path_k=1)
    _, store, choices = paths.handle_path(town, view)
    assert store["nodes"] == ["acme", "p1"] and choices == []


def _classes(elements: list[dict]) -> dict[str, list[str]]:
    return {e["data"]["id"]: e["classes"].split() for e in elements}


def test_the_chosen_path_is_what_the_network_marks(town):
    _, store, _ = paths.handle_path(town, ViewState(path_from="bolt", path_to="lab", path_choice=2))
    marked = network.highlight(town, ViewState(), store, None)
    assert marked.nodes == ("bolt", "spain", "acme", "p1", "lab")
    elements, _ = network.handle_elements(town, ViewState(), highlight=marked)
    edges = [e for e in elements if "source" in e["data"]]
    assert sorted(e["data"]["id"] for e in edges if "marked" in e["classes"].split()) == [
        "acme~p1",
        "acme~spain",
        "bolt~spain",
        "lab~p1",
    ]
    assert all(
        "dim" in classes for classes in _classes(elements).values() if "marked" not in classes
    )


def test_the_stepped_to_entity_is_marked_most(town):
    _, store, _ = paths.handle_path(town, TO_LAB)
    state = ViewState(focus="acme")
    marked = network.highlight(town, state, store, None)
    elements, _ = network.handle_elements(town, state, highlight=marked)
    assert [node for node, classes in _classes(elements).items() if "focus" in classes] == ["acme"]
    sheet = network.handle_stylesheet(town, state)
    (rule,) = [r for r in sheet if r["selector"] == "node.focus"]
    assert rule["style"]["border-width"] == 6 and rule["style"]["border-color"] == "#d62728"
    # Named whatever its rank, in the large type a path's or a few neighbours' names have.
    assert rule["style"]["label"] == "data(label)" and rule["style"]["text-opacity"] == 1
    presented = network.handle_stylesheet(town, dataclasses.replace(state, presenter=True))
    (rule,) = [r for r in presented if r["selector"] == "node.focus"]
    assert rule["style"]["label"] == "data(title)" and rule["style"]["font-size"] == 22


def test_a_path_is_numbered_in_the_order_it_is_read(town):
    _, store, _ = paths.handle_path(town, TO_LAB)
    marked = network.highlight(town, TO_LAB, store, None)
    elements, _ = network.handle_elements(town, TO_LAB, *network.kept(store, None), marked)
    numbered = {
        e["data"]["id"]: e["data"]["label"]
        for e in elements
        if "numbered" in e.get("classes", "").split()
    }
    # In the order the path is read.
    assert [numbered[node] for node in store["nodes"]] == [
        "1 · Bolt Metals",
        "2 · Mining Cluster",
        "3 · Acme Mining",
        "4 · PROJ ONE",
        "5 · Geo Lab",
    ]
    assert len(numbered) == len(store["nodes"])
    # The names stay as they are off the path, and the stylesheet names every numbered entity.
    others = [e for e in elements if "source" not in e["data"] and e["data"]["id"] not in numbered]
    assert others and not any("·" in e["data"]["label"] for e in others)
    sheet = network.handle_stylesheet(town, TO_LAB)
    assert {"selector": "node.numbered", "style": {"label": "data(label)"}} in sheet
    assert not [rule for rule in sheet if "[id" in rule["selector"]]


def test_a_picked_candidate_wins_over_the_path_and_is_not_numbered(town):
    _, store, _ = paths.handle_path(town, TO_LAB)
    view = dataclasses.replace(TO_LAB, selected="bolt", pick="core")
    pick = synergy.handle_pick(town, view)
    marked = network.highlight(town, view, store, pick)
    elements, _ = network.handle_elements(town, view, *network.kept(store, pick), marked)
    assert not [e for e in elements if "numbered" in e.get("classes", "").split()]


def test_in_presenter_mode_a_path_is_numbered_in_its_full_names(town):
    state = dataclasses.replace(TO_LAB, presenter=True)
    _, store, _ = paths.handle_path(town, state)
    marked = network.highlight(town, state, store, None)
    elements, _ = network.handle_elements(town, state, *network.kept(store, None), marked)
    first = next(e for e in elements if e["data"]["id"] == "bolt")
    assert first["data"]["title"] == "1 · Bolt Metals"
    sheet = network.handle_stylesheet(town, state)
    assert {"selector": "node.numbered", "style": {"label": "data(title)"}} in sheet


def test_a_step_is_told_with_the_hop_and_its_evidence(town):
    _, store, _ = paths.handle_path(town, TO_LAB)
    caption = str(presenter.handle_caption(town, ViewState(focus="cluster"), store))
    assert "Step 2 of 5" in caption and "Mining Cluster · cluster" in caption
    assert "Bolt Metals is a member of Mining Cluster" in caption
    assert "bolt member_of cluster, says the source." in caption
    assert presenter.handle_camera(town, ViewState(focus="cluster"), store, None) == [
        "cluster",
        "bolt",
    ]
    assert presenter.handle_caption(town, ViewState(), store) == []
    assert presenter.handle_camera(town, ViewState(), store, None) == store["nodes"]


def test_stepping_through_neighbours_keeps_the_selection_in_view(town):
    state = ViewState(selected="lab", focus="p2")
    assert presenter.handle_camera(town, state, None, None) == ["p2", "lab"]
    assert "Geo Lab coordinates PROJ TWO" in str(presenter.handle_caption(town, state, None))


def test_the_legend_follows_the_colour_mode(town):
    by_type = str(filters.legend_items(town, ViewState()))
    assert "company" in by_type and "Size: degree" in by_type
    by_community = str(filters.legend_items(town, ViewState(colour="community", metric="pagerank")))
    assert "company" not in by_community and "Size: pagerank" in by_community
    first = town.community_info["communities"][0]
    assert f"({first['size']})" in by_community


def test_details_of_an_entity_and_of_a_link(town):
    entity = str(details.handle_details(town, ViewState(selected="lab")))
    assert "Geo Lab" in entity and "coordinates (2)" in entity
    link = str(details.handle_details(town, ViewState(selected="lab", link=("acme", "cluster"))))
    assert "Acme Mining is a member of Mining Cluster" in link and "Geo Lab" not in link
    assert "Search for an entity" in str(details.handle_details(town, ViewState()))


def test_a_pick_highlights_both_ends_what_they_share_and_the_path(town):
    picked = synergy.handle_pick(town, ViewState(selected="bolt", pick="core"))
    assert set(picked["nodes"]) == {"bolt", "core", "cluster", "spain"}
    assert sorted(picked["edges"]) == ["bolt~cluster", "bolt~spain", "cluster~core", "core~spain"]
    assert synergy.handle_pick(town, ViewState(selected="bolt")) is None


def test_synergy_asks_for_a_selection(town):
    assert "Select an entity" in str(synergy.handle_synergy(town, ViewState(tab="synergy")))


def _suggested(report: list) -> list[str]:
    """The candidates a synergy report lists, by their pick buttons, in order."""
    found = []

    def walk(component) -> None:
        if isinstance(component, list | tuple):
            for child in component:
                walk(child)
            return
        ident = getattr(component, "id", None)
        if isinstance(ident, dict) and ident.get("type") == synergy.ID.SYNERGY_PICK:
            found.append(ident["index"])
        walk(getattr(component, "children", None) or [])

    walk(report)
    return found


def test_synergy_keeps_the_partners_of_the_chosen_countries(town):
    # Bolt (ES) has not worked with Acme (ES), Core (PT) nor the Geo Lab (PT).
    assert _suggested(synergy.handle_synergy(town, ViewState(selected="bolt", tab="synergy"))) == [
        "acme",
        "core",
        "lab",
    ]
    portuguese = ViewState(selected="bolt", synergy_countries=("PT",), tab="synergy")
    assert _suggested(synergy.handle_synergy(town, portuguese)) == ["core", "lab"]
    spanish = ViewState(selected="bolt", synergy_countries=("ES",), tab="synergy")
    assert _suggested(synergy.handle_synergy(town, spanish)) == ["acme"]
    both = ViewState(selected="bolt", synergy_countries=("ES", "PT"), tab="synergy")
    assert _suggested(synergy.handle_synergy(town, both)) == ["acme", "core", "lab"]


def test_the_synergy_panel_writes_large_counts_as_the_scores_do(town):
    result = town.suggestions("bolt")
    report = synergy.synergy_report({**result, "considered": 20261})
    assert "of 20,261 not yet working with it" in str(report)


def test_synergy_says_when_no_partner_of_those_countries_is_left(town):
    # The Geo Lab's only Portuguese actor, Core Drilling, already works with it (project two).
    report = str(
        synergy.handle_synergy(
            town, ViewState(selected="lab", synergy_countries=("PT",), tab="synergy")
        )
    )
    assert "No actor of those types and countries is left to suggest to Geo Lab" in report
    assert "Core Drilling" in report  # among the partners to strengthen


def test_the_synergy_country_filter_offers_the_network_countries(town):
    (countries,) = [
        part
        for part in synergy.layout(town)
        if getattr(part, "id", None) == synergy.ID.SYNERGY_COUNTRIES
    ]
    assert countries.options == [
        {"label": "ES (2)", "value": "ES"},
        {"label": "PT (2)", "value": "PT"},
    ]
    assert spec.from_client(town, {"synergy_countries": ["PT", "XX"]}).synergy_countries == ("PT",)
    assert spec.encode_url(ViewState(synergy_countries=("PT",))) == "?scountry=PT"


def test_a_slow_synergy_wait_is_explained_in_words(town):
    (loading,) = [part for part in synergy.layout(town) if isinstance(part, dcc.Loading)]
    assert loading.children.id == synergy.ID.SYNERGY_RESULT
    assert loading.delay_show == synergy.SAY_SLOW_AFTER_MS > 0  # a quick answer shows no notice
    said = " ".join(str(child.children) for child in loading.custom_spinner.children)
    assert "the ranker learns from the history" in said
    assert loading.custom_spinner.role == "status"


def test_centrality_ranks_the_filtered_types(town):
    figure, rows, about = centrality.handle_centrality(
        town, ViewState(metric="degree", types=("company",), top=2, tab="centrality")
    )
    assert [r["name"] for r in rows] == ["Acme Mining", "Core Drilling"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert about and figure["data"]


@pytest.mark.parametrize("tab", ["details", "paths", "story"])
def test_hidden_suggestions_and_rankings_are_not_worked_out(town, monkeypatch, tab):
    def refuse(*_args, **_kwargs):
        raise AssertionError("worked out for a tab that is not open")

    monkeypatch.setattr(explorer, "synergy_candidates", refuse)
    monkeypatch.setattr(centrality, "ranking", refuse)
    assert synergy.handle_synergy(town, ViewState(selected="bolt", tab=tab)) == []
    assert centrality.handle_centrality(town, ViewState(metric="pagerank", tab=tab)) == (
        {},
        [],
        "",
    )


def test_centrality_values_keep_four_significant_digits(town):
    _, rows, _ = centrality.handle_centrality(town, ViewState(metric="pagerank", tab="centrality"))
    assert all(0 < r["value"] < 1 and len(repr(r["value"]).strip("0.")) <= 6 for r in rows)


def test_the_network_shows_only_the_filtered_types(town):
    elements, counts = network.handle_elements(town, ViewState(types=("company", "cluster")))
    nodes = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    links = {e["data"]["id"] for e in elements if "source" in e["data"]}
    assert nodes == {"acme", "bolt", "core", "cluster"}
    assert links == {"acme~cluster", "bolt~cluster", "cluster~core"}
    assert counts.startswith("Showing 4 of 8 entities (4 hidden) and 3 of 10 links")


def test_a_highlighted_path_is_drawn_link_by_link_whatever_the_budget():
    # A long chain hanging off a dense core: the budget keeps the core, the path must still show.
    graph = make_graph(
        {f"n{i}": (f"N{i}", "company") for i in range(60)}
        | {f"c{i}": (f"C{i}", "company") for i in range(4)},
        [(f"n{i}", f"n{j}", "collaborates_with") for i in range(60) for j in range(i + 1, 60)]
        + [("n0", "c0", "collaborates_with")]
        + [(f"c{i}", f"c{i + 1}", "collaborates_with") for i in range(3)],
    )
    model = build_model(graph, use_cache=False)
    path = ["n0", "c0", "c1", "c2", "c3"]
    shown = visible(
        model, ViewState(), keep=path, keep_links=list(itertools.pairwise(path)), max_elements=60
    )
    assert shown.capped
    assert {("c0", "n0"), ("c0", "c1"), ("c1", "c2"), ("c2", "c3")} <= set(shown.links)
    plain = visible(model, ViewState(), keep=path, max_elements=60)
    assert not {("c0", "c1"), ("c1", "c2")} <= set(plain.links)  # without them, they are cut


def test_the_path_store_names_what_the_network_keeps(town):
    nodes, links = network.kept({"nodes": ["bolt", "cluster", "acme"]}, None)
    assert nodes == ["bolt", "cluster", "acme"]
    assert links == [("bolt", "cluster"), ("cluster", "acme")]
    assert network.kept({"nodes": "bolt"}, {"nodes": [1, "lab"], "links": [["a"], 5]}) == (
        ["lab"],
        [],
    )


@pytest.mark.parametrize(("layout", "name"), [("force", "preset"), ("circle", "circle")])
def test_the_layout_of_a_view(layout, name):
    assert network.handle_layout(ViewState(layout=layout))["name"] == name


@pytest.mark.parametrize(
    ("layout", "again"),
    [
        ("force", False),
        ("concentric", False),
        ("circle", True),
        ("grid", True),
        ("breadthfirst", True),
    ],
)
def test_only_the_layouts_the_browser_computes_run_again_when_entities_come(layout, again):
    assert network.refreshes(network.handle_layout(ViewState(layout=layout))) is again


def test_breadth_first_grows_from_the_selection():
    chosen = network.handle_layout(ViewState(layout="breadthfirst", selected="lab"))
    assert chosen["roots"] == '[id = "lab"]'


def test_stepping_goes_round_the_highlight():
    assert presenter.step(["a", "b"], "b", 1) == "a"
    assert presenter.step(["a", "b"], None, -1) == "b"
    assert presenter.step("ab", "a", 1) == "a"


def test_town_is_what_the_tests_think_it_is(town):
    assert nx.is_connected(town.view) and town.view.number_of_nodes() == 8


def test_filtering_relations_hides_the_entities_left_without_any(town):
    elements, _ = network.handle_elements(town, ViewState(relations=("coordinates",)))
    nodes = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    assert nodes == {"lab", "p1", "p2"}
    kept, _ = network.handle_elements(town, ViewState(relations=("coordinates",), selected="acme"))
    assert "acme" in {e["data"]["id"] for e in kept if "source" not in e["data"]}


def test_the_country_filter_keeps_the_entities_of_those_countries():
    graph = make_graph(
        {"a": ("A", "company"), "b": ("B", "company"), "c": ("C", "research")},
        [("a", "b", "collaborates_with"), ("b", "c", "collaborates_with")],
    )
    for node, country in (("a", "ES"), ("b", "PT"), ("c", "ES")):
        graph.nodes[node]["country"] = country
    model = build_model(graph, use_cache=False)
    assert model.country_counts == {"ES": 2, "PT": 1}
    assert set(visible(model, ViewState(countries=("ES",))).nodes) == {"a", "c"}
    assert filters.country_options(model.country_counts)[0] == {"label": "ES (2)", "value": "ES"}
    assert spec.from_client(model, {"countries": ["ES", "XX"]}).countries == ("ES",)


def test_clear_filters_shows_everything_and_keeps_the_rest(town):
    state = ViewState(
        selected="acme", types=("company",), relations=("member_of",), hops=2, min_degree=3
    )
    cleared = filters.clear(town, state, None)
    assert cleared == ViewState(selected="acme")


def test_large_networks_are_not_offered_the_layouts_the_browser_computes(town):
    assert set(network.offered_layouts(town)) == set(spec.LAYOUTS)
    small_budget = dataclasses.replace(town, settings=Settings(max_elements=10))
    assert set(network.offered_layouts(small_budget)) == {"force", "concentric"}
    circle = ViewState(layout="circle")
    assert (
        network.handle_layout(circle, 0, network.offered_layouts(small_budget))["name"] == "preset"
    )


def test_the_whole_view_names_its_most_central_entities_only(town):
    elements, _ = network.handle_elements(town, ViewState())
    named = {e["data"]["id"] for e in elements if "labelled" in e.get("classes", "")}
    assert len(named) == min(len(town.view), elements_module.LABELLED)


def test_a_suggestion_list_asked_for_again_is_not_worked_out_again(town, monkeypatch):
    asked = []
    real = explorer.synergy_candidates

    def counted(view, entity, **options):
        asked.append((entity, options["countries"]))
        return real(view, entity, **options)

    monkeypatch.setattr(explorer, "synergy_candidates", counted)
    town = build_model(town.graph, use_cache=False)  # its own: nothing asked for yet
    bolt = ViewState(selected="bolt", tab="synergy")
    first = _suggested(synergy.handle_synergy(town, bolt))
    portuguese = dataclasses.replace(bolt, synergy_countries=("PT",))
    assert _suggested(synergy.handle_synergy(town, portuguese)) == ["core", "lab"]
    assert _suggested(synergy.handle_synergy(town, bolt)) == first == ["acme", "core", "lab"]
    assert asked == [("bolt", ()), ("bolt", ("PT",))]


def test_recent_results_keep_the_last_ones_asked_for():
    held = explorer.Recent(2)
    made = []

    def make(key):
        made.append(key)
        return key * 2

    assert [held.get(key, lambda key=key: make(key)) for key in ("a", "b", "a", "c", "a")] == [
        "aa",
        "bb",
        "aa",
        "cc",
        "aa",
    ]
    assert made == ["a", "b", "c"]  # "b", used least recently, went when "c" came
    assert held.get("b", lambda: make("b")) == "bb" and made[-1] == "b" and len(held) == 2
    with pytest.raises(ValueError, match="maxsize"):
        explorer.Recent(0)


def test_the_network_works_out_the_chosen_path_as_the_panel_does(town):
    for view in (TO_LAB, dataclasses.replace(TO_LAB, path_choice=2)):
        _, store, _ = paths.handle_path(town, view)
        assert paths.chosen_path(town, view) == store
    assert paths.chosen_path(town, ViewState(path_from="bolt")) is None
    assert paths.chosen_path(town, ViewState(path_from="bolt", path_to="bolt")) is None


def test_the_callbacks_of_one_view_find_its_paths_once(town, monkeypatch):
    import threading
    import time as clock

    found = []
    real = explorer.collaboration_paths

    def slow(*args, **options):
        found.append(args[1:3])
        clock.sleep(0.2)  # long enough for every caller to ask before the first has them
        return real(*args, **options)

    monkeypatch.setattr(explorer, "collaboration_paths", slow)
    model = build_model(town.graph, use_cache=False)
    view = dataclasses.replace(TO_LAB, path_k=2)
    results = []
    callers = [
        threading.Thread(target=lambda: results.append(paths.chosen_path(model, view)))
        for _ in range(3)
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert len(found) == 1 and len(results) == 3 and results[0] == results[1] == results[2]
    assert paths.handle_path(model, view)[1] == results[0] and len(found) == 1


def test_the_callbacks_of_one_view_explain_its_pick_once(town, monkeypatch):
    import threading
    import time as clock

    explained = []
    real = explorer.explain_pair

    def slow(*args, **options):
        explained.append(args[1:3])
        clock.sleep(0.2)  # long enough for every caller to ask before the first has it
        return real(*args, **options)

    monkeypatch.setattr(explorer, "explain_pair", slow)
    model = build_model(town.graph, use_cache=False)
    view = ViewState(selected="bolt", pick="core")
    results = []
    callers = [
        threading.Thread(target=lambda: results.append(synergy.handle_pick(model, view)))
        for _ in range(3)
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert explained == [("bolt", "core")] and len(results) == 3
    assert results[0] == results[1] == results[2] == synergy.handle_pick(town, view)
    # The network and the camera read the same pick from the view.
    marked = network.highlight(model, view, None, results[0])
    assert set(marked.nodes) == set(results[0]["nodes"]) and len(explained) == 1
