"""Metrics, communities, the layout and the relations' tallies computed once per dataset and kept
on disk, so restarts, workers and the command line share them.

The files are keyed, read and written by :mod:`ecosystem.cachefiles`; here is what each holds and
how it is checked. Centralities are stored as NumPy ``.npz`` files read with
``allow_pickle=False``, communities, the layout and the tallies as JSON: neither can run code,
whoever wrote the file. A metrics file is used only when its every part has the shape and type
written here (the archive's members and their unpacked sizes are checked before any is read). A
file that is missing, unreadable, truncated, of the wrong shape, from another version or for
another graph is ignored and the values recomputed (and rewritten when the folder is writable);
the cache never makes a load fail. :func:`check_cache_folder` warns when the folder can be
written by every user.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ecosystem.analysis import fast
from ecosystem.analysis.centrality import METRICS, Method, Progress, all_centralities, methods
from ecosystem.analysis.communities import communities
from ecosystem.analysis.periods import Tallies, tallies
from ecosystem.cachefiles import (
    CACHE_ENV,
    FORMAT,
    cache_dir,
    cache_key,
    cache_path,
    check_cache_folder,
    npz,
    read_cache_file,
    read_json,
    size_limit,
    write_file,
    write_json,
)
from ecosystem.positions import positions
from ecosystem.settings import CommunitySettings, LayoutSettings, MetricSettings, fingerprint

__all__ = [
    "CACHE_ENV",
    "FORMAT",
    "Metrics",
    "cache_dir",
    "cache_key",
    "check_cache_folder",
    "compute_communities",
    "compute_layout",
    "compute_metrics",
    "compute_tallies",
    "load_metrics",
    "load_ranker",
    "save_metrics",
    "save_ranker",
    "synergy_maxima",
    "synergy_ranker",
]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metrics:
    """Every centrality of :data:`~ecosystem.analysis.centrality.METRICS` for one graph.

    ``values`` is what :func:`~ecosystem.analysis.centrality.all_centralities` returns;
    ``methods`` says how each was computed (``methods["betweenness"].describe()`` gives
    "approximate, sampled from 1,000 sources" on a large network); ``path`` is the cache file
    (None when nothing was cached) and ``from_cache`` whether the values came from it.
    """

    values: dict[str, dict[Hashable, float]]
    methods: dict[str, Method]
    from_cache: bool = False
    path: Path | None = None


def _metric_options(names: Sequence[str] | None = None) -> dict[str, Any]:
    # The sampling settings the metrics are computed with: fast's, as they are at this moment.
    used = MetricSettings(
        fast_above=fast.FAST_ABOVE,
        approximate_above=fast.APPROXIMATE_ABOVE,
        betweenness_sources=fast.BETWEENNESS_SOURCES,
        distance_sources=fast.DISTANCE_SOURCES,
        exact_top=fast.EXACT_TOP,
        seed=fast.SEED,
        dense_eigen_limit=fast.DENSE_EIGEN_LIMIT,
    )
    return {"metrics": list(METRICS if names is None else names), **fingerprint(used)}


def _degrees(graph: nx.Graph) -> np.ndarray:
    """Each entity's neighbours, counted from its adjacency dict (a loop counts once, not twice
    as ``degree`` counts it): what stored metrics are checked against, 3 ms on H2020 instead of
    the 29 ms that ``degree`` takes."""
    return np.fromiter(map(len, graph._adj.values()), dtype=np.int64, count=len(graph))


def load_metrics(
    graph: nx.Graph, *, directory: Path | None = None, names: Sequence[str] | None = None
) -> Metrics | None:
    """The cached metrics ``names`` (default every one) of ``graph``, or None when there are
    none that fit it.

    The file is read only when it is a regular file of a plausible size for ``graph``, holds
    exactly the arrays written by :func:`save_metrics` (their unpacked sizes checked before any
    is read), and every array and the description of each metric have the right shape and type.
    """
    names = tuple(METRICS if names is None else names)
    key = cache_key(graph, "metrics", **_metric_options(names))
    if key is None:
        return None
    path = cache_path(directory, "metrics", key, ".npz")
    limit = size_limit(len(graph), per_node=8 * (len(names) + 1) + 4 * _longest_id(graph))
    raw = read_cache_file(path, limit)
    if raw is None:
        return None
    order = list(graph)
    try:
        values, how = _parse_metrics(raw, key, order, _degrees(graph), limit, names)
    except Exception as error:  # any damage at all: recompute
        log.warning("ignoring metrics cache %s: %s", path, error)
        return None
    return Metrics(values=values, methods=how, from_cache=True, path=path)


def _longest_id(graph: nx.Graph) -> int:
    return max((len(str(node)) for node in graph), default=0)


def _parse_metrics(
    raw: bytes, key: str, order: list, degrees: np.ndarray, limit: int, names: Sequence[str]
) -> tuple[dict[str, dict[Hashable, float]], dict[str, Method]]:
    expected = {"meta.npy", "nodes.npy", "degrees.npy", *(f"metric_{m}.npy" for m in names)}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = archive.infolist()
        if {member.filename for member in members} != expected:
            raise ValueError("not the arrays this version writes")
        if sum(member.file_size for member in members) > limit:
            raise ValueError("unpacks to more than a cache file of this graph can hold")
    with np.load(io.BytesIO(raw), allow_pickle=False) as stored:
        meta = json.loads(str(stored["meta"]))
        nodes = stored["nodes"]
        arrays = {metric: stored[f"metric_{metric}"] for metric in names}
        stored_degrees = stored["degrees"]
    if not isinstance(meta, dict) or meta.get("key") != key:
        raise ValueError("it is for another graph or version")
    if (
        nodes.shape != (len(order),)
        or nodes.tolist() != order
        or stored_degrees.shape != degrees.shape
        or not np.array_equal(stored_degrees, degrees)
        or any(a.shape != (len(order),) or a.dtype != np.float64 for a in arrays.values())
    ):
        raise ValueError("it is for another graph")
    return (
        {metric: dict(zip(order, a.tolist(), strict=True)) for metric, a in arrays.items()},
        _parse_methods(meta.get("methods"), names),
    )


def _parse_methods(stored: Any, names: Sequence[str]) -> dict[str, Method]:
    if not isinstance(stored, dict):
        raise ValueError("no description of how the metrics were computed")
    found = {}
    for metric in names:
        fields = stored.get(metric)
        if (
            not isinstance(fields, list)
            or len(fields) != 3
            or not isinstance(fields[0], str)
            or not all(value is None or type(value) is int for value in fields[1:])
        ):
            raise ValueError(f"a damaged description of {metric}")
        found[metric] = Method(*fields)
    return found


def save_metrics(
    graph: nx.Graph, metrics: Metrics, *, directory: Path | None = None
) -> Path | None:
    """Write ``metrics`` to the cache; the file, or None when the graph cannot be cached (no
    content hash, node ids that are not text) or the folder cannot be written. The file holds
    the metrics ``metrics`` has, and is found again by :func:`load_metrics` with those names."""
    names = list(metrics.values)
    key = cache_key(graph, "metrics", **_metric_options(names))
    order = list(graph)
    if key is None or not all(isinstance(node, str) for node in order):
        return None
    meta = {"key": key, "methods": {m: list(metrics.methods[m]) for m in names}}
    arrays: dict[str, Any] = {
        f"metric_{metric}": np.fromiter(
            (metrics.values[metric][node] for node in order), dtype=np.float64, count=len(order)
        )
        for metric in names
    }
    arrays.update(
        meta=np.array(json.dumps(meta)), nodes=np.array(order, dtype=str), degrees=_degrees(graph)
    )
    path = cache_path(directory, "metrics", key, ".npz")
    return path if write_file(path, lambda handle: np.savez(handle, **arrays)) else None


def compute_metrics(
    graph: nx.Graph,
    *,
    progress: Progress | None = None,
    directory: Path | None = None,
    use_cache: bool = True,
    names: Sequence[str] | None = None,
) -> Metrics:
    """The centralities ``names`` (default every one) of ``graph`` (the simple view), from the
    cache when it holds them, else computed (``progress`` called as
    :func:`~ecosystem.analysis.centrality.all_centralities` does) and cached, in one file.

    ``directory`` overrides :func:`cache_dir`; ``use_cache=False`` neither reads nor writes.
    """
    names = tuple(METRICS if names is None else names)
    if use_cache:
        cached = load_metrics(graph, directory=directory, names=names)
        if cached is not None:
            if progress is not None:
                progress(len(names), len(names), "")
            return cached
    metrics = Metrics(
        values=all_centralities(graph, progress=progress, metrics=names),
        methods=methods(graph, metrics=names),
    )
    path = save_metrics(graph, metrics, directory=directory) if use_cache else None
    return Metrics(metrics.values, metrics.methods, from_cache=False, path=path)


def compute_communities(
    graph: nx.Graph,
    *,
    settings: CommunitySettings = CommunitySettings(),
    directory: Path | None = None,
    use_cache: bool = True,
) -> dict:
    """:func:`~ecosystem.analysis.communities.communities` of ``graph``, cached like the metrics
    (Louvain takes about 2.5 s on the H2020 network)."""

    def fits(result: Any) -> bool:
        return _is_partition(result, graph)

    return _cached_json(
        graph,
        "communities",
        lambda: communities(graph, seed=settings.seed, resolution=settings.resolution),
        fits,
        directory=directory,
        use_cache=use_cache,
        **fingerprint(settings),
    )


def compute_layout(
    graph: nx.Graph,
    *,
    settings: LayoutSettings = LayoutSettings(),
    directory: Path | None = None,
    use_cache: bool = True,
) -> dict[Hashable, tuple[float, float]]:
    """:func:`~ecosystem.positions.positions` of ``graph``, cached like the metrics (two seconds on
    the H2020 network); the key holds every layout setting."""

    def fits(result: Any) -> bool:
        return (
            isinstance(result, dict)
            and len(result) == len(graph)
            and _are_points([result.get(node) for node in graph])
        )

    stored = _cached_json(
        graph,
        "layout",
        lambda: {node: list(xy) for node, xy in positions(graph, settings=settings).items()},
        fits,
        directory=directory,
        use_cache=use_cache,
        **fingerprint(settings),
    )
    points = _numbers(chain.from_iterable(map(stored.__getitem__, graph)), 2 * len(graph))
    xs, ys = points[0::2].tolist(), points[1::2].tolist()
    return dict(zip(graph, zip(xs, ys, strict=True), strict=True))


def compute_tallies(
    graph: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> Tallies:
    """:func:`~ecosystem.analysis.periods.tallies` of ``graph`` (the simple view), cached like
    the metrics: reading every relation's dates takes about 0.8 s on the H2020 network, at
    every start, for the type filter's counts and the timeline."""
    stored = _cached_json(
        graph,
        "tallies",
        lambda: tallies(graph).fields(),
        lambda result: Tallies.from_fields(result) is not None,
        directory=directory,
        use_cache=use_cache,
    )
    found = Tallies.from_fields(stored)
    return found if found is not None else tallies(graph)


