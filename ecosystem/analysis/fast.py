"""The heavy centralities on large networks: igraph (C) for paths, SciPy sparse for eigenvectors.

NetworkX stays the model and the reference: :func:`ecosystem.analysis.centrality.centrality` sends
a network here only when it has more than :data:`FAST_ABOVE` entities and no ``weight`` is asked
for, and the tests check that both give the same numbers on small graphs. Every function takes the
same undirected simple graph and gives the same scale as its NetworkX counterpart (see
:data:`ecosystem.analysis.centrality.METRICS`); the values are floats keyed by node, in graph order.

igraph rather than networkit, by measurement (docs/benchmarks.md): on the 10,000-entity slice of
the H2020 network, on this project's 2-core machines, exact betweenness took 5.8 s in igraph and
13.0 s in networkit with both cores, and exact harmonic centrality 1.9 s against 10.1 s; networkit
was faster only on closeness (1.2 s against 2.1 s). NetworkX took 589 s, 92 s and 123 s.

Sampling
--------
Exact betweenness, closeness and harmonic centrality cost one breadth-first search per entity:
minutes on the 67,000-entity H2020 network. Above :data:`APPROXIMATE_ABOVE` entities they are
estimated from a seeded random sample of source entities in every connected component larger than
the sample (smaller components stay exact):

- betweenness (Brandes and Pich 2007, networkx's ``k``): the dependencies accumulated from
  :data:`BETWEENNESS_SOURCES` sources, scaled by ``(r - 1) / k`` for a component of ``r``
  entities (``(r - 1) / (k - 1)`` for a source itself); unbiased;
- closeness and harmonic centrality (Eppstein and Wang 2004): each entity's mean distance to, or
  sum of inverse distances to, :data:`DISTANCE_SOURCES` sources, scaled the same way; then the
  :data:`EXACT_TOP` highest estimates are recomputed exactly (Okamoto, Chen and Li 2008), so the
  top of a ranking is exact whenever the true leaders are among the leading estimates.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from ecosystem.settings import MetricSettings

if TYPE_CHECKING:  # imported where they are used: a command that reads its metrics needs neither
    import igraph as ig
    from scipy import sparse

_DEFAULT = MetricSettings()
FAST_ABOVE = _DEFAULT.fast_above
APPROXIMATE_ABOVE = _DEFAULT.approximate_above
BETWEENNESS_SOURCES = _DEFAULT.betweenness_sources
DISTANCE_SOURCES = _DEFAULT.distance_sources
EXACT_TOP = _DEFAULT.exact_top
SEED = _DEFAULT.seed
DENSE_EIGEN_LIMIT = _DEFAULT.dense_eigen_limit
# Rows of the distance matrix held at once while summing distances from sampled sources.
DISTANCE_CHUNK = 64

SAMPLED = frozenset({"betweenness", "closeness", "harmonic"})
SUPPORTED = SAMPLED | {"eigenvector", "pagerank", "constraint", "effective_size", "clustering"}


def sources_for(metric: str) -> int:
    """How many sources a sampled ``metric`` draws in each large component."""
    return BETWEENNESS_SOURCES if metric == "betweenness" else DISTANCE_SOURCES


@dataclass(frozen=True)
class Compiled:
    """A simple undirected graph as igraph holds it.

    ``nodes`` is the graph's node order (index ``i`` is ``nodes[i]``). igraph numbers the
    vertices in reverse Cuthill-McKee order, which keeps neighbours close in memory and makes
    every breadth-first search about a third faster on the H2020 network; ``vertex[i]`` is the
    igraph vertex of node ``i`` and ``node_of[v]`` the node index of vertex ``v``.
    """

    nodes: list[Hashable]
    graph: ig.Graph
    vertex: np.ndarray
    node_of: np.ndarray
    edges: np.ndarray  # (m, 2) node indices
    # Distance sums from a sample of sources (shared by closeness and harmonic centrality) and
    # the triangles (clustering, effective size, constraint), worked out once.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @cached_property
    def degree(self) -> np.ndarray:
        return np.bincount(self.edges.ravel(), minlength=self.n)

    @cached_property
    def components(self) -> np.ndarray:
        """Each node's component label (components numbered by their first node)."""
        from scipy.sparse import csgraph

        if not self.n:
            return np.zeros(0, dtype=np.int64)
        _, labels = csgraph.connected_components(self.adjacency, directed=False)
        return np.asarray(labels, dtype=np.int64)

    @cached_property
    def adjacency(self) -> sparse.csr_array:
        """The symmetric 0/1 adjacency matrix over node indices."""
        from scipy import sparse

        rows = np.concatenate([self.edges[:, 0], self.edges[:, 1]])
        cols = np.concatenate([self.edges[:, 1], self.edges[:, 0]])
        data = np.ones(len(rows), dtype=np.float64)
        return sparse.csr_array((data, (rows, cols)), shape=(self.n, self.n))

    def to_nodes(self, values: Sequence[float] | np.ndarray) -> np.ndarray:
        """Values listed by igraph vertex, reordered by node index."""
        return np.asarray(values, dtype=np.float64)[self.vertex]

    def vertices(self, indices: np.ndarray) -> list[int]:
        return [int(v) for v in self.vertex[indices]]

    def scores(self, values: np.ndarray) -> dict[Hashable, float]:
        return {node: float(value) for node, value in zip(self.nodes, values, strict=True)}


