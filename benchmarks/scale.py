"""How the explorer copes with size: the shipped data, the H2020 slice and network, and beyond.

    python -m benchmarks.scale [--repeat 5] [--sizes seed,slice,full] [--skip-networkx]
                               [--max-relations 1000000] [--queries 200] [--query-budget 300]
                               [--out docs/benchmarks.md] [--note TEXT] [--json]

Three datasets: ``seed`` (the shipped ``data/``), ``slice`` (10,000 entities of the CORDIS H2020
participation network) and ``full`` (all of it: 67,490 entities, 180,589 relations); the two H2020
ones are built by :mod:`benchmarks.h2020` when missing. Each is measured in a fresh subprocess, so
its peak memory is its own: reading and validating, building the simple view (and apart, the
typed graph the app makes from it when first asked for), every centrality as the app computes
it, the metrics again from the on-disk cache, a whole warm start, Louvain communities, the path
and synergy queries as the app asks them, and the first view the browser is sent. Steps are
timed ``--repeat`` times (fewer when they are slow: each step stops repeating once its runs have
taken a minute) and reported as medians; queries as median and p95 over seeded random questions
(at most ``--query-budget`` seconds of them per kind). The first view and the queries are timed
with the model frozen for the garbage collector, as ``ecosystem serve`` freezes it before
serving.

On the slice, the sampled betweenness, closeness and harmonic centrality are checked against the
exact values, and timed against NetworkX's exact functions (``--skip-networkx`` leaves these out:
betweenness alone takes about ten minutes), igraph's exact ones and, when it is installed,
networkit's with every core. Last, synthetic H2020-like affiliation networks of 10,000 to
1,000,000 relations (``--max-relations`` caps them) give the scaling curve.

Progress goes to stderr, one line per step; the report to ``--out``. The measuring functions
(:func:`measure_dataset`, :func:`compare_exact`, :func:`generate_affiliation`) return plain dicts;
:func:`report` turns them into markdown.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import itertools
import json
import math
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from benchmarks import h2020
from benchmarks.machine import describe, load_average
from ecosystem.analysis import fast
from ecosystem.analysis.centrality import METRICS, all_centralities, centrality, method, methods
from ecosystem.analysis.lookup import build_index
from ecosystem.analysis.paths import collaboration_paths, path_index
from ecosystem.analysis.synergy import SynergyIndex, prepare, synergy_candidates
from ecosystem.cache import CACHE_ENV, Metrics, compute_communities, compute_metrics, save_metrics
from ecosystem.errors import EcosystemError
from ecosystem.explorer import MAX_ELEMENTS, build_model
from ecosystem.graph import build_view, default_data_dir, read_dataset, typed_graph
from ecosystem.schema import ENTITIES_FILE, ENTITY_COLUMNS, RELATION_COLUMNS, RELATIONS_FILE
from ecosystem.snapshot import Network
from ecosystem.web.network import handle_elements
from ecosystem.web.spec import ViewState

ROOT = Path(__file__).resolve().parent.parent
SIZES = ("seed", "slice", "full")
DATASET_LABELS = {
    "seed": "shipped data",
    "slice": "H2020 slice",
    "full": "H2020 network",
}
CURVE_RELATIONS = (10_000, 30_000, 100_000, 300_000, 1_000_000)
PACKAGES = ("networkx", "igraph", "scipy", "numpy", "dash", "pandas", "networkit")
SAMPLED = ("betweenness", "closeness", "harmonic")
SEED = 42
# A step is timed again only while its runs so far have taken less than this.
STEP_BUDGET_S = 60.0
TOP_OVERLAP = 20
TOP_RANKED = 50

# The targets, on the full H2020 network: (what, figure in the results, limit, unit).
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("load + validate + build < 5 s", "load", 5.0, "s"),
    ("warm start (load + build_model) with cached metrics < 3 s", "warm_start", 3.0, "s"),
    ("all metrics cold < 60 s", "metrics_cold", 60.0, "s"),
    ("path query p95 < 100 ms", "path_p95", 100.0, "ms"),
    ("synergy query p95 < 300 ms", "synergy_p95", 300.0, "ms"),
    ("peak memory < 2 GB", "peak", 2048.0, "MB"),
    (f"browser elements ≤ {MAX_ELEMENTS:,}", "elements", float(MAX_ELEMENTS), "elements"),
)

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def say(message: str) -> None:
    """One progress line on stderr."""
    print(f"[scale] {message}", file=sys.stderr, flush=True)


# Timing helpers.


def timed(step: Callable[[], Any], repeat: int, *, budget: float = STEP_BUDGET_S) -> dict:
    """Run ``step`` up to ``repeat`` times (at least once; no new run once the runs so far took
    ``budget`` seconds). Returns the median, every time and the last result (``"result"``)."""
    times: list[float] = []
    result = None
    while len(times) < max(repeat, 1) and sum(times) < budget:
        # The previous run's result goes before the next is made, cycles and all, so that two
        # never add up in the peak memory; untimed.
        result = None
        gc.collect()
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return {
        "median_s": statistics.median(times),
        "runs": len(times),
        "times_s": times,
        "result": result,
    }


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95) of ``values``.

    >>> percentile(range(1, 101), 0.95)
    95
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _summary(step: dict) -> dict:
    return {key: value for key, value in step.items() if key != "result"}


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_queries(
    ask: Callable[[Any], Any], questions: list, budget: float, progress: Progress, label: str
) -> dict:
    """Time ``ask(question)`` for each question until ``budget`` seconds are spent (0: no limit)."""
    times: list[float] = []
    failed = 0
    spent = 0.0
    for number, question in enumerate(questions, start=1):
        if budget and spent >= budget:
            break
        started = time.perf_counter()
        try:
            ask(question)
        except EcosystemError:
            failed += 1
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        spent += elapsed
        if number % 50 == 0:
            progress(f"{label}: {number} of {len(questions)} queries")
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "max_ms": max(times) * 1000,
        "queries": len(times),
        "asked": len(questions),
        "failed": failed,
        "budget_s": budget,
    }


def _largest_component(view: nx.Graph) -> list[str]:
    return sorted(max(nx.connected_components(view), key=len), key=str) if len(view) else []


def question_pairs(view: nx.Graph, count: int, *, seed: int = SEED) -> list[tuple[str, str]]:
    """``count`` seeded random pairs of distinct entities in the largest component."""
    component = _largest_component(view)
    rng = random.Random(seed)
    return [tuple(rng.sample(component, 2)) for _ in range(count)] if len(component) > 1 else []


def question_entities(view: nx.Graph, count: int, *, seed: int = SEED) -> list[str]:
    """Up to ``count`` distinct seeded random entities of the largest component."""
    component = _largest_component(view)
    return random.Random(seed + 1).sample(component, min(count, len(component)))


def hot_spots(
    entry: Callable, calls: Iterable[Callable[[], object]], *, top: int = 5
) -> list[dict]:
    """Where the time of ``calls`` (each calling ``entry``) goes: the ``top`` functions of the
    project and of networkx (its dispatch wrappers left out) by cumulative time under cProfile,
    as shares of the time spent in ``entry``. Nested calls overlap."""
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls:
        call()
    profiler.disable()
    stats: dict = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    code = entry.__code__
    own = (code.co_filename, code.co_firstlineno, entry.__name__)
    total = stats[own][3] if own in stats else 0.0
    rows = []
    for key, (_cc, count, _tt, cumulative, _callers) in stats.items():
        where = _where(key[0])
        if where is None or key == own or not total:
            continue
        rows.append({"function": f"{where}:{key[2]}", "calls": count, "share": cumulative / total})
    rows.sort(key=lambda row: (-row["share"], row["function"]))
    return rows[:top]


def _where(filename: str) -> str | None:
    path = Path(filename)
    parts = path.parts
    if "networkx" in parts:
        inner = parts[parts.index("networkx") :]
        return None if inner[1:2] == ("utils",) else "/".join(inner)
    try:
        relative = path.resolve().relative_to(ROOT / "ecosystem")
    except ValueError:
        return None
    return "ecosystem/" + relative.as_posix()


# Measuring one dataset.


def _json_bytes(value: Any) -> int:
    """Bytes of ``value`` serialised the way Dash serialises a callback's answer."""
    try:
        from plotly.io.json import to_json_plotly
    except ImportError:  # pragma: no cover - plotly comes with dash
        return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))
    return len(to_json_plotly(value).encode("utf-8"))


