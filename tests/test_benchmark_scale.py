"""The scale benchmark measures what it says: run on the shipped data, once, with few queries."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from benchmarks import scale
from ecosystem.analysis.centrality import METRICS
from ecosystem.explorer import MAX_ELEMENTS
from ecosystem.graph import default_data_dir, load_graph

QUERIES = 5


@pytest.fixture(scope="module")
def measured() -> dict:
    return scale.measure_dataset(default_data_dir(), repeat=1, queries=QUERIES)


def _results(datasets: dict, **options) -> dict:
    return {
        "date": "2025-01-01",
        "machine": "Machine: a test.",
        "options": {
            "sizes": list(datasets),
            "repeat": 1,
            "networkx": False,
            "max_relations": 0,
            "queries": QUERIES,
            "query_budget": 300.0,
            "curve_queries": 50,
            "curve_budget": 120.0,
            **options,
        },
        "datasets": datasets,
        "compare": None,
        "curve": [],
    }


def test_every_metric_is_timed_with_how_it_was_computed(measured):
    assert list(measured["metrics"]) == list(METRICS)
    for metric in measured["metrics"].values():
        assert metric["median_s"] > 0
        assert metric["runs"] == 1
        # 128 entities: the app computes every metric exactly, in NetworkX.
        assert (metric["backend"], metric["method"]) == ("networkx", "exact")


@pytest.mark.parametrize(
    "step",
    [
        "read",
        "build",
        "load",
        "typed",
        "metrics_cold",
        "metrics_warm",
        "communities",
        "warm_start",
        "synergy_prepare",
    ],
)
def test_every_step_has_a_positive_median(measured, step):
    found = measured["steps"][step]
    assert found["runs"] == 1
    assert found["median_s"] > 0


def test_load_is_read_plus_build(measured):
    steps = measured["steps"]
    total = steps["read"]["median_s"] + steps["build"]["median_s"]
    assert steps["load"]["median_s"] == pytest.approx(total)


def test_the_cold_sum_covers_every_metric(measured):
    parts = sum(metric["median_s"] for metric in measured["metrics"].values())
    assert parts <= measured["steps"]["metrics_cold"]["median_s"]


def test_warm_metrics_come_from_the_cache(measured):
    assert measured["steps"]["metrics_warm"]["from_cache"] is True


@pytest.mark.parametrize("kind", ["path", "synergy"])
def test_queries_report_median_and_p95(measured, kind):
    found = measured["steps"][kind]
    assert found["queries"] == found["asked"] == QUERIES
    assert found["failed"] == 0
    assert 0 < found["median_ms"] <= found["p95_ms"] <= found["max_ms"]


def test_the_first_view_fits_the_browser_budget(measured):
    shown = measured["steps"]["first_view"]
    assert shown["elements"] <= MAX_ELEMENTS
    assert shown["elements"] == shown["nodes"] + shown["links"]
    # The shipped network is small enough to be sent whole.
    assert (shown["nodes"], shown["links"]) == (measured["entities"], measured["links"])
    assert shown["bytes"] > 100 * shown["elements"]


def test_the_shipped_data_is_counted(measured):
    graph = load_graph(default_data_dir())
    assert measured["entities"] == graph.number_of_nodes()
    assert measured["relations"] == graph.number_of_edges()
    assert 0 < measured["peak_mb"] < 4096


def test_the_load_average_is_kept_with_the_figures(measured):
    before, after = measured["load_average"]
    assert float(before) >= 0 and float(after) >= 0
    text = scale.report(_results({"seed": measured}))
    assert f"| load average (1 minute), before / after | {before} / {after} |" in text


def test_the_report_has_a_row_per_measured_step(measured):
    text = scale.report(_results({"seed": measured}))
    labels = [
        "read + validate",
        "build (the simple view)",
        "load: read + validate + build",
        "typed graph, made from the view when first asked for",
        *(f"centrality: {metric}" for metric in METRICS),
        "all metrics cold (sum)",
        "all metrics from the on-disk cache",
        "warm start: load + build_model, everything cached",
        "first synergy query: history prepared, ranker cached",
        "communities (Louvain, cold)",
        "first view: time",
        "first view: elements sent",
        "first view: JSON bytes",
        "path query with explanation: median (queries)",
        "path query with explanation: p95",
        "synergy query: median (queries)",
        "synergy query: p95",
        "peak memory",
        "load average (1 minute), before / after",
    ]
    for label in labels:
        assert f"| {label} | " in text, label
    shown = measured["steps"]["first_view"]
    assert f"| first view: elements sent | {shown['elements']:,} |" in text
    assert f"({QUERIES})" in text


def test_the_report_says_what_it_left_out(measured):
    text = scale.report(_results({"seed": measured}))
    assert "left out the H2020 slice (`slice`); the H2020 network (`full`)" in text
    assert "full network not measured" in text
    assert "--max-relations 0" in text
    assert "Not measured in this run" in text


def test_verdicts_say_by_how_much():
    assert scale.verdict(7.9, 5.0, "s") == "not met (2.90 s over, +58%)"
    assert scale.verdict(4.0, 5.0, "s") == "met"
    assert scale.verdict(2000, 2000, "elements") == "met"
    assert scale.verdict(None, 5.0, "s") == "not measured"


def test_exact_against_auto_on_a_small_network():
    compared = scale.compare_exact(default_data_dir(), networkx=True)
    for row in compared["metrics"].values():
        # Below 2,000 entities the auto path is NetworkX's exact one: the rankings agree.
        assert row["method"] == "exact"
        assert row["accuracy"]["overlap"] == row["accuracy"]["of"] == 20
        assert row["accuracy"]["spearman"] == pytest.approx(1.0)
        assert row["networkx_differs_by"] < 1e-9
        assert row["networkx_s"] > 0 and row["igraph_exact_s"] > 0


def test_the_synthetic_network_loads_with_the_relations_asked(tmp_path):
    written = scale.generate_affiliation(tmp_path / "synthetic", 3_000)
    graph = load_graph(tmp_path / "synthetic")
    assert abs(graph.number_of_edges() - 3_000) <= 0.03 * 3_000
    assert written["relations"] == graph.number_of_edges()
    assert written["entities"] == graph.number_of_nodes()
    types = Counter(kind for _, _, kind in graph.edges(data="type"))
    assert types["located_in"] == written["organisations"]
    assert types["coordinates"] == written["projects"]


def test_the_synthetic_network_is_heavy_tailed_with_2_to_20_participants(tmp_path):
    scale.generate_affiliation(tmp_path / "synthetic", 20_000)
    with (tmp_path / "synthetic" / "relations.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["type"] != "located_in"]
    participants = Counter(row["target"] for row in rows)
    assert max(participants.values()) <= 20
    # Only the last project may be cut short by the relation count.
    assert sum(1 for count in participants.values() if count < 2) <= 1
    projects = Counter(row["source"] for row in rows)
    ordered = sorted(projects.values())
    assert ordered[-1] >= 20 * ordered[len(ordered) // 2]


def test_the_same_seed_writes_the_same_network(tmp_path):
    for folder, seed in (("a", 1), ("b", 1), ("c", 2)):
        scale.generate_affiliation(tmp_path / folder, 500, seed=seed)
    relations = {f: (tmp_path / f / "relations.csv").read_bytes() for f in "abc"}
    assert relations["a"] == relations["b"] != relations["c"]


def test_too_few_relations_are_refused(tmp_path):
    with pytest.raises(ValueError, match="2 or more"):
        scale.generate_affiliation(tmp_path / "synthetic", 1)


def test_the_command_writes_the_report(tmp_path):
    out = tmp_path / "benchmarks.md"
    scale.main(
        ["--sizes", "seed", "--skip-networkx", "--max-relations", "0", "--repeat", "1",
         "--queries", "3", "--out", str(out)]
    )  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Scale")
    assert "| peak memory | " in text
    assert "`python -m benchmarks.scale --repeat 1 --sizes seed --skip-networkx" in text
