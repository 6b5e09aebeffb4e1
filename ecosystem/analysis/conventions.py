"""The same measure under the conventions of other tools, so their numbers can be reproduced.

:mod:`ecosystem.analysis.centrality` normalises over the whole network (networkx's convention,
also Gephi's). Two other conventions are in common use:

- **per component** (Cytoscape's NetworkAnalyzer): betweenness divided by the most possible
  within the entity's own connected component, ``(n_c - 1)(n_c - 2) / 2`` pairs for a component
  of ``n_c`` entities, so the hub of a fragment of ten scores as high as the hub of the main
  network. Entities of components of fewer than three score 0.
- **two-mode** (Borgatti and Everett 1997, Borgatti and Halgin 2011): in a network of two kinds
  of entity linked only across (people and events, organisations and projects), each entity is
  compared with the most its own mode could reach: degree divided by the size of the other mode,
  closeness and betweenness by their two-mode maxima. The Davis southern women data reproduce
  the published values.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import networkx as nx

from ecosystem.errors import EcosystemError

TWO_MODE_METRICS = ("degree", "betweenness", "closeness")


class NotTwoMode(EcosystemError):
    """The entities chosen as one mode are linked among themselves, or there is no other mode."""


def betweenness_per_component(graph: nx.Graph) -> dict[Hashable, float]:
    """Betweenness normalised within each connected component, as NetworkAnalyzer does.

    >>> graph = nx.union(nx.path_graph(3), nx.path_graph(["a", "b", "c", "d", "e"]))
    >>> scores = betweenness_per_component(graph)
    >>> scores[1], scores["c"]
    (1.0, 0.6666666666666666)
    """
    raw = nx.betweenness_centrality(graph, normalized=False)
    scores: dict[Hashable, float] = dict.fromkeys(graph, 0.0)
    for component in nx.connected_components(graph):
        size = len(component)
        if size < 3:
            continue
        most = (size - 1) * (size - 2) / 2
        for node in component:
            scores[node] = raw[node] / most
    return scores


def two_mode(graph: nx.Graph, metric: str, mode: Collection[Hashable]) -> dict[Hashable, float]:
    """``metric`` (degree, betweenness or closeness) under the two-mode normalisation.

    ``mode`` holds the entities of one mode; every other entity of ``graph`` is the other mode.
    Raises :class:`NotTwoMode` when a link joins two entities of the same mode.

    >>> davis = nx.davis_southern_women_graph()
    >>> women = [n for n, d in davis.nodes(data=True) if d["bipartite"] == 0]
    >>> round(two_mode(davis, "degree", women)["E8"], 2)
    0.78
    """
    if metric not in TWO_MODE_METRICS:
        raise NotTwoMode(
            f"the two-mode convention covers {', '.join(TWO_MODE_METRICS)}, not {metric}"
        )
    first = set(mode) & set(graph)
    if not first or len(first) == len(graph):
        raise NotTwoMode("a two-mode network needs entities of both modes")
    same = next(((u, v) for u, v in graph.edges() if (u in first) == (v in first)), None)
    if same is not None:
        raise NotTwoMode(
            f"{same[0]} and {same[1]} are of the same mode and linked: not a two-mode network"
        )
    from networkx.algorithms import bipartite

    measure = {
        "degree": bipartite.degree_centrality,
        "betweenness": bipartite.betweenness_centrality,
        "closeness": bipartite.closeness_centrality,
    }[metric]
    return {node: float(value) for node, value in measure(graph, first).items()}


def convention_scores(
    graph: nx.Graph, metric: str, convention: str, types: Collection[str] | None = None
) -> tuple[nx.Graph, dict[Hashable, float] | None]:
    """The graph to rank and the scores under ``convention`` (None: the usual ones).

    ``two-mode`` keeps the entities of the two ``types`` and the links between them only.
    """
    if convention == "graph":
        return graph, None
    if convention == "component":
        if metric != "betweenness":
            raise NotTwoMode(
                f"the per-component convention is NetworkAnalyzer's betweenness, not {metric}"
            )
        return graph, betweenness_per_component(graph)
    if not types or len(set(types)) != 2:
        raise NotTwoMode("--convention two-mode needs --two-mode TYPE_A TYPE_B (two types)")
    first_type, second_type = types
    kinds = nx.get_node_attributes(graph, "type")
    first = [n for n in graph if kinds.get(n) == first_type]
    both = [n for n in graph if kinds.get(n) in (first_type, second_type)]
    affiliation = nx.Graph()
    affiliation.add_nodes_from((n, graph.nodes[n]) for n in both)
    affiliation.add_edges_from(
        (u, v, data)
        for u, v, data in graph.subgraph(both).edges(data=True)
        if (kinds.get(u) == first_type) != (kinds.get(v) == first_type)
    )
    return affiliation, two_mode(affiliation, metric, first)
