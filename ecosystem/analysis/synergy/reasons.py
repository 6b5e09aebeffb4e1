"""One suggestion told in a manager's words: its reasons, the entities they name, its path."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from itertools import pairwise

import networkx as nx
import numpy as np

from ecosystem.analysis.explain import entity_name
from ecosystem.analysis.paths import PathIndex, cheapest_path_finder, path_record
from ecosystem.analysis.ranker import (
    COLUMN,
    UNDATED,
    History,
    Snapshot,
    row_of,
)
from ecosystem.analysis.results import Path as PathRecord
from ecosystem.analysis.synergy.history import PROGRAMME_PARTS
from ecosystem.analysis.synergy.index import GROUPS, SynergyIndex, visit_days
from ecosystem.analysis.synergy.shapes import NAMED, Brief, Highlight, Reason, Shared, Suggestion


def _brief(view: nx.Graph, node: str) -> Brief:
    data = view.nodes[node]
    return {
        "id": node,
        "name": entity_name(view, node),
        "type": str(data.get("type", "")),
        "country": str(data.get("country", "")),
    }


def _percent_text(rank: int, total: int) -> tuple[float, str]:
    percentile = 100.0 * (total - rank) / total if total else 0.0
    top = max(1, math.ceil(100.0 * rank / total)) if total else 100
    return round(percentile, 1), f"top {top}% of {total:,}"


def _venues_of(snap: Snapshot, actor: int) -> np.ndarray:
    venues, taken = row_of(snap.incidence, actor)
    return venues[taken > 0]


def _names(view: nx.Graph, nodes: Sequence[str]) -> str:
    names = [entity_name(view, n) for n in nodes[:NAMED]]
    more = len(nodes) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _kind_words(index: SynergyIndex, actor: int) -> str:
    history = index.history
    kind = history.actor_type[actor]
    nouns = {
        "company": "company",
        "research": "research centre or university",
        "cluster": "cluster",
        "association": "association",
        "foundation": "foundation",
        "government": "public body",
        "person": "person",
    }
    code = history.actor_country[actor]
    place = index.country_names.get(code, code)
    noun = nouns.get(kind, kind)
    words = f"{noun} from {place}" if place else noun
    return ("an " if words[0] in "aeiou" else "a ") + words


def _suggestion(
    synergy: SynergyIndex,
    node: str,
    u: int,
    v: int,
    rank: int,
    total: int,
    value: float,
    x: np.ndarray,
    lift: np.ndarray | None,
    best_path: Callable[[str], PathRecord | None],
    explain_paths: bool,
) -> Suggestion:
    """Actor ``v`` suggested to ``node`` (actor ``u``) at ``rank`` of ``total``: its reasons
    (ordered by ``lift`` for the ranker), the entities they name, its path (``best_path`` of the
    candidate when no reason gives one, :func:`path_teller`) and highlight."""
    view, history = synergy.view, synergy.history
    other = history.actors[v]
    partners, path_nodes = _partners_reason(synergy, u, v, x)
    found = {
        "partners": partners,
        "programme": _programme_reason(synergy, u, v),
        "kind": _kind_reason(synergy, u, v, x),
        "place": _place_reason(synergy, u, v),
        "activity": _activity_reason(synergy, v, x),
    }
    reasons = {key: reason for key, reason in found.items() if reason is not None}
    chosen = _order_reasons(reasons, lift)
    shared = _shared_entities(view, chosen)
    percentile, score_text = _percent_text(rank, total)
    path = None
    if explain_paths:
        if path_nodes and all(n in view for n in path_nodes) and _is_path(view, path_nodes):
            path = path_record(view, path_nodes, True, None)
        else:
            path = best_path(other)
    return {
        "rank": rank,
        "id": other,
        "name": entity_name(view, other),
        "type": history.actor_type[v],
        "country": history.actor_country[v],
        "percentile": percentile,
        "score_text": score_text,
        "score": round(float(value), 6),
        "reasons": chosen,
        "reason": "; ".join(r["text"] for r in chosen),
        "alike": [],
        "shared": shared,
        "path": path,
        "highlight": _highlight(view, node, other, shared, path),
    }


def _partners_reason(
    synergy: SynergyIndex, u: int, v: int, x: np.ndarray
) -> tuple[Reason | None, list[str] | None]:
    """The partners ``u`` and ``v`` have in common, or else a partner of ``u`` who worked with
    one of ``v``'s; with the path through them (None when there is none)."""
    snap, history = synergy.snap, synergy.history
    mine = set(row_of(snap.linked, u)[0].tolist())
    theirs = set(row_of(snap.linked, v)[0].tolist())
    partners, counts = row_of(snap.together, v)
    shared = dict(zip(partners.tolist(), counts.tolist(), strict=True))
    common = sorted(mine & theirs, key=lambda z: (-shared[z], history.actors[z]))
    if common:
        return _common_reason(synergy, v, common), _partner_path(synergy, u, common[0], v)
    if x[COLUMN["paths_of_three"]] > 0:
        bridge = _bridge(snap, mine, theirs)
        if bridge is not None:
            return _reach_reason(synergy, u, v, bridge)
    return None, None


