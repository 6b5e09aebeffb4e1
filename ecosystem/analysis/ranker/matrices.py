"""The matrices of one day's knowledge of a history (:func:`snapshot`)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ecosystem.analysis.ranker.history import (
    COMPLEMENTARY,
    COMPLEMENTARY_FACTOR,
    CONTEXT_WEIGHT,
    DAY_PER_YEAR,
    UNDATED,
    History,
)

# SciPy is imported where it is used: the explorer's start does without its 0.13 s.
if TYPE_CHECKING:
    import scipy.sparse as sp

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
    kind: np.ndarray  # actor -> its (type, country) group, numbered among the groups actors have
    kind_share: sp.csr_matrix  # actors x groups: share of the actor's partners in each group
    country_share: sp.csr_matrix  # actors x countries
    type_share: sp.csr_matrix  # actors x types
    country_code: np.ndarray
    type_code: np.ndarray
    profile: np.ndarray  # actors x venue contexts, rows of unit length (programme profile)
    profile_context: np.ndarray  # the context (index into history.contexts) of each column
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


def row_of(matrix: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Row ``i`` of a CSR matrix as its column indices and values (views into it): what
    ``matrix[i]`` holds, without building a one-row matrix, which costs tens of microseconds
    (a suggestion's reasons read hundreds of rows)."""
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def snapshot(history: History, day: int, *, maxima: Maxima | None = None) -> Snapshot:
    """The matrices of what ``history`` knew on ``day`` (its :meth:`History.until`).

    ``maxima(known, compute)`` may return the per-actor best figures (:attr:`Snapshot.best`,
    the costliest part on a large network) from a cache, calling ``compute()`` when it holds
    none; the default computes them. ``known`` is the last dated day of what is known on
    ``day``: the figures are the same on every day from it until the next participation.
    """
    past = history.until(day)
    known_on = past.last_day if past.last_day != UNDATED else day
    n, m = len(history.actors), len(history.venues)
    links = _links(past, day, n, m)
    linked, incidence = links["linked"], links["incidence"]
    weights = _partner_weights(linked)
    aa_weight, ra_weight = weights["aa_weight"], weights["ra_weight"]
    activity = _activity(past, day, n, incidence)
    known = activity["known"]
    return Snapshot(
        history=history,
        day=day,
        **links,
        **weights,
        **_kinds(history, linked, weights["partners"]),
        **_contexts(history, incidence, n, m),
        **activity,
        best=_best(maxima, known_on, lambda: _row_maxima(linked, aa_weight, ra_weight, known), n),
        met_recently=_met_recently(past, day, n, m),
    )


def _links(past: History, day: int, n: int, m: int) -> dict[str, sp.csr_matrix]:
    """Who took part where (``incidence``), how many venues each pair shares (``together``),
    whether they share any (``linked``) and the time-decayed strength of each link."""
    import scipy.sparse as sp

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
    return {
        "incidence": incidence,
        "together": together,
        "linked": linked,
        "decayed": strength.sqrt(),
    }


def _partner_weights(linked: sp.csr_matrix) -> dict[str, np.ndarray]:
    """Partners per actor and the Adamic-Adar and resource-allocation weights they give."""
    partners = np.diff(linked.indptr).astype(np.float64)
    return {
        "partners": partners,
        "aa_weight": np.where(partners >= 2, 1.0 / np.log(np.maximum(partners, 2)), 0.0),
        "ra_weight": np.where(partners >= 1, 1.0 / np.maximum(partners, 1), 0.0),
    }


def _kinds(history: History, linked: sp.csr_matrix, partners: np.ndarray) -> dict[str, np.ndarray]:
    """Each actor's type and country codes, and the shares of its partners of each kind."""
    import scipy.sparse as sp

    countries = sorted(set(history.actor_country))
    types = sorted(set(history.actor_type))
    country_number = {country: number for number, country in enumerate(countries)}
    type_number = {kind_name: number for number, kind_name in enumerate(types)}
    country_code = np.array([country_number[c] for c in history.actor_country], dtype=np.int64)
    type_code = np.array([type_number[t] for t in history.actor_type], dtype=np.int64)
    # A kind is a (type, country) pair some actor has: numbered among those, not among every
    # pair (on H2020, a few hundred of the 1,190 types times countries).
    groups, kind = np.unique(type_code * len(countries) + country_code, return_inverse=True)
    kind = kind.ravel().astype(np.int64)
    # Each partner counts 1 / (the actor's partners) towards the share of its group.
    weighted = sp.diags(np.where(partners > 0, 1.0 / np.maximum(partners, 1), 0.0)) @ linked
    return {
        "kind": kind,
        "kind_share": _group_share(weighted, kind, groups.size),
        "country_share": _group_share(weighted, country_code, len(countries)),
        "type_share": _group_share(weighted, type_code, len(types)),
        "country_code": country_code,
        "type_code": type_code,
        "complementary": np.array(
            [
                [COMPLEMENTARY_FACTOR if frozenset((a, b)) in COMPLEMENTARY else 1.0 for b in types]
                for a in types
            ]
        ),
    }


