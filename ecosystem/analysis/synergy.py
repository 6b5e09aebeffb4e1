"""Partner suggestions: who an actor should work with next, and why, in a manager's words.

What is suggested
-----------------
- **Partners** are actors: organisations (companies, research centres and universities, clusters,
  associations, foundations, public bodies) and people. Places, countries, programmes, EU bodies,
  policies, media and past events are context: they can be reasons, never suggestions.
- **Opportunities** are a separate list: projects, platforms and events still open on the day
  asked about (no end date, or one after it) that the actor is not in.
- **Strengthen**: actors the entity already works with (a direct relation, or a shared project,
  event or platform by that day) are never suggested as new; they are listed apart.

How candidates are ranked
-------------------------
With enough dated history (a year of first collaborations to learn from) a learned ranker
(:mod:`ecosystem.analysis.ranker`) ranks every actor the entity never worked with; otherwise the
best heuristic on real history, Adamic-Adar over partners in common (shared places
break ties). ``method`` and ``method_text`` say which ranked the list. The score a person reads
is the rank among all candidates, as a percentile ("top 2% of 340").

Every suggestion carries a few reasons in words (partners in common and where they worked
together, the programme parts both are active in, the kind of partner, shared places), the
entities they name, and the connecting path with its evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TypedDict, cast

import networkx as nx
import numpy as np

from ecosystem.analysis.explain import entity_name
from ecosystem.analysis.lookup import EntityIndex, build_index, resolve
from ecosystem.analysis.paths import NoPath, PathIndex, collaboration_paths, path_record
from ecosystem.analysis.ranker import (
    ACTOR_TYPES,
    COLUMN,
    FALLBACK,
    HEURISTIC_NAMES,
    HEURISTICS,
    UNDATED,
    VENUE_TYPES,
    History,
    Maxima,
    Snapshot,
    TreeModel,
    build_history,
    candidate_mask,
    contributions,
    day_of,
    iso,
    row_features,
    snapshot,
)
from ecosystem.analysis.results import Path as PathRecord
from ecosystem.errors import EcosystemError

MAX_TOP = 200
MAX_PAIR_SOURCES = 300
PAIR_SHORTLIST = 200  # network-wide pairs: candidates per actor the learned ranker re-ranks
NAMED = 3  # entities named in one reason


class SynergyQueryError(EcosystemError):
    """The synergy question cannot be asked as put."""


# --- result shapes ----------------------------------------------------------------------------


class Brief(TypedDict):
    id: str
    name: str
    type: str
    country: str


class Reason(TypedDict):
    kind: str  # partners, reach, programme, kind, place, activity, coordinator
    text: str
    entities: list[str]  # the ids the text names, for highlighting


class Shared(TypedDict):
    id: str
    name: str


class Highlight(TypedDict):
    nodes: list[str]
    edges: list[list[str]]  # pairs of ids linked in the view


class Suggestion(TypedDict):
    rank: int
    id: str
    name: str
    type: str
    country: str
    percentile: float  # share of the candidates ranked below, 0-100
    score_text: str  # "top 2% of 340"
    score: float  # the method's raw score (log-odds for the ranker)
    reasons: list[Reason]
    reason: str  # the reasons in one line
    alike: list[Brief]  # lower-ranked candidates with the very same reasons, folded into this one
    shared: dict[str, list[Shared]]  # reason entities grouped by kind of reason
    path: PathRecord | None  # the connecting path, each step with its evidence
    highlight: Highlight


class Opportunity(TypedDict):
    rank: int
    id: str
    name: str
    type: str
    reason: str
    entities: list[str]
    score: float


class Strengthen(TypedDict):
    id: str
    name: str
    type: str
    country: str
    reason: str
    venues: list[Shared]
    last: str  # ISO date of the latest dated shared venue, "" when undated


class SynergyResult(TypedDict):
    entity: Brief
    method: str  # "ranker" or a heuristic's key
    method_text: str
    score_note: str
    as_of: str
    types: list[str]
    country: str
    considered: int
    max_hops: int
    candidates: list[Suggestion]
    opportunities: list[Opportunity]
    strengthen: list[Strengthen]


class PairSuggestion(TypedDict):
    rank: int
    first: Brief
    second: Brief
    score: float
    score_text: str
    reason: str
    reasons: list[Reason]


class PairsResult(TypedDict):
    types: list[str]
    method: str
    method_text: str
    sources: int  # entities of the first type scored (the most active, when bounded)
    of: int  # entities of the first type
    pairs: list[PairSuggestion]


# --- the collaboration history of a network -----------------------------------------------------


def _start(records: Sequence[dict], parse: Callable[[str], int] = day_of) -> int:
    days = [parse(record.get("start", "")) for record in records]
    return UNDATED if UNDATED in days or not days else min(days)


def _end(records: Sequence[dict], parse: Callable[[str], int] = day_of) -> int:
    days = [parse(record.get("end", "")) for record in records]
    return UNDATED if UNDATED in days or not days else max(days)


def _date_parser() -> Callable[[str], int]:
    """:func:`day_of` with each distinct text parsed once (a network repeats its dates)."""
    seen: dict[str, int] = {}

    def parse(text: str) -> int:
        found = seen.get(text)
        if found is None:
            found = seen[text] = day_of(text)
        return found

    return parse


def view_until(view: nx.Graph, day: int) -> nx.Graph:
    """``view`` as known on ``day``: relations that start after it are left out (undated ones
    stay), and links left with no relation go."""
    kept = nx.Graph(**view.graph)
    kept.add_nodes_from(view.nodes(data=True))
    for first, second, data in view.edges(data=True):
        records = [r for r in data.get("relations", []) if day_of(r.get("start", "")) <= day]
        if records or not data.get("relations"):
            kept.add_edge(
                first,
                second,
                **{
                    **data,
                    "relations": records,
                    "weight": len(records),
                    "types": sorted({r["type"] for r in records}),
                },
            )
    return kept


def history_from_view(view: nx.Graph) -> History:
    """The collaboration :class:`History` of a network: actors' participations in projects,
    events and platforms (dated by the relation's start), direct relations between actors as
    venues of their own, and the context (places, programmes...) of actors and venues."""
    kinds = {node: str(data.get("type", "")) for node, data in view.nodes(data=True)}
    parse = _date_parser()
    actors = sorted(node for node, kind in kinds.items() if kind in ACTOR_TYPES)
    venue_ids = sorted(node for node, kind in kinds.items() if kind in VENUE_TYPES)
    venues = [(node, kinds[node]) for node in venue_ids]
    rows: list[tuple[str, str, int, bool, float]] = []
    venue_contexts: list[tuple[str, str, str]] = []
    actor_contexts: list[tuple[str, str, str]] = []
    for first, second, data in view.edges(data=True):
        records = data.get("relations", [])
        a, b = kinds.get(first, ""), kinds.get(second, "")
        if a in ACTOR_TYPES and b in ACTOR_TYPES:
            pseudo = f"relation:{min(first, second)}|{max(first, second)}"
            venues.append((pseudo, "relation"))
            day = _start(records, parse)
            rows += [(first, pseudo, day, False, math.nan), (second, pseudo, day, False, math.nan)]
        elif a in ACTOR_TYPES or b in ACTOR_TYPES:
            actor, other = (first, second) if a in ACTOR_TYPES else (second, first)
            other_kind = kinds.get(other, "")
            if other_kind in VENUE_TYPES:
                amounts = [float(r["amount_eur"]) for r in records if r.get("amount_eur")]
                rows.append(
                    (
                        actor,
                        other,
                        _start(records, parse),
                        any(
                            (r["type"] == "coordinates" and r.get("source") == actor)
                            or r.get("role") == "coordinator"
                            for r in records
                        ),
                        sum(amounts) if amounts else math.nan,
                    )
                )
            else:
                actor_contexts.append((actor, other, other_kind))
        elif a in VENUE_TYPES and b not in VENUE_TYPES:
            venue_contexts.append((first, second, b))
        elif b in VENUE_TYPES and a not in VENUE_TYPES:
            venue_contexts.append((second, first, a))
    for node in venue_ids:
        for part in programme_parts(str(view.nodes[node].get("description", ""))):
            venue_contexts.append((node, f"programme part {part}", "programme"))
    return build_history(
        [(node, kinds[node], str(view.nodes[node].get("country", ""))) for node in actors],
        venues,
        rows,
        venue_contexts=venue_contexts,
        actor_contexts=actor_contexts,
    )


# Horizon 2020's programme parts, as CORDIS codes them.
PROGRAMME_PARTS: dict[str, str] = {
    "ERC": "European Research Council",
    "FET": "Future and Emerging Technologies",
    "MSCA": "Marie Skłodowska-Curie Actions",
    "RI": "Research Infrastructures",
    "LEIT": "Leadership in Enabling and Industrial Technologies",
    "SC1": "Health, demographic change and wellbeing",
    "SC2": "Food security, sustainable agriculture, marine research and the bioeconomy",
    "SC3": "Secure, clean and efficient energy",
    "SC4": "Smart, green and integrated transport",
    "SC5": "Climate action, environment, resource efficiency and raw materials",
    "SC6": "Inclusive, innovative and reflective societies",
    "SC7": "Secure societies",
    "SEWP": "Spreading excellence and widening participation",
    "SWAFS": "Science with and for Society",
}


def programme_parts(description: str) -> list[str]:
    """The programme parts a project's description names (as ``benchmarks.h2020`` writes it).

    >>> programme_parts("Horizon 2020 project (CORDIS record 1, programme part LEIT, "
    ...                 "Innovation in SMEs, 2019-05-01 to 2022-04-30).")
    ['LEIT', 'Innovation in SMEs']
    """
    marker = "programme part "
    if marker not in description:
        return []
    found = []
    for raw in description.split(marker, 1)[1].split(", "):
        token = raw.strip().rstrip(").")
        if not token or token[:4].isdigit() or token.startswith("EU contribution"):
            break
        found.append(token)
    return found


def venue_ends(view: nx.Graph, venues: Sequence[str]) -> dict[str, int]:
    """The latest end date of the relations of each venue (UNDATED when any has none)."""
    ends: dict[str, int] = {}
    parse = _date_parser()
    for venue in venues:
        if venue not in view:
            continue
        records = [r for z in view[venue] for r in view.edges[venue, z].get("relations", [])]
        ends[venue] = _end(records, parse) if records else UNDATED
    return ends


# --- what is worked out once per network ------------------------------------------------------


@dataclass(frozen=True)
class SynergyIndex:
    """A network's history, its snapshot on ``day`` and the model that ranks, worked out once
    (:func:`prepare`) and shared by every query on that network."""

    view: nx.Graph  # the view as known on ``day``
    history: History
    snap: Snapshot
    day: int
    as_of: str
    model: TreeModel | None
    method_reason: str  # why the heuristic ranks, when it does
    position: dict[str, int]
    venue_position: dict[str, int]
    open_venue: np.ndarray  # bool per venue: still open on ``day``
    country_names: dict[str, str]
    reference: np.ndarray  # the median candidate's features (for the ranker's reasons)
    days: dict[tuple[int, int], int]  # (actor, venue) -> first known day of taking part


RankerFactory = Callable[[History, int], tuple[TreeModel | None, str]]


def prepare(
    view: nx.Graph,
    *,
    as_of: str | date | None = None,
    ranker: RankerFactory | None = None,
    maxima: Maxima | None = None,
) -> SynergyIndex:
    """Everything synergy queries on ``view`` share. ``as_of`` (an ISO date) leaves out the
    relations that start after it, for the ranker too. ``ranker(history, day)`` gives the model
    and, when it gives none, why (:func:`ecosystem.cache.synergy_ranker` learns and caches one);
    without it the heuristic ranks. ``maxima`` keeps the costliest per-actor figures
    (:func:`ecosystem.cache.synergy_maxima`)."""
    if as_of is not None:
        text = as_of.isoformat() if isinstance(as_of, date) else str(as_of)
        day = day_of(text)
        if day == UNDATED:
            raise SynergyQueryError(f"--as-of wants a date as YYYY-MM-DD, not {text!r}")
        view = view_until(view, day)
    history = history_from_view(view)
    if as_of is None:
        last = history.last_day
        day = max(last, date.today().toordinal()) if last != UNDATED else date.today().toordinal()
    model, why = (None, "no model given") if ranker is None else ranker(history, day)
    snap = snapshot(history, day, maxima=maxima)
    ends = venue_ends(
        view,
        [v for v, k in zip(history.venues, history.venue_kind, strict=True) if k != "relation"],
    )
    open_venue = np.array(
        [
            kind != "relation" and (ends.get(venue, UNDATED) == UNDATED or ends[venue] >= day)
            for venue, kind in zip(history.venues, history.venue_kind, strict=True)
        ]
    )
    names = {
        str(data.get("country", "")): str(data.get("name", node))
        for node, data in view.nodes(data=True)
        if data.get("type") == "country" and data.get("country")
    }
    reference = np.zeros(len(COLUMN))
    known = np.flatnonzero(snap.known)
    if known.size:
        sample = known[:: max(1, known.size // 64)][:64]
        rows = row_features(snap, sample[:8])
        reference = np.median(rows.reshape(-1, rows.shape[-1]), axis=0)
    past = history.until(day)
    days: dict[tuple[int, int], int] = {}
    for a, w, d in zip(past.actor.tolist(), past.venue.tolist(), past.day.tolist(), strict=True):
        key = (a, w)
        if key not in days or d == UNDATED or (days[key] != UNDATED and d < days[key]):
            days[key] = d
    return SynergyIndex(
        view=view,
        history=history,
        snap=snap,
        day=day,
        as_of=iso(day) if as_of is not None else "",
        model=model,
        method_reason=why,
        position={actor: i for i, actor in enumerate(history.actors)},
        venue_position={venue: i for i, venue in enumerate(history.venues)},
        open_venue=open_venue,
        country_names=names,
        reference=reference,
        days=days,
    )


def method_of(index: SynergyIndex) -> tuple[str, str]:
    if index.model is not None:
        return "ranker", (
            "Ranked by the learned ranker (gradient-boosted trees trained on this network's "
            "past first collaborations; docs/link-prediction.md measures it on real history)."
        )
    return FALLBACK, (
        f"Ranked by {HEURISTIC_NAMES[FALLBACK]} over partners in common, shared places breaking "
        f"ties: the best heuristic on real history. No learned ranker: {index.method_reason}."
    )


# --- one entity's suggestions -----------------------------------------------------------------


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


def _scores(index: SynergyIndex, x: np.ndarray) -> np.ndarray:
    if index.model is not None:
        return index.model.decision(x)
    main = HEURISTICS[FALLBACK](x)
    # Shared places and partners-of-partners only break ties: a lexicographic order.
    spread = float(np.abs(main).max()) or 1.0
    place = HEURISTICS["typed_score"](x)
    paths = x[:, COLUMN["paths_of_three"]].astype(np.float64)
    tie = place / (1.0 + float(place.max(initial=0.0))) + paths / (
        1.0 + float(paths.max(initial=0))
    )
    return main + 1e-6 * spread * tie


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


GROUPS: dict[str, tuple[str, ...]] = {
    "partners": (
        "common_partners",
        "adamic_adar",
        "resource_allocation",
        "adamic_adar_decay",
        "paths_of_three",
        "common_partners_rel_u",
        "adamic_adar_rel_u",
        "resource_allocation_rel_u",
        "adamic_adar_rel_v",
        "resource_allocation_rel_v",
    ),
    "programme": ("programme_similarity",),
    "kind": (
        "kind_share_uv",
        "kind_share_vu",
        "country_share_uv",
        "type_share_uv",
        "same_country",
        "type_v",
    ),
    "activity": (
        "partners_v",
        "venues_v",
        "recent_v",
        "recency_v",
        "pref_attachment",
        "size_v",
        "met_recently_v",
    ),
    "coordinator": ("coordinator_v", "amount_v"),
    "place": ("typed_score",),
}


def synergy_candidates(
    view: nx.Graph,
    entity: str,
    *,
    types: Collection[str] | None = None,
    country: str | None = None,
    countries: Collection[str] = (),
    top: int = 10,
    as_of: str | None = None,
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
    worked out once; without it, it is worked out here (``as_of`` applies then). ``index`` and
    ``prepared`` speed up lookups and paths. ``max_hops`` is accepted for older callers and
    ignored: every candidate is ranked.
    """
    del max_hops
    if not 1 <= top <= MAX_TOP:
        raise SynergyQueryError(f"top must be between 1 and {MAX_TOP}, not {top}")
    if synergy is None:
        synergy = prepare(view, as_of=as_of)
    elif as_of is not None and synergy.as_of != iso(day_of(as_of)):
        raise SynergyQueryError("the prepared network was worked out for another --as-of date")
    index = index or build_index(view)
    node = resolve(view, entity, index=index)
    actor_types, venue_types, codes = _filters(synergy, types, [country or "", *countries])
    method, method_text = method_of(synergy)
    known_view = synergy.view
    result: SynergyResult = {
        "entity": _brief(known_view, node),
        "method": method,
        "method_text": method_text,
        "score_note": (
            "Each candidate's rank among all the actors "
            f"{entity_name(known_view, node)} has not worked with (after the filters); "
            "'top 2% of 340' means 98% of those 340 rank below it."
        ),
        "as_of": synergy.as_of,
        "types": sorted(types or ()),
        "country": ",".join(sorted(codes)),
        "considered": 0,
        "max_hops": 2,
        "candidates": [],
        "opportunities": [],
        "strengthen": [],
    }
    u = synergy.position.get(node)
    if u is None:
        result["method_text"] += (
            f" {entity_name(known_view, node)} is not an actor (an organisation or a person): "
            "its partners are not suggested."
        )
        return result
    snap = synergy.snap
    features = row_features(snap, [u])[0]
    mask = candidate_mask(snap, [u])[0]
    shares_place = (snap.place_plain[u] @ snap.place_plain.T).toarray().ravel() > 0
    mask |= shares_place & ~snap.linked[u].toarray().ravel().astype(bool)
    mask[u] = False
    wanted = _actor_filter(synergy, actor_types, codes)
    mask &= wanted
    candidates = np.flatnonzero(mask)
    result["considered"] = int(candidates.size)
    if candidates.size:
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
                index,
                prepared,
                explain_paths and len(by_reason) < top,
            )
            same = by_reason.get(made["reason"])
            if same is not None:
                same["alike"].append(_brief(known_view, made["id"]))
                continue
            if len(by_reason) == top:
                continue
            made["rank"] = len(by_reason) + 1
            by_reason[made["reason"]] = made
        result["candidates"] = list(by_reason.values())
    result["strengthen"] = _strengthen(synergy, u, wanted, top)
    result["opportunities"] = _opportunities(synergy, u, venue_types, codes, top)
    return result


