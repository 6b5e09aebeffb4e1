"""Network-wide pairs: the best pairs of two actor types that never worked together."""

from __future__ import annotations

import math
from collections.abc import Callable

import networkx as nx
import numpy as np

from ecosystem.analysis.ranker import (
    ACTOR_TYPES,
    FALLBACK,
    HEURISTICS,
    candidate_mask,
    row_features,
    row_of,
)
from ecosystem.analysis.synergy.index import SynergyIndex, _scores, method_of, prepare
from ecosystem.analysis.synergy.reasons import _brief, _label, _names, _programmes
from ecosystem.analysis.synergy.shapes import (
    MAX_PAIR_SOURCES,
    MAX_TOP,
    NAMED,
    PAIR_SHORTLIST,
    PairsResult,
    PairSuggestion,
    Reason,
    SynergyQueryError,
)


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
    method, method_text = method_of(synergy)
    kinds = np.array(synergy.history.actor_type)
    firsts = np.flatnonzero((kinds == first_type) & synergy.snap.known)
    chosen = _most_active(synergy, firsts, sources)
    seconds = (kinds == second_type) & synergy.snap.known
    best = _best_pairs(
        synergy, chosen, seconds, top=top, same_type=first_type == second_type, progress=progress
    )
    return {
        "types": [first_type, second_type],
        "method": method,
        "method_text": method_text,
        "sources": int(chosen.size),
        "of": int(firsts.size),
        "pairs": _told_pairs(synergy, best, top),
    }


def _most_active(synergy: SynergyIndex, actors: np.ndarray, sources: int) -> np.ndarray:
    """The ``sources`` most active of ``actors``: most partners, then most venues, then first."""
    snap = synergy.snap
    ordered = actors[np.lexsort((actors, -snap.venues[actors], -snap.partners[actors]))]
    return ordered[:sources]


def _best_pairs(
    synergy: SynergyIndex,
    chosen: np.ndarray,
    seconds: np.ndarray,
    *,
    top: int,
    same_type: bool,
    progress: Callable[[int, int], None] | None,
) -> dict[tuple[int, int], float]:
    """Each pair's best score among the ``top`` candidates (of the ``seconds`` mask) of every
    actor in ``chosen``; a pair of two actors of the same type is counted once."""
    snap = synergy.snap
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
                pair = (min(u, v), max(u, v)) if same_type else (u, v)
                best[pair] = max(best.get(pair, -math.inf), float(scores[i]))
        if progress is not None:
            progress(min(lo + block, chosen.size), chosen.size)
    return best


def _told_pairs(
    synergy: SynergyIndex, best: dict[tuple[int, int], float], top: int
) -> list[PairSuggestion]:
    """The ``top`` pairs of ``best``, best first (ties by the two ids), with their reasons."""
    history = synergy.history
    ranked = sorted(
        best.items(),
        key=lambda item: (-item[1], history.actors[item[0][0]], history.actors[item[0][1]]),
    )[:top]
    pairs: list[PairSuggestion] = []
    for rank, ((u, v), value) in enumerate(ranked, 1):
        x = row_features(synergy.snap, [u])[0, v]
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
    return pairs


def _pair_reasons(index: SynergyIndex, u: int, v: int, x: np.ndarray) -> list[Reason]:
    snap, history, view = index.snap, index.history, index.view
    common = sorted(
        set(row_of(snap.linked, u)[0].tolist()) & set(row_of(snap.linked, v)[0].tolist()),
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
