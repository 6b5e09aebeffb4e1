"""Who will work together next: a collaboration history, pair features, heuristics and a ranker.

The history
-----------
Partners meet in *venues*: projects, events and platforms. A :class:`History` lists every
participation of an actor (an organisation or a person) in a venue, with its day (a proleptic
Gregorian ordinal; ``UNDATED`` when the data gives none), whether the actor coordinated, and the
amount it received. A direct relation between two actors (``collaborates_with``, ``member_of`` a
cluster, ``works_for``...) counts as a venue of its own that the two share. Two actors *work
together* when they share a venue; that is the only link the heuristics see (the actor
projection), so "not yet linked" means "never worked together".

:meth:`History.until` keeps what is known on a day: participations dated on or before it, and
the undated ones (they carry no date to hold back). Nothing else of a later day reaches a
:class:`Snapshot`, its features or a model trained on it.

Features of a pair (u, v)
-------------------------
Computed from one snapshot with sparse matrices, a block of ``u`` rows against every actor at a
time (:func:`row_features`), or for a list of pairs (:func:`pair_features`); :data:`FEATURES`
names the columns. Structure: common partners, Adamic-Adar, resource allocation, Adamic-Adar with
a yearly time decay, paths of length three, preferential attachment. What the data knows: types,
countries, the share of u's partners of v's kind, how alike their programme profiles are,
coordinator shares, contributions, recency, consortium sizes, and the typed score the product
used before (a shared country or place, weighted by type).

The ranker
----------
Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``, log loss) learn from
one year of first collaborations which pairs form. Its trees are kept as plain NumPy arrays
(:class:`TreeModel`), so a cached model is data, never code, and predicts without scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from ecosystem.schema import date_period

UNDATED = -1
ACTOR_TYPES: frozenset[str] = frozenset(
    {"company", "research", "cluster", "association", "foundation", "government", "person"}
)
VENUE_TYPES: frozenset[str] = frozenset({"project", "event", "platform"})
# Weights of a shared context entity in the typed score the product used before (and still
# shows as a reason): a project, platform or event weighs most, a country least.
CONTEXT_WEIGHT: dict[str, float] = {
    "region": 0.75,
    "city": 0.75,
    "site": 0.75,
    "programme": 0.5,
    "eu_institution": 0.5,
    "eu_directorate": 0.5,
    "eu_agency": 0.5,
    "policy": 0.5,
    "media": 0.5,
    "country": 0.25,
}
COMPLEMENTARY: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in [
        ("company", "cluster"),
        ("company", "research"),
        ("company", "association"),
        ("cluster", "association"),
        ("cluster", "cluster"),
    ]
)
COMPLEMENTARY_FACTOR = 1.5
DAY_PER_YEAR = 365.25


def day_of(text: str) -> int:
    """The ordinal day of an ISO date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the first day of
    the period); ``UNDATED`` for an empty or unreadable one.

    >>> day_of("2019-05") == date(2019, 5, 1).toordinal(), day_of("")
    (True, -1)
    """
    period = date_period(text.strip())
    return period[0].toordinal() if period is not None else UNDATED


def iso(day: int) -> str:
    return date.fromordinal(day).isoformat() if day != UNDATED else ""


@dataclass(frozen=True)
class History:
    """Participations of actors in venues. Arrays are aligned; indexes refer to the tuples."""

    actors: tuple[str, ...]
    actor_type: tuple[str, ...]
    actor_country: tuple[str, ...]
    venues: tuple[str, ...]
    venue_kind: tuple[str, ...]  # "project", "event", "platform" or "relation"
    actor: np.ndarray  # participation -> actor index
    venue: np.ndarray  # participation -> venue index
    day: np.ndarray  # participation -> ordinal day or UNDATED
    coordinator: np.ndarray  # bool
    amount: np.ndarray  # float, NaN when unknown
    # Context of venues (programme parts, programmes) and of actors (countries, places): pairs
    # of (venue or actor index, context label index).
    contexts: tuple[str, ...] = ()
    context_type: tuple[str, ...] = ()
    venue_context: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    actor_context: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))

    def until(self, day: int) -> History:
        """What was known on ``day``: participations dated on or before it, and undated ones."""
        keep = (self.day <= day) | (self.day == UNDATED)
        return History(
            self.actors,
            self.actor_type,
            self.actor_country,
            self.venues,
            self.venue_kind,
            self.actor[keep],
            self.venue[keep],
            self.day[keep],
            self.coordinator[keep],
            self.amount[keep],
            self.contexts,
            self.context_type,
            self.venue_context,
            self.actor_context,
        )

    @property
    def last_day(self) -> int:
        dated = self.day[self.day != UNDATED]
        return int(dated.max()) if dated.size else UNDATED


def build_history(
    actors: Sequence[tuple[str, str, str]],
    venues: Sequence[tuple[str, str]],
    participations: Iterable[tuple[str, str, int, bool, float]],
    *,
    venue_contexts: Iterable[tuple[str, str, str]] = (),
    actor_contexts: Iterable[tuple[str, str, str]] = (),
) -> History:
    """A :class:`History` from plain rows.

    ``actors``: (id, type, country); ``venues``: (id, kind); ``participations``: (actor id,
    venue id, day, coordinator, amount); contexts: (venue or actor id, label, label type).

    >>> h = build_history([("a", "company", "ES"), ("b", "research", "FR")], [("p", "project")],
    ...                   [("a", "p", 737000, True, 10.0), ("b", "p", 737000, False, math.nan)])
    >>> h.actors, h.coordinator.tolist()
    (('a', 'b'), [True, False])
    """
    actor_index = {row[0]: i for i, row in enumerate(actors)}
    venue_index = {row[0]: i for i, row in enumerate(venues)}
    rows = [
        (actor_index[a], venue_index[v], d, c, m)
        for a, v, d, c, m in participations
        if a in actor_index and v in venue_index
    ]
    labels: dict[str, int] = {}
    label_type: dict[str, str] = {}

    def pairs(found: Iterable[tuple[str, str, str]], index: dict[str, int]) -> np.ndarray:
        out = []
        for owner, label, kind in found:
            if owner in index:
                out.append((index[owner], labels.setdefault(label, len(labels))))
                label_type.setdefault(label, kind)
        return np.array(sorted(set(out)), dtype=np.int64).reshape(-1, 2)

    venue_context = pairs(venue_contexts, venue_index)
    actor_context = pairs(actor_contexts, actor_index)
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return History(
        tuple(row[0] for row in actors),
        tuple(row[1] for row in actors),
        tuple(row[2] for row in actors),
        tuple(row[0] for row in venues),
        tuple(row[1] for row in venues),
        np.array(columns[0], dtype=np.int64),
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.int64),
        np.array(columns[3], dtype=bool),
        np.array(columns[4], dtype=np.float64),
        tuple(labels),
        tuple(label_type[label] for label in labels),
        venue_context,
        actor_context,
    )


# --- snapshot: the matrices of one day's knowledge ---------------------------------------------

DECAY = 0.8  # Adamic-Adar with time decay: a collaboration loses 20 % of its weight a year
KATZ_BETA = 0.05  # truncated Katz: paths of two and three steps, the longer damped by beta


@dataclass(frozen=True)
class Snapshot:
    """The actor projection and per-actor figures on one day (``day``), from ``history``."""

    history: History
    day: int
    incidence: sp.csr_matrix  # actors x venues, 1 where the actor took part
    together: sp.csr_matrix  # actors x actors: how many venues they share (diagonal 0)
    linked: sp.csr_matrix  # together > 0, as 1.0
    decayed: sp.csr_matrix  # sqrt of the decayed strength of each link
    partners: np.ndarray  # distinct partners per actor
    venues: np.ndarray  # venues per actor
    known: np.ndarray  # bool: the actor took part in something by ``day``
    aa_weight: np.ndarray  # 1 / log(partners), 0 below two partners
    ra_weight: np.ndarray  # 1 / partners
    kind: np.ndarray  # actor -> (type, country) group index
    kind_share: np.ndarray  # actors x groups: share of the actor's partners in each group
    country_share: np.ndarray  # actors x countries
    type_share: np.ndarray  # actors x types
    country_code: np.ndarray
    type_code: np.ndarray
    profile: np.ndarray  # actors x venue contexts, rows of unit length (programme profile)
    place: sp.csr_matrix  # actors x actor contexts, weighted for the typed score
    place_plain: sp.csr_matrix  # actors x actor contexts, 1 where the actor has the context
    complementary: np.ndarray  # types x types: 1.5 for complementary pairs, else 1
    coordinator_share: np.ndarray
    amount: np.ndarray  # log1p of the mean known amount
    recency: np.ndarray  # years since the last dated participation (10 when none)
    recent: np.ndarray  # log1p participations in the year before ``day``
    size: np.ndarray  # log1p mean consortium size
    first_day: np.ndarray  # first dated participation per actor (UNDATED when none)
    best: np.ndarray  # actors x 3: the highest common partners, Adamic-Adar, resource allocation
    met_recently: np.ndarray  # log1p partners met in venues of the year before ``day``


Maxima = Callable[[int, Callable[[], np.ndarray]], np.ndarray]


def snapshot(history: History, day: int, *, maxima: Maxima | None = None) -> Snapshot:
    """The matrices of what ``history`` knew on ``day`` (its :meth:`History.until`).

    ``maxima(day, compute)`` may return the per-actor best figures (:attr:`Snapshot.best`,
    the costliest part on a large network) from a cache, calling ``compute()`` when it holds
    none; the default computes them.
    """
    past = history.until(day)
    n, m = len(history.actors), len(history.venues)
    ones = np.ones(past.actor.size)
    incidence = sp.csr_matrix((ones, (past.actor, past.venue)), shape=(n, m))
    incidence.data[:] = 1.0
    together = (incidence @ incidence.T).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    linked = together.copy()
    linked.data[:] = 1.0
    # The newest day each actor was in each venue gives that participation's age.
    age_years = np.where(past.day == UNDATED, 0.0, (day - past.day) / DAY_PER_YEAR)
    root = sp.csr_matrix(
        (np.sqrt(DECAY ** np.maximum(age_years, 0.0)), (past.actor, past.venue)), shape=(n, m)
    )
    root.sum_duplicates()
    strength = (root @ root.T).tocsr()
    strength.setdiag(0)
    strength.eliminate_zeros()
    decayed = strength.sqrt()
    partners = np.diff(linked.indptr).astype(np.float64)
    venues = np.asarray(incidence.sum(axis=1)).ravel()
    aa_weight = np.where(partners >= 2, 1.0 / np.log(np.maximum(partners, 2)), 0.0)
    ra_weight = np.where(partners >= 1, 1.0 / np.maximum(partners, 1), 0.0)

    countries = sorted(set(history.actor_country))
    types = sorted(set(history.actor_type))
    country_code = np.array([countries.index(c) for c in history.actor_country], dtype=np.int64)
    type_code = np.array([types.index(t) for t in history.actor_type], dtype=np.int64)
    kind = type_code * len(countries) + country_code
    share = sp.diags(np.where(partners > 0, 1.0 / np.maximum(partners, 1), 0.0))
    kind_share = _group_share(linked, share, kind, len(types) * len(countries))
    country_share = _group_share(linked, share, country_code, len(countries))
    type_share = _group_share(linked, share, type_code, len(types))

    contexts = len(history.contexts)
    venue_ctx = sp.csr_matrix(
        (
            np.ones(len(history.venue_context)),
            (history.venue_context[:, 0], history.venue_context[:, 1]),
        ),
        shape=(m, contexts),
    )
    profile = np.asarray((incidence @ venue_ctx).todense(), dtype=np.float64)
    norms = np.linalg.norm(profile, axis=1, keepdims=True)
    profile = np.divide(profile, norms, out=np.zeros_like(profile), where=norms > 0)
    place_plain = sp.csr_matrix(
        (
            np.ones(len(history.actor_context)),
            (history.actor_context[:, 0], history.actor_context[:, 1]),
        ),
        shape=(n, contexts),
    )
    holders = np.asarray(place_plain.sum(axis=0)).ravel()
    weights = np.array(
        [CONTEXT_WEIGHT.get(kind_name, 0.5) for kind_name in history.context_type]
    ) / np.log(np.maximum(holders, 2))
    place = (place_plain @ sp.diags(np.sqrt(weights))).tocsr() if contexts else place_plain
    complementary = np.array(
        [
            [COMPLEMENTARY_FACTOR if frozenset((a, b)) in COMPLEMENTARY else 1.0 for b in types]
            for a in types
        ]
    )

    coordinated = np.bincount(past.actor, weights=past.coordinator, minlength=n)
    per_actor = np.bincount(past.actor, minlength=n).astype(np.float64)
    known = per_actor > 0
    coordinator_share = np.divide(coordinated, per_actor, out=np.zeros(n), where=known)
    has_amount = ~np.isnan(past.amount)
    amount_sum = np.bincount(past.actor[has_amount], weights=past.amount[has_amount], minlength=n)
    amount_count = np.bincount(past.actor[has_amount], minlength=n)
    amount = np.log1p(np.divide(amount_sum, amount_count, out=np.zeros(n), where=amount_count > 0))
    dated = past.day != UNDATED
    last = np.full(n, UNDATED, dtype=np.int64)
    np.maximum.at(last, past.actor[dated], past.day[dated])
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, past.actor[dated], past.day[dated])
    first = np.where(first == np.iinfo(np.int64).max, UNDATED, first)
    recency = np.where(last == UNDATED, 10.0, (day - last) / DAY_PER_YEAR)
    in_last_year = dated & (past.day > day - DAY_PER_YEAR)
    recent = np.log1p(np.bincount(past.actor[in_last_year], minlength=n).astype(np.float64))
    venue_size = np.asarray(incidence.sum(axis=0)).ravel()
    size_sum = np.asarray(incidence @ venue_size).ravel()
    size = np.log1p(np.divide(size_sum, venues, out=np.zeros(n), where=venues > 0))
    return Snapshot(
        history=history,
        day=day,
        incidence=incidence,
        together=together,
        linked=linked,
        decayed=decayed,
        partners=partners,
        venues=venues,
        known=known,
        aa_weight=aa_weight,
        ra_weight=ra_weight,
        kind=kind,
        kind_share=kind_share,
        country_share=country_share,
        type_share=type_share,
        country_code=country_code,
        type_code=type_code,
        profile=profile,
        place=place,
        place_plain=place_plain,
        complementary=complementary,
        coordinator_share=coordinator_share,
        amount=amount,
        recency=recency,
        recent=recent,
        size=size,
        first_day=first,
        best=_best(maxima, day, lambda: _row_maxima(linked, aa_weight, ra_weight, known), n),
        met_recently=_met_recently(past, day, n, m),
    )


def _met_recently(past: History, day: int, n: int, m: int) -> np.ndarray:
    """log1p of how many partners each actor met in venues dated in the year before ``day``."""
    recent = (past.day != UNDATED) & (past.day > day - DAY_PER_YEAR)
    every = sp.csr_matrix((np.ones(past.actor.size), (past.actor, past.venue)), shape=(n, m))
    every.data[:] = 1.0
    fresh = sp.csr_matrix(
        (np.ones(int(recent.sum())), (past.actor[recent], past.venue[recent])), shape=(n, m)
    )
    fresh.data[:] = 1.0
    met = (fresh @ every.T).tocsr()
    met.setdiag(0)
    met.eliminate_zeros()
    return np.log1p(np.diff(met.indptr).astype(np.float64))


def _best(maxima: Maxima | None, day: int, compute: Callable[[], np.ndarray], n: int) -> np.ndarray:
    found = maxima(day, compute) if maxima is not None else compute()
    return found if found.shape == (n, 3) else compute()


def _row_maxima(
    linked: sp.csr_matrix, aa_weight: np.ndarray, ra_weight: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """Per actor, the highest common-partner count, Adamic-Adar and resource allocation it has
    with any other actor: what makes a pair's figure high or low *for that actor*."""
    n = linked.shape[0]
    out = np.zeros((n, 3))
    rows = np.flatnonzero(known & (np.diff(linked.indptr) > 0))
    aa, ra = sp.diags(aa_weight) @ linked, sp.diags(ra_weight) @ linked
    for lo in range(0, rows.size, 256):
        block = rows[lo : lo + 256]
        part = linked[block]
        local = np.arange(block.size)
        for column, right in enumerate((linked, aa, ra)):
            found = (part @ right).tocsr()
            counts = np.diff(found.indptr)
            owner = np.repeat(local, counts)
            values = np.where(found.indices == block[owner], 0.0, found.data)
            filled = counts > 0
            if values.size:
                # Row maxima straight from the stored values (no sorting): values are >= 0.
                top = np.maximum.reduceat(values, found.indptr[:-1][filled])
                out[block[filled], column] = top
    return out


