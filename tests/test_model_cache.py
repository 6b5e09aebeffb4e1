"""The app's precomputed model comes from the on-disk cache on a restart, and says how each
metric was computed."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ecosystem import cache, explorer
from ecosystem.analysis import fast
from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.synergy import synergy_candidates
from ecosystem.explorer import BUILD_STEPS, build_model
from ecosystem.web.centrality import metric_about


def test_a_restart_reads_metrics_and_communities_from_the_cache(
    shipped_graph, tmp_path, monkeypatch
):
    first = build_model(shipped_graph, cache=tmp_path)
    assert len(list(tmp_path.glob("metrics-*.npz"))) == 1
    assert len(list(tmp_path.glob("communities-*.json"))) == 1

    def recompute(*_args, **_kwargs):
        raise AssertionError("computed again although the cache holds it")

    monkeypatch.setattr(cache, "all_centralities", recompute)
    monkeypatch.setattr(cache, "communities", recompute)
    second = build_model(shipped_graph, cache=tmp_path)
    assert {m: dict(v) for m, v in second.metrics.items()} == {
        m: dict(v) for m, v in first.metrics.items()
    }
    assert second.community_info == first.community_info
    assert second.order == first.order


def test_without_the_cache_nothing_is_written(shipped_graph, tmp_path):
    build_model(shipped_graph, cache=tmp_path / "unused", use_cache=False)
    assert not (tmp_path / "unused").exists()


def test_every_step_is_reported(shipped_graph, tmp_path):
    steps = []
    build_model(shipped_graph, cache=tmp_path, progress=lambda *step: steps.append(step))
    assert [name for _, _, name in steps] == [
        *METRICS,
        "communities",
        "layout",
        "",
    ]
    assert [done for done, _, _ in steps] == list(range(BUILD_STEPS + 1))
    assert {total for _, total, _ in steps} == {BUILD_STEPS}


def test_partner_suggestions_are_prepared_on_the_first_query_not_at_build(
    shipped_graph, tmp_path, monkeypatch
):
    prepared = []
    real = explorer.prepare

    def counted(view, **options):
        prepared.append(view)
        return real(view, **options)

    monkeypatch.setattr(explorer, "prepare", counted)
    model = build_model(shipped_graph, cache=tmp_path)
    assert prepared == []
    first = synergy_candidates(model.view, "ismc", synergy=model.synergy)
    assert prepared == [model.view]
    again = synergy_candidates(model.view, "ismc", synergy=model.synergy)
    assert len(prepared) == 1
    assert again == first
    # The ranker it learned went to the model's cache folder.
    assert list(tmp_path.glob("synergy-maxima-*.npz"))


def test_queries_at_once_prepare_the_history_once(shipped_graph, monkeypatch):
    prepared = []
    real = explorer.prepare

    def slow(view, **options):
        prepared.append(view)
        time.sleep(0.2)  # long enough for every thread to ask before the first has it
        return real(view, **options)

    monkeypatch.setattr(explorer, "prepare", slow)
    model = build_model(shipped_graph, use_cache=False)
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda _: model.synergy, range(4)))
    assert len(prepared) == 1
    assert all(index is found[0] for index in found)


def test_an_exact_metric_is_described_plainly(shipped_graph, tmp_path: Path):
    model = build_model(shipped_graph, cache=tmp_path)
    assert metric_about(model, "betweenness") == METRICS["betweenness"]


def test_an_approximate_metric_says_how_it_was_sampled(shipped_graph, monkeypatch):
    # The shipped network is small; lower the thresholds so it counts as large.
    monkeypatch.setattr(fast, "FAST_ABOVE", 10)
    monkeypatch.setattr(fast, "APPROXIMATE_ABOVE", 20)
    monkeypatch.setattr(fast, "BETWEENNESS_SOURCES", 30)
    model = build_model(shipped_graph, use_cache=False)
    assert model.methods["betweenness"].approximate
    assert metric_about(model, "betweenness").endswith("(approximate, sampled from 30 sources).")
    assert metric_about(model, "degree") == METRICS["degree"]


@pytest.mark.parametrize("metric", ["closeness", "harmonic"])
def test_sampled_distance_measures_name_their_exact_top(shipped_graph, monkeypatch, metric):
    monkeypatch.setattr(fast, "FAST_ABOVE", 10)
    monkeypatch.setattr(fast, "APPROXIMATE_ABOVE", 20)
    monkeypatch.setattr(fast, "DISTANCE_SOURCES", 25)
    model = build_model(shipped_graph, use_cache=False)
    assert f"sampled from 25 sources; the {fast.EXACT_TOP} highest recomputed exactly" in (
        metric_about(model, metric)
    )


def test_the_layout_is_cached_too(shipped_graph, tmp_path, monkeypatch):
    first = build_model(shipped_graph, cache=tmp_path)
    assert len(list(tmp_path.glob("layout-*.json"))) == 1

    def recompute(*_args, **_kwargs):
        raise AssertionError("laid out again although the cache holds it")

    monkeypatch.setattr(cache, "positions", recompute)
    assert build_model(shipped_graph, cache=tmp_path).layout == first.layout


def test_a_damaged_layout_file_is_laid_out_again(shipped_graph, tmp_path):
    first = build_model(shipped_graph, cache=tmp_path)
    (path,) = tmp_path.glob("layout-*.json")
    path.write_text('{"key": "x", "result": {"ismc": [0, 0]}}')
    assert build_model(shipped_graph, cache=tmp_path).layout == first.layout


def test_rankings_put_the_highest_first_and_break_ties_by_id(shipped_graph, tmp_path):
    model = build_model(shipped_graph, cache=tmp_path)
    for metric, values in model.metrics.items():
        expected = tuple(sorted(values, key=lambda node: (-values[node], str(node))))
        assert model.order[metric] == expected, metric


def test_relation_tallies_are_cached_and_are_those_of_the_view(
    shipped_graph, tmp_path, monkeypatch
):
    uncached = build_model(shipped_graph, use_cache=False)
    build_model(shipped_graph, cache=tmp_path)
    assert len(list(tmp_path.glob("tallies-*.json"))) == 1

    def recount(*_args, **_kwargs):
        raise AssertionError("relations counted again although the cache holds their tallies")

    monkeypatch.setattr(cache, "tallies", recount)
    monkeypatch.setattr(explorer, "tallies", recount)
    again = build_model(shipped_graph, cache=tmp_path)
    assert again.span == uncached.span and again.span is not None
    assert again.period_counts == uncached.period_counts
    assert again.relation_counts == uncached.relation_counts
    assert sum(again.relation_counts.values()) == shipped_graph.number_of_edges()


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        '{"key": "x", "result": {}}',
        None,  # the right key, a count that is not a count
    ],
)
def test_damaged_tallies_are_counted_again(shipped_graph, tmp_path, damage):
    first = build_model(shipped_graph, cache=tmp_path)
    (path,) = tmp_path.glob("tallies-*.json")
    if damage is None:
        stored = json.loads(path.read_text())
        kind = next(iter(stored["result"]["relations"]))
        stored["result"]["relations"][kind] = -3
        damage = json.dumps(stored)
    path.write_text(damage)
    again = build_model(shipped_graph, cache=tmp_path)
    assert again.relation_counts == first.relation_counts
    assert (again.span, again.period_counts) == (first.span, first.period_counts)


def test_with_the_index_cached_a_restart_leaves_the_index_and_paths_for_the_warm_up(
    shipped_graph, tmp_path
):
    from ecosystem.analysis.lookup import search
    from ecosystem.explorer import warm_up

    first = build_model(shipped_graph, cache=tmp_path)
    # Nothing cached: the index is built at the start, once, and stored for the next one.
    assert first.parts.ready("index") and len(list(tmp_path.glob("index-*.npz"))) == 1
    second = build_model(shipped_graph, cache=tmp_path)
    assert not second.parts.ready("index") and not second.parts.ready("paths")
    warm_up(second)
    assert second.parts.ready("index") and second.parts.ready("paths")
    found = search(second.view, "mining", index=second.index)
    assert found == search(first.view, "mining", index=first.index) != []
    assert second.paths_between("ismc", "dg-grow") == first.paths_between("ismc", "dg-grow")


def test_without_the_cache_the_index_is_built_at_the_start(shipped_graph, tmp_path):
    model = build_model(shipped_graph, cache=tmp_path, use_cache=False)
    assert model.parts.ready("index")
    assert not list(tmp_path.glob("*"))