def _contexts(history: History, incidence: sp.csr_matrix, n: int, m: int) -> dict[str, Any]:
    """The programme profile of each actor (unit rows, one column per context a venue has:
    the places only actors have would be columns of zeros) and its places, plain and weighted
    for the typed score."""
    import scipy.sparse as sp

    contexts = len(history.contexts)
    columns, column = np.unique(history.venue_context[:, 1], return_inverse=True)
    venue_ctx = sp.csr_matrix(
        (np.ones(len(history.venue_context)), (history.venue_context[:, 0], column.ravel())),
        shape=(m, columns.size),
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
    return {
        "profile": profile,
        "profile_context": columns.astype(np.int64),
        "place": place,
        "place_plain": place_plain,
    }


def _activity(past: History, day: int, n: int, incidence: sp.csr_matrix) -> dict[str, np.ndarray]:
    """Per actor: whether it is known, how often it coordinated, its mean amount, how recent
    and how busy it was, its first dated day and its mean consortium size."""
    venues = np.asarray(incidence.sum(axis=1)).ravel()
    coordinated = np.bincount(past.actor, weights=past.coordinator, minlength=n)
    per_actor = np.bincount(past.actor, minlength=n).astype(np.float64)
    known = per_actor > 0
    has_amount = ~np.isnan(past.amount)
    amount_sum = np.bincount(past.actor[has_amount], weights=past.amount[has_amount], minlength=n)
    amount_count = np.bincount(past.actor[has_amount], minlength=n)
    dated = past.day != UNDATED
    last = np.full(n, UNDATED, dtype=np.int64)
    np.maximum.at(last, past.actor[dated], past.day[dated])
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, past.actor[dated], past.day[dated])
    in_last_year = dated & (past.day > day - DAY_PER_YEAR)
    venue_size = np.asarray(incidence.sum(axis=0)).ravel()
    size_sum = np.asarray(incidence @ venue_size).ravel()
    return {
        "venues": venues,
        "known": known,
        "coordinator_share": np.divide(coordinated, per_actor, out=np.zeros(n), where=known),
        "amount": np.log1p(
            np.divide(amount_sum, amount_count, out=np.zeros(n), where=amount_count > 0)
        ),
        "recency": np.where(last == UNDATED, 10.0, (day - last) / DAY_PER_YEAR),
        "recent": np.log1p(np.bincount(past.actor[in_last_year], minlength=n).astype(np.float64)),
        "size": np.log1p(np.divide(size_sum, venues, out=np.zeros(n), where=venues > 0)),
        "first_day": np.where(first == np.iinfo(np.int64).max, UNDATED, first),
    }


def _met_recently(past: History, day: int, n: int, m: int) -> np.ndarray:
    """log1p of how many partners each actor met in venues dated in the year before ``day``."""
    import scipy.sparse as sp

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


# Actors in the blocks worked out at once: their three products hold about 200 MB on H2020,
# whatever the number of threads they are shared among.
MAXIMA_ROWS = 256
# A container's CPU quota (cgroup v2): a share of the host's cores, which affinity does not tell.
CPU_QUOTA = Path("/sys/fs/cgroup/cpu.max")


def _row_maxima(
    linked: sp.csr_matrix, aa_weight: np.ndarray, ra_weight: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """Per actor, the highest common-partner count, Adamic-Adar and resource allocation it has
    with any other actor: what makes a pair's figure high or low *for that actor*.

    Worked out by blocks of actors on as many threads as the process may use (up to four, the
    blocks smaller with more threads so that the memory they hold is the same): SciPy's sparse
    products run without Python's lock, so on H2020 two cores take 3.8 s a day instead of 7.4 s.
    The numbers are those of one thread: each block is worked out alone."""
    import scipy.sparse as sp

    n = linked.shape[0]
    out = np.zeros((n, 3))
    rows = np.flatnonzero(known & (np.diff(linked.indptr) > 0))
    aa, ra = sp.diags(aa_weight) @ linked, sp.diags(ra_weight) @ linked
    threads = _threads()
    size = max(1, MAXIMA_ROWS // threads)
    blocks = [rows[lo : lo + size] for lo in range(0, rows.size, size)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        found = pool.map(lambda block: _block_maxima(block, linked, aa, ra), blocks)
        for block, maxima in zip(blocks, found, strict=True):
            out[block] = maxima
    return out


def _block_maxima(
    block: np.ndarray, linked: sp.csr_matrix, aa: sp.csr_matrix, ra: sp.csr_matrix
) -> np.ndarray:
    """:func:`_row_maxima` of the actors ``block``: ``(len(block), 3)``."""
    out = np.zeros((block.size, 3))
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
            out[filled, column] = np.maximum.reduceat(values, found.indptr[:-1][filled])
    return out


def _threads(quota_file: Path = CPU_QUOTA) -> int:
    """How many threads a sparse computation may run on: the cores this process may use, fewer
    when its cgroup's CPU quota (``quota_file``, cgroup v2's ``cpu.max``) allows fewer, and at
    most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = quota_file.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError, ZeroDivisionError):  # no cgroup v2 quota to read
        pass
    return max(1, min(4, cores))


def _group_share(weighted: sp.spmatrix, group: np.ndarray, groups: int) -> sp.csr_matrix:
    """Actors x groups (float32): the sum of each actor's ``weighted`` links to the actors of
    each group (``group[actor]``). Kept sparse: on H2020 an actor has partners in a few of the
    489 groups, and the dense table (70 MB) took longer to fill than the product."""
    import scipy.sparse as sp

    onehot = sp.csr_matrix(
        (np.ones(group.size), (np.arange(group.size), group)), shape=(group.size, groups)
    )
    shares = (weighted @ onehot).tocsr()  # one entry per (actor, group) it has partners in
    shares.sort_indices()
    return shares.astype(np.float32)