def _group_share(
    linked: sp.csr_matrix, share: sp.spmatrix, group: np.ndarray, groups: int
) -> np.ndarray:
    onehot = sp.csr_matrix(
        (np.ones(group.size), (np.arange(group.size), group)), shape=(group.size, groups)
    )
    return np.asarray((share @ linked @ onehot).todense(), dtype=np.float32)


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
    out[:, :, 13] = snap.kind_share[rows][:, snap.kind]
    out[:, :, 14] = snap.kind_share[:, snap.kind[rows]].T
    out[:, :, 15] = snap.country_share[rows][:, snap.country_code]
    out[:, :, 16] = snap.type_share[rows][:, snap.type_code]
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
        x[:, 13] = snap.kind_share[u, snap.kind[v]]
        x[:, 14] = snap.kind_share[v, snap.kind[u]]
        x[:, 15] = snap.country_share[u, snap.country_code[v]]
        x[:, 16] = snap.type_share[u, snap.type_code[v]]
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


# --- the learned ranker ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSet:
    """Rows to learn from; ``weights`` make the sampled negatives stand for all of them."""

    features: np.ndarray
    labels: np.ndarray
    seeds: int
    positives: int
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))


def new_pairs(history: History, start: int, end: int) -> set[tuple[int, int]]:
    """Pairs of actors that share a venue on a day in ``(start, end]`` and none on or before
    ``start``; both actors known by ``start``. (u < v.)"""
    snap_known = history.until(start)
    known = np.zeros(len(history.actors), dtype=bool)
    known[snap_known.actor] = True
    window = (history.day > start) & (history.day <= end)
    by_venue: dict[int, list[int]] = {}
    for a, v in zip(history.actor[window].tolist(), history.venue[window].tolist(), strict=True):
        if known[a]:
            by_venue.setdefault(v, []).append(a)
    # A venue may have known participants from before the window too: they meet the new ones.
    before = (history.day <= start) & (history.day != UNDATED)
    earlier: dict[int, set[int]] = {}
    for a, v in zip(history.actor[before].tolist(), history.venue[before].tolist(), strict=True):
        if v in by_venue:
            earlier.setdefault(v, set()).add(a)
    past = snapshot_links(history, start)
    found: set[tuple[int, int]] = set()
    for v, members in by_venue.items():
        group = sorted(set(members) | earlier.get(v, set()))
        fresh = set(members)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a in fresh or b in fresh) and (a, b) not in past:
                    found.add((a, b))
    return found


