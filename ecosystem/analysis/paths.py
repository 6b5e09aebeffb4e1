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
from collections.abc import Callable, Collection, Iterable
from itertools import islice, pairwise

import networkx as nx

from ecosystem.analysis.explain import entity_name, link_relations
from ecosystem.analysis.lookup import EntityIndex, build_index, resolve
from ecosystem.errors import EcosystemError

MAX_K = 20
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
    return math.log2(max(view.degree(node), 1))


def _cost_function(view: nx.Graph) -> Callable[[str, str, dict], float]:
    # Each node's penalty is split over the two edges that enter and leave it, so a path's weight
    # is its hop count plus the penalties of its inner nodes, plus half of each end's (the same
    # for every path between the two ends; subtracted again in _path_cost).
    penalty = {node: hub_penalty(view, node) for node in view}

    def cost(first: str, second: str, _data: dict) -> float:
        return 1.0 + (penalty[first] + penalty[second]) / 2

    return cost


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
    """A read-only view keeping the ends, the allowed intermediates and the allowed links."""
    avoided, via, kinds = set(avoid), set(via_types or ()), set(relation_types or ())

    def keep_node(node: str) -> bool:
        if node in ends:
            return True
        return node not in avoided and (not via or view.nodes[node].get("type") in via)

    def keep_edge(first: str, second: str) -> bool:
        return not kinds or bool(kinds.intersection(view.edges[first, second]["types"]))

    return nx.subgraph_view(view, filter_node=keep_node, filter_edge=keep_edge)


def explain_path(
    view: nx.Graph, nodes: list[str], *, relation_types: Collection[str] | None = None
) -> list[dict]:
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


def _path_record(
    view: nx.Graph, nodes: list[str], avoid_hubs: bool, relation_types: Collection[str] | None
) -> dict:
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
) -> dict:
    """Up to ``k`` loop-free paths from ``source`` to ``target``, cheapest first, explained.

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
    index = index or build_index(view)
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
    weight = _cost_function(view) if avoid_hubs else None
    try:
        found = list(islice(nx.shortest_simple_paths(allowed, start, end, weight=weight), k))
        fewest = list(islice(nx.all_shortest_paths(allowed, start, end), MAX_FEWEST_HOPS))
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
        "paths": [_path_record(view, nodes, avoid_hubs, relation_types) for nodes in found],
        "fewest_hops": sorted(fewest),
    }


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
