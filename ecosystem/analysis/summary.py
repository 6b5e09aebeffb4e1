"""Counts and shape of a network: what ``ecosystem stats`` prints."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping

import networkx as nx


def network_summary(
    view: nx.Graph, *, top: int = 5, relation_counts: Mapping[str, int] | None = None
) -> dict:
    """Counts by entity and relation type, components, density and the best-connected entities
    of a network's simple view (:func:`ecosystem.graph.simple_view`); ``relation_counts``, the
    relations by type when they are known already (the cached tallies,
    :func:`ecosystem.cache.compute_tallies`), saves a pass over every relation.

    ``relations`` counts every relation and ``links`` the linked pairs: two entities linked by
    several relations count once in density and degree. Ties in degree are broken by name.

    >>> from ecosystem.graph import simple_view
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A", type="company"); g.add_node("b", name="B", type="project")
    >>> _ = g.add_edge("a", "b", type="partner_in"); _ = g.add_edge("a", "b", type="leads")
    >>> s = network_summary(simple_view(g))
    >>> s["entities"], s["relations"], s["links"], s["density"]
    (2, 2, 1, 1.0)
    """
    components = sorted(map(len, nx.connected_components(view)), reverse=True)
    degree = dict(view.degree())
    links = sum(degree.values()) // 2
    count = len(degree)
    names = {node: str(name) for node, name in view.nodes(data="name", default=None) if name}
    ranked = heapq.nsmallest(
        top, view, key=lambda node: (-degree[node], names.get(node, node), node)
    )
    relations = Counter(relation_counts if relation_counts is not None else _relation_types(view))
    return {
        "entities": count,
        "relations": relations.total(),
        "links": links,
        "entity_types": _counted(kind for _, kind in view.nodes(data="type", default="")),
        "relation_types": _counted(relations.elements()),
        "components": len(components),
        "largest_component": components[0] if components else 0,
        "isolated": sum(1 for links in degree.values() if links == 0),
        "density": round(2 * links / (count * (count - 1)), 6) if count > 1 else 0.0,
        "best_connected": [
            {
                "id": node,
                "name": view.nodes[node].get("name", node),
                "type": view.nodes[node].get("type", ""),
                "degree": degree[node],
            }
            for node in ranked
        ],
    }


def _relation_types(view: nx.Graph) -> Iterator[str]:
    """The type of every relation the view's edges hold."""
    for *_, held in view.edges.data("relations", default=()):
        for record in held:
            yield record.get("type", "")


def _counted(values) -> dict[str, int]:
    """Counts, most common first, ties by name."""
    return dict(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))