def compile_graph(graph: nx.Graph) -> Compiled:
    """The igraph form of an undirected simple graph (see :class:`Compiled`)."""
    import igraph as ig
    from scipy import sparse
    from scipy.sparse import csgraph

    _check_simple(graph)
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array(
        [(index[first], index[second]) for first, second in graph.edges()], dtype=np.int64
    ).reshape(-1, 2)
    n = len(nodes)
    order = np.arange(n)
    if n and len(edges):
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        pattern = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        order = np.asarray(csgraph.reverse_cuthill_mckee(pattern, symmetric_mode=True))
    vertex = np.empty(n, dtype=np.int64)
    vertex[order] = np.arange(n)
    return Compiled(
        nodes=nodes,
        graph=ig.Graph(n=n, edges=vertex[edges].tolist(), directed=False),
        vertex=vertex,
        node_of=order.astype(np.int64),
        edges=edges,
    )


def sample_sources(compiled: Compiled, sources: int, *, seed: int = SEED) -> np.ndarray:
    """The node indices a sampled measure starts from: every node of a component with at most
    ``sources`` nodes, and ``sources`` nodes drawn at random (from ``seed``) in each larger one.

    Components are visited largest first (ties: the one holding the earliest node), and the
    draw depends only on the graph's node order, never on igraph's.
    """
    if sources < 1:
        raise ValueError(f"sources must be 1 or more, not {sources}")
    labels = compiled.components
    sizes = np.bincount(labels)
    rng = np.random.default_rng(seed)
    chosen = [np.flatnonzero(sizes[labels] <= sources)]
    for label in sorted(np.flatnonzero(sizes > sources), key=lambda c: (-sizes[c], c)):
        members = np.flatnonzero(labels == label)
        chosen.append(np.sort(rng.choice(members, sources, replace=False)))
    return np.sort(np.concatenate(chosen))


def sampled_count(graph: nx.Graph, metric: str, *, sources: int | None = None) -> int | None:
    """How many sources ``metric`` is sampled from on ``graph`` (summed over the components large
    enough to be sampled); None when it is computed exactly.

    ``sources`` defaults to :func:`sources_for` the metric.

    >>> sampled_count(nx.path_graph(10), "betweenness", sources=4)
    4
    >>> sampled_count(nx.path_graph(10), "betweenness", sources=10) is None
    True
    """
    if metric not in SAMPLED:
        return None
    k = sources or sources_for(metric)
    large = [len(c) for c in nx.connected_components(graph) if len(c) > k]
    return k * len(large) if large else None


# The measures. Each takes a Compiled graph and returns values by node index.