def snapshot_links(history: History, day: int) -> set[tuple[int, int]]:
    """Pairs (u < v) that shared a venue by ``day``."""
    past = history.until(day)
    n, m = len(history.actors), len(history.venues)
    incidence = sp.csr_matrix((np.ones(past.actor.size), (past.actor, past.venue)), shape=(n, m))
    together = sp.triu(incidence @ incidence.T, k=1).tocoo()
    return set(zip(together.row.tolist(), together.col.tolist(), strict=True))


def training_set(
    snap: Snapshot,
    positives: set[tuple[int, int]],
    *,
    seeds: int = 1500,
    random_negatives: int = 200,
    hard_negatives: int = 200,
    seed: int = 0,
    block: int = 32,
) -> TrainingSet:
    """Rows to learn from: for up to ``seeds`` actors that gain partners, every new partner
    (label 1) and, from the actors they did not start working with, the ``hard_negatives`` best
    by Adamic-Adar and ``random_negatives`` drawn at random from the rest (label 0).

    Each random negative is weighted by how many of the rest it stands for, so that the trees
    learn the odds among *all* candidates (unweighted, the over-sampled best-by-Adamic-Adar
    negatives would teach that a high Adamic-Adar is a bad sign). Negative weights are then
    scaled by one constant, five negatives' weight to a positive, which moves every log-odds by
    the same amount and leaves the ranking alone."""
    rng = np.random.default_rng(seed)
    gained: dict[int, set[int]] = {}
    for a, b in positives:
        gained.setdefault(a, set()).add(b)
        gained.setdefault(b, set()).add(a)
    chosen = np.array(sorted(gained), dtype=np.int64)
    if chosen.size > seeds:
        chosen = np.sort(rng.choice(chosen, seeds, replace=False))
    blocks_x, blocks_y, blocks_w = [], [], []
    for lo in range(0, chosen.size, block):
        rows = chosen[lo : lo + block]
        features = row_features(snap, rows)
        mask = candidate_mask(snap, rows)
        for j, u in enumerate(rows.tolist()):
            good = np.array(sorted(gained[u]), dtype=np.int64)
            good = good[mask[j, good]]
            pool = mask[j].copy()
            pool[good] = False
            candidates = np.flatnonzero(pool)
            if candidates.size == 0 or good.size == 0:
                continue
            aa = features[j, candidates, COLUMN["adamic_adar"]]
            ranked = np.argsort(-aa, kind="stable")
            hard = candidates[ranked[:hard_negatives]]
            rest = candidates[ranked[hard_negatives:]]
            picked = rng.choice(rest, min(random_negatives, rest.size), replace=False)
            blocks_x += [features[j, good], features[j, hard], features[j, picked]]
            blocks_y += [np.ones(good.size), np.zeros(hard.size), np.zeros(picked.size)]
            blocks_w += [
                np.ones(good.size),
                np.ones(hard.size),
                np.full(picked.size, rest.size / max(picked.size, 1)),
            ]
    if not blocks_x:
        return TrainingSet(np.zeros((0, len(FEATURES)), np.float32), np.zeros(0), 0, 0)
    labels = np.concatenate(blocks_y)
    weights = np.concatenate(blocks_w)
    negative = labels == 0
    if negative.any() and labels.sum() > 0:
        weights[negative] *= 5.0 * labels.sum() / weights[negative].sum()
    return TrainingSet(
        np.concatenate(blocks_x), labels, int(chosen.size), int(labels.sum()), weights
    )


