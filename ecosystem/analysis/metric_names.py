"""The centrality metrics by name, with what each one measures: what the command line and the
app offer, readable without loading the libraries that compute them
(:mod:`ecosystem.analysis.centrality` computes them and re-exports :data:`METRICS`), and the
conventions their values can be normalised by (:mod:`ecosystem.analysis.conventions`)."""

from __future__ import annotations

METRICS: dict[str, str] = {
    "degree": "Direct links (normalised: divided by n - 1, the most possible). "
    "An isolated entity scores 0.",
    "weighted_degree": "Relations, counting every relation merged into a link "
    "(the edge weight; normalised: divided by n - 1). An isolated entity scores 0.",
    "betweenness": "Share of shortest paths between other entities that pass through this one "
    "(raw: their number, each pair counted once). Pairs in different components have no path "
    "and add nothing; an isolated entity scores 0.",
    "closeness": "Nearness to every entity it can reach, scaled by the share of the network it "
    "can reach (Wasserman-Faust, networkx wf_improved), so the hub of a small fragment does not "
    "outrank the main network. An isolated entity scores 0.",
    "harmonic": "Sum of 1 / distance to every other entity (normalised: divided by n - 1). "
    "Unreachable entities add 0, so disconnected networks need no special rule and an "
    "isolated entity scores 0.",
    "eigenvector": "Links to well-linked entities. Computed within each connected component and "
    "multiplied by the component's share of the entities, so a connected network gets networkx's "
    "values. An isolated entity scores 0.",
    "pagerank": "Share of time a random walk (damping 0.85) spends at the entity, over the "
    "entities that have links; fine on disconnected networks. An isolated entity scores 0.",
    "constraint": "Burt's constraint: how far the entity's contacts are tied to each other "
    "(high: inside a closed group; low: a broker between groups). An isolated entity has no "
    "contacts to constrain it and scores 0 (networkx gives NaN): read it with degree.",
    "effective_size": "Burt's effective size: contacts that are not redundant with each other "
    "(the centre of a star of n leaves scores n). An isolated entity scores 0 "
    "(networkx gives NaN).",
    "clustering": "Local clustering coefficient: the share of pairs of the entity's contacts "
    "that are linked to each other (as NetworkAnalyzer and Gephi show it). An entity with fewer "
    "than two contacts scores 0, an isolated entity too.",
}

# How values are normalised: the conventions of the tools people compare them with.
CONVENTIONS = {
    "graph": "normalised over the whole network (networkx, Gephi)",
    "component": "betweenness normalised within each connected component (Cytoscape "
    "NetworkAnalyzer)",
    "two-mode": "degree, betweenness and closeness normalised for a two-mode network "
    "(Borgatti and Halgin)",
}
