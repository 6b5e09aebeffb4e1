"""Beside the suggestions: the partners to strengthen and the open venues to join."""

from __future__ import annotations

from datetime import date
from typing import cast

import numpy as np

from ecosystem.analysis.explain import entity_name
from ecosystem.analysis.ranker import (
    UNDATED,
    iso,
    row_of,
)
from ecosystem.analysis.synergy.index import SynergyIndex, visit_days
from ecosystem.analysis.synergy.reasons import _names, _venues_of
from ecosystem.analysis.synergy.shapes import NAMED, Opportunity, Strengthen


def _strengthen(index: SynergyIndex, u: int, wanted: np.ndarray, top: int) -> list[Strengthen]:
    """The actors ``u`` already works with, those it shares most with first (then the most
    recent); only the best few are told in full."""
    snap, history, view = index.snap, index.history, index.view
    partners, counts = row_of(snap.together, u)
    keep = wanted[partners]
    partners, counts = partners[keep], counts[keep]
    order = np.lexsort((partners, -counts))[: top * 5]
    mine = _venues_of(snap, u)
    out = []
    for z in partners[order].tolist():
        both = np.intersect1d(mine, _venues_of(snap, z)).tolist()
        real = [w for w in both if history.venue_kind[w] != "relation"]
        days = [d for d in visit_days(index, z, real) if d != UNDATED]
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
    weights = np.zeros(len(history.actors))
    weights[row_of(snap.linked, u)[0]] = 1.0
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
