"""The on-disk metric cache: keyed by the data, shared, and never a reason for a load to fail."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from ecosystem import cache, storage
from ecosystem.analysis import fast
from ecosystem.analysis.centrality import METRICS, all_centralities
from ecosystem.cache import (
    cache_dir,
    cache_key,
    compute_communities,
    compute_layout,
    compute_metrics,
    load_metrics,
)
from ecosystem.graph import simple_view
from ecosystem.settings import CommunitySettings, LayoutSettings


@pytest.fixture
def view(shipped_graph) -> nx.Graph:
    return simple_view(shipped_graph)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def only_file(folder: Path, pattern: str = "metrics-*.npz") -> Path:
    (path,) = folder.glob(pattern)
    return path


def test_second_computation_comes_from_the_cache(view, folder):
    first = compute_metrics(view, directory=folder)
    second = compute_metrics(view, directory=folder)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.values == first.values == all_centralities(view)
    assert second.methods == first.methods
    assert second.path == first.path == only_file(folder)


def test_cached_values_keep_the_graph_order(view, folder):
    compute_metrics(view, directory=folder)
    for metric, values in compute_metrics(view, directory=folder).values.items():
        assert list(values) == list(view), metric


def test_the_key_follows_the_data_and_the_options(view, monkeypatch):
    key = cache_key(view, "metrics", seed=1)
    assert cache_key(view, "metrics", seed=2) != key
    other = view.copy()
    other.graph["content_hash"] = "0" * 64
    assert cache_key(other, "metrics", seed=1) != key


@pytest.mark.parametrize(
    "change",
    [
        lambda graph: graph.remove_edge(*next(iter(graph.edges()))),
        lambda graph: graph.add_edge("ismc", "ismc"),
        lambda graph: graph.add_edge(*next(nx.non_edges(graph))),
    ],
    ids=["a link less", "a loop more", "a link more"],
)
def test_a_link_added_or_removed_changes_the_key(view, change):
    changed = view.copy()
    change(changed)
    assert changed.graph["content_hash"] == view.graph["content_hash"]
    assert cache_key(changed, "metrics", seed=1) != cache_key(view, "metrics", seed=1)


def test_changed_sampling_settings_are_computed_afresh(view, folder, monkeypatch):
    compute_metrics(view, directory=folder)
    monkeypatch.setattr(fast, "BETWEENNESS_SOURCES", fast.BETWEENNESS_SOURCES + 1)
    assert not compute_metrics(view, directory=folder).from_cache
    assert len(list(folder.glob("metrics-*.npz"))) == 2


def test_graphs_built_by_hand_are_not_cached(folder):
    result = compute_metrics(nx.path_graph(4), directory=folder)
    assert result.path is None and not folder.exists()
    assert result.values == all_centralities(nx.path_graph(4))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a zip file"), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:200]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_file_is_recomputed_and_replaced(view, folder, damage):
    expected = compute_metrics(view, directory=folder).values
    damage(only_file(folder))
    again = compute_metrics(view, directory=folder)
    assert not again.from_cache and again.values == expected
    assert compute_metrics(view, directory=folder).from_cache


def test_a_file_for_another_graph_with_the_same_hash_is_ignored(view, folder):
    compute_metrics(view, directory=folder)
    # Same content hash, node set and link count, different links: the stored degrees differ.
    rewired = view.copy()
    first, second = next(iter(rewired.edges()))
    rewired.remove_edge(first, second)
    third = next(
        node
        for node in rewired
        if node not in (first, second) and not rewired.has_edge(first, node)
    )
    rewired.add_edge(first, third, relations=[], types=[], weight=1)
    assert cache_key(rewired, "metrics", **cache._metric_options()) == cache_key(
        view, "metrics", **cache._metric_options()
    )
    assert load_metrics(rewired, directory=folder) is None
    assert compute_metrics(rewired, directory=folder).values == all_centralities(rewired)


def test_a_file_that_asks_to_unpickle_is_refused(view, folder):
    compute_metrics(view, directory=folder)
    path = only_file(folder)
    np.savez(path, meta=np.array([{"key": "x"}], dtype=object), nodes=np.array(list(view)))
    assert load_metrics(view, directory=folder) is None


def test_a_file_from_another_version_is_ignored(view, folder):
    compute_metrics(view, directory=folder)
    path = only_file(folder)
    with np.load(path) as stored:
        arrays = dict(stored)
    meta = json.loads(str(arrays["meta"]))
    arrays["meta"] = np.array(json.dumps({**meta, "key": "an older key"}))
    np.savez(path, **arrays)
    assert load_metrics(view, directory=folder) is None


def test_an_unwritable_cache_does_not_stop_the_computation(view, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    result = compute_metrics(view, directory=blocked)
    assert result.path is None and result.values == all_centralities(view)


def test_a_failed_write_leaves_no_temporary_file(view, folder, monkeypatch):
    def failing_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", failing_replace)
    assert compute_metrics(view, directory=folder).path is None
    assert list(folder.iterdir()) == []


def test_a_successful_write_leaves_only_the_file(view, folder):
    compute_metrics(view, directory=folder)
    assert [path.name for path in folder.iterdir()] == [only_file(folder).name]


def test_use_cache_false_neither_reads_nor_writes(view, folder):
    result = compute_metrics(view, directory=folder, use_cache=False)
    assert result.path is None and not folder.exists()


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_CACHE", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("ECOSYSTEM_CACHE")
    assert cache_dir() == Path.home() / ".cache" / "ecosystem"


def test_default_folder_is_used_when_none_is_given(view, monkeypatch, tmp_path):
    monkeypatch.setenv("ECOSYSTEM_CACHE", str(tmp_path / "env"))
    assert compute_metrics(view).path.parent == tmp_path / "env"


def test_progress_ends_even_on_a_cache_hit(view, folder):
    compute_metrics(view, directory=folder)
    calls = []
    compute_metrics(view, directory=folder, progress=lambda *call: calls.append(call))
    assert calls == [(len(METRICS), len(METRICS), "")]


# Communities.


def test_communities_are_cached_too(view, folder):
    first = compute_communities(view, directory=folder)
    path = only_file(folder, "communities-*.json")
    assert compute_communities(view, directory=folder) == first
    path.write_text("{not json")
    assert compute_communities(view, directory=folder) == first
    assert json.loads(path.read_text())["result"] == first


def test_communities_of_another_seed_are_not_served(view, folder):
    compute_communities(view, settings=CommunitySettings(seed=1), directory=folder)
    compute_communities(view, settings=CommunitySettings(seed=2), directory=folder)
    assert len(list(folder.glob("communities-*.json"))) == 2


@pytest.mark.parametrize(
    "changed",
    [
        LayoutSettings(seed=7),
        LayoutSettings(kamada_kawai_limit=5),
        LayoutSettings(spring_iterations=20),
        LayoutSettings(scale=100.0),
    ],
)
def test_a_layout_with_any_other_setting_is_computed_afresh(view, folder, changed):
    default = compute_layout(view, directory=folder)
    assert compute_layout(view, directory=folder, settings=changed) != default
    assert len(list(folder.glob("layout-*.json"))) == 2


def test_a_new_version_of_an_algorithm_is_computed_afresh(view, folder, monkeypatch):
    compute_layout(view, directory=folder)
    monkeypatch.setattr(LayoutSettings, "ALGORITHM", "layout-test")
    compute_layout(view, directory=folder)
    assert len(list(folder.glob("layout-*.json"))) == 2


def test_the_synergy_ranker_is_kept_as_arrays_and_read_back(tmp_path):
    from datetime import date

    from ecosystem.analysis import ranker as R
    from ecosystem.cache import load_ranker, save_ranker
    from tests.histories import synthetic

    history = synthetic()
    day = date(2018, 12, 31).toordinal()
    settings = R.RankerSettings(max_iter=4)
    model = R.fit_on_history(history.until(day), settings, seeds=40, min_pairs=50)
    graph = nx.Graph(content_hash="abc")
    graph.add_edge("a", "b")
    assert load_ranker(graph, day, settings, directory=tmp_path) is None
    path = save_ranker(graph, day, settings, model, directory=tmp_path)
    assert path is not None and path.suffix == ".npz"
    again = load_ranker(graph, day, settings, directory=tmp_path)
    x = np.random.default_rng(0).random((50, len(R.FEATURES)))
    np.testing.assert_array_equal(again.decision(x), model.decision(x))
    # Another day, other settings or other data: not this model.
    assert load_ranker(graph, day + 1, settings, directory=tmp_path) is None
    assert load_ranker(graph, day, R.RankerSettings(max_iter=5), directory=tmp_path) is None
    # A damaged file is ignored, never an error.
    path.write_bytes(b"not a zip file")
    assert load_ranker(graph, day, settings, directory=tmp_path) is None


def test_a_network_without_history_gets_no_ranker_and_says_why(tmp_path, shipped_view):
    from ecosystem.analysis.synergy import history_from_view
    from ecosystem.cache import synergy_ranker

    factory = synergy_ranker(shipped_view, directory=tmp_path)
    history = history_from_view(shipped_view)
    model, why = factory(history, history.last_day)
    assert model is None
    assert "first collaboration" in why and "needed to learn from" in why
    assert list(tmp_path.iterdir()) == []


def test_synergy_maxima_are_kept_and_read_back(tmp_path):
    from ecosystem.cache import synergy_maxima

    graph = nx.Graph(content_hash="abc")
    graph.add_edge("a", "b")
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6, dtype=np.float64).reshape(2, 3)

    maxima = synergy_maxima(graph, directory=tmp_path)
    first = maxima(100, compute)
    again = maxima(100, compute)
    np.testing.assert_array_equal(first, again)
    assert len(calls) == 1
    maxima(101, compute)  # another day: computed afresh
    assert len(calls) == 2
    for path in tmp_path.glob("synergy-maxima-*.npz"):
        path.write_bytes(b"damaged")
    np.testing.assert_array_equal(maxima(100, compute), first)
    assert len(calls) == 3
