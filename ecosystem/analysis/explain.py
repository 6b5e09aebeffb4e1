"""Relations told in words, with their evidence: the reason behind every link shown to a user."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

import networkx as nx

from ecosystem.analysis.results import Relation
from ecosystem.schema import DOC_SEPARATOR, RELATION_TYPES


def entity_name(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node].get("name", node))


def relation_sentence(graph: nx.Graph, record: dict) -> str:
    """One relation as a plain sentence: "ICAMCyL coordinates MINE.THE.GAP (role)".

    >>> g = nx.Graph()
    >>> g.add_node("a", name="ICAMCyL"); g.add_node("b", name="MINE.THE.GAP")
    >>> relation_sentence(g, {"source": "a", "target": "b", "type": "coordinates", "role": ""})
    'ICAMCyL coordinates MINE.THE.GAP'
    """
    kind = RELATION_TYPES.get(record["type"])
    verb = kind.verb if kind else record["type"].replace("_", " ")
    sentence = (
        f"{entity_name(graph, record['source'])} {verb} {entity_name(graph, record['target'])}"
    )
    role = record.get("role", "")
    return f"{sentence} ({role})" if role else sentence


def explained_relation(
    graph: nx.Graph, record: dict, *, walking_from: str | None = None
) -> Relation:
    """A relation record for people and machines: ends, type, sentence, evidence and documents.

    ``direction`` is ``forward`` when the relation points the way a path walks (from
    ``walking_from``), ``backward`` when it points against it, ``both`` for symmetric types.
    """
    kind = RELATION_TYPES.get(record["type"])
    direction: Literal["forward", "backward", "both"]
    if kind is not None and kind.symmetric:
        direction = "both"
    elif walking_from is None or record["source"] == walking_from:
        direction = "forward"
    else:
        direction = "backward"
    return {
        "source": record["source"],
        "target": record["target"],
        "type": record["type"],
        "role": record.get("role", ""),
        "start": record.get("start", ""),
        "end": record.get("end", ""),
        "amount_eur": record.get("amount_eur", ""),
        "direction": direction,
        "sentence": relation_sentence(graph, record),
        "evidence": record.get("evidence", ""),
        "docs": [doc for doc in record.get("doc", "").split(DOC_SEPARATOR) if doc],
        "line": record.get("line"),
    }


def link_relations(
    view: nx.Graph,
    first: str,
    second: str,
    *,
    relation_types: Collection[str] | None = None,
) -> list[Relation]:
    """Every relation between two linked entities, explained, walking from ``first``."""
    records = view.edges[first, second]["relations"]
    return [
        explained_relation(view, record, walking_from=first)
        for record in records
        if relation_types is None or record["type"] in relation_types
    ]