@dataclass(frozen=True)
class RankerSettings:
    """How the trees are grown (the validation year chooses among a few)."""

    learning_rate: float = 0.1
    max_iter: int = 200
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0
    seed: int = 0

    def describe(self) -> str:
        return (
            f"{self.max_iter} trees of up to {self.max_leaf_nodes} leaves, learning rate "
            f"{self.learning_rate}"
        )


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted trees as arrays: predicts log-odds without scikit-learn.

    Nodes of every tree are stacked; ``roots[t]`` is tree t's first node. For node i:
    ``feature[i]``, ``threshold[i]`` (go left when ``x <= threshold`` or, for a missing value,
    when ``missing_left[i]``), ``left[i]``/``right[i]`` (absolute indexes), ``leaf[i]`` and
    ``value[i]`` (a leaf's log-odds contribution).
    """

    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    importance: np.ndarray  # per feature: total gain of the splits on it

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of each row of ``x`` (``(rows, F)``)."""
        x = np.asarray(x, dtype=np.float64)
        rows = x.shape[0]
        total = np.full(rows, self.baseline)
        everyone = np.arange(rows)
        for root in self.roots.tolist():
            node = np.full(rows, root, dtype=np.int64)
            active = everyone[~self.leaf[node]]
            while active.size:
                at = node[active]
                values = x[active, self.feature[at]]
                go_left = np.where(
                    np.isnan(values), self.missing_left[at], values <= self.threshold[at]
                )
                node[active] = np.where(go_left, self.left[at], self.right[at])
                active = active[~self.leaf[node[active]]]
            total += self.value[node]
        return total

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(x)))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "baseline": np.array([self.baseline]),
            "roots": self.roots,
            "feature": self.feature,
            "threshold": self.threshold,
            "missing_left": self.missing_left,
            "left": self.left,
            "right": self.right,
            "leaf": self.leaf,
            "value": self.value,
            "importance": self.importance,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TreeModel:
        """The model of :meth:`to_arrays`; ValueError when the arrays do not make one."""
        model = cls(
            baseline=float(arrays["baseline"][0]),
            roots=np.asarray(arrays["roots"], dtype=np.int64),
            feature=np.asarray(arrays["feature"], dtype=np.int64),
            threshold=np.asarray(arrays["threshold"], dtype=np.float64),
            missing_left=np.asarray(arrays["missing_left"], dtype=bool),
            left=np.asarray(arrays["left"], dtype=np.int64),
            right=np.asarray(arrays["right"], dtype=np.int64),
            leaf=np.asarray(arrays["leaf"], dtype=bool),
            value=np.asarray(arrays["value"], dtype=np.float64),
            importance=np.asarray(arrays["importance"], dtype=np.float64),
        )
        nodes = model.feature.size
        sizes = {model.threshold.size, model.missing_left.size, model.left.size}
        sizes |= {model.right.size, model.leaf.size, model.value.size}
        if sizes != {nodes} or model.importance.size != len(FEATURES):
            raise ValueError("tree arrays of different lengths")
        inner = ~model.leaf
        if (
            (model.roots < 0).any()
            or (model.roots >= max(nodes, 1)).any()
            or (model.feature[inner] < 0).any()
            or (model.feature[inner] >= len(FEATURES)).any()
            or (model.left[inner] <= np.flatnonzero(inner)).any()
            or (model.right[inner] <= np.flatnonzero(inner)).any()
            or (model.left[inner] >= nodes).any()
            or (model.right[inner] >= nodes).any()
        ):
            raise ValueError("tree arrays that do not form trees")
        return model


