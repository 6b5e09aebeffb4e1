"""A network's collaboration history as synergy reads it: participations, dates, programme parts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx

from ecosystem.analysis.ranker import (
    ACTOR_TYPES,
    UNDATED,
    VENUE_TYPES,
    History,
    build_history,
    day_of,
)


def _start(records: Sequence[dict], parse: Callable[[str], int] = day_of) -> int:
    if len(records) == 1:  # most links: one relation
        return parse(records[0].get("start", ""))
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


def _part(records: Sequence[dict], actor: str) -> tuple[bool, float]:
    """Whether ``actor`` coordinated, by these relations with a venue, and the amount they
    give it (NaN when none says)."""
    coordinator, amount, amounts = False, 0.0, 0
    for record in records:
        if record.get("role") == "coordinator" or (
            record["type"] == "coordinates" and record.get("source") == actor
        ):
            coordinator = True
        if record.get("amount_eur"):
            amount += float(record["amount_eur"])
            amounts += 1
    return coordinator, amount if amounts else math.nan


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
    ends: dict[str, int] = {}
    for first, second, data in view.edges(data=True):
        records = data.get("relations", [])
        a, b = kinds[first], kinds[second]
        if records and (a in VENUE_TYPES or b in VENUE_TYPES):
            end = _end(records, parse)
            for node, kind in ((first, a), (second, b)):
                if kind in VENUE_TYPES:
                    _end_with(ends, node, end)
        if a in ACTOR_TYPES and b in ACTOR_TYPES:
            pseudo = f"relation:{min(first, second)}|{max(first, second)}"
            venues.append((pseudo, "relation"))
            day = _start(records, parse)
            rows += [(first, pseudo, day, False, math.nan), (second, pseudo, day, False, math.nan)]
        elif a in ACTOR_TYPES or b in ACTOR_TYPES:
            actor, other = (first, second) if a in ACTOR_TYPES else (second, first)
            other_kind = kinds[other]
            if other_kind in VENUE_TYPES:
                rows.append((actor, other, _start(records, parse), *_part(records, actor)))
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
        venue_ends=ends,
    )


def _end_with(ends: dict[str, int], venue: str, day: int) -> None:
    """Fold the end ``day`` of one more of ``venue``'s links into ``ends``: the latest, and
    UNDATED for good once one is undated."""
    before = ends.get(venue)
    if before is None:
        ends[venue] = day
    elif UNDATED in (before, day):
        ends[venue] = UNDATED
    else:
        ends[venue] = max(before, day)


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