def measure_dataset(
    data_dir: str | Path,
    *,
    repeat: int = 5,
    queries: int = 200,
    query_budget: float = 300.0,
    light: bool = False,
    profile: bool = True,
    seed: int = SEED,
    progress: Progress = _quiet,
) -> dict:
    """Measure the explorer on one dataset, in this process; a plain dict of figures.

    ``light`` (the scaling curve) times loading, the metrics cold once, and the queries on the
    simple view; otherwise every step of the module docstring. ``profile`` adds where the
    queries spend their time. ``peak_mb`` is this process's peak so far: run each dataset in a
    fresh process (as :func:`main` does) for it to be the dataset's own.
    """
    data_dir = Path(data_dir)
    name = data_dir.name
    started_load = load_average()
    progress(f"{name}: read + validate, build")
    steps, view, relations = time_loading(data_dir, repeat)
    progress(f"{name}: every centrality, cold")
    step, metrics, values = time_metrics(view, 1 if light else repeat)
    steps["metrics_cold"] = step
    model = None
    if light:
        index, prepared = build_index(view), path_index(view)
        synergy = prepare(view)
    else:
        with tempfile.TemporaryDirectory(prefix="scale-cache-") as folder:
            cache = Path(folder)
            progress(f"{name}: metrics from the on-disk cache; communities, cold")
            steps |= time_cache(view, values, cache, repeat)
            # The model holds the app's own copies: let ours go, so the peak is the app's.
            del values
            view = None
            progress(f"{name}: warm start (read, build and build_model from the cache)")
            steps["warm_start"], model = time_warm_start(data_dir, cache, repeat)
            progress(f"{name}: the partner-suggestion history (on the first synergy query)")
            steps["synergy_prepare"], synergy = time_synergy_prepare(model, repeat)
        view, index, prepared = model.view, model.index, model.paths
    # As the server does once the model is built (ecosystem.server): the garbage collector never
    # walks the model again, so its pauses do not land in the requests timed below.
    gc.collect()
    gc.freeze()
    try:
        if model is not None:
            progress(f"{name}: the first view")
            steps["first_view"] = time_first_view(model, repeat)
        asked, hot = time_asking(
            view, index, prepared, synergy, queries, query_budget, profile, seed, progress, name
        )
        steps |= asked
    finally:
        gc.unfreeze()
    return {
        "dataset": name,
        "dir": str(data_dir),
        "entities": view.number_of_nodes(),
        "relations": relations,
        "links": view.number_of_edges(),
        "largest_component": len(_largest_component(view)),
        "repeat": repeat,
        "light": light,
        "metrics": metrics,
        "steps": steps,
        "hot_spots": hot,
        "peak_mb": peak_mb(),
        # Other work on the machine slows every figure: the load average before and after.
        "load_average": [started_load, load_average()],
    }


def time_asking(
    view: nx.Graph,
    index: Any,
    prepared: Any,
    synergy_index: SynergyIndex,
    queries: int,
    budget: float,
    profile: bool,
    seed: int,
    progress: Progress,
    name: str,
) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """Path and synergy queries on seeded random questions, asked as the app's ``handle_path``
    and ``handle_synergy`` ask them (with the model's lookup and path indexes and its prepared
    collaboration history ``synergy_index``); with ``profile``, where their time goes."""

    def path(pair: tuple[str, str]) -> dict:
        return collaboration_paths(
            view, *pair, k=3, avoid_hubs=True, index=index, prepared=prepared
        )

    def synergy(node: str) -> dict:
        return synergy_candidates(
            view, node, types=None, top=10, synergy=synergy_index, index=index, prepared=prepared
        )

    pairs = question_pairs(view, queries, seed=seed)
    entities = question_entities(view, queries, seed=seed)
    if not pairs:
        return {}, {}
    progress(f"{name}: {len(pairs)} path queries")
    steps = {"path": time_queries(path, pairs, budget, progress, f"{name}: paths")}
    progress(f"{name}: {len(entities)} synergy queries")
    steps["synergy"] = time_queries(synergy, entities, budget, progress, f"{name}: synergy")
    if not profile:
        return steps, {}
    progress(f"{name}: where the query time goes (cProfile)")
    return steps, {
        "path": hot_spots(
            collaboration_paths, [lambda pair=pair: path(pair) for pair in pairs[:2]]
        ),
        "synergy": hot_spots(synergy_candidates, [lambda: synergy(entities[0])]),
    }


