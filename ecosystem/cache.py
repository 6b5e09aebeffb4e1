"""Metrics computed once per dataset and kept on disk, so restarts and workers share them.

A dataset's metrics depend only on its files and on how they are computed, so the cache key is the
data's content hash (``graph.graph["content_hash"]``, set by :func:`ecosystem.graph.build_graph`)
plus every option that changes a number: the metric list, the settings of each computation with
the version of its algorithm (:func:`ecosystem.settings.fingerprint`) and the library versions.
The cache lives in ``$ECOSYSTEM_CACHE``, else ``~/.cache/ecosystem``.

Centralities are stored as NumPy ``.npz`` files read with ``allow_pickle=False``, communities and
the layout as JSON: neither can run code, whoever wrote the file. A file is written to a temporary
name and moved into place (``os.replace``), so a reader sees a whole file or none, even with
several workers writing at once. A file that is missing, unreadable, truncated, from another
version or for another graph is ignored and the values recomputed (and rewritten when the folder
is writable); the cache never makes a load fail.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ecosystem.analysis import fast
from ecosystem.analysis.centrality import METRICS, Method, Progress, all_centralities, methods
from ecosystem.analysis.communities import communities
from ecosystem.positions import positions
from ecosystem.settings import CommunitySettings, LayoutSettings, MetricSettings, fingerprint

CACHE_ENV = "ECOSYSTEM_CACHE"
# Bump when the stored layout or the meaning of a stored number changes.
FORMAT = 1

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


def cache_dir() -> Path:
    """Where cached results go: ``$ECOSYSTEM_CACHE``, else ``~/.cache/ecosystem``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "ecosystem"


