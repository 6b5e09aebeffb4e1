"""One entity's suggestions, ranked, filtered and told (:func:`synergy_candidates`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from ecosystem.analysis.explain import entity_name
from ecosystem.analysis.lookup import EntityIndex, resolve
from ecosystem.analysis.paths import PathIndex
from ecosystem.analysis.ranker import (
    ACTOR_TYPES,
    VENUE_TYPES,
    candidate_mask,
    contributions,
    iso,
    row_features,
)
from ecosystem.analysis.synergy.index import (
    GROUPS,
    SynergyIndex,
    _scores,
    as_of_day,
    method_of,
    prepare,
)
from ecosystem.analysis.synergy.reasons import _brief, _suggestion, path_teller
from ecosystem.analysis.synergy.related import _opportunities, _strengthen
from ecosystem.analysis.synergy.shapes import MAX_TOP, Suggestion, SynergyQueryError, SynergyResult


def _filters(
    index: SynergyIndex, types: Collection[str] | None, countries: Collection[str]
) -> tuple[set[str], set[str], frozenset[str]]:
    wanted = set(types or ())
    unknown = wanted - ACTOR_TYPES - VENUE_TYPES
    if unknown:
        raise SynergyQueryError(
            f"{', '.join(sorted(unknown))} cannot be suggested: partners are "
            f"{', '.join(sorted(ACTOR_TYPES))}; opportunities are {', '.join(sorted(VENUE_TYPES))}"
        )
    codes = frozenset(code.strip().upper() for code in countries) - {""}
    missing = codes - set(index.history.actor_country)
    if missing:
        named = ", ".join(repr(code) for code in sorted(missing))
        raise SynergyQueryError(f"no actor in the network has country {named}")
    return wanted & ACTOR_TYPES, wanted & VENUE_TYPES, codes


def synergy_candidates(
    view: nx.Graph,
    entity: str,
    *,
    types: Collection[str] | None = None,
    country: str | None = None,
    countries: Collection[str] = (),
    top: int = 10,
    as_of: str | date | None = None,
    synergy: SynergyIndex | None = None,
    index: EntityIndex | None = None,
    prepared: PathIndex | None = None,
    explain_paths: bool = True,
    max_hops: int | None = None,
) -> SynergyResult:
    """The ``top`` actors ``entity`` never worked with, best first, each with its reasons; the
    open projects, platforms and events it could join; and the partners to strengthen.

    ``types`` keeps partner types (and opportunity types) among those named; ``country`` (ISO
    code) keeps actors of that country, ``countries`` those of any of these (the result's
    ``country`` lists them, comma-separated). ``synergy`` (:func:`prepare`) is the network
    worked out once; without it, it is worked out here (``as_of`` applies then). ``index``
    speeds up a name's lookup; ``prepared``, the network's path index
    (:func:`~ecosystem.analysis.paths.path_index`), spares making one when a candidate's
    reasons give no path (:func:`~ecosystem.analysis.synergy.reasons.path_teller`).
    ``max_hops`` is accepted for older callers and ignored: every candidate is ranked.
    """
    del max_hops
    if not 1 <= top <= MAX_TOP:
        raise SynergyQueryError(f"top must be between 1 and {MAX_TOP}, not {top}")
    synergy = _prepared(view, synergy, as_of)
    node = resolve(view, entity, index=index)  # builds the index only for a name
    actor_types, venue_types, codes = _filters(synergy, types, [country or "", *countries])
    result = _empty_result(synergy, node, types, codes)
    u = synergy.position.get(node)
    if u is None:
        result["method_text"] += (
            f" {entity_name(synergy.view, node)} is not an actor (an organisation or a person): "
            "its partners are not suggested."
        )
        return result
    features = row_features(synergy.snap, [u])[0]
    wanted = _actor_filter(synergy, actor_types, codes)
    candidates = _candidates_of(synergy, u, wanted)
    result["considered"] = int(candidates.size)
    if candidates.size:
        result["candidates"] = _ranked(
            synergy,
            node,
            u,
            candidates,
            features,
            top=top,
            prepared=prepared,
            explain_paths=explain_paths,
        )
    if result["candidates"]:
        first = result["candidates"][0]
        result["score_note"] = score_note(synergy.view, node, first, result["considered"])
    result["strengthen"] = _strengthen(synergy, u, wanted, top)
    result["opportunities"] = _opportunities(synergy, u, venue_types, codes, top)
    return result


def _prepared(
    view: nx.Graph, synergy: SynergyIndex | None, as_of: str | date | None
) -> SynergyIndex:
    """The network worked out as of ``as_of``: ``synergy`` when given (it must be of that
    day), else worked out here."""
    if synergy is None:
        return prepare(view, as_of=as_of)
    if as_of is not None and synergy.as_of != iso(as_of_day(as_of)):
        raise SynergyQueryError("the prepared network was worked out for another --as-of date")
    return synergy


def score_note(
    view: nx.Graph, node: str, first: Mapping[str, Any] | None = None, considered: int = 0
) -> str:
    """How a candidate's score reads, told with the first candidate's own figures (ranked among
    ``considered`` candidates) when there is one.

    >>> g = nx.Graph(); g.add_node("a", name="Acme")
    >>> first = {"score_text": "top 7% of 15", "percentile": 93.3}
    >>> score_note(g, "a", first, 15).split("; ")[1]
    "'top 7% of 15' means 93% of those 15 rank below it."
    """
    told = (
        "Each candidate's rank among all the actors "
        f"{entity_name(view, node)} has not worked with (after the filters)"
    )
    if first is None:
        return told + ", as a share: 'top 2%' means 98% of them rank below it."
    below = float(first["percentile"])
    return (
        f"{told}; '{first['score_text']}' means {below:.0f}% of those {considered:,} rank below it."
    )


def _empty_result(
    synergy: SynergyIndex, node: str, types: Collection[str] | None, codes: frozenset[str]
) -> SynergyResult:
    """The result for ``node`` with its method and filters told, and no suggestion yet."""
    method, method_text = method_of(synergy)
    known_view = synergy.view
    return {
        "entity": _brief(known_view, node),
        "method": method,
        "method_text": method_text,
        "score_note": score_note(known_view, node),
        "as_of": synergy.as_of,
        "types": sorted(types or ()),
        "country": ",".join(sorted(codes)),
        "considered": 0,
        "max_hops": 2,
        "candidates": [],
        "opportunities": [],
        "strengthen": [],
    }


def _candidates_of(synergy: SynergyIndex, u: int, wanted: np.ndarray) -> np.ndarray:
    """The actors ``u`` could be introduced to: never worked with, known on the day (or sharing
    a place with ``u``), not ``u`` itself, and ``wanted`` by the filters."""
    snap = synergy.snap
    mask = candidate_mask(snap, [u])[0]
    shares_place = (snap.place_plain[u] @ snap.place_plain.T).toarray().ravel() > 0
    mask |= shares_place & ~snap.linked[u].toarray().ravel().astype(bool)
    mask[u] = False
    mask &= wanted
    return np.flatnonzero(mask)


def _ranked(
    synergy: SynergyIndex,
    node: str,
    u: int,
    candidates: np.ndarray,
    features: np.ndarray,
    *,
    top: int,
    prepared: PathIndex | None,
    explain_paths: bool,
) -> list[Suggestion]:
    """The ``top`` suggestions among ``candidates``, best first, each told with its reasons."""
    scores = _scores(synergy, features[candidates])
    order = np.lexsort((np.array(synergy.history.actors, dtype=object)[candidates], -scores))
    # Candidates with the very same reasons are one suggestion ("and 2 alike"), so that
    # every suggestion shown says something the others do not.
    window = order[: top * 4]
    best = candidates[window]
    best_scores = scores[window]
    lifts = (
        contributions(synergy.model, features[best], synergy.reference, GROUPS)
        if synergy.model is not None
        else None
    )
    best_path = path_teller(synergy, node, prepared)
    by_reason: dict[str, Suggestion] = {}
    for place, (v, value) in enumerate(zip(best.tolist(), best_scores.tolist(), strict=True)):
        made = _suggestion(
            synergy,
            node,
            u,
            v,
            place + 1,
            int(candidates.size),
            value,
            features[v],
            None if lifts is None else lifts[place],
            best_path,
            explain_paths and len(by_reason) < top,
        )
        same = by_reason.get(made["reason"])
        if same is not None:
            same["alike"].append(_brief(synergy.view, made["id"]))
            continue
        if len(by_reason) == top:
            continue
        made["rank"] = len(by_reason) + 1
        by_reason[made["reason"]] = made
    return list(by_reason.values())


def _actor_filter(index: SynergyIndex, types: set[str], codes: frozenset[str]) -> np.ndarray:
    history = index.history
    keep = np.ones(len(history.actors), dtype=bool)
    if types:
        keep &= np.array([t in types for t in history.actor_type])
    if codes:
        keep &= np.array([c in codes for c in history.actor_country])
    return keep


def explain_pair(
    view: nx.Graph,
    entity: str,
    other: str,
    *,
    synergy: SynergyIndex,
    prepared: PathIndex | None = None,
) -> Suggestion | None:
    """Why ``other`` is suggested to ``entity``: its reasons, path and highlight, as a
    :class:`Suggestion` ranked alone (``rank`` 1 of 1); None unless both are actors of the
    network that never worked together."""
    u, v = synergy.position.get(entity), synergy.position.get(other)
    if u is None or v is None or u == v or synergy.snap.together[u, v]:
        return None
    x = row_features(synergy.snap, [u])[0, v]
    lift = None
    if synergy.model is not None:
        lift = contributions(synergy.model, x[None, :], synergy.reference, GROUPS)[0]
    value = float(_scores(synergy, x[None, :])[0])
    return _suggestion(
        synergy,
        entity,
        u,
        v,
        1,
        1,
        value,
        x,
        lift,
        path_teller(synergy, entity, prepared),
        True,
    )
