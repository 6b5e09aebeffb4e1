"""Communities: groups of entities more linked to each other than to the rest (Louvain).

The split is random in principle; ``seed`` makes it the same on every run for the same graph.
Links weigh their ``weight`` (on the simple view, the number of merged relations; 1 if absent).

NetworkX's Louvain is the model. Above ``compiled_above`` entities (``fast.FAST_ABOVE``, 2,000,
by default) igraph's implementation of the same method runs instead, in C: 15.3 s with NetworkX
on the 67,491-entity H2020 network, 2.5 s with igraph (docs/benchmarks.md). Both are Louvain
with the same resolution and weights; on a given graph they may still end in different, equally
valid splits, so the method is part of the cache key (``CommunitySettings.ALGORITHM``).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from ecosystem.analysis import fast


def communities(
    graph: nx.Graph,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    top_members: int = 3,
    compiled_above: int = fast.FAST_ABOVE,
) -> dict:
    """Louvain communities of an undirected simple graph, largest first.

    Returns ``{"modularity": float, "communities": [...]}``, each community
    ``{"id", "size", "label", "members"}``. Members are ordered by degree in the whole graph,
    then name, then id; ``label`` joins the names of the first ``top_members`` of them. Ids
    count from 0 by size, largest first, ties by the name of the first member.

    ``resolution`` above 1 favours smaller communities. ``modularity`` is that of the
    partition at the usual resolution 1, whatever resolution found it, so that runs compare;
    it is 0.0 for a graph without links, where modularity is undefined. An isolated entity
    is a community of its own.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> [(c["id"], c["members"]) for c in communities(g)["communities"]]
    [(0, ['a', 'b', 'c']), (1, ['x', 'y'])]
    >>> communities(g, top_members=2)["communities"][0]["label"]
    'a · b'
    """
    if top_members < 1:
        raise ValueError(f"top_members must be 1 or more, not {top_members}")
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError("communities need an undirected simple graph: pass simple_view(graph)")

    def name(node: Hashable) -> str:
        return str(graph.nodes[node].get("name", node))

    partition = (
        louvain_compiled(graph, resolution=resolution, seed=seed)
        if len(graph) > compiled_above
        else nx.community.louvain_communities(
            graph, weight="weight", resolution=resolution, seed=seed
        )
    )
    groups = [
        sorted(part, key=lambda node: (-graph.degree(node), name(node), str(node)))
        for part in partition
    ]
    groups.sort(key=lambda members: (-len(members), name(members[0]), str(members[0])))
    modularity = (
        nx.community.modularity(graph, partition, weight="weight")
        if graph.number_of_edges()
        else 0.0
    )
    return {
        "modularity": float(modularity),
        "communities": [
            {
                "id": number,
                "size": len(members),
                "label": " · ".join(name(node) for node in members[:top_members]),
                "members": members,
            }
            for number, members in enumerate(groups)
        ],
    }


# igraph draws from one process-wide generator: a call sets its own, seeded, and puts the usual
# one back, so calls from several threads take turns.
_GENERATOR = threading.Lock()


def louvain_compiled(
    graph: nx.Graph, *, resolution: float = 1.0, seed: int = 42
) -> list[set[Hashable]]:
    """Louvain communities of an undirected simple graph by igraph (``community_multilevel``),
    links weighted by ``weight`` (1 if absent); the same ``seed`` gives the same split.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> sorted(sorted(part) for part in louvain_compiled(g))
    [['a', 'b', 'c'], ['x', 'y']]
    """
    import igraph as ig

    compiled = fast.compile_graph(graph)
    weights = [float(w) for _, _, w in graph.edges(data="weight", default=1)]
    with _GENERATOR:
        ig.set_random_number_generator(random.Random(seed))
        try:
            found = compiled.graph.community_multilevel(
                weights=weights if weights else None, resolution=resolution
            )
        finally:
            ig.set_random_number_generator(random)
    label = compiled.to_nodes(found.membership)
    parts: dict[float, set[Hashable]] = {}
    for node, part in zip(compiled.nodes, label.tolist(), strict=True):
        parts.setdefault(part, set()).add(node)
    return list(parts.values())


def membership(result: dict) -> dict[Hashable, int]:
    """Each entity's community id, from a :func:`communities` result.

    >>> membership(communities(nx.Graph([("a", "b"), ("x", "y")])))
    {'a': 0, 'b': 0, 'x': 1, 'y': 1}
    """
    return {
        node: community["id"]
        for community in result["communities"]
        for node in community["members"]
    }


def matched(result: dict, reference: Mapping[Any, int]) -> dict:
    """``result`` (of :func:`communities`) with its communities numbered after ``reference``
    (each entity's community id in another split of the same entities, such as the whole
    network's), so that a community keeps its number, and its colour, from one split to the
    next.

    Largest first, each community takes the number of the reference community most of its
    members are in, if no larger one took it (ties go to the smaller number); a community with
    no number left, or no member in ``reference``, takes the next number after all of
    ``reference``'s. The order, sizes, labels and members are unchanged.

    >>> whole = {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1}
    >>> split = communities(nx.Graph([("x", "y"), ("y", "z"), ("x", "z"), ("a", "b")]))
    >>> [(c["id"], c["members"]) for c in split["communities"]]
    [(0, ['x', 'y', 'z']), (1, ['a', 'b'])]
    >>> [(c["id"], c["members"]) for c in matched(split, whole)["communities"]]
    [(1, ['x', 'y', 'z']), (0, ['a', 'b'])]
    """
    taken: set[int] = set()
    fresh = max(reference.values(), default=-1) + 1
    renumbered = []
    for community in result["communities"]:
        votes = Counter(reference[node] for node in community["members"] if node in reference)
        choices = sorted(votes.items(), key=lambda vote: (-vote[1], vote[0]))
        number = next((found for found, _ in choices if found not in taken), None)
        if number is None:
            number, fresh = fresh, fresh + 1
        taken.add(number)
        renumbered.append({**community, "id": number})
    return {**result, "communities": renumbered}