def _versions() -> dict[str, str]:
    found = {}
    for package in ("ecosystem", "networkx", "igraph", "scipy", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found


def cache_key(graph: nx.Graph, kind: str, **options: Any) -> str | None:
    """The hex key of ``kind`` results for ``graph`` with ``options``; None when the graph has no
    ``content_hash`` (built by hand rather than loaded from files), which is never cached."""
    content_hash = graph.graph.get("content_hash")
    if not isinstance(content_hash, str) or not content_hash:
        return None
    settings = {
        "format": FORMAT,
        "kind": kind,
        "content_hash": content_hash,
        "nodes": graph.number_of_nodes(),
        "links": graph.number_of_edges(),
        "versions": _versions(),
        **options,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _metric_options() -> dict[str, Any]:
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
    return {"metrics": list(METRICS), **fingerprint(used)}


def _path(directory: Path | None, kind: str, key: str, suffix: str) -> Path:
    return (directory or cache_dir()) / f"{kind}-{key[:40]}{suffix}"


def _degrees(graph: nx.Graph) -> np.ndarray:
    return np.fromiter((degree for _, degree in graph.degree()), dtype=np.int64, count=len(graph))


def load_metrics(graph: nx.Graph, *, directory: Path | None = None) -> Metrics | None:
    """The cached metrics of ``graph``, or None when there are none that fit it."""
    key = cache_key(graph, "metrics", **_metric_options())
    if key is None:
        return None
    path = _path(directory, "metrics", key, ".npz")
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            nodes = stored["nodes"]
            arrays = {metric: stored[f"metric_{metric}"] for metric in METRICS}
            degrees = stored["degrees"]
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged file of any kind: recompute
        log.warning("ignoring unreadable metrics cache %s: %s", path, error)
        return None
    order = list(graph)
    if (
        meta.get("key") != key
        or nodes.shape != (len(order),)
        or nodes.tolist() != order
        or not np.array_equal(degrees, _degrees(graph))
        or any(a.shape != (len(order),) or a.dtype != np.float64 for a in arrays.values())
    ):
        log.warning("ignoring metrics cache %s: it is for another graph", path)
        return None
    return Metrics(
        values={metric: dict(zip(order, a.tolist(), strict=True)) for metric, a in arrays.items()},
        methods={metric: Method(*meta["methods"][metric]) for metric in METRICS},
        from_cache=True,
        path=path,
    )


def save_metrics(
    graph: nx.Graph, metrics: Metrics, *, directory: Path | None = None
) -> Path | None:
    """Write ``metrics`` to the cache; the file, or None when the graph cannot be cached (no
    content hash, node ids that are not text) or the folder cannot be written."""
    key = cache_key(graph, "metrics", **_metric_options())
    order = list(graph)
    if key is None or not all(isinstance(node, str) for node in order):
        return None
    meta = {"key": key, "methods": {m: list(metrics.methods[m]) for m in METRICS}}
    arrays: dict[str, Any] = {
        f"metric_{metric}": np.fromiter(
            (metrics.values[metric][node] for node in order), dtype=np.float64, count=len(order)
        )
        for metric in METRICS
    }
    arrays.update(
        meta=np.array(json.dumps(meta)), nodes=np.array(order, dtype=str), degrees=_degrees(graph)
    )
    path = _path(directory, "metrics", key, ".npz")
    return path if _write_atomically(path, lambda handle: np.savez(handle, **arrays)) else None


def compute_metrics(
    graph: nx.Graph,
    *,
    progress: Progress | None = None,
    directory: Path | None = None,
    use_cache: bool = True,
) -> Metrics:
    """Every centrality of ``graph`` (the simple view), from the cache when it holds them, else
    computed (``progress`` called as :func:`~ecosystem.analysis.centrality.all_centralities`
    does) and cached.

    ``directory`` overrides :func:`cache_dir`; ``use_cache=False`` neither reads nor writes.
    """
    if use_cache:
        cached = load_metrics(graph, directory=directory)
        if cached is not None:
            if progress is not None:
                progress(len(METRICS), len(METRICS), "")
            return cached
    metrics = Metrics(values=all_centralities(graph, progress=progress), methods=methods(graph))
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
    (Louvain takes about 15 s on the H2020 network)."""

    def fits(result: Any) -> bool:
        members = [node for group in result["communities"] for node in group["members"]]
        return len(members) == len(graph) and set(members) == set(graph)

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
            and all(node in result for node in graph)
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
    return {node: (float(stored[node][0]), float(stored[node][1])) for node in graph}


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
    path = _path(directory, kind, key, ".json") if key else None
    if path is not None:
        found = _read_json(path, key, fits)
        if found is not None:
            return found
    result = compute()
    if path is not None and all(isinstance(node, str) for node in graph):
        text = json.dumps({"key": key, "result": result})
        _write_atomically(path, lambda handle: handle.write(text.encode()))
    return result


def _read_json(path: Path, key: str | None, fits: Callable[[Any], bool]) -> Any:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        result = stored["result"]
        ok = stored["key"] == key and fits(result)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged file of any kind: recompute
        log.warning("ignoring unreadable cache file %s: %s", path, error)
        return None
    if not ok:
        log.warning("ignoring cache file %s: it is for another graph", path)
        return None
    return result


def _write_atomically(path: Path, write: Callable[[Any], None]) -> bool:
    """Write through ``write(handle)`` to a temporary file beside ``path``, then move it there."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return True
    except OSError as error:
        log.warning("cannot write the cache %s: %s", path, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


# --- the synergy ranker ------------------------------------------------------------------------
# Self-contained: the learned ranker of a network, kept as plain arrays (``TreeModel``) in an
# ``.npz`` read without pickle, keyed by the data's hash, the day it knows up to, its settings and
# the feature list.

RANKER_FORMAT = 1


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
    path = _path(directory, "ranker", key, ".npz")
    try:
        with np.load(path, allow_pickle=False) as stored:
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
    path = _path(directory, "ranker", key, ".npz")
    return path if _write_atomically(path, lambda handle: np.savez(handle, **arrays)) else None


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
        path = _path(directory, "synergy-maxima", key, ".npz") if key and use_cache else None
        if path is not None:
            try:
                with np.load(path, allow_pickle=False) as stored:
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
            _write_atomically(path, lambda handle: np.savez(handle, best=best, meta=meta))
        return best

    return maxima
