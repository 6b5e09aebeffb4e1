"""Collaboration paths between two entities, each hop told in words with its evidence.

The hub rule
------------
A path through the European Commission or Horizon Europe connects almost anything and tells
nothing. By default (``avoid_hubs=True``) a path's cost is its number of hops plus, for every
entity it passes through, ``log2(d)`` where ``d`` is how many entities that one is linked to.
Passing through an entity with 2 links costs 1 more, one with 64 links costs 6 more: a 2-hop path
through a 64-link hub (cost 2 + 6 = 8) loses to a 3-hop path through two entities with 4 links
each (3 + 2 + 2 = 7). With ``avoid_hubs=False`` every hop costs 1 and the fewest hops win.

Paths are loop-free; up to ``k`` of them come back, cheapest first (Yen's algorithm, through
``networkx.shortest_simple_paths``), plus every path with the fewest hops (``fewest_hops``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, islice, pairwise
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from ecosystem.analysis.explain import entity_name, link_relations
from ecosystem.analysis.lookup import EntityIndex, build_index, resolve
from ecosystem.analysis.results import Hop, Path, PathResult
from ecosystem.errors import EcosystemError

# SciPy is imported where it is used: the explorer's start does without its 0.13 s.
if TYPE_CHECKING:
    from scipy import sparse

MAX_K = 20
# How many entities the first bounded search of _cheapest_simple_paths takes in (then 3x more).
NEAR_FIRST = 40
MAX_FEWEST_HOPS = 20


class PathQueryError(EcosystemError):
    """The question cannot be asked as put (same entity twice, an end that is also avoided)."""


class NoPath(EcosystemError):
    """No path links the two entities under the given options."""


def hub_penalty(view: nx.Graph, node: str) -> float:
    """What passing through ``node`` adds to a path's cost under the hub rule: log2(links).

    >>> hub_penalty(nx.star_graph(8), 0)
    3.0
    """
    return _penalty(view.degree(node))


def _penalty(links: int) -> float:
    return math.log2(max(links, 1))


@dataclass(frozen=True)
class PathIndex:
    """What every path query on one network shares, worked out once (:func:`path_index`).

    ``penalties`` holds each entity's :func:`hub_penalty`; ``costs`` and ``hops`` are the
    network as sparse matrices over ``nodes`` (position ``i`` is ``nodes[i]``), weighted by the
    hub rule's cost of each link and by 1, for SciPy's compiled shortest-path searches.
    """

    nodes: tuple[str, ...]
    position: Mapping[str, int]
    penalties: Mapping[str, float]
    costs: sparse.csr_array
    hops: sparse.csr_array


def path_index(view: nx.Graph) -> PathIndex:
    """The :class:`PathIndex` of ``view``: about a second on the H2020 network.

    >>> path_index(nx.star_graph(4)).penalties[0]
    2.0
    """
    from scipy import sparse  # imported on first use: 0.13 s that a start does without

    nodes = tuple(view)
    position = dict(zip(nodes, range(len(nodes)), strict=True))
    # The matrices' rows straight from each entity's neighbours (the graph's own dict of dicts,
    # read, not changed), in its own order: no pairs to sort, as building them from the list
    # of links would.
    around = [view._adj[node] for node in nodes]
    sizes = [len(neighbours) for neighbours in around]
    # Each entity's degree, a link to itself counted twice as networkx counts it; a few hundred
    # distinct degrees, each penalty worked out once.
    links = [size + (node in held) for node, held, size in zip(nodes, around, sizes, strict=True)]
    by_links = {count: _penalty(count) for count in set(links)}
    penalties = dict(zip(nodes, map(by_links.__getitem__, links), strict=True))
    degrees = np.array(sizes, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(degrees)]).astype(np.int64)
    cols = np.fromiter(
        map(position.__getitem__, chain.from_iterable(around)),
        dtype=np.int64,
        count=int(starts[-1]),
    )
    rows = np.repeat(np.arange(len(nodes)), degrees)
    penalty = np.fromiter(penalties.values(), dtype=np.float64, count=len(nodes))
    cost = 1.0 + (penalty[rows] + penalty[cols]) / 2
    shape = (len(nodes), len(nodes))
    costs = sparse.csr_array((cost, cols, starts), shape=shape)
    costs.sort_indices()
    hops = sparse.csr_array((np.ones(len(cols)), costs.indices, costs.indptr), shape=shape)
    return PathIndex(nodes=nodes, position=position, penalties=penalties, costs=costs, hops=hops)


def _cost_function(
    view: nx.Graph, penalties: Mapping[str, float] | None = None
) -> Callable[[str, str, dict], float]:
    # Each node's penalty is split over the two edges that enter and leave it, so a path's weight
    # is its hop count plus the penalties of its inner nodes, plus half of each end's (the same
    # for every path between the two ends; subtracted again in _path_cost).
    if penalties is not None:
        given = penalties

        def cost(first: str, second: str, _data: dict) -> float:
            return 1.0 + (given[first] + given[second]) / 2

        return cost
    # Without them, penalties are worked out as the search reaches each entity: one query on a
    # large network touches few of them.
    found: dict[str, float] = {}

    def half(node: str) -> float:
        if node not in found:
            found[node] = hub_penalty(view, node) / 2
        return found[node]

    def lazy_cost(first: str, second: str, _data: dict) -> float:
        return 1.0 + half(first) + half(second)

    return lazy_cost


def cheapest_path_finder(prepared: PathIndex, source: str) -> Callable[[str], list[str] | None]:
    """A function giving a cheapest path under the hub rule from ``source`` to an entity (None
    when none reaches it, or it is not in the network), every answer read from one compiled
    search from ``source``, made on the first question: for the partner suggestions of one
    entity, whose candidates each show a path (a search of 15 ms on H2020 for all of them,
    instead of two and a Yen's search for each).

    >>> finder = cheapest_path_finder(path_index(nx.path_graph(["a", "b", "c", "d"])), "a")
    >>> finder("c"), finder("d"), finder("a"), finder("z")
    (['a', 'b', 'c'], ['a', 'b', 'c', 'd'], ['a'], None)
    """
    origin = prepared.position.get(source)
    searched: list[np.ndarray] = []

    def find(target: str) -> list[str] | None:
        step = prepared.position.get(target)
        if origin is None or step is None:
            return None
        if not searched:
            from scipy.sparse import csgraph

            _, previous = csgraph.dijkstra(
                prepared.costs, directed=True, indices=origin, return_predecessors=True
            )
            searched.append(previous)
        previous = searched[0]
        if step != origin and previous[step] < 0:
            return None  # not reached
        path = [step]
        while step != origin:
            step = int(previous[step])
            path.append(step)
        return [prepared.nodes[i] for i in reversed(path)]

    return find


def _cheapest_simple_paths(
    view: nx.Graph, start: str, end: str, k: int, avoid_hubs: bool, prepared: PathIndex
) -> list[list[str]]:
    """The ``k`` cheapest loop-free paths, as ``shortest_simple_paths`` on the whole network
    finds them, but searched in the few entities that can lie on a cheap path.

    Two compiled searches give every entity's distance ``d(start, u)`` and ``d(u, end)``. A path
    costing at most ``bound`` passes only through entities with ``d(start, u) + d(u, end) <=
    bound``, so Yen's algorithm run on those alone finds every path up to ``bound``; when the
    k-th path it finds costs no more than ``bound``, it is the k-th cheapest of all. Otherwise
    the bound is widened to let three times more entities in, and the search repeated.
    """
    from scipy.sparse import csgraph

    matrix = prepared.costs if avoid_hubs else prepared.hops
    weight = _cost_function(view, prepared.penalties) if avoid_hubs else None
    ends = [prepared.position[start], prepared.position[end]]
    # The matrices hold both directions of every link: searching them as directed spares SciPy
    # building the transpose on every query.
    distances = csgraph.dijkstra(matrix, directed=True, indices=ends)
    if not np.isfinite(distances[0, ends[1]]):
        raise nx.NetworkXNoPath(f"no path between {start!r} and {end!r}")
    through = distances[0] + distances[1]
    reachable = through[np.isfinite(through)]
    size = NEAR_FIRST
    while True:
        # The bound that lets ``size`` entities in: few where paths are alike, more where not.
        nth = min(size, len(reachable)) - 1
        bound = np.partition(reachable, nth)[nth] + 1e-9
        near = [prepared.nodes[i] for i in np.flatnonzero(through <= bound)]
        found = list(islice(nx.shortest_simple_paths(_among(view, near), start, end, weight), k))
        if len(near) == len(reachable):
            return found  # the whole component: nothing more to widen to
        if len(found) == k:
            last = found[-1]
            length = sum(weight(a, b, {}) for a, b in pairwise(last)) if weight else len(last) - 1
            if length <= bound:
                return found
        size *= 3


def _among(view: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The links of ``view`` among ``nodes``, as a graph of its own: Yen's algorithm runs many
    searches on it, and a filtered view would sift a hub's thousands of neighbours in each."""
    kept = set(nodes)
    among = nx.Graph()
    among.add_nodes_from(nodes)
    for node in nodes:
        around = view.adj[node]
        if len(around) > len(kept):
            among.add_edges_from((node, other) for other in kept if other in around)
        else:
            among.add_edges_from((node, other) for other in around if other in kept)
    return among


def _path_cost(view: nx.Graph, nodes: list[str], avoid_hubs: bool) -> float:
    hops = len(nodes) - 1
    if not avoid_hubs:
        return float(hops)
    return hops + sum(hub_penalty(view, node) for node in nodes[1:-1])


def allowed_subgraph(
    view: nx.Graph,
    ends: Collection[str],
    *,
    avoid: Collection[str] = (),
    via_types: Collection[str] | None = None,
    relation_types: Collection[str] | None = None,
) -> nx.Graph:
    """A read-only view keeping the ends, the allowed intermediates and the allowed links
    (``view`` itself when nothing is filtered out: a filtered view slows every search step)."""
    avoided, via, kinds = set(avoid), set(via_types or ()), set(relation_types or ())
    if not (avoided or via or kinds):
        return view

    def keep_node(node: str) -> bool:
        if node in ends:
            return True
        return node not in avoided and (not via or view.nodes[node].get("type") in via)

    def keep_edge(first: str, second: str) -> bool:
        return not kinds or bool(kinds.intersection(view.edges[first, second]["types"]))

    return nx.subgraph_view(view, filter_node=keep_node, filter_edge=keep_edge)


def explain_path(
    view: nx.Graph, nodes: list[str], *, relation_types: Collection[str] | None = None
) -> list[Hop]:
    """Each hop of a path: its two ends and every (allowed) relation between them, explained."""
    kinds = set(relation_types) if relation_types else None
    return [
        {
            "from": first,
            "to": second,
            "from_name": entity_name(view, first),
            "to_name": entity_name(view, second),
            "relations": link_relations(view, first, second, relation_types=kinds),
        }
        for first, second in pairwise(nodes)
    ]


def path_record(
    view: nx.Graph, nodes: list[str], avoid_hubs: bool, relation_types: Collection[str] | None
) -> Path:
    return {
        "nodes": nodes,
        "names": [entity_name(view, node) for node in nodes],
        "hops": len(nodes) - 1,
        "cost": round(_path_cost(view, nodes, avoid_hubs), 6),
        "steps": explain_path(view, nodes, relation_types=relation_types),
    }


def collaboration_paths(
    view: nx.Graph,
    source: str,
    target: str,
    *,
    k: int = 3,
    avoid: Iterable[str] = (),
    via_types: Collection[str] | None = None,
    relation_types: Collection[str] | None = None,
    avoid_hubs: bool = True,
    index: EntityIndex | None = None,
    prepared: PathIndex | None = None,
) -> PathResult:
    """Up to ``k`` loop-free paths from ``source`` to ``target``, cheapest first, explained.

    ``index`` and ``prepared`` (:func:`path_index`) may be passed in when they are at hand: they
    depend on the network only, and ``prepared`` makes a query on a large network take
    milliseconds rather than seconds (unless ``avoid``, ``via_types`` or ``relation_types``
    change the network searched).

    ``source``, ``target`` and ``avoid`` may be ids, names or aliases. ``via_types`` limits the
    entity types a path may pass through (the ends are always allowed); ``relation_types`` limits
    the relations a hop may use; ``avoid`` lists entities no path may pass through. Raises
    :class:`PathQueryError` for the same entity twice, :class:`NoPath` when nothing links them,
    and the lookup errors for names that match no entity or several.

    >>> g = nx.Graph()
    >>> for n in "abchx": g.add_node(n, name=n.upper(), type="company")
    >>> rel = lambda s, t: {"relations": [{"source": s, "target": t, "type": "supports"}],
    ...                     "types": ["supports"], "weight": 1}
    >>> g.add_edges_from([("a", "h", rel("a", "h")), ("h", "c", rel("h", "c")),
    ...                   ("a", "b", rel("a", "b")), ("b", "x", rel("b", "x")),
    ...                   ("x", "c", rel("x", "c"))])
    >>> g.add_edges_from((("h", f"leaf{i}", rel("h", f"leaf{i}")) for i in range(30)))
    >>> collaboration_paths(g, "a", "c", k=1)["paths"][0]["names"]
    ['A', 'B', 'X', 'C']
    >>> collaboration_paths(g, "a", "c", k=1, avoid_hubs=False)["paths"][0]["names"]
    ['A', 'H', 'C']
    """
    if index is None and any(str(query) not in view for query in (source, target, *avoid)):
        index = build_index(view)  # an id is found without it
    start, end = resolve(view, source, index=index), resolve(view, target, index=index)
    if start == end:
        raise PathQueryError(f"{entity_name(view, start)} is both ends: name two entities")
    avoided = {resolve(view, name, index=index) for name in avoid}
    for node in (start, end):
        if node in avoided:
            raise PathQueryError(f"{entity_name(view, node)} is an end and cannot be avoided")
    if not 1 <= k <= MAX_K:
        raise PathQueryError(f"k must be between 1 and {MAX_K}, not {k}")
    allowed = allowed_subgraph(
        view, (start, end), avoid=avoided, via_types=via_types, relation_types=relation_types
    )
    try:
        if prepared is not None and allowed is view:
            found = _cheapest_simple_paths(view, start, end, k, avoid_hubs, prepared)
        else:
            weight = _cost_function(view) if avoid_hubs else None
            found = list(islice(nx.shortest_simple_paths(allowed, start, end, weight=weight), k))
        fewest = fewest_hop_paths(allowed, start, end, limit=MAX_FEWEST_HOPS)
    except nx.NetworkXNoPath:
        raise NoPath(
            f"no path links {entity_name(view, start)} and {entity_name(view, end)}"
            + _options_text(avoided, via_types, relation_types, view)
        ) from None
    return {
        "source": {"id": start, "name": entity_name(view, start)},
        "target": {"id": end, "name": entity_name(view, end)},
        "options": {
            "k": k,
            "avoid": sorted(avoided),
            "via_types": sorted(via_types or ()),
            "relation_types": sorted(relation_types or ()),
            "avoid_hubs": avoid_hubs,
        },
        "paths": [path_record(view, nodes, avoid_hubs, relation_types) for nodes in found],
        "fewest_hops": fewest,
    }


def fewest_hop_paths(graph: nx.Graph, start: str, end: str, *, limit: int) -> list[list[str]]:
    """The first ``limit`` paths with the fewest hops from ``start`` to ``end``, in sorted order.

    A breadth-first search from both ends, growing the smaller side, stops as soon as the two
    meet, so on a large network it visits the neighbourhoods of the two ends rather than the whole
    network. Raises ``networkx.NetworkXNoPath`` when nothing links them.

    >>> fewest_hop_paths(nx.cycle_graph(["a", "b", "c", "d"]), "a", "c", limit=5)
    [['a', 'b', 'c'], ['a', 'd', 'c']]
    """
    if start == end:
        return [[start]]
    near = {start: 0}, {end: 0}
    frontiers = [start], [end]
    while True:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        if not frontiers[side]:
            raise nx.NetworkXNoPath(f"no path between {start!r} and {end!r}")
        mine, theirs = near[side], near[1 - side]
        depth = mine[frontiers[side][0]] + 1
        grown = []
        for node in frontiers[side]:
            for neighbour in graph[node]:
                if neighbour not in mine:
                    mine[neighbour] = depth
                    grown.append(neighbour)
        frontiers[side][:] = grown
        met = [node for node in grown if node in theirs]
        if met:
            break
    from_start, to_end = near
    hops = min(from_start[node] + to_end[node] for node in met)
    # Every such path crosses one layer where both searches know their distances.
    cut = from_start[met[0]] if side == 0 else hops - to_end[met[0]]
    useful = {
        node for node in from_start if from_start[node] == cut and to_end.get(node) == hops - cut
    }
    layers: list[set[str]] = [set() for _ in range(cut)] + [useful]
    for depth in range(cut - 1, -1, -1):
        layers[depth] = {
            node
            for later in layers[depth + 1]
            for node in graph[later]
            if from_start.get(node) == depth
        }

    towards_end: dict[int, set[str]] = {}
    for node, distance in to_end.items():
        if distance < hops - cut:
            towards_end.setdefault(distance, set()).add(node)

    def steps(node: str, position: int) -> list[str]:
        following = (
            layers[position + 1] if position < cut else towards_end.get(hops - position - 1, set())
        )
        around = graph[node]
        # Whichever is smaller: a hub's thousands of neighbours, or the next layer.
        if len(following) < len(around):
            return sorted(n for n in following if n in around)
        return sorted(n for n in around if n in following)

    found: list[list[str]] = []
    path = [start]

    def walk(position: int) -> None:
        if path[-1] == end:
            found.append(list(path))
            return
        for following in steps(path[-1], position):
            if len(found) >= limit:
                return
            path.append(following)
            walk(position + 1)
            path.pop()

    walk(0)
    return found


def _options_text(
    avoided: set[str],
    via_types: Collection[str] | None,
    relation_types: Collection[str] | None,
    view: nx.Graph,
) -> str:
    parts = []
    if avoided:
        parts.append("avoiding " + ", ".join(sorted(entity_name(view, n) for n in avoided)))
    if via_types:
        parts.append("through " + ", ".join(sorted(via_types)) + " entities only")
    if relation_types:
        parts.append("over " + ", ".join(sorted(relation_types)) + " relations only")
    return " " + "; ".join(parts) + ": loosen the options" if parts else ""