def time_loading(data_dir: Path, repeat: int) -> tuple[dict[str, dict], nx.Graph, int]:
    """Read + validate, build the simple view (as the app loads a network from its files), and
    their sum, each run; apart, the typed graph, which the app makes from the view when it is
    first asked for. The steps, the last simple view and the number of relations."""
    reads: list[float] = []
    builds: list[float] = []
    typed: list[float] = []
    view = None
    relations = 0
    while len(reads) < max(repeat, 1) and sum(reads) + sum(builds) + sum(typed) < STEP_BUDGET_S:
        view = None  # the previous run's copy goes first (see timed)
        gc.collect()
        started = time.perf_counter()
        dataset = read_dataset(data_dir)
        read_done = time.perf_counter()
        relations = len(dataset.relation_table.lines)
        view = build_view(dataset)
        del dataset  # as in the app, the rows go once the view holds them
        built = time.perf_counter()
        typed_graph(view)
        typed.append(time.perf_counter() - built)
        reads.append(read_done - started)
        builds.append(built - read_done)
    assert view is not None
    loads = [first + second for first, second in zip(reads, builds, strict=True)]
    steps = {
        key: {"median_s": statistics.median(times), "runs": len(times), "times_s": times}
        for key, times in (("read", reads), ("build", builds), ("load", loads), ("typed", typed))
    }
    return steps, view, relations


def time_metrics(view: nx.Graph, repeat: int) -> tuple[dict, dict[str, dict], Metrics]:
    """Every centrality cold, as the app computes them (one igraph conversion shared); the
    whole step, each metric's time and method, and the values with their methods."""
    per_metric: dict[str, list[float]] = {metric: [] for metric in METRICS}

    def cold() -> dict:
        marks: list[tuple[float, str]] = []
        values = all_centralities(
            view, progress=lambda _d, _t, metric: marks.append((time.perf_counter(), metric))
        )
        for (when, metric), (after, _) in itertools.pairwise(marks):
            per_metric[metric].append(after - when)
        return values

    step = timed(cold, repeat)
    chosen = methods(view)
    metrics = {
        metric: {
            "median_s": statistics.median(per_metric[metric]),
            "runs": len(per_metric[metric]),
            "backend": chosen[metric].backend,
            "method": chosen[metric].describe(),
        }
        for metric in METRICS
    }
    return _summary(step), metrics, Metrics(values=step["result"], methods=chosen)


def time_cache(view: nx.Graph, metrics: Metrics, cache: Path, repeat: int) -> dict[str, dict]:
    """The metrics read back from the cache folder ``cache``, and Louvain communities cold;
    leaves both in ``cache`` for a warm start."""
    save_metrics(view, metrics, directory=cache)
    warm = timed(lambda: compute_metrics(view, directory=cache), repeat)
    runs: list[bool] = []

    def louvain() -> dict:
        # The first run finds the cache empty and fills it; the others neither read nor write.
        runs.append(True)
        return compute_communities(view, directory=cache, use_cache=len(runs) == 1)

    cold = timed(louvain, repeat)
    return {
        "metrics_warm": {**_summary(warm), "from_cache": warm["result"].from_cache},
        "communities": {
            **_summary(cold),
            "count": len(cold["result"]["communities"]),
            "modularity": cold["result"]["modularity"],
        },
    }


def time_warm_start(data_dir: Path, cache: Path, repeat: int) -> tuple[dict, Any]:
    """A whole restart from the files: read, build the simple view and ``build_model`` with
    everything it caches already in ``cache``; the step and the last model."""
    # One untimed start stores what the model caches besides metrics and communities (the
    # layout): every timed start then finds all of it.
    build_model(Network(build_view(read_dataset(data_dir))), cache=cache)
    step = timed(
        lambda: build_model(Network(build_view(read_dataset(data_dir))), cache=cache), repeat
    )
    return _summary(step), step["result"]


def time_synergy_prepare(model: Any, repeat: int) -> tuple[dict, SynergyIndex]:
    """What the first synergy query of a server adds: the model's collaboration history and
    ranker prepared, each run on a fresh copy of the model (after an untimed one that puts the
    ranker and maxima in the cache, as every start but the very first finds them); the step and
    the last history."""
    replace(model).synergy  # noqa: B018
    step = timed(lambda: replace(model).synergy, repeat)
    return _summary(step), step["result"]


def time_first_view(model: Any, repeat: int) -> dict:
    """What the browser is sent on opening the page: elements, their JSON size, the time."""
    step = timed(lambda: handle_elements(model, ViewState()), repeat)
    elements, _counts = step["result"]
    nodes = sum(1 for element in elements if "source" not in element["data"])
    return {
        **_summary(step),
        "elements": len(elements),
        "nodes": nodes,
        "links": len(elements) - nodes,
        "bytes": _json_bytes(elements),
    }


# Exact against approximate, and library against library, on one dataset.

NETWORKX_EXACT: dict[str, Callable[[nx.Graph], dict]] = {
    "betweenness": nx.betweenness_centrality,
    "closeness": nx.closeness_centrality,
    "harmonic": nx.harmonic_centrality,
}


def _ranked(values: dict, top: int) -> list:
    return sorted(values, key=lambda node: (-values[node], str(node)))[:top]


