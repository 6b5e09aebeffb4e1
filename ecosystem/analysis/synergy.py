"""Synergy candidates: who should an entity link with next, and why.

The score
---------
Only entities two hops away (sharing at least one neighbour) and not yet linked are scored; with
``max_hops=3`` entities three hops away are scored too. By default (``max_hops=None``) two hops
are tried first and three only when two give fewer candidates than asked for. Never all pairs.

For a candidate ``v`` of entity ``u`` the score is a typed Adamic-Adar sum times a
complementarity factor::

    score(u, v) = complementarity(type u, type v) * sum over shared neighbours z of
                  context_weight(type z) / log(degree z)

- ``1 / log(degree z)`` (Adamic-Adar): a shared neighbour with few links says more than a hub.
- ``context_weight``: sharing a project, platform or event (a place where partners actually meet)
  counts most (1.5), a person, company, cluster or association 1.0, a region or city 0.75,
  a programme or EU body 0.5, a country 0.25; other types 1.0.
- ``complementarity``: pairs that typically partner (company and project, cluster and platform,
  research centre and company, ...) count 1.5 times; other pairs 1.0.

A three-hop candidate shares no neighbour; it scores ``0.1`` times the sum, over the two-hop
entities ``z`` that link it, of ``score(u, z)``-like terms (each path through neighbour ``y`` and
``z`` adds ``context_weight(y) * context_weight(z) / (log degree y * log degree z)``), so it
always ranks below a two-hop candidate with a comparable link.

Every candidate comes with the shared neighbours grouped by type, and (for the top results) the
best connecting path with evidence, so a manager sees why.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any, NamedTuple

import networkx as nx

from ecosystem.analysis.explain import entity_name
from ecosystem.analysis.lookup import EntityIndex, build_index, resolve
from ecosystem.analysis.paths import (
    NoPath,
    PathIndex,
    cheapest_paths_from,
    collaboration_paths,
    path_record,
)
from ecosystem.analysis.results import Path
from ecosystem.errors import EcosystemError

CONTEXT_WEIGHT: dict[str, float] = {
    "project": 1.5,
    "platform": 1.5,
    "event": 1.5,
    "person": 1.0,
    "company": 1.0,
    "cluster": 1.0,
    "association": 1.0,
    "foundation": 1.0,
    "research": 1.0,
    "region": 0.75,
    "city": 0.75,
    "site": 0.75,
    "programme": 0.5,
    "eu_institution": 0.5,
    "eu_directorate": 0.5,
    "eu_agency": 0.5,
    "country": 0.25,
}
COMPLEMENTARY: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in [
        ("company", "project"),
        ("company", "cluster"),
        ("company", "research"),
        ("company", "association"),
        ("cluster", "platform"),
        ("cluster", "project"),
        ("cluster", "association"),
        ("cluster", "cluster"),
        ("foundation", "project"),
        ("foundation", "platform"),
        ("research", "project"),
        ("association", "project"),
        ("project", "project"),
        ("project", "platform"),
        ("government", "platform"),
        ("region", "platform"),
    ]
)
COMPLEMENTARY_FACTOR = 1.5
THREE_HOP_DAMPING = 0.1
MAX_TOP = 200


class SynergyQueryError(EcosystemError):
    """The synergy question cannot be asked as put."""


def context_weight(entity_type: str) -> float:
    return CONTEXT_WEIGHT.get(entity_type, 1.0)


def complementarity(first_type: str, second_type: str) -> float:
    """1.5 for pairs of types that typically partner, else 1.0.

    >>> complementarity("company", "project"), complementarity("country", "person")
    (1.5, 1.0)
    """
    return COMPLEMENTARY_FACTOR if frozenset((first_type, second_type)) in COMPLEMENTARY else 1.0


def _shared_term(view: nx.Graph, node: str) -> float:
    # A shared neighbour has at least two links, so log(degree) > 0.
    return context_weight(view.nodes[node].get("type", "")) / math.log(max(view.degree(node), 2))


def _type_of(view: nx.Graph, node: str) -> str:
    return str(view.nodes[node].get("type", ""))


class Candidate(NamedTuple):
    """A raw synergy score, the neighbours shared, and (three hops) who it is reached through."""

    score: float
    shared: list[str]
    via: list[str]


def candidate_scores(
    view: nx.Graph,
    node: str,
    *,
    types: Collection[str] | None = None,
    max_hops: int = 2,
) -> dict[str, Candidate]:
    """Raw scores of the unlinked entities near ``node``: candidate -> :class:`Candidate`.

    >>> g = nx.Graph([("a", "z"), ("b", "z"), ("c", "z"), ("c", "y")])
    >>> sorted(candidate_scores(g, "a"))
    ['b', 'c']
    """
    if max_hops not in (2, 3):
        raise SynergyQueryError(f"max_hops must be 2 or 3, not {max_hops}")
    wanted = set(types) if types else None
    neighbours = set(view[node])
    own_type = _type_of(view, node)
    sums: dict[str, float] = {}
    shared: dict[str, list[str]] = {}
    for middle in neighbours:
        term = _shared_term(view, middle)
        for candidate in view[middle]:
            if candidate == node or candidate in neighbours:
                continue
            sums[candidate] = sums.get(candidate, 0.0) + term
            shared.setdefault(candidate, []).append(middle)
    far: dict[str, float] = {}
    via: dict[str, set[str]] = {}
    if max_hops == 3:
        for middle in neighbours:
            first = _shared_term(view, middle)
            for second_hop in view[middle]:
                if second_hop == node or second_hop in neighbours:
                    continue
                second = _shared_term(view, second_hop)
                for candidate in view[second_hop]:
                    if candidate == node or candidate in neighbours or candidate in sums:
                        continue
                    far[candidate] = far.get(candidate, 0.0) + first * second
                    via.setdefault(candidate, set()).add(second_hop)
    scores: dict[str, Candidate] = {}
    for candidate, total in sums.items():
        if wanted is None or _type_of(view, candidate) in wanted:
            factor = complementarity(own_type, _type_of(view, candidate))
            scores[candidate] = Candidate(factor * total, sorted(shared[candidate]), [])
    for candidate, total in far.items():
        if wanted is None or _type_of(view, candidate) in wanted:
            factor = complementarity(own_type, _type_of(view, candidate))
            scores[candidate] = Candidate(
                THREE_HOP_DAMPING * factor * total, [], sorted(via[candidate])
            )
    return scores


def _group_by_type(view: nx.Graph, node: str, candidate: str, shared: list[str]) -> dict:
    groups: dict[str, list[dict]] = {}
    for middle in sorted(shared, key=lambda n: entity_name(view, n).casefold()):
        groups.setdefault(_type_of(view, middle), []).append(
            {
                "id": middle,
                "name": entity_name(view, middle),
                "with_entity": view.edges[node, middle].get("types", []),
                "with_candidate": view.edges[candidate, middle].get("types", []),
            }
        )
    return dict(sorted(groups.items()))


def _reason(view: nx.Graph, groups: dict, via: list[str]) -> str:
    if not groups:
        names = sorted(entity_name(view, node) for node in via)
        return "no shared neighbour yet; three hops away, through " + ", ".join(names)
    parts = [
        f"{kind.replace('_', ' ')}: " + ", ".join(item["name"] for item in items)
        for kind, items in groups.items()
    ]
    return "shares " + "; ".join(parts)


def synergy_candidates(
    view: nx.Graph,
    entity: str,
    *,
    types: Collection[str] | None = None,
    top: int = 10,
    max_hops: int | None = None,
    explain_paths: bool = True,
    index: EntityIndex | None = None,
    prepared: PathIndex | None = None,
) -> dict:
    """The ``top`` entities ``entity`` is not yet linked to, best first, each with its reasons.

    ``types`` keeps candidates of those entity types only. Each candidate has its ``score``,
    the ``shared`` neighbours grouped by type, a one-line ``reason`` and, when
    ``explain_paths``, the best connecting ``path`` (hub rule, with evidence). Ties by name.
    ``index`` and ``prepared`` (:func:`~ecosystem.analysis.paths.path_index`) speed up the
    lookups and the path search when they are at hand.
    """
    if not 1 <= top <= MAX_TOP:
        raise SynergyQueryError(f"top must be between 1 and {MAX_TOP}, not {top}")
    index = index or build_index(view)
    node = resolve(view, entity, index=index)
    hops = max_hops or 2
    scores = candidate_scores(view, node, types=types, max_hops=hops)
    if max_hops is None and len(scores) < top:
        hops = 3
        scores = candidate_scores(view, node, types=types, max_hops=hops)
    ranked = sorted(
        scores.items(),
        key=lambda item: (-item[1].score, entity_name(view, item[0]).casefold(), item[0]),
    )[:top]
    paths: dict[str, list[str]] = {}
    if explain_paths and prepared is not None:
        paths = cheapest_paths_from(prepared, node, [candidate for candidate, _ in ranked])
    candidates = []
    for rank, (candidate, found) in enumerate(ranked, start=1):
        groups = _group_by_type(view, node, candidate, found.shared)
        item: dict[str, Any] = {
            "rank": rank,
            "id": candidate,
            "name": entity_name(view, candidate),
            "type": _type_of(view, candidate),
            "score": round(found.score, 6),
            "shared": groups,
            "via": [{"id": n, "name": entity_name(view, n)} for n in found.via],
            "reason": _reason(view, groups, found.via),
        }
        if explain_paths:
            if prepared is None:
                item["path"] = _best_path(view, node, candidate, index)
            elif candidate in paths:
                item["path"] = path_record(view, paths[candidate], True, None)
            else:
                item["path"] = None
        candidates.append(item)
    return {
        "entity": _brief(view, node),
        "types": sorted(types or ()),
        "max_hops": hops,
        "considered": len(scores),
        "candidates": candidates,
    }


def _best_path(view: nx.Graph, node: str, candidate: str, index: EntityIndex) -> Path | None:
    try:
        result = collaboration_paths(view, node, candidate, k=1, index=index)
    except NoPath:
        return None
    return result["paths"][0]


def synergy_pairs(
    view: nx.Graph,
    first_type: str,
    second_type: str,
    *,
    top: int = 10,
    max_hops: int = 2,
) -> list[dict]:
    """The best unlinked pairs across the network with one entity of each type, best first.

    Scores each entity of ``first_type`` against its nearby ``second_type`` candidates only.
    """
    if not 1 <= top <= MAX_TOP:
        raise SynergyQueryError(f"top must be between 1 and {MAX_TOP}, not {top}")
    pairs: dict[tuple[str, ...], Candidate] = {}
    for node in sorted(n for n in view if _type_of(view, n) == first_type):
        for candidate, value in candidate_scores(
            view, node, types=[second_type], max_hops=max_hops
        ).items():
            key = (
                (node, candidate) if first_type != second_type else tuple(sorted((node, candidate)))
            )
            pairs.setdefault(key, value)
    ranked = sorted(
        pairs.items(),
        key=lambda item: (
            -item[1].score,
            entity_name(view, item[0][0]).casefold(),
            entity_name(view, item[0][1]).casefold(),
        ),
    )[:top]
    results = []
    for rank, ((first, second), found) in enumerate(ranked, start=1):
        groups = _group_by_type(view, first, second, found.shared)
        results.append(
            {
                "rank": rank,
                "first": _brief(view, first),
                "second": _brief(view, second),
                "score": round(found.score, 6),
                "shared": groups,
                "reason": _reason(view, groups, found.via),
            }
        )
    return results


def _brief(view: nx.Graph, node: str) -> dict:
    return {"id": node, "name": entity_name(view, node), "type": _type_of(view, node)}