def _common_reason(synergy: SynergyIndex, v: int, common: list[int]) -> Reason:
    """``v`` worked with these partners of yours, where (the venues it shares with the first
    few) and since when."""
    view, snap, history = synergy.view, synergy.snap, synergy.history
    ids = [history.actors[z] for z in common]
    shared_venues: list[int] = []
    for z in common[:NAMED]:
        both = np.intersect1d(_venues_of(snap, v), _venues_of(snap, z))
        shared_venues += both.tolist()
    real = [w for w in dict.fromkeys(shared_venues) if history.venue_kind[w] != "relation"]
    days = [d for d in visit_days(synergy, v, real) if d != UNDATED]
    where = ""
    if real:
        where = " in " + _names(view, [history.venues[w] for w in real])
    since = f" since {date.fromordinal(min(days)).year}" if days else ""
    count = len(common)
    text = (
        f"has worked with {count} of your partners ({_names(view, ids)}){where}{since}"
        if count > 1
        else f"has worked with your partner {_names(view, ids)}{where}{since}"
    )
    return {
        "kind": "partners",
        "text": text,
        "entities": ids[:NAMED] + [history.venues[w] for w in real[:NAMED]],
    }


def _reach_reason(
    synergy: SynergyIndex, u: int, v: int, bridge: tuple[int, int]
) -> tuple[Reason, list[str] | None]:
    """Two steps away: your partner ``a`` worked with ``b``, a partner of ``v``'s."""
    view, history = synergy.view, synergy.history
    a, b = bridge
    reason: Reason = {
        "kind": "reach",
        "text": (
            "two steps from your partners: your partner "
            f"{entity_name(view, history.actors[a])} "
            f"worked with {entity_name(view, history.actors[b])}, a partner of theirs"
        ),
        "entities": [history.actors[a], history.actors[b]],
    }
    first = _partner_path(synergy, u, a, b) or []
    second = _partner_path(synergy, b, b, v) or []
    return reason, first + second[1:] if first and second else None


def _programme_reason(synergy: SynergyIndex, u: int, v: int) -> Reason | None:
    """The programme parts (or programmes) both are active in."""
    view, history = synergy.view, synergy.history
    mine_parts = _programmes(synergy, u)
    theirs_parts = _programmes(synergy, v)
    both_parts = [p for p in mine_parts if p in theirs_parts]
    if not both_parts:
        return None
    labels = [_label(view, history.contexts[p]) for p in both_parts[:NAMED]]
    noun = "programme part" if all(lb.startswith("programme part") for lb in labels) else ""
    shown = [lb.replace("programme part ", "") for lb in labels] if noun else labels
    text = (
        f"active in the same {noun}{'s' if len(shown) > 1 else ''} as you: {', '.join(shown)}"
        if noun
        else f"active in the same programmes as you: {', '.join(shown)}"
    )
    return {
        "kind": "programme",
        "text": text,
        "entities": [history.contexts[p] for p in both_parts if history.contexts[p] in view],
    }


def _kind_reason(synergy: SynergyIndex, u: int, v: int, x: np.ndarray) -> Reason | None:
    """``v``'s kind of partner, and how many of ``u``'s partners are of that kind."""
    snap = synergy.snap
    if not snap.partners[u] > 0:
        return None
    share = float(x[COLUMN["kind_share_uv"]])
    words = _kind_words(synergy, v)
    if share == 0:
        text = f"{words}, a kind your partners lack"
    else:
        count = round(share * snap.partners[u])
        text = f"{words}, like {count} of your {int(snap.partners[u])} partners"
    return {"kind": "kind", "text": text, "entities": []}


def _place_reason(synergy: SynergyIndex, u: int, v: int) -> Reason | None:
    """The places (sites, cities, regions, countries) both are linked to, nearest first."""
    view, snap, history = synergy.view, synergy.snap, synergy.history
    places_u = set(snap.place_plain[u].indices.tolist())
    places_v = set(snap.place_plain[v].indices.tolist())
    places = sorted(places_u & places_v, key=lambda p: _place_order(history, p))
    if not places:
        return None
    ids = [history.contexts[p] for p in places]
    return {
        "kind": "place",
        "text": "also linked to " + _names(view, ids),
        "entities": [i for i in ids[:NAMED] if i in view],
    }


def _activity_reason(synergy: SynergyIndex, v: int, x: np.ndarray) -> Reason | None:
    """How active ``v`` is: its projects and events, those of the last year, those it led."""
    snap = synergy.snap
    if not snap.venues[v] > 0:
        return None
    recent = round(math.expm1(float(x[COLUMN["recent_v"]])))
    count = int(snap.venues[v])
    plural = "s" if count != 1 else ""
    text = f"{count} project{plural} or event{plural} behind it"
    if recent:
        text += f", {recent} started in the last year"
    coordinated = round(snap.coordinator_share[v] * count)
    if coordinated:
        text += f"; coordinated {coordinated}"
    return {"kind": "activity", "text": text, "entities": []}