def accuracy(approximate: dict, exact: dict) -> dict:
    """How far ``approximate`` ranks as ``exact`` does: the overlap of their top 20, and the
    Spearman correlation of the two over the exact top 50.

    >>> accuracy({"a": 3.0, "b": 2.0, "c": 1.0}, {"a": 3.0, "b": 1.0, "c": 2.0})["overlap"]
    3
    """
    from scipy.stats import spearmanr

    # Values equal to 12 decimals are ties (as rankings treat them): rounding noise between two
    # exact computations must not count as disagreement.
    approximate = {node: round(value, 12) for node, value in approximate.items()}
    exact = {node: round(value, 12) for node, value in exact.items()}
    overlap = len(set(_ranked(approximate, TOP_OVERLAP)) & set(_ranked(exact, TOP_OVERLAP)))
    leaders = _ranked(exact, TOP_RANKED)
    rho = spearmanr([exact[n] for n in leaders], [approximate[n] for n in leaders]).statistic
    return {
        "overlap": overlap,
        "of": min(TOP_OVERLAP, len(exact)),
        "spearman": float(rho),
        "ranked": len(leaders),
    }


def _networkit(view: nx.Graph, exact: dict[str, dict], progress: Progress) -> dict | None:
    """networkit's exact times with every core, when networkit is installed (never required)."""
    try:
        import networkit as nk
    except ImportError:
        return None
    threads = os.cpu_count() or 1
    nk.setNumberOfThreads(threads)
    nodes = list(view)
    number = {node: i for i, node in enumerate(nodes)}
    started = time.perf_counter()
    graph = nk.Graph(len(nodes))
    for first, second in view.edges():
        graph.addEdge(number[first], number[second])
    convert_s = time.perf_counter() - started
    variants = nk.centrality.ClosenessVariant
    generalized = getattr(variants, "GENERALIZED", None) or variants.Generalized
    make = {
        "betweenness": lambda: nk.centrality.Betweenness(graph, normalized=True),
        "closeness": lambda: nk.centrality.Closeness(graph, True, generalized),
        "harmonic": lambda: nk.centrality.HarmonicCloseness(graph, normalized=True),
    }
    rows = {}
    for metric in SAMPLED:
        progress(f"networkit exact {metric} ({threads} threads)")
        algorithm = make[metric]()
        started = time.perf_counter()
        algorithm.run()
        elapsed = time.perf_counter() - started
        scores = dict(zip(nodes, algorithm.scores(), strict=True))
        rows[metric] = {"seconds": elapsed, "agreement": accuracy(scores, exact[metric])}
    return {"version": nk.__version__, "threads": threads, "convert_s": convert_s, "metrics": rows}


def compare_exact(
    data_dir: str | Path, *, networkx: bool = True, progress: Progress = _quiet
) -> dict:
    """On one dataset, for betweenness, closeness and harmonic centrality: the project's auto
    path (timed, with its method) against the exact values (igraph's, equal to NetworkX's), and
    the time of NetworkX's exact defaults (unless ``networkx`` is False), igraph's exact
    functions and networkit's (when installed). Each once."""
    data_dir = Path(data_dir)
    view = build_view(read_dataset(data_dir))
    n = len(view)
    rows: dict[str, dict] = {}
    exact_values: dict[str, dict] = {}
    for metric in SAMPLED:
        progress(f"{data_dir.name}: {metric}: the project's auto path")
        auto = timed(lambda metric=metric: centrality(view, metric), 1)
        progress(f"{data_dir.name}: {metric}: igraph exact")
        exact = timed(lambda metric=metric: fast.centrality(view, metric), 1)
        exact_values[metric] = exact["result"]
        row = {
            "auto_s": auto["median_s"],
            "method": method(view, metric).describe(),
            "igraph_exact_s": exact["median_s"],
            "accuracy": accuracy(auto["result"], exact["result"]),
            "networkx_s": None,
            "networkx_differs_by": None,
        }
        if networkx:
            progress(f"{data_dir.name}: {metric}: NetworkX exact (slow: minutes)")
            reference = timed(lambda metric=metric: NETWORKX_EXACT[metric](view), 1)
            scale = 1 / (n - 1) if metric == "harmonic" and n > 1 else 1.0
            row["networkx_s"] = reference["median_s"]
            row["networkx_differs_by"] = max(
                (
                    abs(value * scale - exact["result"][node])
                    for node, value in reference["result"].items()
                ),
                default=0.0,
            )
        rows[metric] = row
    return {
        "dataset": data_dir.name,
        "entities": n,
        "links": view.number_of_edges(),
        "networkx": networkx,
        "metrics": rows,
        "networkit": _networkit(view, exact_values, progress),
    }


# Synthetic networks shaped like H2020.

COUNTRIES = [
    *("DE", "ES", "FR", "IT", "GB", "NL", "BE", "GR", "PT", "SE", "AT", "DK", "FI", "PL"),
    *("IE", "CH", "NO", "CZ", "HU", "RO", "SI", "IL", "TR", "EE", "LT", "LV", "SK", "BG"),
    *("HR", "CY", "LU", "MT", "IS", "RS", "UA", "US", "CA", "BR", "ZA", "JP"),
]
# Shares of the H2020 participants by activity type.
ORGANISATION_TYPES = {"company": 0.65, "research": 0.16, "association": 0.12, "government": 0.07}
PARTICIPANTS = range(2, 21)
SYNTHETIC_DOC = "synthetic.csv"
KIND_OF = {"org": "organisations", "proj": "projects", "country": "countries"}


