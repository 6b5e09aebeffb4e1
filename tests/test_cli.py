"""The command line: clean output, clean errors, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from ecosystem.cli import main
from ecosystem.graph import load_graph
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, write_dataset


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_ok_prints_one_line_summary(tiny_dir):
    code, out, err = run("validate", "--data", str(tiny_dir))
    assert code == 0
    assert out.strip().endswith("3 entities and 2 relations are valid")
    assert err == ""


def test_validate_with_documents(tiny_dir):
    code, out, _ = run(
        "validate", "--data", str(tiny_dir), "--documents", str(tiny_dir / "sources")
    )
    assert code == 0
    assert "every evidence excerpt found" in out


def test_validate_lists_problems_and_exits_2(tmp_path):
    folder = write_dataset(
        tmp_path, relations=[{**TINY_RELATIONS[0], "target": "ghost"}, TINY_RELATIONS[1]]
    )
    code, out, err = run("validate", "--data", str(folder))
    assert code == 2
    assert out == ""
    assert "relations.csv:2: target: unknown entity id 'ghost'" in err
    assert "Traceback" not in err


def test_validate_documents_problem_exits_2(tmp_path):
    changed = {**TINY_RELATIONS[0], "evidence": "Acme Mining was never a member of anything."}
    folder = write_dataset(tmp_path, relations=[changed, TINY_RELATIONS[1]])
    code, _, err = run("validate", "--data", str(folder), "--documents", str(folder / "sources"))
    assert code == 2
    assert "relations.csv:2: evidence:" in err


def test_stats_table(tiny_dir):
    code, out, _ = run("stats", "--data", str(tiny_dir))
    assert code == 0
    assert out.startswith("3 entities, 2 relations (2 linked pairs), 1 component(s)")
    assert "Mining Cluster  cluster       2" in out


def test_stats_json(tiny_dir):
    code, out, _ = run("stats", "--data", str(tiny_dir), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["entity_types"] == {"cluster": 1, "company": 1, "project": 1}
    assert summary["best_connected"][0]["id"] == "cluster"


def test_stats_counts_relations_from_the_tallies_the_explorer_keeps(monkeypatch, tmp_path):
    from ecosystem.analysis import summary

    code, fresh, _ = run("stats", "--json", "--no-cache")
    assert code == 0
    folder = tmp_path / "cache"
    assert run("stats", "--json", "--cache", str(folder))[1] == fresh
    assert len(list(folder.glob("tallies-*.json"))) == 1
    monkeypatch.setattr(summary, "_relation_types", lambda view: pytest.fail("relations read"))
    assert run("stats", "--json", "--cache", str(folder))[1] == fresh
    assert json.loads(fresh)["relations"] == sum(json.loads(fresh)["relation_types"].values())


def test_module_entry_point_runs_without_traceback(tmp_path):
    folder = write_dataset(tmp_path, entities=[{**TINY_ENTITIES[0], "type": "x"}])
    result = subprocess.run(
        [sys.executable, "-m", "ecosystem", "validate", "--data", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "entities.csv:2: type: unknown entity type 'x'" in result.stderr
    assert "Traceback" not in result.stderr


def test_path_tells_each_hop_with_evidence():
    code, out, _ = run("path", "Pizarras la Baña", "DG GROW", "--k", "1")
    assert code == 0
    assert out.startswith("Path 1: Pizarras la Baña → Iberian Sustainable Mining Cluster →")
    assert "• Pizarras la Baña benefits from Iberian Sustainable Mining Cluster" in out
    # Each document by its title and its file.
    title = "The RESILEX project lights the energy sector from Castilla y León"
    assert f"source: {title} (000_26e7d72b3bc7a265.txt)" in out


def test_path_json_has_steps():
    code, out, _ = run("path", "pizarras-la-bana", "dg-grow", "--json", "--k", "2")
    assert code == 0
    result = json.loads(out)
    assert len(result["paths"]) == 2
    assert result["paths"][0]["steps"][0]["relations"][0]["evidence"]


def test_path_to_unknown_entity_exits_2_with_suggestion():
    code, out, err = run("path", "ismc", "Pizarras la Bana S.A.")
    assert code == 2
    assert out == ""
    assert "no entity called 'Pizarras la Bana S.A.'; did you mean" in err


def test_path_same_entity_twice():
    code, _, err = run("path", "ismc", "ISMC")
    assert code == 2
    assert "is both ends" in err


def test_synergy_lists_explained_candidates():
    code, out, _ = run("synergy", "ismc", "--type", "company", "--top", "3")
    assert code == 0
    assert out.startswith("Partners to consider for Iberian Sustainable Mining Cluster (cluster)")
    assert "Ranked by Adamic-Adar" in out
    assert "1. Managem (company, MA)  top " in out
    assert "has worked with your partner" in out
    assert "path: Iberian Sustainable Mining Cluster →" in out


def test_synergy_filters_by_country_and_dates_as_json():
    code, out, _ = run("synergy", "ismc", "--country", "ES", "--as-of", "2023-06-30", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == "2023-06-30" and result["country"] == "ES"
    assert {c["country"] for c in result["candidates"]} == {"ES"}
    assert result["method"] == "adamic_adar"


def test_synergy_refuses_context_types():
    code, _, err = run("synergy", "ismc", "--type", "city")
    assert code == 2
    assert "city cannot be suggested" in err


def test_synergy_pairs_json():
    code, out, _ = run("synergy", "--pairs", "company", "research", "--top", "3", "--json")
    assert code == 0
    result = json.loads(out)
    assert len(result["pairs"]) == 3
    assert {p["first"]["type"] for p in result["pairs"]} == {"company"}
    assert {p["second"]["type"] for p in result["pairs"]} == {"research"}


def test_synergy_needs_an_entity_or_pairs():
    code, _, err = run("synergy")
    assert code == 2
    assert "name an entity" in err


def test_centrality_ranks_within_a_type():
    code, out, _ = run("centrality", "--metric", "degree", "--type", "company", "--json")
    assert code == 0
    ranking = json.loads(out)["ranking"]
    assert {row["type"] for row in ranking} == {"company"}
    values = [row["value"] for row in ranking]
    assert values == sorted(values, reverse=True)


def test_centrality_table_names_the_metric():
    code, out, _ = run("centrality", "--top", "3")
    assert code == 0
    assert out.startswith("betweenness: ")
    assert "Iberian Sustainable Mining Cluster" in out


def test_communities_are_the_same_every_run():
    first = run("communities", "--json")[1]
    second = run("communities", "--json")[1]
    assert first == second
    result = json.loads(first)
    assert result["modularity"] > 0
    assert sum(c["size"] for c in result["communities"]) == load_graph().number_of_nodes()


def test_centrality_says_how_it_was_computed():
    code, out, _ = run("centrality", "--metric", "betweenness", "--top", "3")
    assert code == 0 and "Computed: exact." in out
    code, out, _ = run("centrality", "--metric", "betweenness", "--json")
    assert json.loads(out)["method"] == "exact"


def test_serve_takes_a_cache_folder_or_none():
    from ecosystem.cli import build_parser

    args = build_parser().parse_args(["serve", "--cache", "/tmp/metrics", "--no-cache"])
    assert (str(args.cache), args.no_cache) == ("/tmp/metrics", True)


def test_the_progress_bar_names_each_step_on_a_terminal(monkeypatch):
    from ecosystem.cli import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar("Preparing the network") as progress:
        progress(2, 11, "weighted_degree")
        progress(9, 11, "communities")
    shown = screen.getvalue()
    assert "Preparing the network" in shown
    assert "weighted degree" in shown and "communities" in shown
    assert "9/11" in shown


def test_the_progress_bar_stays_silent_off_a_terminal(monkeypatch):
    from ecosystem.cli import progress_bar

    screen = io.StringIO()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress_bar("Preparing the network") as progress:
        progress(1, 11, "degree")
    assert screen.getvalue() == ""


# What the command line loads ---------------------------------------------------------------

_LOADED = """
import contextlib, io, runpy, sys
sys.argv = ["ecosystem", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        runpy.run_module("ecosystem", run_name="__main__")
    except SystemExit:
        pass
print(" ".join(sorted(name for name in sys.modules if "." not in name)))
"""
HEAVY = ("numpy", "scipy", "networkx", "igraph", "rapidfuzz", "pandas", "plotly")
WEB = ("dash", "dash_cytoscape", "dash_ag_grid", "flask", "werkzeug", "waitress", "gunicorn")


def _loaded(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *argv], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_help_loads_no_analysis_library_and_no_web_framework():
    loaded = _loaded("--help")
    assert "ecosystem" in loaded  # the check itself ran the command line
    assert not loaded.intersection(HEAVY + WEB), loaded.intersection(HEAVY + WEB)
    assert not _loaded("export", "--help").intersection(HEAVY + WEB)


@pytest.mark.parametrize(
    "argv", [("stats",), ("path", "ismc", "dg-grow"), ("centrality",), ("communities",)]
)
def test_a_query_on_the_shipped_data_loads_no_web_framework(argv):
    loaded = _loaded(*argv)
    assert "networkx" in loaded  # it did answer the query
    assert not loaded.intersection(WEB), loaded.intersection(WEB)


def test_centrality_from_the_cache_loads_no_compiled_graph_library(tmp_path):
    from ecosystem.explorer import build_model
    from ecosystem.snapshot import read_network

    build_model(read_network(cache=tmp_path), cache=tmp_path)
    loaded = _loaded("centrality", "--metric", "pagerank", "--cache", str(tmp_path))
    assert "numpy" in loaded  # it did read the metrics
    assert not loaded.intersection({"scipy", "igraph"}), loaded.intersection({"scipy", "igraph"})


# The centrality command reads the explorer's cache ------------------------------------------


def test_centrality_reads_the_metrics_the_explorer_cached(tmp_path, monkeypatch):
    from ecosystem import cache
    from ecosystem.explorer import build_model
    from ecosystem.snapshot import read_network

    # What a server start leaves in the cache: the checked data and every metric.
    build_model(read_network(cache=tmp_path), cache=tmp_path)
    files = sorted(tmp_path.iterdir())
    monkeypatch.setattr(cache, "all_centralities", lambda *a, **k: pytest.fail("computed again"))
    code, out, _ = run("centrality", "--metric", "pagerank", "--cache", str(tmp_path), "--json")
    assert code == 0 and sorted(tmp_path.iterdir()) == files
    monkeypatch.undo()
    _, fresh, _ = run("centrality", "--metric", "pagerank", "--no-cache", "--json")
    assert json.loads(out) == json.loads(fresh)


def test_centrality_keeps_a_metric_it_computed_for_the_next_time(tmp_path, monkeypatch):
    from ecosystem import cache

    code, first, _ = run("centrality", "--metric", "closeness", "--cache", str(tmp_path))
    assert code == 0 and len(list(tmp_path.glob("metric*"))) == 1  # that metric alone
    monkeypatch.setattr(cache, "all_centralities", lambda *a, **k: pytest.fail("computed again"))
    assert run("centrality", "--metric", "closeness", "--cache", str(tmp_path))[1] == first


def test_centrality_without_the_cache_writes_nothing(tmp_path):
    assert run("centrality", "--no-cache", "--cache", str(tmp_path))[0] == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [("pizarras-la-bana", "dg-grow"), ("ismc", "icamcyl"), ("leon", "dg-grow")],
)
def test_path_answers_as_the_explorer_does(source, target):
    from ecosystem.analysis.paths import collaboration_paths, path_index
    from ecosystem.graph import simple_view

    view = simple_view(load_graph())
    expected = collaboration_paths(view, source, target, prepared=path_index(view))
    code, out, _ = run("path", source, target, "--json")
    assert code == 0
    answered = json.loads(out)
    assert [path["nodes"] for path in answered["paths"]] == [
        path["nodes"] for path in expected["paths"]
    ]