def _cached_json(
    graph: nx.Graph,
    kind: str,
    compute: Callable[[], Any],
    fits: Callable[[Any], bool],
    *,
    directory: Path | None,
    use_cache: bool,
    **options: Any,
) -> Any:
    """``compute()``, or what the cache holds for ``graph``, ``kind`` and ``options`` when
    ``fits`` accepts it; what is computed is stored for next time."""
    key = cache_key(graph, kind, **options) if use_cache else None
    path = cache_path(directory, kind, key, ".json") if key else None
    if path is not None:
        limit = size_limit(len(graph), per_node=1024 + 6 * _longest_id(graph))
        found = read_json(path, key, fits, limit)
        if found is not None:
            return found
    result = compute()
    if path is not None and key is not None and all(isinstance(node, str) for node in graph):
        write_json(path, key, result)
    return result


def _are_points(values: list[Any]) -> bool:
    """Whether every one of ``values`` is a list of two finite numbers (``int`` or ``float``, not
    ``bool``), checked a kind at a time rather than value by value (67,000 points at a start).

    >>> _are_points([[0, 1.5], [2, 3]]), _are_points([[0, 1]]), _are_points([[0, True]])
    (True, True, False)
    >>> _are_points([[0, float("nan")]]), _are_points([[0]]), _are_points([(0, 1)])
    (False, False, False)
    """
    if not values:
        return True
    if set(map(type, values)) != {list} or set(map(len, values)) != {2}:
        return False
    if not set(map(type, chain.from_iterable(values))) <= {int, float}:
        return False
    try:
        return bool(np.isfinite(_numbers(chain.from_iterable(values), 2 * len(values))).all())
    except OverflowError:  # an integer too large for a float
        return False