def affiliations(
    relations: int, *, seed: int = SEED, new_organisation: float = 0.25
) -> Iterable[tuple[str, dict[str, str]]]:
    """The rows of an H2020-like affiliation network of exactly ``relations`` relations, as
    ``("entity" | "relation", row)`` pairs; see :func:`generate_affiliation`.

    >>> rows = list(affiliations(10))
    >>> sum(kind == "relation" for kind, _ in rows)
    10
    """
    if relations < 2:
        raise ValueError(f"relations must be 2 or more, not {relations}")
    rng = random.Random(seed)
    sizes = list(PARTICIPANTS)
    size_weights = list(itertools.accumulate(1 / k for k in sizes))
    country_weights = list(itertools.accumulate(1 / rank for rank in range(1, len(COUNTRIES) + 1)))
    kinds = list(ORGANISATION_TYPES)
    kind_weights = list(itertools.accumulate(ORGANISATION_TYPES.values()))
    for code in COUNTRIES:
        yield (
            "entity",
            {
                "id": f"country-{code.lower()}",
                "name": f"Country {code}",
                "type": "country",
                "country": code,
            },
        )
    tokens: list[int] = []  # one entry per participation: the preferential draw
    organisations = projects = written = 0
    while written < relations:
        projects += 1
        year = rng.randint(2014, 2020)
        start = f"{year}-{rng.randint(1, 12):02d}-01"
        end = f"{year + rng.randint(2, 4)}{start[4:]}"
        members: list[int] = []
        for _ in range(rng.choices(sizes, cum_weights=size_weights)[0]):
            remaining = relations - written
            organisation = None
            if tokens and (remaining < 2 or rng.random() >= new_organisation):
                drawn = (rng.choice(tokens) for _attempt in range(10))
                organisation = next((o for o in drawn if o not in members), None)
            if organisation is None:
                if remaining < 2:  # a new organisation takes two relations: none left
                    break
                organisations += 1
                organisation = organisations
                code = rng.choices(COUNTRIES, cum_weights=country_weights)[0]
                yield (
                    "entity",
                    {
                        "id": f"org-{organisation}",
                        "name": f"Organisation {organisation}",
                        "type": rng.choices(kinds, cum_weights=kind_weights)[0],
                        "country": code,
                        "description": "Synthetic participant in H2020-like projects.",
                    },
                )
                yield (
                    "relation",
                    {
                        "source": f"org-{organisation}",
                        "target": f"country-{code.lower()}",
                        "type": "located_in",
                        "evidence": f"Synthetic organisation {organisation} is based "
                        f"in {code} (seed {seed})",
                        "doc": SYNTHETIC_DOC,
                    },
                )
                written += 1
            if not members:
                yield (
                    "entity",
                    {
                        "id": f"proj-{projects}",
                        "name": f"Project {projects}",
                        "type": "project",
                        "description": f"Synthetic project, {start} to {end}.",
                    },
                )
            role = "participant" if members else "coordinator"
            members.append(organisation)
            tokens.append(organisation)
            yield (
                "relation",
                {
                    "source": f"org-{organisation}",
                    "target": f"proj-{projects}",
                    "type": "coordinates" if role == "coordinator" else "partner_in",
                    "role": role,
                    "start": start,
                    "end": end,
                    "amount_eur": str(rng.randrange(50_000, 2_000_000)),
                    "evidence": f"Synthetic participation: organisation "
                    f"{organisation} {role} in project {projects} (seed {seed})",
                    "doc": SYNTHETIC_DOC,
                },
            )
            written += 1
            if written == relations:
                break
        if not members:
            projects -= 1


def generate_affiliation(
    out: str | Path, relations: int, *, seed: int = SEED, new_organisation: float = 0.25
) -> dict:
    """Write an H2020-like affiliation network of exactly ``relations`` relations into ``out``
    (``entities.csv`` and ``relations.csv``, valid for :func:`ecosystem.graph.read_dataset`);
    what was written, counted.

    Projects take 2 to 20 participants (k of them with odds 1/k); each participant is a new
    organisation with probability ``new_organisation`` and otherwise an existing one drawn in
    proportion to its participations so far (preferential attachment: heavy-tailed, like
    H2020). The first participant ``coordinates`` the project, the others are ``partner_in`` it;
    every organisation is ``located_in`` one of 40 countries (Zipf-weighted). The same ``seed``
    writes the same files.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = {"organisations": 0, "projects": 0, "countries": 0, "relations": 0}
    with (
        (out / ENTITIES_FILE).open("w", encoding="utf-8", newline="") as entity_file,
        (out / RELATIONS_FILE).open("w", encoding="utf-8", newline="") as relation_file,
    ):
        writers = {
            "entity": csv.DictWriter(entity_file, ENTITY_COLUMNS, lineterminator="\n"),
            "relation": csv.DictWriter(relation_file, RELATION_COLUMNS, lineterminator="\n"),
        }
        for writer in writers.values():
            writer.writeheader()
        for kind, row in affiliations(relations, seed=seed, new_organisation=new_organisation):
            writers[kind].writerow(row)
            counts["relations" if kind == "relation" else KIND_OF[row["id"].split("-")[0]]] += 1
    entities = counts["organisations"] + counts["projects"] + counts["countries"]
    return {"dir": str(out), "entities": entities, **counts}


# Running each measurement in a fresh process.


def run_worker(task: dict) -> dict:
    """Run one measurement task in a fresh ``python -m benchmarks.scale --worker`` process,
    with a cache folder of its own; its result. Progress passes through on stderr."""
    with tempfile.TemporaryDirectory(prefix="scale-worker-") as folder:
        env = {**os.environ, CACHE_ENV: folder}
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.scale", "--worker", json.dumps(task)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"measuring {task} failed (exit {done.returncode}); see stderr")
    return json.loads(done.stdout)


def _work(task: dict) -> dict:
    kind = task.pop("task")
    if kind == "dataset":
        return measure_dataset(task.pop("data"), progress=say, **task)
    if kind == "compare":
        return compare_exact(task.pop("data"), progress=say, **task)
    raise ValueError(f"unknown task {kind!r}")


def dataset_dir(size: str) -> Path:
    """The folder of a named dataset; the H2020 ones are built first when missing."""
    if size == "seed":
        return default_data_dir()
    folder = h2020.DEFAULT_OUT / f"h2020-{size}"
    if not (folder / RELATIONS_FILE).is_file():
        say(f"building the H2020 datasets from {h2020.DEFAULT_SOURCE} (a minute)")
        h2020.build()
    return folder


def run(
    *,
    sizes: Iterable[str] = SIZES,
    repeat: int = 5,
    networkx: bool = True,
    max_relations: int = CURVE_RELATIONS[-1],
    queries: int = 200,
    query_budget: float = 300.0,
    curve_queries: int = 50,
    curve_budget: float = 120.0,
) -> dict:
    """Every measurement of the module docstring, each dataset in its own process."""
    sizes = list(sizes)
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": describe(*PACKAGES),
        "options": {
            "sizes": sizes,
            "repeat": repeat,
            "networkx": networkx,
            "max_relations": max_relations,
            "queries": queries,
            "query_budget": query_budget,
            "curve_queries": curve_queries,
            "curve_budget": curve_budget,
        },
        "datasets": {},
        "compare": None,
        "curve": [],
    }
    for size in sizes:
        say(f"{size}: measuring in a fresh process")
        results["datasets"][size] = run_worker(
            {
                "task": "dataset",
                "data": str(dataset_dir(size)),
                "repeat": repeat,
                "queries": queries,
                "query_budget": query_budget,
            }
        )
    if "slice" in sizes:
        say("slice: exact against sampled, library against library")
        results["compare"] = run_worker(
            {"task": "compare", "data": str(dataset_dir("slice")), "networkx": networkx}
        )
    for relations in (r for r in CURVE_RELATIONS if r <= max_relations):
        with tempfile.TemporaryDirectory(prefix="scale-synthetic-") as folder:
            say(f"synthetic, {relations:,} relations: generating")
            started = time.perf_counter()
            written = generate_affiliation(Path(folder) / f"synthetic-{relations}", relations)
            generated_s = time.perf_counter() - started
            measured = run_worker(
                {
                    "task": "dataset",
                    "data": written["dir"],
                    "repeat": 1,
                    "light": True,
                    "profile": False,
                    "queries": curve_queries,
                    "query_budget": curve_budget,
                }
            )
        results["curve"].append({**written, "generate_s": generated_s, "measured": measured})
    return results


# The report.


def duration(seconds: float) -> str:
    """A time for people: ``4.2 ms``, ``460 ms``, ``1.69 s``, ``19.5 s``.

    >>> duration(0.0042), duration(0.46), duration(1.6895), duration(19.47)
    ('4.2 ms', '460 ms', '1.69 s', '19.5 s')
    """
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _milliseconds(value: float) -> str:
    return duration(value / 1000)


def _timed_cell(step: dict | None, repeat: int) -> str:
    if not step:
        return "—"
    cell = duration(step["median_s"])
    if step["runs"] < repeat:
        cell += f" ({step['runs']} run{'s' if step['runs'] != 1 else ''})"
    return cell


def _query_cell(step: dict | None, key: str, count: bool) -> str:
    if not step:
        return "—"
    cell = _milliseconds(step[key])
    if count:
        asked = step["asked"]
        cell += f" ({step['queries']}" + (f" of {asked}" if step["queries"] < asked else "") + ")"
    return cell


def _figure(result: dict, key: str) -> float | None:
    """A target's figure in one dataset's result, in the target's unit; None when unmeasured."""
    steps = result["steps"]
    if key in ("load", "metrics_cold", "warm_start"):
        return steps[key]["median_s"] if key in steps else None
    if key in ("path_p95", "synergy_p95"):
        step = steps.get(key.split("_", maxsplit=1)[0])
        return step["p95_ms"] if step else None
    if key == "peak":
        return result["peak_mb"]
    if key == "elements":
        step = steps.get("first_view")
        return float(step["elements"]) if step else None
    raise KeyError(key)