def _shared_entities(view: nx.Graph, chosen: list[Reason]) -> dict[str, list[Shared]]:
    """The entities of the network the shown reasons name, by the reason's kind."""
    shared: dict[str, list[Shared]] = {}
    for reason in chosen:
        for named in reason["entities"]:
            if named in view:
                shared.setdefault(reason["kind"], []).append(
                    {"id": named, "name": entity_name(view, named)}
                )
    return shared


def _highlight(
    view: nx.Graph,
    node: str,
    other: str,
    shared: dict[str, list[Shared]],
    path: PathRecord | None,
) -> Highlight:
    """What to light up: the two, the entities named and their links to either, the path."""
    nodes = [node, other]
    edges: list[list[str]] = []
    for items in shared.values():
        for item in items:
            nodes.append(item["id"])
            for end in (node, other):
                if view.has_edge(end, item["id"]):
                    edges.append(sorted([end, item["id"]]))
    if path:
        nodes += path["nodes"]
        edges += [sorted(pair) for pair in pairwise(path["nodes"])]
    return {
        "nodes": list(dict.fromkeys(nodes)),
        "edges": [list(e) for e in dict.fromkeys(tuple(e) for e in edges)],
    }


def _order_reasons(reasons: dict[str, Reason], lift: np.ndarray | None) -> list[Reason]:
    """The reasons to show, at most three: for the ranker, those whose features lifted the score
    most (the activity reason only when it lifted it); else partners, places, programmes, kind."""
    if lift is not None:
        lifted = dict(zip(GROUPS, lift.tolist(), strict=True))
        lifted["reach"] = lifted["partners"]
        order = sorted(reasons, key=lambda k: -lifted.get(reasons[k]["kind"], 0.0))
        keep = [k for k in order if lifted.get(reasons[k]["kind"], 0.0) > 0][:3]
        if not keep:
            keep = order[:2]
        return [reasons[k] for k in keep]
    preferred = ["partners", "place", "programme", "kind", "activity"]
    return [reasons[k] for k in preferred if k in reasons][:3]


def _place_order(history: History, p: int) -> tuple[int, str]:
    rank = {"site": 0, "city": 1, "region": 2, "country": 5}
    return (rank.get(history.context_type[p], 3), history.contexts[p])


def _label(view: nx.Graph, label: str) -> str:
    if label in view:
        return entity_name(view, label)
    code = label.removeprefix("programme part ")
    return f"{label} ({PROGRAMME_PARTS[code]})" if code in PROGRAMME_PARTS else label


def _programmes(index: SynergyIndex, actor: int) -> list[int]:
    """The contexts of the venues ``actor`` took part in, the most frequent first."""
    weights = index.snap.profile[actor]
    found = np.flatnonzero(weights > 0)
    return index.snap.profile_context[found[np.argsort(-weights[found], kind="stable")]].tolist()


def _bridge(snap: Snapshot, mine: set[int], theirs: set[int]) -> tuple[int, int] | None:
    for a in sorted(mine, key=lambda z: -snap.partners[z]):
        linked = set(row_of(snap.linked, a)[0].tolist()) & theirs
        if linked:
            return a, min(linked, key=lambda z: (-snap.partners[z], z))
    return None


def _partner_path(index: SynergyIndex, u: int, z: int, v: int) -> list[str] | None:
    """u - venue - z - venue - v through the venues they share (direct relations skip the
    venue)."""
    history, snap = index.history, index.snap

    def leg(a: int, b: int) -> list[str]:
        if a == b:
            return [history.actors[a]]
        both = np.intersect1d(_venues_of(snap, a), _venues_of(snap, b))
        real = [w for w in both.tolist() if history.venue_kind[w] != "relation"]
        if real and len(real) == both.size:
            return [history.actors[a], history.venues[real[0]], history.actors[b]]
        return [history.actors[a], history.actors[b]]

    first, second = leg(u, z), leg(z, v)
    nodes = first + second[1:]
    return nodes if len(set(nodes)) == len(nodes) else None


def _is_path(view: nx.Graph, nodes: Sequence[str]) -> bool:
    return all(view.has_edge(a, b) for a, b in pairwise(nodes))


def path_teller(
    synergy: SynergyIndex, node: str, prepared: PathIndex | None
) -> Callable[[str], PathRecord | None]:
    """The best path from ``node`` to a candidate, for the suggestions whose reasons give none:
    a cheapest path under the hub rule, every candidate's read from one compiled search from
    ``node`` (:func:`~ecosystem.analysis.paths.cheapest_path_finder`), made when the first
    candidate needs it. ``prepared`` is the network's compiled search when at hand; for a dated
    view, or a caller without it, the search is that of the view searched
    (:attr:`SynergyIndex.paths`, made once for all its queries)."""
    view = synergy.view
    finders: list[Callable[[str], list[str] | None]] = []

    def best(other: str) -> PathRecord | None:
        if not finders:
            searched = prepared if prepared is not None and not synergy.as_of else synergy.paths
            finders.append(cheapest_path_finder(searched, node))
        nodes = finders[0](other)
        return path_record(view, nodes, True, None) if nodes and len(nodes) > 1 else None

    return best