def train_ranker(data: TrainingSet, settings: RankerSettings = RankerSettings()) -> TreeModel:
    """Fit gradient-boosted trees on ``data`` and return them as a :class:`TreeModel`."""
    return tree_model(fit_classifier(data, settings))


def fit_classifier(data: TrainingSet, settings: RankerSettings = RankerSettings()) -> Any:
    """scikit-learn's histogram gradient boosting (log loss) fitted on ``data``.

    Its probabilities rank the candidates; it installs from wheels that carry their own OpenMP
    runtime. :func:`tree_model` turns it into plain arrays.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    if data.labels.size == 0 or data.labels.min() == data.labels.max():
        raise ValueError("the training rows need both new partners and non-partners")
    classifier = HistGradientBoostingClassifier(
        learning_rate=settings.learning_rate,
        max_iter=settings.max_iter,
        max_leaf_nodes=settings.max_leaf_nodes,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
        random_state=settings.seed,
    )
    weights = data.weights if data.weights.size == data.labels.size else None
    classifier.fit(data.features, data.labels.astype(int), sample_weight=weights)
    return classifier


def tree_model(classifier: Any) -> TreeModel:
    """The trees of a fitted ``HistGradientBoostingClassifier`` (binary, numeric features) as a
    :class:`TreeModel`: the same log-odds, as data."""
    roots, parts = [], []
    offset = 0
    importance = np.zeros(len(FEATURES))
    for (predictor,) in classifier._predictors:
        nodes = predictor.nodes
        roots.append(offset)
        parts.append((nodes, offset))
        inner = nodes["is_leaf"] == 0
        np.add.at(importance, nodes["feature_idx"][inner], nodes["gain"][inner])
        offset += nodes.size
    if parts:
        nodes_all = np.concatenate([nodes for nodes, _ in parts])
        shift = np.concatenate([np.full(nodes.size, off) for nodes, off in parts])
    else:
        nodes_all = np.zeros(0, dtype=[("x", "f8")])
        shift = np.zeros(0, dtype=np.int64)
    leaf = nodes_all["is_leaf"].astype(bool) if parts else np.zeros(0, bool)
    return TreeModel(
        baseline=float(np.ravel(classifier._baseline_prediction)[0]),
        roots=np.array(roots, dtype=np.int64),
        feature=nodes_all["feature_idx"].astype(np.int64) if parts else np.zeros(0, np.int64),
        threshold=nodes_all["num_threshold"].astype(np.float64) if parts else np.zeros(0),
        missing_left=nodes_all["missing_go_to_left"].astype(bool) if parts else np.zeros(0, bool),
        left=np.where(leaf, 0, nodes_all["left"].astype(np.int64) + shift) if parts else shift,
        right=np.where(leaf, 0, nodes_all["right"].astype(np.int64) + shift) if parts else shift,
        leaf=leaf,
        value=np.where(leaf, nodes_all["value"], 0.0) if parts else np.zeros(0),
        importance=importance / importance.sum() if importance.sum() > 0 else importance,
    )


def contributions(
    model: TreeModel, x: np.ndarray, reference: np.ndarray, groups: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """How much each feature group lifts each row's log-odds: the drop when the group's columns
    take the ``reference`` values (the median candidate). ``(rows, len(groups))``."""
    base = model.decision(x)
    out = np.zeros((x.shape[0], len(groups)))
    for g, names in enumerate(groups.values()):
        changed = x.copy()
        for name in names:
            changed[:, COLUMN[name]] = reference[COLUMN[name]]
        out[:, g] = base - model.decision(changed)
    return out


LOOK_BACK_YEARS = 5


def label_window(
    history: History, *, min_pairs: int = 200
) -> tuple[tuple[int, int, set[tuple[int, int]]] | None, str]:
    """The most recent year (of the last :data:`LOOK_BACK_YEARS`, counted back from the last
    dated participation) with at least ``min_pairs`` first collaborations to learn from: its
    start, end and pairs; or None and why not."""
    last = history.last_day
    if last == UNDATED:
        return None, "no dated participations"
    most = 0
    for back in range(LOOK_BACK_YEARS):
        end = last - round(back * DAY_PER_YEAR)
        start = end - round(DAY_PER_YEAR)
        pairs = new_pairs(history, start, end)
        if len(pairs) >= min_pairs:
            return (start, end, pairs), ""
        most = max(most, len(pairs))
    return None, (
        f"at most {most} first collaborations in a year of the data "
        f"(at least {min_pairs} are needed to learn from)"
    )


def enough_history(history: History, *, min_pairs: int = 200) -> tuple[bool, str]:
    """Whether ``history`` has a year of first collaborations to learn from, and why not."""
    window, why = label_window(history, min_pairs=min_pairs)
    return window is not None, why


def fit_on_history(
    history: History,
    settings: RankerSettings = RankerSettings(),
    *,
    seeds: int = 1500,
    min_pairs: int = 200,
) -> TreeModel:
    """A ranker learned from the most recent year of first collaborations in ``history``
    (:func:`label_window`), the features taken on the day before that year began."""
    window, why = label_window(history, min_pairs=min_pairs)
    if window is None:
        raise ValueError(why)
    start, _end, positives = window
    data = training_set(snapshot(history, start), positives, seeds=seeds)
    return train_ranker(data, settings)


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


# The settings the product learns with: those the H2020 validation year chose
# (docs/link-prediction.md).
PRODUCT_SETTINGS = RankerSettings(max_iter=100, max_leaf_nodes=31)