def _with_unit(value: float, unit: str) -> str:
    if unit == "s":
        return duration(value)
    if unit == "ms":
        return _milliseconds(value)
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f}"


def verdict(value: float | None, limit: float, unit: str) -> str:
    """ "met", or "not met (... over)" with by how much; elements may equal the limit.

    >>> verdict(7.9, 5.0, "s")
    'not met (2.90 s over, +58%)'
    >>> verdict(2000, 2000, "elements")
    'met'
    """
    if value is None:
        return "not measured"
    if value < limit or (unit == "elements" and value <= limit):
        return "met"
    over = value - limit
    return f"not met ({_with_unit(over, unit)} over, +{over / limit:.0%})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def dataset_rows(results: dict[str, dict], repeat: int) -> list[list[str]]:
    """One row per measured step, one column per dataset (in ``results``' order)."""
    found = list(results.values())

    def row(label: str, cell: Callable[[dict], str]) -> list[str]:
        return [label, *(cell(result) for result in found)]

    def step(name: str) -> Callable[[dict], str]:
        return lambda result: _timed_cell(result["steps"].get(name), repeat)

    def view_figure(key: str) -> Callable[[dict], str]:
        def cell(result: dict) -> str:
            shown = result["steps"].get("first_view")
            return f"{shown[key]:,}" if shown else "—"

        return cell

    def cached(result: dict) -> str:
        shown = result["steps"].get("metrics_warm")
        cell = _timed_cell(shown, repeat)
        return cell if not shown or shown["from_cache"] else f"{cell} (recomputed: no cache hit)"

    rows = [
        row(
            "entities / relations / links",
            lambda r: f"{r['entities']:,} / {r['relations']:,} / {r['links']:,}",
        ),
        row("read + validate", step("read")),
        row("build (the simple view)", step("build")),
        row("load: read + validate + build", step("load")),
        row("typed graph, made from the view when first asked for", step("typed")),
    ]
    rows += [
        row(
            f"centrality: {metric}",
            lambda r, metric=metric: _timed_cell(r["metrics"][metric], repeat),
        )
        for metric in METRICS
    ]
    rows += [
        row("all metrics cold (sum)", step("metrics_cold")),
        row("all metrics from the on-disk cache", cached),
        row("warm start: load + build_model, everything cached", step("warm_start")),
        row("first synergy query: history prepared, ranker cached", step("synergy_prepare")),
        row("communities (Louvain, cold)", step("communities")),
        row("first view: time", step("first_view")),
        row("first view: elements sent", view_figure("elements")),
        row("first view: JSON bytes", view_figure("bytes")),
        row(
            "path query with explanation: median (queries)",
            lambda r: _query_cell(r["steps"].get("path"), "median_ms", True),
        ),
        row(
            "path query with explanation: p95",
            lambda r: _query_cell(r["steps"].get("path"), "p95_ms", False),
        ),
        row(
            "synergy query: median (queries)",
            lambda r: _query_cell(r["steps"].get("synergy"), "median_ms", True),
        ),
        row(
            "synergy query: p95", lambda r: _query_cell(r["steps"].get("synergy"), "p95_ms", False)
        ),
        row("peak memory", lambda r: f"{r['peak_mb']:,.0f} MB"),
        row("load average (1 minute), before / after", _load_cell),
    ]
    return rows