def _numbers(values: Iterable[float], count: int) -> np.ndarray:
    return np.fromiter(values, dtype=np.float64, count=count)


def _is_partition(result: Any, graph: nx.Graph) -> bool:
    """Whether ``result`` has the shape :func:`~ecosystem.analysis.communities.communities`
    returns, its members being every node of ``graph`` once."""
    if not isinstance(result, dict) or type(result.get("modularity")) not in (int, float):
        return False
    groups = result.get("communities")
    if not isinstance(groups, list):
        return False
    members: list = []
    for group in groups:
        if not (
            isinstance(group, dict)
            and type(group.get("id")) is int
            and type(group.get("size")) is int
            and isinstance(group.get("label"), str)
            and isinstance(group.get("members"), list)
            and group["size"] == len(group["members"])
        ):
            return False
        members.extend(group["members"])
    return (
        len(members) == len(graph)
        and all(isinstance(node, str) for node in members)
        and set(members) == set(graph)
    )


# --- the synergy ranker ------------------------------------------------------------------------
# Self-contained: the learned ranker of a network, kept as plain arrays (``TreeModel``) in an
# ``.npz`` read without pickle, keyed by the data's hash, the day it knows up to, its settings and
# the feature list.

RANKER_FORMAT = 1
RANKER_LIMIT = 64_000_000  # a ranker's trees, as plain arrays, stay well under this


