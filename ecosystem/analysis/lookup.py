"""Find an entity by id, name or alias, case- and accent-insensitively.

``resolve`` answers one entity or raises: :class:`AmbiguousEntity` listing the candidates, or
:class:`EntityNotFound` suggesting the closest names. ``search`` ranks matches for a type-ahead.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.schema import ALIAS_SEPARATOR

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold spaces: the key names are compared on.

    >>> fold("Junta de Castilla y León")
    'junta de castilla y leon'
    >>> fold("MINE.THE.GAP") == fold("mine-the-gap")
    True
    """
    if text.isascii():  # most names: nothing to decompose
        return _NOT_ALNUM.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", stripped.casefold()).strip()


class EntityNotFound(EcosystemError):
    """No entity has that id, name or alias."""

    def __init__(self, query: str, suggestions: list[dict]):
        self.query = query
        self.suggestions = suggestions
        hint = (
            "; did you mean " + ", ".join(f"{s['name']} ({s['id']})" for s in suggestions) + "?"
            if suggestions
            else ""
        )
        super().__init__(f"no entity called {query!r}{hint}")


class AmbiguousEntity(EcosystemError):
    """Several entities share that name or alias."""

    def __init__(self, query: str, candidates: list[dict]):
        self.query = query
        self.candidates = candidates
        listed = ", ".join(f"{c['name']} ({c['type']}, id {c['id']})" for c in candidates)
        super().__init__(f"{query!r} could mean {listed}: name one by its id")


@dataclass(frozen=True)
class EntityIndex:
    """Folded names of every entity: key -> ids, and each id's searchable labels."""

    keys: dict[str, tuple[str, ...]]
    labels: dict[str, tuple[str, ...]]


def build_index(graph: nx.Graph) -> EntityIndex:
    """Index ids, names and aliases of every node for :func:`resolve` and :func:`search`."""
    keys: dict[str, list[str]] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for node, data in graph.nodes(data=True):
        names = [str(node), data.get("name", ""), *data.get("aliases", "").split(ALIAS_SEPARATOR)]
        folded = tuple(dict.fromkeys(key for key in map(fold, names) if key))
        labels[node] = folded
        for key in folded:
            keys.setdefault(key, [])
            if node not in keys[key]:
                keys[key].append(node)
    return EntityIndex({key: tuple(sorted(ids)) for key, ids in keys.items()}, labels)


def _brief(graph: nx.Graph, node: str) -> dict:
    data = graph.nodes[node]
    return {"id": node, "name": data.get("name", node), "type": data.get("type", "")}


def resolve(graph: nx.Graph, query: str, *, index: EntityIndex | None = None) -> str:
    """The id of the one entity that ``query`` names.

    >>> g = nx.Graph()
    >>> g.add_node("jcyl", name="Government of Castilla y León", aliases="Junta de Castilla y León")
    >>> resolve(g, "junta de castilla y leon")
    'jcyl'
    """
    if str(query) in graph:
        return str(query)
    index = index or build_index(graph)
    ids = index.keys.get(fold(str(query)), ())
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise AmbiguousEntity(query, [_brief(graph, node) for node in ids])
    raise EntityNotFound(query, [_brief(graph, node) for node in _closest(index, query)])


def _closest(index: EntityIndex, query: str, limit: int = 3) -> list[str]:
    folded = fold(str(query))
    if not folded:
        return []
    found: list[str] = []
    for key in difflib.get_close_matches(folded, list(index.keys), n=limit * 2, cutoff=0.6):
        for node in index.keys[key]:
            if node not in found:
                found.append(node)
    return found[:limit]


def search(
    graph: nx.Graph, query: str, *, limit: int = 10, index: EntityIndex | None = None
) -> list[dict]:
    """Entities whose id, name or alias matches ``query``, best first (for a type-ahead).

    Ranks an exact match first, then a name that starts with the query, then one with a word
    that does, then one that contains it; ties by name. Empty query: no results.

    >>> g = nx.Graph()
    >>> g.add_node("leon", name="León", type="city")
    >>> g.add_node("ptl", name="León Technology Park", type="site")
    >>> g.add_node("pl", name="Province of León", type="region")
    >>> [hit["id"] for hit in search(g, "leon")]
    ['leon', 'ptl', 'pl']
    """
    folded = fold(str(query))
    if not folded:
        return []
    index = index or build_index(graph)
    ranked = []
    for node, labels in index.labels.items():
        rank = min((_match_rank(label, folded) for label in labels), default=None)
        if rank is not None and rank < 4:
            ranked.append((rank, graph.nodes[node].get("name", node).casefold(), node))
    ranked.sort()
    return [{**_brief(graph, node), "rank": rank} for rank, _, node in ranked[:limit]]


def _match_rank(label: str, query: str) -> int:
    if label == query:
        return 0
    if label.startswith(query):
        return 1
    if f" {query}" in f" {label}":
        return 2
    if query in label:
        return 3
    return 4
