"""Counts and shape of a network: what ``ecosystem stats`` prints."""

from __future__ import annotations

from collections import Counter

import networkx as nx


def network_summary(graph: nx.MultiDiGraph, *, top: int = 5) -> dict:
    """Counts by entity and relation type, components, density and the best-connected entities.

    Density and degree are taken on the undirected view: two entities linked by several
    relations count as one link. Ties in degree are broken by name.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A", type="company"); g.add_node("b", name="B", type="project")
    >>> _ = g.add_edge("a", "b", type="partner_in"); _ = g.add_edge("a", "b", type="leads")
    >>> s = network_summary(g)
    >>> s["entities"], s["relations"], s["links"], s["density"]
    (2, 2, 1, 1.0)
    """
    undirected = nx.Graph(graph)
    components = sorted(nx.connected_components(undirected), key=len, reverse=True)
    ranked = sorted(
        undirected.nodes,
        key=lambda node: (-undirected.degree(node), graph.nodes[node].get("name", node), node),
    )
    return {
        "entities": graph.number_of_nodes(),
        "relations": graph.number_of_edges(),
        "links": undirected.number_of_edges(),
        "entity_types": _counted(data.get("type", "") for _, data in graph.nodes(data=True)),
        "relation_types": _counted(data.get("type", "") for *_, data in graph.edges(data=True)),
        "components": len(components),
        "largest_component": len(components[0]) if components else 0,
        "isolated": sum(1 for node in undirected if undirected.degree(node) == 0),
        "density": round(nx.density(undirected), 6) if len(undirected) > 1 else 0.0,
        "best_connected": [
            {
                "id": node,
                "name": graph.nodes[node].get("name", node),
                "type": graph.nodes[node].get("type", ""),
                "degree": undirected.degree(node),
            }
            for node in ranked[:top]
        ],
    }


def _counted(values) -> dict[str, int]:
    """Counts, most common first, ties by name."""
    return dict(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))