def _ranker_key(graph: nx.Graph, day: int, settings: Any) -> str | None:
    from dataclasses import asdict

    from ecosystem.analysis.ranker import FEATURES

    return cache_key(
        graph,
        "ranker",
        ranker_format=RANKER_FORMAT,
        day=day,
        settings=asdict(settings),
        features=list(FEATURES),
    )


def load_ranker(graph: nx.Graph, day: int, settings: Any, *, directory: Path | None = None) -> Any:
    """The cached ranker of ``graph`` as known on ``day`` (a ``TreeModel``), or None."""
    from ecosystem.analysis.ranker import TreeModel

    key = _ranker_key(graph, day, settings)
    if key is None:
        return None
    path = cache_path(directory, "ranker", key, ".npz")
    try:
        raw = read_cache_file(path, RANKER_LIMIT)
        if raw is None:
            return None
        with npz(raw, RANKER_LIMIT) as stored:
            meta = json.loads(str(stored["meta"]))
            arrays = {name: stored[name] for name in stored.files if name != "meta"}
        if meta.get("key") != key:
            log.warning("ignoring ranker cache %s: it is for another graph", path)
            return None
        return TreeModel.from_arrays(arrays)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged file of any kind: learn again
        log.warning("ignoring unreadable ranker cache %s: %s", path, error)
        return None


def save_ranker(
    graph: nx.Graph, day: int, settings: Any, model: Any, *, directory: Path | None = None
) -> Path | None:
    """Write ``model`` (a ``TreeModel``) to the cache; the file, or None when it cannot be."""
    key = _ranker_key(graph, day, settings)
    if key is None:
        return None
    arrays = dict(model.to_arrays())
    arrays["meta"] = np.array(json.dumps({"key": key, "day": day}))
    path = cache_path(directory, "ranker", key, ".npz")
    return path if write_file(path, lambda handle: np.savez(handle, **arrays)) else None


def synergy_ranker(
    graph: nx.Graph,
    *,
    directory: Path | None = None,
    use_cache: bool = True,
    settings: Any = None,
) -> Callable[[Any, int], tuple[Any, str]]:
    """A ranker factory for :func:`ecosystem.analysis.synergy.prepare`: on a network with enough
    dated history, the learned ranker (from the cache, else learned and cached); else None and
    why."""
    from ecosystem.analysis.ranker import PRODUCT_SETTINGS, enough_history, fit_on_history

    chosen = settings or PRODUCT_SETTINGS

    def factory(history: Any, day: int) -> tuple[Any, str]:
        if use_cache:
            cached = load_ranker(graph, day, chosen, directory=directory)
            if cached is not None:
                return cached, ""
        known = history.until(day)
        ok, why = enough_history(known)
        if not ok:
            return None, why
        try:
            model = fit_on_history(known, chosen)
        except ValueError as error:
            return None, str(error)
        if use_cache:
            save_ranker(graph, day, chosen, model, directory=directory)
        return model, ""

    return factory


def synergy_maxima(
    graph: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> Callable[[int, Callable[[], np.ndarray]], np.ndarray]:
    """Per-actor best figures of a synergy snapshot (``Snapshot.best``), kept like the ranker:
    ``maxima(day, compute)`` reads them from the cache, else computes and stores them."""

    def maxima(day: int, compute: Callable[[], np.ndarray]) -> np.ndarray:
        key = cache_key(graph, "synergy-maxima", ranker_format=RANKER_FORMAT, day=day)
        path = cache_path(directory, "synergy-maxima", key, ".npz") if key and use_cache else None
        if path is not None:
            try:
                raw = read_cache_file(path, size_limit(len(graph), per_node=32))
                if raw is None:
                    raise FileNotFoundError(path)
                with npz(raw, RANKER_LIMIT) as stored:
                    meta = json.loads(str(stored["meta"]))
                    found = stored["best"]
                if (
                    meta.get("key") == key
                    and found.ndim == 2
                    and found.shape[1] == 3
                    and found.dtype == np.float64
                    and np.isfinite(found).all()
                ):
                    return found
                log.warning("ignoring synergy cache %s: it is for another graph", path)
            except FileNotFoundError:
                pass
            except Exception as error:  # a damaged file of any kind: compute again
                log.warning("ignoring unreadable synergy cache %s: %s", path, error)
        best = compute()
        if path is not None:
            meta = np.array(json.dumps({"key": key}))
            write_file(path, lambda handle: np.savez(handle, best=best, meta=meta))
        return best

    return maxima
