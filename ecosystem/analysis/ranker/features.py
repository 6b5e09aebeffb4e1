"""Features of pairs of actors from a snapshot, and the heuristics that read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.analysis.ranker.matrices import DECAY, KATZ_BETA, Snapshot

if TYPE_CHECKING:
    import scipy.sparse as sp

# --- features ----------------------------------------------------------------------------------

FEATURES: tuple[str, ...] = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "adamic_adar_decay",
    "paths_of_three",
    "pref_attachment",
    "partners_u",
    "partners_v",
    "venues_u",
    "venues_v",
    "same_country",
    "type_u",
    "type_v",
    "kind_share_uv",
    "kind_share_vu",
    "country_share_uv",
    "type_share_uv",
    "programme_similarity",
    "coordinator_u",
    "coordinator_v",
    "amount_u",
    "amount_v",
    "recency_u",
    "recency_v",
    "recent_u",
    "recent_v",
    "size_u",
    "size_v",
    "typed_score",
    "common_partners_rel_u",
    "adamic_adar_rel_u",
    "resource_allocation_rel_u",
    "adamic_adar_rel_v",
    "resource_allocation_rel_v",
    "met_recently_u",
    "met_recently_v",
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}


def row_features(snap: Snapshot, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """Features of every pair (u, v) for u in ``rows`` and every actor v: ``(len(rows), n, F)``.

    Pairs already linked, u itself and actors unknown on the snapshot's day still get a row;
    callers mask them (:func:`candidate_mask`).
    """
    import scipy.sparse as sp

    rows = np.asarray(rows, dtype=np.int64)
    n = len(snap.history.actors)
    out = np.zeros((rows.size, n, len(FEATURES)), dtype=np.float32)
    linked_rows = snap.linked[rows]
    common = (linked_rows @ snap.linked).toarray()
    out[:, :, 0] = common
    out[:, :, 1] = (linked_rows @ sp.diags(snap.aa_weight) @ snap.linked).toarray()
    out[:, :, 2] = (linked_rows @ sp.diags(snap.ra_weight) @ snap.linked).toarray()
    decayed_rows = snap.decayed[rows]
    out[:, :, 3] = (decayed_rows @ sp.diags(snap.aa_weight) @ snap.decayed).toarray()
    out[:, :, 4] = (snap.linked @ common.T).T
    out[:, :, 5] = np.log1p(np.outer(snap.partners[rows], snap.partners))
    out[:, :, 6] = np.log1p(snap.partners[rows])[:, None]
    out[:, :, 7] = np.log1p(snap.partners)[None, :]
    out[:, :, 8] = np.log1p(snap.venues[rows])[:, None]
    out[:, :, 9] = np.log1p(snap.venues)[None, :]
    out[:, :, 10] = snap.country_code[rows][:, None] == snap.country_code[None, :]
    out[:, :, 11] = snap.type_code[rows][:, None]
    out[:, :, 12] = snap.type_code[None, :]
    out[:, :, 13] = snap.kind_share[rows].toarray()[:, snap.kind]
    out[:, :, 14] = snap.kind_share[:, snap.kind[rows]].toarray().T
    out[:, :, 15] = snap.country_share[rows].toarray()[:, snap.country_code]
    out[:, :, 16] = snap.type_share[rows].toarray()[:, snap.type_code]
    out[:, :, 17] = snap.profile[rows] @ snap.profile.T
    out[:, :, 18] = snap.coordinator_share[rows][:, None]
    out[:, :, 19] = snap.coordinator_share[None, :]
    out[:, :, 20] = snap.amount[rows][:, None]
    out[:, :, 21] = snap.amount[None, :]
    out[:, :, 22] = snap.recency[rows][:, None]
    out[:, :, 23] = snap.recency[None, :]
    out[:, :, 24] = snap.recent[rows][:, None]
    out[:, :, 25] = snap.recent[None, :]
    out[:, :, 26] = snap.size[rows][:, None]
    out[:, :, 27] = snap.size[None, :]
    shared_place = (snap.place[rows] @ snap.place.T).toarray()
    factor = snap.complementary[snap.type_code[rows]][:, snap.type_code]
    out[:, :, 28] = shared_place * factor
    _relative(out, snap.best[rows][:, None, :], snap.best[None, :, :])
    out[:, :, 34] = snap.met_recently[rows][:, None]
    out[:, :, 35] = snap.met_recently[None, :]
    return out


def _entries(matrix: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``matrix[rows[i], columns[i]]`` for every i, as a flat array."""
    return np.asarray(matrix[rows, columns]).ravel()


def _relative(out: np.ndarray, best_u: np.ndarray, best_v: np.ndarray) -> None:
    """A pair's common partners, Adamic-Adar and resource allocation as shares of the highest
    each end has with anyone (in place; columns 29 to 33)."""

    def share(value: np.ndarray, best: np.ndarray) -> np.ndarray:
        return np.divide(value, best, out=np.zeros(np.broadcast(value, best).shape), where=best > 0)

    out[..., 29] = share(out[..., 0], best_u[..., 0])
    out[..., 30] = share(out[..., 1], best_u[..., 1])
    out[..., 31] = share(out[..., 2], best_u[..., 2])
    out[..., 32] = share(out[..., 1], best_v[..., 1])
    out[..., 33] = share(out[..., 2], best_v[..., 2])