def betweenness(
    compiled: Compiled, *, normalized: bool = True, sources: int | None = None, seed: int = SEED
) -> np.ndarray:
    """Betweenness as networkx's ``betweenness_centrality`` gives it (each pair counted once;
    ``normalized`` divides by the ``(n - 1)(n - 2) / 2`` pairs), exact when ``sources`` is None,
    else sampled from ``sources`` sources per large component (module docstring).

    >>> compiled = compile_graph(nx.star_graph(3))
    >>> betweenness(compiled, normalized=False).tolist()
    [3.0, 0.0, 0.0, 0.0]
    """
    n = compiled.n
    if n < 3:
        return np.zeros(n)
    if sources is None:
        values = compiled.to_nodes(compiled.graph.betweenness(directed=False))
    else:
        chosen = sample_sources(compiled, sources, seed=seed)
        raw = compiled.to_nodes(compiled.graph.betweenness(sources=compiled.vertices(chosen)))
        # igraph sums half the dependencies from each source (undirected); scale the sample up
        # to every source of the component, as networkx does for ``k``.
        size = np.bincount(compiled.components)[compiled.components].astype(np.float64)
        drawn = np.bincount(compiled.components[chosen], minlength=len(size))
        drawn = drawn[compiled.components].astype(np.float64)
        is_source = np.zeros(n, dtype=bool)
        is_source[chosen] = True
        usable = np.where(is_source, drawn - 1, drawn)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(usable > 0, raw * (size - 1) / usable, 0.0)
    if normalized:
        values = values * 2.0 / ((n - 1) * (n - 2))
    return values


