"""The model of the network as of a date (``model_at``) and the memo of the last dates asked for
(``DatedModels``), on the shipped data: every dated relation there falls in 2023."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from ecosystem import explorer
from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.timeline import as_of
from ecosystem.explorer import PARTS, DatedModels, build_model, model_at
from ecosystem.graph import simple_view

BEFORE = date(2022, 12, 31)  # before every dated relation of the shipped data
LATER = "general-assembly-2023"  # every relation of it starts on 2023-06-15


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("dated-cache")


@pytest.fixture(scope="module")
def model(shipped_graph, cache):
    return build_model(shipped_graph, cache=cache)


def test_the_model_at_a_date_holds_only_what_had_begun(model, cache):
    dated = model_at(model, BEFORE)
    expected = simple_view(as_of(model.graph, BEFORE))
    assert set(dated.view) == set(expected) and LATER not in dated.view
    assert dated.graph.number_of_edges() == 284 - 19  # 19 relations start in 2023
    assert sorted(dated.view.edges) == sorted(expected.edges)
    assert set(dated.metrics["degree"]) == set(dated.view)
    assert set(dated.community) == set(dated.view)
    assert set(dated.order["degree"]) == set(dated.view)
    assert dated.link_count == expected.number_of_edges()
    assert sum(dated.relation_counts.values()) == dated.graph.number_of_edges()
    assert dated.graph.graph["as_of"] == "2022-12-31"
    # The full model is untouched.
    assert LATER in model.view and model.graph.number_of_edges() == 284


def test_entities_keep_the_place_they_have_in_the_full_layout(model, cache):
    dated = model_at(model, BEFORE)
    assert dict(dated.layout) == {node: model.layout[node] for node in dated.view}


def test_suggestions_at_a_date_see_nothing_later(model, cache):
    dated = model_at(model, BEFORE)
    assert dated.synergy.as_of == "2022-12-31"
    assert LATER not in dated.synergy.view
    on_the_day = model_at(model, date(2023, 6, 15)).synergy
    assert on_the_day.as_of == "2023-06-15" and LATER in on_the_day.view


def test_hiding_past_relations(model, cache):
    day = date(2023, 10, 31)  # the open call ended on 2023-09-15, the industry days on 10-06
    shown = model_at(model, day)
    hidden = model_at(model, day, past=False)
    ended = {key for *_, key, past in shown.graph.edges(keys=True, data="past") if past}
    assert len(ended) == 2
    assert hidden.graph.number_of_edges() == shown.graph.number_of_edges() - 2


def test_each_date_is_cached_apart(shipped_graph, tmp_path):
    full = build_model(shipped_graph, cache=tmp_path)
    before = set(tmp_path.iterdir())
    dated = model_at(full, BEFORE)
    assert set(tmp_path.iterdir()) == before  # nothing worked out yet
    dated.order["betweenness"], dated.community_info
    first = sorted(path.name for path in tmp_path.iterdir())
    assert len(first) == len(before) + 2  # the metric's file and the communities'
    again = model_at(full, BEFORE)
    again.metrics["betweenness"], again.community_info
    assert sorted(path.name for path in tmp_path.iterdir()) == first  # read, not written again
    model_at(full, date(2023, 6, 1)).metrics["betweenness"]
    assert len(list(tmp_path.iterdir())) == len(first) + 1


def test_a_dated_model_works_out_only_what_is_read(model):
    dated = model_at(model, BEFORE)
    assert not any(dated.metrics.ready(name) for name in METRICS)
    assert not any(dated.parts.ready(name) for name in PARTS)
    top = dated.order["pagerank"]
    assert [name for name in METRICS if dated.metrics.ready(name)] == ["pagerank"]
    assert top[0] == min(dated.view, key=lambda node: (-dated.metrics["pagerank"][node], node))
    assert dated.community_info["communities"] and dated.parts.ready("membership") is False
    assert set(dated.community) == set(dated.view) and dated.parts.ready("membership")


def test_a_full_model_has_everything_worked_out_but_its_rankings_and_the_warm_up(
    shipped_graph, cache
):
    from ecosystem.explorer import warm_up

    model = build_model(shipped_graph, cache=cache)

    assert all(model.metrics.ready(name) for name in METRICS)
    # The path matrices, and the index when the cache holds it: each worker's warm-up.
    assert all(model.parts.ready(name) for name in set(PARTS) - {"paths", "index"})
    assert not model.parts.ready("paths")
    warm_up(model)
    assert all(model.parts.ready(name) for name in PARTS)
    assert not any(model.order.ready(name) for name in METRICS)  # sorted on first use
    assert set(model.order["degree"]) == set(model.view)


def test_a_model_read_from_a_snapshot_builds_its_typed_graph_when_asked(tmp_path):
    from ecosystem.graph import load_graph
    from ecosystem.snapshot import read_network

    read_network(cache=tmp_path)
    network = read_network(cache=tmp_path)
    assert network.from_snapshot
    built = build_model(network, cache=tmp_path)
    assert not built.parts.ready("graph")
    assert built.span is not None and built.parts.ready("index")
    assert not built.parts.ready("graph")  # the time control reads the view
    loaded = load_graph()
    assert list(built.graph.edges(keys=True, data=True)) == list(loaded.edges(keys=True, data=True))


def test_the_memo_gives_the_same_model_for_a_date_seen(model, cache):
    memo = DatedModels(maxsize=2)
    first = memo.get(model, BEFORE)
    assert memo.get(model, BEFORE) is first
    assert memo.get(model, BEFORE, past=False) is not first
    assert len(memo) == 2
    assert model.at(BEFORE) is model.at(BEFORE)  # each model keeps its own memo


def test_the_memo_is_bounded_and_drops_the_least_recently_used(model, cache):
    memo = DatedModels(maxsize=2)
    first = memo.get(model, BEFORE)
    second = memo.get(model, date(2023, 6, 1))
    assert memo.get(model, BEFORE) is first  # now the most recent
    memo.get(model, date(2023, 10, 31))  # pushes out 2023-06-01
    assert len(memo) == 2
    assert memo.get(model, BEFORE) is first
    assert memo.get(model, date(2023, 6, 1)) is not second


def test_a_date_asked_for_by_many_at_once_is_built_once(model, monkeypatch):
    calls = []
    started, release = threading.Event(), threading.Event()

    def slow(base, when, **options):
        calls.append(when)
        started.set()
        release.wait(5)
        return SimpleNamespace(link_count=1)  # a stand-in model: the memo reads its size

    monkeypatch.setattr(explorer, "model_at", slow)
    memo = DatedModels()
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(memo.get(model, BEFORE))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    started.wait(5)
    time.sleep(0.2)  # let the others reach the memo while the first builds
    release.set()
    for thread in threads:
        thread.join(10)
    assert calls == [BEFORE]
    assert len(found) == 4 and all(item is found[0] for item in found)


def test_the_memo_needs_room_for_one():
    with pytest.raises(ValueError, match="maxsize"):
        DatedModels(maxsize=0)


def test_the_memo_keeps_models_within_its_link_budget(model):
    memo = DatedModels(maxsize=8, links=1.5)  # room for one full-size network and a half
    first = memo.get(model, BEFORE)  # 265 of 284 relations: near full size
    assert first.link_count > 0.75 * model.link_count
    memo.get(model, date(2023, 6, 1))
    assert len(memo) == 1  # the two together were over the budget: the older went
    assert memo.get(model, BEFORE) is not first


def test_the_memo_always_keeps_the_newest_even_over_budget(model):
    memo = DatedModels(links=0.01)
    dated = memo.get(model, BEFORE)
    assert len(memo) == 1 and memo.get(model, BEFORE) is dated


@pytest.mark.parametrize("links", [0, -1.0, float("nan")])
def test_the_link_budget_must_be_positive(links):
    with pytest.raises(ValueError, match="links must be more than 0"):
        DatedModels(links=links)


def test_the_typed_graph_of_a_date_is_cut_when_first_read(model):
    dated = model_at(model, date(2023, 6, 30), past=False)
    assert not dated.parts.ready("graph")
    expected = as_of(model.graph, date(2023, 6, 30), past=False)
    assert sorted(dated.graph.edges(keys=True, data=True)) == sorted(
        expected.edges(keys=True, data=True)
    )
    assert dated.graph.graph == expected.graph
    assert dated.relation_counts == dict(Counter(kind for *_, kind in expected.edges.data("type")))


def test_communities_of_a_date_are_numbered_after_the_whole_networks(model):
    dated = model_at(model, BEFORE)
    groups = dated.community_info["communities"]
    ids = [group["id"] for group in groups]
    assert len(set(ids)) == len(ids)
    # The largest chooses first: it takes the number most of its members have in the whole.
    votes = Counter(model.community[node] for node in groups[0]["members"])
    assert groups[0]["id"] == min(votes, key=lambda number: (-votes[number], number))
    assert dated.community == {node: group["id"] for group in groups for node in group["members"]}


def test_a_community_keeps_its_colour_when_a_date_reorders_them():
    from itertools import combinations

    from tests.helpers import make_dated_graph

    big = [f"a{n}" for n in range(6)]  # the largest community, all of it begun in 2020
    small = [f"b{n}" for n in range(4)]  # undated: there on every date
    nodes = {node: (node.upper(), "company") for node in big + small}
    edges = [(s, t, "partner_of", "2020", "") for s, t in combinations(big, 2)]
    edges += [(s, t, "partner_of", "", "") for s, t in combinations(small, 2)]
    edges.append(("a0", "b0", "partner_of", "2020", ""))
    whole = build_model(make_dated_graph(nodes, edges), use_cache=False)
    assert whole.community["a0"] == 0 and whole.community["b0"] == 1
    early = model_at(whole, date(2019, 12, 31))
    assert set(early.view) == set(small)  # alone, the small community is the largest one
    assert early.community_info["communities"][0]["id"] == 1
    assert {early.community[node] for node in small} == {1}


def test_a_dated_download_reads_the_records_without_cutting_the_typed_graph(model):
    from ecosystem.web.export import visible_subgraph
    from ecosystem.web.spec import ViewState

    dated = model_at(model, date(2023, 10, 31))  # some began, one ended in September
    subgraph = visible_subgraph(dated, ViewState())
    assert not dated.parts.ready("graph")
    expected = dated.graph  # cut now, to compare
    assert sorted(subgraph.edges(keys=True, data=True)) == sorted(
        expected.edges(keys=True, data=True)
    )
    assert dict(subgraph.nodes(data=True)) == dict(expected.nodes(data=True))
    assert any(past for *_, past in subgraph.edges(data="past"))  # what had ended, marked