def _load_cell(result: dict) -> str:
    found = result.get("load_average")
    return " / ".join(found) if found else "—"


def _left_out(options: dict) -> list[str]:
    missing = []
    sizes = options["sizes"]
    for size in SIZES:
        if size not in sizes:
            missing.append(f"the {DATASET_LABELS[size]} (`{size}`)")
    if "slice" in sizes and not options["networkx"]:
        missing.append("NetworkX's exact functions (`--skip-networkx`)")
    left = [r for r in CURVE_RELATIONS if r > options["max_relations"]]
    if left:
        missing.append(
            "the synthetic networks of " + ", ".join(f"{r:,}" for r in left) + " relations "
            f"(`--max-relations {options['max_relations']}`)"
        )
    return missing


def report(results: dict, *, note: str = "") -> str:
    """The markdown report of :func:`run`'s results."""
    options = results["options"]
    repeat = options["repeat"]
    datasets = results["datasets"]
    command = _command_line(options)
    lines = [
        "# Scale: from the shipped data to a million relations",
        "",
        f"Measured on {results['date']} with `{command}`.",
        results["machine"],
    ]
    if note:
        lines += ["", f"**{note}**"]
    missing = _left_out(options)
    if missing:
        lines += ["", "This run left out " + "; ".join(missing) + "."]
    lines += [
        "",
        "Each dataset was measured in a fresh process (peak memory is that dataset's own). Times "
        f"are medians of {repeat} run{'s' if repeat != 1 else ''}; a step stops repeating once "
        f"its runs have taken {STEP_BUDGET_S:.0f} s, and the table says when it ran fewer times. "
        f"Queries are seeded random questions in the largest component, asked as the app asks "
        f"them (paths: k = 3, avoiding hubs, with explanations; synergy: top 10 with reasons and "
        f"connecting paths), at most {options['query_budget']:.0f} s of each kind; the count "
        'in brackets is how many were run, "of N" when the time ran out before all N asked. '
        "The first view and the queries are timed with the model frozen for the garbage "
        "collector, as `ecosystem serve` freezes it.",
    ]

    if datasets:
        lines += ["", "## Targets", ""]
        header = [
            "target (full H2020 network)",
            *(DATASET_LABELS.get(s, s) for s in datasets),
            "verdict",
        ]
        rows = []
        full = datasets.get("full")
        for label, key, limit, unit in TARGETS:
            cells = [label]
            for result in datasets.values():
                value = _figure(result, key)
                cells.append("—" if value is None else _with_unit(value, unit))
            cells.append(
                verdict(_figure(full, key), limit, unit) if full else "full network not measured"
            )
            rows.append(cells)
        lines += _table(header, rows)

        lines += ["", "## Per dataset", ""]
        header = ["step", *(f"{DATASET_LABELS.get(s, s)} (`{s}`)" for s in datasets)]
        lines += _table(header, dataset_rows(datasets, repeat))

        lines += ["", "How each centrality is computed (auto backend, as the app does):", ""]
        rows = [
            [
                metric,
                *(
                    f"{r['metrics'][metric]['backend']}, {r['metrics'][metric]['method']}"
                    for r in datasets.values()
                ),
            ]
            for metric in METRICS
        ]
        lines += _table(["metric", *(DATASET_LABELS.get(s, s) for s in datasets)], rows)
        lines += _hot_spot_section(datasets)

    lines += _compare_section(results.get("compare"), options)
    lines += _curve_section(results.get("curve", []), options)
    return "\n".join(lines) + "\n"


def _hot_spot_section(datasets: dict[str, dict]) -> list[str]:
    profiled = [(size, r) for size, r in datasets.items() if r.get("hot_spots")]
    if not profiled:
        return []
    size, result = profiled[-1]
    lines = [
        "",
        f"Where the query time goes on the {DATASET_LABELS.get(size, size)} (cProfile over two "
        "path queries and one synergy query; share of the query's time spent inside each "
        "function, nested calls overlapping):",
        "",
    ]
    rows = [
        [kind, f"`{row['function']}`", f"{row['share']:.0%}", f"{row['calls']:,}"]
        for kind, found in result["hot_spots"].items()
        for row in found
    ]
    return lines + _table(["query", "function", "share of time", "calls"], rows)