def candidate_mask(snap: Snapshot, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """``(len(rows), n)`` bool: v is a candidate for u (known, not u, never worked with u)."""
    rows = np.asarray(rows, dtype=np.int64)
    mask = np.repeat(snap.known[None, :], rows.size, axis=0)
    mask[np.arange(rows.size), rows] = False
    linked = snap.linked[rows].tocoo()
    mask[linked.row, linked.col] = False
    return mask


def pair_features(
    snap: Snapshot, first: np.ndarray, second: np.ndarray, *, block: int = 4096
) -> np.ndarray:
    """Features of the pairs ``(first[i], second[i])``: ``(len(first), F)``, the same numbers
    as :func:`row_features` gives for them, from sparse row products (no dense rows)."""
    import scipy.sparse as sp

    u_all = np.asarray(first, dtype=np.int64)
    v_all = np.asarray(second, dtype=np.int64)
    out = np.zeros((u_all.size, len(FEATURES)), dtype=np.float32)
    aa = sp.diags(snap.aa_weight)
    ra = sp.diags(snap.ra_weight)
    for lo in range(0, u_all.size, block):
        u, v = u_all[lo : lo + block], v_all[lo : lo + block]
        x = out[lo : lo + block]
        lu, lv = snap.linked[u], snap.linked[v]
        x[:, 0] = np.asarray(lu.multiply(lv).sum(axis=1)).ravel()
        x[:, 1] = np.asarray(lu.multiply(lv @ aa).sum(axis=1)).ravel()
        x[:, 2] = np.asarray(lu.multiply(lv @ ra).sum(axis=1)).ravel()
        x[:, 3] = np.asarray(snap.decayed[u].multiply(snap.decayed[v] @ aa).sum(axis=1)).ravel()
        # Paths of three steps count the same both ways: walk from the end with fewer partners.
        swap = snap.partners[u] > snap.partners[v]
        small, large = np.where(swap, v, u), np.where(swap, u, v)
        x[:, 4] = np.asarray(
            (snap.linked[small] @ snap.linked).multiply(snap.linked[large]).sum(axis=1)
        ).ravel()
        x[:, 5] = np.log1p(snap.partners[u] * snap.partners[v])
        x[:, 6] = np.log1p(snap.partners[u])
        x[:, 7] = np.log1p(snap.partners[v])
        x[:, 8] = np.log1p(snap.venues[u])
        x[:, 9] = np.log1p(snap.venues[v])
        x[:, 10] = snap.country_code[u] == snap.country_code[v]
        x[:, 11] = snap.type_code[u]
        x[:, 12] = snap.type_code[v]
        x[:, 13] = _entries(snap.kind_share, u, snap.kind[v])
        x[:, 14] = _entries(snap.kind_share, v, snap.kind[u])
        x[:, 15] = _entries(snap.country_share, u, snap.country_code[v])
        x[:, 16] = _entries(snap.type_share, u, snap.type_code[v])
        x[:, 17] = np.einsum("ij,ij->i", snap.profile[u], snap.profile[v])
        x[:, 18] = snap.coordinator_share[u]
        x[:, 19] = snap.coordinator_share[v]
        x[:, 20] = snap.amount[u]
        x[:, 21] = snap.amount[v]
        x[:, 22] = snap.recency[u]
        x[:, 23] = snap.recency[v]
        x[:, 24] = snap.recent[u]
        x[:, 25] = snap.recent[v]
        x[:, 26] = snap.size[u]
        x[:, 27] = snap.size[v]
        shared_place = np.asarray(snap.place[u].multiply(snap.place[v]).sum(axis=1)).ravel()
        x[:, 28] = shared_place * snap.complementary[snap.type_code[u], snap.type_code[v]]
        _relative(x, snap.best[u], snap.best[v])
        x[:, 34] = snap.met_recently[u]
        x[:, 35] = snap.met_recently[v]
    return out


# --- heuristics: each a function of the feature columns ---------------------------------------


def _column(name: str) -> Callable[[np.ndarray], np.ndarray]:
    index = COLUMN[name]
    return lambda x: x[..., index].astype(np.float64)


def _katz(x: np.ndarray) -> np.ndarray:
    return KATZ_BETA**2 * x[..., COLUMN["common_partners"]].astype(np.float64) + KATZ_BETA**3 * x[
        ..., COLUMN["paths_of_three"]
    ].astype(np.float64)


HEURISTICS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "preferential_attachment": _column("pref_attachment"),
    "common_neighbours": _column("common_partners"),
    "adamic_adar": _column("adamic_adar"),
    "resource_allocation": _column("resource_allocation"),
    "katz": _katz,
    "adamic_adar_decay": _column("adamic_adar_decay"),
    "typed_score": _column("typed_score"),
}
HEURISTIC_NAMES: dict[str, str] = {
    "random": "random",
    "preferential_attachment": "preferential attachment",
    "common_neighbours": "common neighbours (partners in common)",
    "adamic_adar": "Adamic-Adar",
    "resource_allocation": "resource allocation",
    "katz": f"truncated Katz (paths of 2 and 3, beta {KATZ_BETA})",
    "adamic_adar_decay": f"Adamic-Adar with yearly time decay ({DECAY})",
    "typed_score": "the former typed synergy score (shared places and country, by type)",
    "ranker": "learned ranker (gradient-boosted trees)",
}
# The heuristic the product falls back on when there is too little history to learn from: the
# best heuristic on the H2020 validation year (docs/link-prediction.md).
FALLBACK = "adamic_adar"