def _actor_filter(index: SynergyIndex, types: set[str], codes: frozenset[str]) -> np.ndarray:
    history = index.history
    keep = np.ones(len(history.actors), dtype=bool)
    if types:
        keep &= np.array([t in types for t in history.actor_type])
    if codes:
        keep &= np.array([c in codes for c in history.actor_country])
    return keep


def _venues_of(snap: Snapshot, actor: int) -> np.ndarray:
    row = snap.incidence[actor]
    return row.indices[row.data > 0]


def _venue_day(index: SynergyIndex, actor: int, venue: int) -> int:
    return index.days.get((actor, venue), UNDATED)


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
    index: EntityIndex,
    prepared: PathIndex | None,
    explain_paths: bool,
) -> Suggestion:
    view, snap, history = synergy.view, synergy.snap, synergy.history
    other = history.actors[v]
    reasons: dict[str, Reason] = {}
    path_nodes: list[str] | None = None

    mine = set(snap.linked[u].indices.tolist())
    theirs = set(snap.linked[v].indices.tolist())
    common = sorted(mine & theirs, key=lambda z: (-snap.together[v, z], history.actors[z]))
    if common:
        ids = [history.actors[z] for z in common]
        shared_venues: list[int] = []
        for z in common[:NAMED]:
            both = np.intersect1d(_venues_of(snap, v), _venues_of(snap, z))
            shared_venues += both.tolist()
        real = [w for w in dict.fromkeys(shared_venues) if history.venue_kind[w] != "relation"]
        days = [d for d in (_venue_day(synergy, v, w) for w in real) if d != UNDATED]
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
        reasons["partners"] = {
            "kind": "partners",
            "text": text,
            "entities": ids[:NAMED] + [history.venues[w] for w in real[:NAMED]],
        }
        path_nodes = _partner_path(synergy, u, common[0], v)
    elif x[COLUMN["paths_of_three"]] > 0:
        bridge = _bridge(snap, mine, theirs)
        if bridge is not None:
            a, b = bridge
            reasons["partners"] = {
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
            path_nodes = first + second[1:] if first and second else None

    mine_parts = _programmes(synergy, u)
    theirs_parts = _programmes(synergy, v)
    both_parts = [p for p in mine_parts if p in theirs_parts]
    if both_parts:
        labels = [_label(view, history.contexts[p]) for p in both_parts[:NAMED]]
        noun = "programme part" if all(lb.startswith("programme part") for lb in labels) else ""
        shown = [lb.replace("programme part ", "") for lb in labels] if noun else labels
        text = (
            f"active in the same {noun}{'s' if len(shown) > 1 else ''} as you: {', '.join(shown)}"
            if noun
            else f"active in the same programmes as you: {', '.join(shown)}"
        )
        reasons["programme"] = {
            "kind": "programme",
            "text": text,
            "entities": [history.contexts[p] for p in both_parts if history.contexts[p] in view],
        }

    share = float(x[COLUMN["kind_share_uv"]])
    words = _kind_words(synergy, v)
    if snap.partners[u] > 0:
        if share == 0:
            text = f"{words}, a kind your partners lack"
        else:
            count = round(share * snap.partners[u])
            text = f"{words}, like {count} of your {int(snap.partners[u])} partners"
        reasons["kind"] = {"kind": "kind", "text": text, "entities": []}

    places_u = set(snap.place_plain[u].indices.tolist())
    places_v = set(snap.place_plain[v].indices.tolist())
    places = sorted(places_u & places_v, key=lambda p: _place_order(history, p))
    if places:
        ids = [history.contexts[p] for p in places]
        reasons["place"] = {
            "kind": "place",
            "text": "also linked to " + _names(view, ids),
            "entities": [i for i in ids[:NAMED] if i in view],
        }
    if snap.venues[v] > 0:
        recent = round(math.expm1(float(x[COLUMN["recent_v"]])))
        count = int(snap.venues[v])
        plural = "s" if count != 1 else ""
        text = f"{count} project{plural} or event{plural} behind it"
        if recent:
            text += f", {recent} started in the last year"
        coordinated = round(snap.coordinator_share[v] * count)
        if coordinated:
            text += f"; coordinated {coordinated}"
        reasons["activity"] = {"kind": "activity", "text": text, "entities": []}

    chosen = _order_reasons(reasons, lift)
    shared: dict[str, list[Shared]] = {}
    for reason in chosen:
        for named in reason["entities"]:
            if named in view:
                shared.setdefault(reason["kind"], []).append(
                    {"id": named, "name": entity_name(view, named)}
                )
    percentile, score_text = _percent_text(rank, total)
    path = None
    if explain_paths:
        if path_nodes and all(n in view for n in path_nodes) and _is_path(view, path_nodes):
            path = path_record(view, path_nodes, True, None)
        else:
            path = _best_path(view, node, other, index, None if synergy.as_of else prepared)
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
        "highlight": {
            "nodes": list(dict.fromkeys(nodes)),
            "edges": [list(e) for e in dict.fromkeys(tuple(e) for e in edges)],
        },
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
    weights = index.snap.profile[actor]
    found = np.flatnonzero(weights > 0)
    return found[np.argsort(-weights[found], kind="stable")].tolist()


def _bridge(snap: Snapshot, mine: set[int], theirs: set[int]) -> tuple[int, int] | None:
    for a in sorted(mine, key=lambda z: -snap.partners[z]):
        linked = set(snap.linked[a].indices.tolist()) & theirs
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


def _best_path(
    view: nx.Graph, node: str, other: str, index: EntityIndex, prepared: PathIndex | None
) -> PathRecord | None:
    try:
        found = collaboration_paths(view, node, other, k=1, index=index, prepared=prepared)
    except (NoPath, EcosystemError):
        return None
    return found["paths"][0] if found["paths"] else None


def _strengthen(index: SynergyIndex, u: int, wanted: np.ndarray, top: int) -> list[Strengthen]:
    """The actors ``u`` already works with, those it shares most with first (then the most
    recent); only the best few are told in full."""
    snap, history, view = index.snap, index.history, index.view
    row = snap.together[u]
    keep = wanted[row.indices]
    partners, counts = row.indices[keep], row.data[keep]
    order = np.lexsort((partners, -counts))[: top * 5]
    mine = _venues_of(snap, u)
    out = []
    for z in partners[order].tolist():
        both = np.intersect1d(mine, _venues_of(snap, z)).tolist()
        real = [w for w in both if history.venue_kind[w] != "relation"]
        days = [d for d in (_venue_day(index, z, w) for w in real) if d != UNDATED]
        last = max(days) if days else UNDATED
        direct = len(both) > len(real)
        words = []
        if real:
            words.append(
                f"{len(real)} project{'s' if len(real) != 1 else ''} or event"
                f"{'s' if len(real) != 1 else ''} together "
                f"({_names(view, [history.venues[w] for w in real])})"
            )
        if direct:
            types = (
                sorted(
                    {
                        r["type"].replace("_", " ")
                        for r in view.edges[history.actors[u], history.actors[z]].get(
                            "relations", []
                        )
                    }
                )
                if view.has_edge(history.actors[u], history.actors[z])
                else []
            )
            words.append("linked directly" + (f" ({', '.join(types)})" if types else ""))
        if last != UNDATED:
            words.append(f"last in {date.fromordinal(last).year}")
        out.append(
            (
                -(last if last != UNDATED else 0),
                -len(both),
                history.actors[z],
                {
                    "id": history.actors[z],
                    "name": entity_name(view, history.actors[z]),
                    "type": history.actor_type[z],
                    "country": history.actor_country[z],
                    "reason": "; ".join(words),
                    "venues": [
                        {"id": history.venues[w], "name": entity_name(view, history.venues[w])}
                        for w in real[:NAMED]
                    ],
                    "last": iso(last),
                },
            )
        )
    out.sort(key=lambda item: (item[1], item[0], item[2]))
    return [cast(Strengthen, item[3]) for item in out[:top]]


def _opportunities(
    index: SynergyIndex, u: int, kinds: set[str], codes: frozenset[str], top: int
) -> list[Opportunity]:
    """Open venues the actor is not in, ranked by how many of its partners take part
    (resource allocation over the venue's members), then by the size of the venue."""
    snap, history, view = index.snap, index.history, index.view
    partners = snap.linked[u]
    weights = np.zeros(len(history.actors))
    weights[partners.indices] = 1.0
    members = snap.incidence.T.tocsr()
    sizes = np.diff(members.indptr).astype(np.float64)
    score = np.asarray(members @ weights).ravel() / np.log(np.maximum(sizes, 1) + 1.0)
    mine = set(_venues_of(snap, u).tolist())
    keep = index.open_venue & (score > 0)
    if kinds:
        keep &= np.array([k in kinds for k in history.venue_kind])
    found = [w for w in np.flatnonzero(keep).tolist() if w not in mine]
    found.sort(key=lambda w: (-score[w], history.venues[w]))
    out: list[Opportunity] = []
    for w in found:
        inside = [z for z in members[w].indices.tolist() if weights[z]]
        if codes and not any(history.actor_country[z] in codes for z in members[w].indices):
            continue
        ids = sorted((history.actors[z] for z in inside), key=lambda n: entity_name(view, n))
        count = len(ids)
        out.append(
            {
                "rank": len(out) + 1,
                "id": history.venues[w],
                "name": entity_name(view, history.venues[w]),
                "type": history.venue_kind[w],
                "reason": (
                    f"{count} of your partners take part ({_names(view, ids)})"
                    if count > 1
                    else f"your partner {_names(view, ids)} takes part"
                ),
                "entities": ids[:NAMED],
                "score": round(float(score[w]), 6),
            }
        )
        if len(out) == top:
            break
    return out


# --- network-wide pairs -----------------------------------------------------------------------


def synergy_pairs(
    view: nx.Graph,
    first_type: str,
    second_type: str,
    *,
    top: int = 10,
    synergy: SynergyIndex | None = None,
    sources: int = MAX_PAIR_SOURCES,
    progress: Callable[[int, int], None] | None = None,
    max_hops: int | None = None,
) -> PairsResult:
    """The best pairs of actors of the two types that never worked together, best first.

    Bounded: the ``sources`` most active actors of ``first_type`` (most partners, then most
    projects) are each ranked against every actor of ``second_type`` (with the learned ranker,
    its :data:`PAIR_SHORTLIST` best by the heuristic are re-ranked by the trees);
    ``progress(done, total)`` is told after each block.
    """
    del max_hops
    if not 1 <= top <= MAX_TOP:
        raise SynergyQueryError(f"top must be between 1 and {MAX_TOP}, not {top}")
    for kind in (first_type, second_type):
        if kind not in ACTOR_TYPES:
            raise SynergyQueryError(
                f"{kind} cannot be paired: partners are {', '.join(sorted(ACTOR_TYPES))}"
            )
    synergy = synergy or prepare(view)
    snap, history = synergy.snap, synergy.history
    method, method_text = method_of(synergy)
    kinds = np.array(history.actor_type)
    firsts = np.flatnonzero((kinds == first_type) & snap.known)
    ordered = firsts[np.lexsort((firsts, -snap.venues[firsts], -snap.partners[firsts]))]
    chosen = ordered[:sources]
    seconds = (kinds == second_type) & snap.known
    best: dict[tuple[int, int], float] = {}
    block = 16
    for lo in range(0, chosen.size, block):
        rows = chosen[lo : lo + block]
        features = row_features(snap, rows)
        mask = candidate_mask(snap, rows) & seconds[None, :]
        for j, u in enumerate(rows.tolist()):
            candidates = np.flatnonzero(mask[j])
            if not candidates.size:
                continue
            if synergy.model is not None and candidates.size > PAIR_SHORTLIST:
                # The trees re-rank each actor's shortlist by the heuristic: bounded time.
                rough = HEURISTICS[FALLBACK](features[j, candidates])
                candidates = candidates[np.argsort(-rough, kind="stable")[:PAIR_SHORTLIST]]
            scores = _scores(synergy, features[j, candidates])
            for i in np.argsort(-scores, kind="stable")[:top].tolist():
                v = int(candidates[i])
                pair = (u, v) if first_type != second_type else (min(u, v), max(u, v))
                best[pair] = max(best.get(pair, -math.inf), float(scores[i]))
        if progress is not None:
            progress(min(lo + block, chosen.size), chosen.size)
    ranked = sorted(
        best.items(),
        key=lambda item: (-item[1], history.actors[item[0][0]], history.actors[item[0][1]]),
    )[:top]
    pairs: list[PairSuggestion] = []
    for rank, ((u, v), value) in enumerate(ranked, 1):
        x = row_features(snap, [u])[0, v]
        reasons = _pair_reasons(synergy, u, v, x)
        pairs.append(
            {
                "rank": rank,
                "first": _brief(synergy.view, history.actors[u]),
                "second": _brief(synergy.view, history.actors[v]),
                "score": round(value, 6),
                "score_text": f"{rank} of the {len(best):,} best pairs found",
                "reason": "; ".join(r["text"] for r in reasons),
                "reasons": reasons,
            }
        )
    return {
        "types": [first_type, second_type],
        "method": method,
        "method_text": method_text,
        "sources": int(chosen.size),
        "of": int(firsts.size),
        "pairs": pairs,
    }


def _pair_reasons(index: SynergyIndex, u: int, v: int, x: np.ndarray) -> list[Reason]:
    snap, history, view = index.snap, index.history, index.view
    common = sorted(
        set(snap.linked[u].indices.tolist()) & set(snap.linked[v].indices.tolist()),
        key=lambda z: (-snap.partners[z], history.actors[z]),
    )
    reasons: list[Reason] = []
    if common:
        ids = [history.actors[z] for z in common]
        reasons.append(
            {
                "kind": "partners",
                "text": f"{len(ids)} partner{'s' if len(ids) > 1 else ''} in common "
                f"({_names(view, ids)})",
                "entities": ids[:NAMED],
            }
        )
    parts = [p for p in _programmes(index, u) if p in set(_programmes(index, v))]
    if parts:
        labels = [_label(view, history.contexts[p]) for p in parts[:NAMED]]
        reasons.append(
            {"kind": "programme", "text": "both active in " + ", ".join(labels), "entities": []}
        )
    places = set(snap.place_plain[u].indices.tolist()) & set(snap.place_plain[v].indices.tolist())
    if places and not reasons:
        ids = sorted(history.contexts[p] for p in places)
        reasons.append(
            {
                "kind": "place",
                "text": "both linked to " + _names(view, ids),
                "entities": ids[:NAMED],
            }
        )
    return reasons[:3]


def explain_pair(
    view: nx.Graph,
    entity: str,
    other: str,
    *,
    synergy: SynergyIndex,
    index: EntityIndex | None = None,
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
        index or build_index(view),
        prepared,
        True,
    )