def _compare_section(compare: dict | None, options: dict) -> list[str]:
    lines = ["", "## Sampled against exact, and library against library", ""]
    if compare is None:
        return [*lines, "Not measured in this run: it runs on the slice, left out of `--sizes`."]
    metrics = compare["metrics"]
    lines += [
        f"On the {compare['entities']:,}-entity slice ({compare['links']:,} links), each once. "
        "Exact values from igraph (`fast.centrality(view, metric)`), which equal NetworkX's "
        "(the tests check it"
        + (
            "; here the largest difference was "
            + f"{max(m['networkx_differs_by'] for m in metrics.values()):.1e})."
            if compare["networkx"]
            else ")."
        ),
        "",
    ]
    rows = [
        [
            metric,
            row["method"],
            f"{row['accuracy']['overlap']}/{row['accuracy']['of']}",
            f"{row['accuracy']['spearman']:.3f}",
        ]
        for metric, row in metrics.items()
    ]
    lines += _table(
        [
            "metric",
            "auto method",
            f"top-{TOP_OVERLAP} overlap",
            f"Spearman, exact top {TOP_RANKED}",
        ],
        rows,
    )
    overlap = metrics["betweenness"]["accuracy"]
    lines += [
        "",
        f"Target: betweenness top-{TOP_OVERLAP} overlap at least 19/{TOP_OVERLAP}: "
        + ("met" if overlap["overlap"] >= 19 else f"not met ({overlap['overlap']}/{overlap['of']})")
        + ".",
        "",
    ]
    networkit = compare.get("networkit")
    header = ["metric", "NetworkX exact (default)", "project auto", "speed-up", "igraph exact"]
    if networkit:
        header.append(f"networkit {networkit['version']} exact, {networkit['threads']} threads")
    rows = []
    for metric, row in metrics.items():
        cells = [
            metric,
            duration(row["networkx_s"]) if row["networkx_s"] is not None else "skipped",
            duration(row["auto_s"]),
            f"{row['networkx_s'] / row['auto_s']:,.0f}×" if row["networkx_s"] is not None else "—",
            duration(row["igraph_exact_s"]),
        ]
        if networkit:
            cells.append(duration(networkit["metrics"][metric]["seconds"]))
        rows.append(cells)
    totals = {
        key: sum(row[key] for row in metrics.values()) for key in ("auto_s", "igraph_exact_s")
    }
    nx_total = sum(row["networkx_s"] for row in metrics.values()) if compare["networkx"] else None
    total = [
        "all three",
        duration(nx_total) if nx_total is not None else "skipped",
        duration(totals["auto_s"]),
        f"{nx_total / totals['auto_s']:,.0f}×" if nx_total is not None else "—",
        duration(totals["igraph_exact_s"]),
    ]
    if networkit:
        total.append(duration(sum(m["seconds"] for m in networkit["metrics"].values())))
    rows.append(total)
    lines += _table(header, rows)
    lines.append("")
    if nx_total is None:
        lines.append(
            "NetworkX's exact functions were skipped (`--skip-networkx`): no speed-up is claimed. "
            "Target: at least 20× on the three metrics together: not measured."
        )
    else:
        speed_up = nx_total / totals["auto_s"]
        lines.append(
            f"Target: at least 20× on the three metrics together: {speed_up:,.0f}×, "
            + ("met." if speed_up >= 20 else "not met.")
        )
    if networkit:
        lines.append(
            f"networkit's times exclude building its graph ({duration(networkit['convert_s'])}); "
            "its rankings agree with the exact ones to Spearman "
            + ", ".join(
                f"{m} {networkit['metrics'][m]['agreement']['spearman']:.3f}" for m in SAMPLED
            )
            + ". networkit is measured only when installed; the project does not depend on it."
        )
    else:
        lines.append("networkit is not installed here: its column is left out (it is optional).")
    return lines


def _curve_section(curve: list[dict], options: dict) -> list[str]:
    lines = ["", "## Scaling curve: synthetic H2020-like networks", ""]
    if not curve:
        return [*lines, "Not measured in this run (`--max-relations` below 10,000)."]
    lines += [
        "Organisations in projects of 2 to 20 participants, each participant a new organisation "
        "one time in four and otherwise drawn in proportion to its participations so far "
        "(seeded preferential attachment: heavy-tailed, like H2020), each organisation located "
        "in one of 40 countries (`generate_affiliation`). Each size in a fresh process, one run "
        f"per step; up to {options['curve_queries']} path and synergy queries, at most "
        f"{options['curve_budget']:.0f} s of each.",
        "",
    ]
    rows = []
    for point in curve:
        measured = point["measured"]
        steps = measured["steps"]
        rows.append(
            [
                f"{point['relations']:,}",
                f"{measured['entities']:,}",
                f"{measured['links']:,}",
                duration(steps["load"]["median_s"]),
                duration(steps["metrics_cold"]["median_s"]),
                _query_cell(steps.get("path"), "p95_ms", True),
                _query_cell(steps.get("synergy"), "p95_ms", True),
                f"{measured['peak_mb']:,.0f} MB",
                _load_cell(measured),
            ]
        )
    return lines + _table(
        [
            "relations",
            "entities",
            "links",
            "load + build",
            "all metrics cold",
            "path p95 (queries)",
            "synergy p95 (queries)",
            "peak memory",
            "load average before / after",
        ],
        rows,
    )


def _command_line(options: dict) -> str:
    parts = ["python -m benchmarks.scale"]
    if options["repeat"] != 5:
        parts.append(f"--repeat {options['repeat']}")
    if list(options["sizes"]) != list(SIZES):
        parts.append(f"--sizes {','.join(options['sizes'])}")
    if not options["networkx"]:
        parts.append("--skip-networkx")
    if options["max_relations"] != CURVE_RELATIONS[-1]:
        parts.append(f"--max-relations {options['max_relations']}")
    if options["queries"] != 200:
        parts.append(f"--queries {options['queries']}")
    if options["query_budget"] != 300:
        parts.append(f"--query-budget {options['query_budget']:g}")
    return " ".join(parts)


def _sizes(text: str) -> list[str]:
    sizes = [size.strip() for size in text.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown or not sizes:
        raise argparse.ArgumentTypeError(
            f"unknown size {', '.join(unknown) or '(none)'}: use some of {','.join(SIZES)}"
        )
    return list(dict.fromkeys(sizes))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per step (median reported)")
    parser.add_argument("--sizes", type=_sizes, default=list(SIZES), help="seed,slice,full")
    parser.add_argument("--skip-networkx", action="store_true", help="leave out NetworkX exact")
    parser.add_argument("--max-relations", type=int, default=CURVE_RELATIONS[-1])
    parser.add_argument("--queries", type=int, default=200, help="path and synergy queries each")
    parser.add_argument(
        "--query-budget", type=float, default=300.0, help="seconds per kind; 0: none"
    )
    parser.add_argument("--curve-queries", type=int, default=50)
    parser.add_argument("--curve-budget", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--note", default="", help="a line for the report's head")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        # Only the result goes to stdout; anything a library prints goes to stderr.
        stdout, sys.stdout = sys.stdout, sys.stderr
        result = _work(json.loads(args.worker))
        stdout.write(json.dumps(result))
        return
    results = run(
        sizes=args.sizes,
        repeat=args.repeat,
        networkx=not args.skip_networkx,
        max_relations=args.max_relations,
        queries=args.queries,
        query_budget=args.query_budget,
        curve_queries=args.curve_queries,
        curve_budget=args.curve_budget,
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    args.out.write_text(report(results, note=args.note), encoding="utf-8")
    say(f"wrote {args.out}")


if __name__ == "__main__":
    main()