def _distance_sums(
    compiled: Compiled, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every node: how many chosen sources reach it (itself excluded), the sum of their
    distances to it, and the sum of the inverse distances. Kept on ``compiled`` for reuse."""
    key = ("distance sums", chosen.tobytes())
    if key not in compiled.memo:
        compiled.memo[key] = _sum_distances(compiled, chosen)
    return compiled.memo[key]


def _sum_distances(
    compiled: Compiled, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    reached = np.zeros(compiled.n)
    total = np.zeros(compiled.n)
    inverse = np.zeros(compiled.n)
    for start in range(0, len(chosen), DISTANCE_CHUNK):
        rows = compiled.graph.distances(
            source=compiled.vertices(chosen[start : start + DISTANCE_CHUNK])
        )
        distances = np.asarray(rows, dtype=np.float64)[:, compiled.vertex]
        linked = np.isfinite(distances) & (distances > 0)
        reached += linked.sum(axis=0)
        total += np.where(linked, distances, 0.0).sum(axis=0)
        inverse += np.divide(1.0, distances, out=np.zeros_like(distances), where=linked).sum(axis=0)
    return reached, total, inverse


def _refine(compiled: Compiled, estimate: np.ndarray, top: int, exact) -> np.ndarray:
    """``estimate`` with its ``top`` highest values replaced by exact ones from ``exact``."""
    if top <= 0 or not len(estimate):
        return estimate
    leaders = np.argsort(-estimate, kind="stable")[:top]
    refined = estimate.copy()
    refined[leaders] = np.nan_to_num(np.asarray(exact(compiled.vertices(leaders)), dtype=float))
    return refined


def closeness(
    compiled: Compiled, *, sources: int | None = None, seed: int = SEED, exact_top: int = EXACT_TOP
) -> np.ndarray:
    """Closeness with networkx's Wasserman-Faust scaling (``wf_improved``): exact when ``sources``
    is None, else estimated from ``sources`` per large component, the ``exact_top`` highest
    estimates then recomputed exactly.

    >>> closeness(compile_graph(nx.path_graph(3))).round(4).tolist()
    [0.6667, 1.0, 0.6667]
    """
    n = compiled.n
    if n < 2:
        return np.zeros(n)
    size = np.bincount(compiled.components)[compiled.components].astype(np.float64)
    share = (size - 1) / (n - 1)

    def exact(vertices: list[int] | None) -> np.ndarray:
        values = np.nan_to_num(np.asarray(compiled.graph.closeness(vertices=vertices), float))
        positions = compiled.node_of[vertices] if vertices is not None else compiled.node_of
        return values * share[positions]

    if sources is None:
        return compiled.to_nodes(exact(None))
    chosen = sample_sources(compiled, sources, seed=seed)
    reached, total, _ = _distance_sums(compiled, chosen)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.where(total > 0, share * reached / total, 0.0)
    return _refine(compiled, estimate, exact_top, exact)


def harmonic(
    compiled: Compiled,
    *,
    normalized: bool = True,
    sources: int | None = None,
    seed: int = SEED,
    exact_top: int = EXACT_TOP,
) -> np.ndarray:
    """Harmonic centrality, the sum of inverse distances (divided by ``n - 1`` when
    ``normalized``): exact when ``sources`` is None, else estimated as :func:`closeness` is.

    >>> harmonic(compile_graph(nx.path_graph(3)), normalized=False).tolist()
    [1.5, 2.0, 1.5]
    """
    n = compiled.n
    if n < 2:
        return np.zeros(n)

    def exact(vertices: list[int] | None) -> np.ndarray:
        return np.asarray(
            compiled.graph.harmonic_centrality(vertices=vertices, normalized=False), float
        )

    if sources is None:
        values = compiled.to_nodes(exact(None))
    else:
        chosen = sample_sources(compiled, sources, seed=seed)
        reached, _, inverse = _distance_sums(compiled, chosen)
        size = np.bincount(compiled.components)[compiled.components].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = np.where(reached > 0, inverse * (size - 1) / reached, 0.0)
        values = _refine(compiled, estimate, exact_top, exact)
    return values / (n - 1) if normalized else values


def eigenvector(compiled: Compiled, *, dense_limit: int = DENSE_EIGEN_LIMIT) -> np.ndarray:
    """The leading eigenvector of each component (unit length, as networkx's), times the
    component's share of the nodes; isolated nodes score 0.

    >>> eigenvector(compile_graph(nx.path_graph(3))).round(4).tolist()
    [0.5, 0.7071, 0.5]
    """
    n = compiled.n
    values = np.zeros(n)
    labels = compiled.components
    adjacency = compiled.adjacency
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, bounds) if n else []:
        if len(members) < 2:
            continue
        block = adjacency[members][:, members]
        if len(members) <= dense_limit:
            _, vectors = np.linalg.eigh(block.toarray())
            leading = vectors[:, -1]
        else:
            # A connected graph's leading eigenvalue is simple (Perron-Frobenius); "LA" takes the
            # largest algebraic one, not its mirror -lambda of a bipartite graph. A fixed start
            # vector makes ARPACK deterministic.
            from scipy.sparse.linalg import eigsh

            _, vectors = eigsh(block, k=1, which="LA", v0=np.ones(len(members)), tol=0)
            leading = vectors[:, 0]
        values[members] = np.abs(leading) * len(members) / n
    return values


def pagerank(compiled: Compiled, *, damping: float = 0.85) -> np.ndarray:
    """PageRank over the nodes that have links (igraph's PRPACK solves it exactly; networkx
    iterates to a tolerance of 1e-6); isolated nodes score 0.

    >>> pagerank(compile_graph(nx.path_graph(3))).round(4).tolist()
    [0.2568, 0.4865, 0.2568]
    """
    values = np.zeros(compiled.n)
    linked = np.flatnonzero(compiled.degree > 0)
    if not len(linked):
        return values
    sub = compiled.graph.induced_subgraph(
        compiled.vertices(linked), implementation="create_from_scratch"
    )
    # induced_subgraph keeps the vertices in increasing id order.
    vertex_ids = np.sort(compiled.vertex[linked])
    ranks = np.asarray(sub.pagerank(damping=damping, directed=False), dtype=np.float64)
    values[compiled.node_of[vertex_ids]] = ranks
    return values


def _triangles(compiled: Compiled) -> np.ndarray:
    """Every triangle as three node indices, (t, 3); listed once per compiled graph (clustering,
    effective size and constraint all read them)."""
    found = compiled.memo.get("triangles")
    if found is None:
        listed = compiled.graph.list_triangles()
        found = (
            compiled.node_of[np.asarray(listed, dtype=np.int64)]
            if listed
            else np.zeros((0, 3), dtype=np.int64)
        )
        compiled.memo["triangles"] = found
    return found


def clustering(compiled: Compiled) -> np.ndarray:
    """The local clustering coefficient, unweighted: the share of pairs of an entity's contacts
    that are linked to each other (0 below two contacts), as networkx computes it.

    >>> clustering(compile_graph(nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)]))).round(4).tolist()
    [1.0, 1.0, 0.3333, 0.0]
    """
    degree = compiled.degree.astype(np.float64)
    around = np.bincount(_triangles(compiled).ravel(), minlength=compiled.n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(degree > 1, 2 * around / (degree * (degree - 1)), 0.0)


def effective_size(compiled: Compiled) -> np.ndarray:
    """Burt's effective size, unweighted: ``degree - 2 * links among the contacts / degree``.

    >>> effective_size(compile_graph(nx.star_graph(3))).tolist()
    [3.0, 1.0, 1.0, 1.0]
    """
    degree = compiled.degree.astype(np.float64)
    among = np.bincount(_triangles(compiled).ravel(), minlength=compiled.n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(degree > 0, degree - 2 * among / degree, 0.0)


def constraint(compiled: Compiled) -> np.ndarray:
    """Burt's constraint, unweighted, as networkx computes it: for each contact ``j`` of ``v``,
    ``(1 / d(v) + sum over shared contacts q of 1 / (d(v) d(q)))`` squared, summed over ``j``.

    >>> constraint(compile_graph(nx.complete_graph(3))).round(4).tolist()
    [1.125, 1.125, 1.125]
    """
    n = compiled.n
    degree = compiled.degree.astype(np.float64)
    edges = compiled.edges
    # s[e]: for the link e = (v, j), the sum of 1 / d(q) over the contacts q that v and j share.
    shared: np.ndarray = np.zeros(len(edges))
    triangles = _triangles(compiled)
    if len(triangles):
        pairs = np.concatenate([triangles[:, [0, 1]], triangles[:, [0, 2]], triangles[:, [1, 2]]])
        thirds = np.concatenate([triangles[:, 2], triangles[:, 1], triangles[:, 0]])
        edge_ids = compiled.graph.get_eids(
            [(int(a), int(b)) for a, b in compiled.vertex[pairs]], directed=False
        )
        # igraph numbers the edges in the order they were given: rows of ``edges``.
        shared = np.bincount(edge_ids, weights=1.0 / degree[thirds], minlength=len(edges))
    term = (1.0 + shared) ** 2
    sums = np.bincount(edges[:, 0], weights=term, minlength=n) + np.bincount(
        edges[:, 1], weights=term, minlength=n
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(degree > 0, sums / degree**2, 0.0)


# The measures that take nothing but the graph.
MEASURES = {
    "eigenvector": eigenvector,
    "pagerank": pagerank,
    "constraint": constraint,
    "effective_size": effective_size,
    "clustering": clustering,
}


def centrality(
    graph: nx.Graph | Compiled,
    metric: str,
    *,
    normalized: bool = True,
    sources: int | None = None,
    seed: int = SEED,
) -> dict[Hashable, float]:
    """One of :data:`SUPPORTED` metrics, unweighted, by node in graph order: exact when
    ``sources`` is None, else sampled (betweenness, closeness and harmonic centrality only).

    Pass a :class:`Compiled` graph to compute several metrics from one conversion.

    >>> centrality(nx.star_graph(3), "betweenness", normalized=False)
    {0: 3.0, 1: 0.0, 2: 0.0, 3: 0.0}
    """
    if metric not in SUPPORTED:
        raise ValueError(f"no compiled version of {metric!r}: use one of {sorted(SUPPORTED)}")
    compiled = graph if isinstance(graph, Compiled) else compile_graph(graph)
    if metric == "betweenness":
        values = betweenness(compiled, normalized=normalized, sources=sources, seed=seed)
    elif metric == "harmonic":
        values = harmonic(compiled, normalized=normalized, sources=sources, seed=seed)
    elif metric == "closeness":
        values = closeness(compiled, sources=sources, seed=seed)
    else:
        values = MEASURES[metric](compiled)
    return compiled.scores(values)


def _check_simple(graph: nx.Graph) -> None:
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError("centrality needs an undirected simple graph: pass simple_view(graph)")
