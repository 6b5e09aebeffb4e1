"""Centrality: which entities matter in the network, by nine measures.

Every measure runs on the undirected simple view (:func:`ecosystem.graph.simple_view`) and never
raises because the network is empty, disconnected, has isolated entities or is a single entity:

- an isolated entity scores 0 on every measure, even where networkx would give NaN (Burt's
  constraint and effective size) or a share of the random jumps (PageRank);
- betweenness, closeness and harmonic centrality follow paths, and pairs in different components
  have none: they add nothing to betweenness and harmonic centrality, and closeness uses networkx's
  Wasserman-Faust scaling (``wf_improved``) by the share of the network an entity can reach;
- eigenvector centrality is computed within each connected component and multiplied by that
  component's share of the entities; a connected network gets networkx's values;
- PageRank runs over the entities that have at least one link.

Large networks
--------------
NetworkX is the model and the reference. Above ``fast.FAST_ABOVE`` entities (2,000), and when no
``weight`` is asked for, the heavy measures run in igraph and SciPy instead
(:mod:`ecosystem.analysis.fast`: the same numbers on small graphs, checked by the tests). Above
``fast.APPROXIMATE_ABOVE`` entities (5,000), betweenness, closeness and harmonic centrality are
estimated from a seeded sample of source entities; :func:`method` says which way a metric is
computed, in words a person can be shown ("approximate, sampled from 1,000 sources").

``weight`` names an edge attribute. Path measures read it as a distance, the others as a strength.
The simple view's own ``weight`` counts merged relations, a strength, so leave ``weight=None`` for
path measures. Values are plain floats, unrounded: round them where they are shown.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from typing import Literal, NamedTuple

import networkx as nx
import numpy as np

from ecosystem.analysis import fast
from ecosystem.analysis.metric_names import METRICS
from ecosystem.analysis.results import Ranked
from ecosystem.errors import EcosystemError

# Values equal to this many decimals rank as ties: symmetric entities can differ by rounding noise.
_TIE_DECIMALS = 12

Backend = Literal["auto", "networkx", "igraph"]
BACKENDS: tuple[str, ...] = ("auto", "networkx", "igraph")
# Called with (metrics done, metrics in all, the metric now starting; "" once all are done).
Progress = Callable[[int, int, str], None]


class UnknownMetric(EcosystemError):
    """The metric is not one of :data:`METRICS`."""

    def __init__(self, metric: str):
        self.metric = metric
        self.known = list(METRICS)
        hint = difflib.get_close_matches(metric, self.known, n=1)
        advice = f"did you mean {hint[0]}? " if hint else ""
        super().__init__(f"unknown metric {metric!r}: {advice}use one of {', '.join(self.known)}")


class Method(NamedTuple):
    """How a metric is computed on a graph: the library, and the sample when it is approximate.

    >>> Method("igraph", sources=1000).describe()
    'approximate, sampled from 1,000 sources'
    >>> Method("networkx").describe()
    'exact'
    """

    backend: str
    sources: int | None = None
    exact_top: int | None = None

    @property
    def approximate(self) -> bool:
        return self.sources is not None

    def describe(self) -> str:
        """ "exact", or how the approximation was made, for a person to read."""
        if self.sources is None:
            return "exact"
        text = f"approximate, sampled from {self.sources:,} sources"
        if self.exact_top:
            text += f"; the {self.exact_top:,} highest recomputed exactly"
        return text


def method(
    graph: nx.Graph, metric: str, *, weight: str | None = None, backend: Backend = "auto"
) -> Method:
    """How :func:`centrality` computes ``metric`` on ``graph`` with these options.

    ``backend="auto"`` uses NetworkX up to ``fast.FAST_ABOVE`` entities or when a ``weight`` is
    asked for, and igraph (SciPy for eigenvectors) otherwise; ``"networkx"`` and ``"igraph"``
    insist (igraph only where it has the measure, unweighted). Either way, above
    ``fast.APPROXIMATE_ABOVE`` entities the igraph path measures are sampled.

    >>> method(nx.path_graph(5), "betweenness")
    Method(backend='networkx', sources=None, exact_top=None)
    >>> method(nx.path_graph(5), "betweenness", backend="igraph").describe()
    'exact'
    """
    if metric not in METRICS:
        raise UnknownMetric(metric)
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    compiled = metric in fast.SUPPORTED and weight is None
    if (
        not compiled
        or backend == "networkx"
        or (backend == "auto" and len(graph) <= fast.FAST_ABOVE)
    ):
        return Method("networkx")
    library = "scipy" if metric == "eigenvector" else "igraph"
    if metric not in fast.SAMPLED or len(graph) <= fast.APPROXIMATE_ABOVE:
        return Method(library)
    sources = fast.sampled_count(graph, metric)
    if sources is None:
        return Method(library)
    return Method(library, sources, None if metric == "betweenness" else fast.EXACT_TOP)


def centrality(
    graph: nx.Graph,
    metric: str,
    *,
    normalized: bool = True,
    weight: str | None = None,
    backend: Backend = "auto",
) -> dict[Hashable, float]:
    """Score every entity by one of :data:`METRICS`, in graph order.

    ``normalized=False`` gives raw degree, weighted degree, betweenness and harmonic
    centrality; the other measures have one scale and ignore it. ``weighted_degree`` reads
    ``weight`` (``"weight"`` when None); ``degree`` always counts links. ``backend`` chooses
    the library (see :func:`method`, which also says whether the result is approximate).

    Raises :class:`UnknownMetric` naming the known metrics.

    >>> star = nx.star_graph(3)  # centre 0, leaves 1, 2 and 3
    >>> centrality(star, "betweenness", normalized=False)
    {0: 3.0, 1: 0.0, 2: 0.0, 3: 0.0}
    >>> centrality(star, "effective_size")
    {0: 3.0, 1: 1.0, 2: 1.0, 3: 1.0}
    """
    chosen = method(graph, metric, weight=weight, backend=backend)
    _check_simple(graph)
    return _compute(graph, metric, normalized, weight, chosen, _Compiler(graph))


def all_centralities(
    graph: nx.Graph,
    *,
    progress: Progress | None = None,
    backend: Backend = "auto",
    metrics: Iterable[str] = METRICS,
) -> dict[str, dict[Hashable, float]]:
    """Every metric of :data:`METRICS` (or those of ``metrics``), normalised and unweighted,
    keyed by metric name.

    ``progress``, when given, is called before each metric as ``progress(done, total, metric)``
    and once at the end as ``progress(total, total, "")``: enough for a progress bar.

    >>> scores = all_centralities(nx.path_graph(3))
    >>> list(scores) == list(METRICS)
    True
    >>> scores["closeness"]
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    """
    names = tuple(metrics)
    chosen = {metric: method(graph, metric, backend=backend) for metric in names}
    _check_simple(graph)
    compiler = _Compiler(graph)  # one igraph conversion for every compiled metric
    results: dict[str, dict[Hashable, float]] = {}
    for done, metric in enumerate(names):
        if progress is not None:
            progress(done, len(names), metric)
        results[metric] = _compute(graph, metric, True, None, chosen[metric], compiler)
    if progress is not None:
        progress(len(names), len(names), "")
    return results


def methods(
    graph: nx.Graph, *, backend: Backend = "auto", metrics: Iterable[str] = METRICS
) -> dict[str, Method]:
    """:func:`method` of every metric of :data:`METRICS` (or of ``metrics``), as
    :func:`all_centralities` uses them."""
    return {metric: method(graph, metric, backend=backend) for metric in metrics}


class _Compiler:
    """The igraph form of a graph, built on first use and then shared."""

    def __init__(self, graph: nx.Graph):
        self._graph = graph
        self._compiled: fast.Compiled | None = None

    def __call__(self) -> fast.Compiled:
        if self._compiled is None:
            self._compiled = fast.compile_graph(self._graph)
        return self._compiled


def _compute(
    graph: nx.Graph,
    metric: str,
    normalized: bool,
    weight: str | None,
    chosen: Method,
    compiler: _Compiler,
) -> dict[Hashable, float]:
    if len(graph) == 0:
        return {}
    if chosen.backend == "networkx":
        scores = _MEASURES[metric](graph, normalized, weight)
    else:
        sources = fast.sources_for(metric) if chosen.approximate else None
        scores = fast.centrality(compiler(), metric, normalized=normalized, sources=sources)
    return {node: float(scores.get(node, 0.0)) if graph.degree(node) else 0.0 for node in graph}


def ranking(
    graph: nx.Graph,
    metric: str,
    *,
    entity_type: str | Collection[str] | None = None,
    top: int | None = None,
    normalized: bool = True,
    scores: Mapping[Hashable, float] | None = None,
) -> list[Ranked]:
    """Entities by one metric, highest first: ``{"rank", "id", "name", "type", "value"}`` each.

    Scores are computed on the whole graph (or taken from ``scores``, already computed for that
    metric), then ``entity_type`` (one type or several) keeps the entities of those types and
    ``top`` the first of them. Ties are broken by name, then id; ``rank`` is the position in the
    list, from 1.

    >>> g = nx.Graph([("hub", "a"), ("hub", "b")])
    >>> nx.set_node_attributes(g, {"hub": "Hub", "a": "Alpha", "b": "Beta"}, "name")
    >>> nx.set_node_attributes(g, {"hub": "cluster", "a": "company", "b": "company"}, "type")
    >>> [(row["rank"], row["name"]) for row in ranking(g, "degree")]
    [(1, 'Hub'), (2, 'Alpha'), (3, 'Beta')]
    >>> [row["name"] for row in ranking(g, "degree", entity_type="company", top=1)]
    ['Alpha']
    """
    if top is not None and top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    types = {entity_type} if isinstance(entity_type, str) else entity_type
    values = scores if scores is not None else centrality(graph, metric, normalized=normalized)
    nodes = graph.nodes

    def order(item: tuple[Hashable, float]) -> tuple[float, str, str]:
        node, value = item
        return (-round(value, _TIE_DECIMALS), str(nodes[node].get("name", node)), str(node))

    kept = (
        (node, value)
        for node, value in values.items()
        if types is None or nodes[node].get("type", "") in types
    )
    # A large network's top 15 need not sort all of it.
    chosen = heapq.nsmallest(top, kept, key=order) if top is not None else sorted(kept, key=order)
    return [
        {
            "rank": rank,
            "id": node,
            "name": str(nodes[node].get("name", node)),
            "type": nodes[node].get("type", ""),
            "value": value,
        }
        for rank, (node, value) in enumerate(chosen, start=1)
    ]


def _check_simple(graph: nx.Graph) -> None:
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError("centrality needs an undirected simple graph: pass simple_view(graph)")


def _degree(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return _scaled(dict(graph.degree()), graph, normalized)


def _weighted_degree(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return _scaled(dict(graph.degree(weight=weight or "weight")), graph, normalized)


def _betweenness(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return nx.betweenness_centrality(graph, normalized=normalized, weight=weight)


def _closeness(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return nx.closeness_centrality(graph, distance=weight, wf_improved=True)


def _harmonic(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return _scaled(nx.harmonic_centrality(graph, distance=weight), graph, normalized)


def _eigenvector(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    scores: dict[Hashable, float] = {}
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        nodes = list(component)
        if len(nodes) <= fast.DENSE_EIGEN_LIMIT:
            adjacency = nx.to_numpy_array(graph, nodelist=nodes, weight=weight)
            # The adjacency matrix is symmetric: eigh finds its leading eigenvector exactly and
            # deterministically, even for the two-entity components that ARPACK refuses.
            _, vectors = np.linalg.eigh(adjacency)
            leading = np.abs(vectors[:, -1])
        else:
            # A dense matrix of a large component would not fit in memory (67,000 entities:
            # 36 GB); ARPACK from a fixed start vector is deterministic too.
            sparse = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, dtype=float)
            from scipy.sparse.linalg import eigsh

            _, vectors = eigsh(sparse, k=1, which="LA", v0=np.ones(len(nodes)), tol=0)
            leading = np.abs(vectors[:, 0])
        share = len(nodes) / len(graph)
        scores.update(zip(nodes, share * leading, strict=True))
    return scores


def _pagerank(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    linked = graph.subgraph(node for node in graph if graph.degree(node))
    return nx.pagerank(linked, weight=weight) if len(linked) else {}


def _constraint(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return nx.constraint(graph, weight=weight)


def _effective_size(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return nx.effective_size(graph, weight=weight)


def _clustering(graph: nx.Graph, normalized: bool, weight: str | None) -> dict:
    return nx.clustering(graph, weight=weight)


def _scaled(scores: dict, graph: nx.Graph, normalized: bool) -> dict:
    """Divide by n - 1, the most links an entity can have, when asked and when n > 1."""
    if not normalized or len(graph) < 2:
        return scores
    return {node: value / (len(graph) - 1) for node, value in scores.items()}


_MEASURES: dict[str, Callable[[nx.Graph, bool, str | None], dict]] = {
    "degree": _degree,
    "weighted_degree": _weighted_degree,
    "betweenness": _betweenness,
    "closeness": _closeness,
    "harmonic": _harmonic,
    "eigenvector": _eigenvector,
    "pagerank": _pagerank,
    "constraint": _constraint,
    "effective_size": _effective_size,
    "clustering": _clustering,
}
