"""What is worked out once per network (:func:`prepare`) and how candidates are scored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import networkx as nx
import numpy as np

from ecosystem.analysis.paths import PathIndex, path_index
from ecosystem.analysis.ranker import (
    COLUMN,
    FALLBACK,
    HEURISTIC_NAMES,
    HEURISTICS,
    UNDATED,
    History,
    Maxima,
    Snapshot,
    TreeModel,
    iso,
    row_features,
    snapshot,
)
from ecosystem.analysis.synergy.history import history_from_view, view_until
from ecosystem.analysis.synergy.shapes import SynergyQueryError
from ecosystem.analysis.timeline import DateError, parse_when

# The ranker's reasons weigh each figure against the median candidate's: the median of at most
# this many pairs of a few actors with all their candidates.
REFERENCE_PAIRS = 20_000


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
    # Each (actor, venue) pair that took part as ``actor * len(venues) + venue``, sorted, and the
    # first known day of taking part there (:func:`first_days`).
    visits: np.ndarray
    visit_day: np.ndarray

    @cached_property
    def paths(self) -> PathIndex:
        """The compiled path search of :attr:`view`
        (:func:`~ecosystem.analysis.paths.path_index`) for the candidates whose reasons give no
        path, made when the first needs it and kept for every query on this network."""
        return path_index(self.view)


RankerFactory = Callable[[History, int], tuple[TreeModel | None, str]]
# The collaboration history of a network as of a day (None: all of it), worked out or read.
HistoryFactory = Callable[[nx.Graph, int | None], History]


def as_of_day(as_of: str | date) -> int:
    """The ordinal day of an as-of date: a partial one means the end of its period, as the
    network as of a date has it (:func:`ecosystem.analysis.timeline.parse_when`)."""
    if isinstance(as_of, date):
        return as_of.toordinal()
    try:
        return parse_when(str(as_of)).toordinal()
    except DateError as error:
        raise SynergyQueryError(f"--as-of: {error}") from None


def prepare(
    view: nx.Graph,
    *,
    as_of: str | date | None = None,
    ranker: RankerFactory | None = None,
    maxima: Maxima | None = None,
    history_of: HistoryFactory | None = None,
) -> SynergyIndex:
    """Everything synergy queries on ``view`` share. ``as_of`` (a date, or ``YYYY[-MM[-DD]]``
    meaning the end of that period) leaves out the relations that start after it, for the
    ranker too. ``ranker(history, day)`` gives the model and, when it gives none, why
    (:func:`ecosystem.cache.synergy_ranker` learns and caches one); without it the heuristic
    ranks. ``maxima`` keeps the costliest per-actor figures
    (:func:`ecosystem.cache.synergy_maxima`). ``history_of(view, day)`` gives the collaboration
    history of the view as of that day (None: all of it;
    :func:`ecosystem.history_cache.synergy_history` reads and keeps it in the cache); without
    it the history is worked out (:func:`history_from_view`)."""
    cut: int | None = None
    if as_of is not None:
        day = cut = as_of_day(as_of)
        view = view_until(view, day)
    history = history_of(view, cut) if history_of is not None else history_from_view(view)
    if as_of is None:
        last, today = history.last_day, date.today().toordinal()
        day = today if last == UNDATED else max(last, today)
        # The whole history is known: the ranker learnt on it is that of its last dated day,
        # whatever today's date, and the cache keeps it under that day.
        learned_on = day if last == UNDATED else last
    else:
        learned_on = day
    model, why = (None, "no model given") if ranker is None else ranker(history, learned_on)
    snap = snapshot(history, day, maxima=maxima)
    open_venue = _open_venues(view, history, day)
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
        pairs = rows.reshape(-1, rows.shape[-1])
        # Every so many of those pairs: the median of 20,000 of 280,000 on the H2020 network
        # (5 ms instead of 130; 3 of 36 figures differ, by under a tenth).
        reference = np.median(pairs[:: max(1, len(pairs) // REFERENCE_PAIRS)], axis=0)
    visits, visit_day = first_days(history.until(day), len(history.venues))
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
        visits=visits,
        visit_day=visit_day,
    )


def first_days(past: History, venues: int) -> tuple[np.ndarray, np.ndarray]:
    """Each (actor, venue) pair of ``past`` (of ``venues`` venues) as
    ``actor * venues + venue``, sorted, and the first day the actor took part there: undated
    (:data:`UNDATED`) when any of its participations there is."""
    keys = past.actor * venues + past.venue
    order = np.lexsort((past.day, keys))  # UNDATED (-1) sorts before every day
    keys, days = keys[order], past.day[order]
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], days[first]


def visit_days(index: SynergyIndex, actor: int, venues: Sequence[int]) -> list[int]:
    """The first day ``actor`` took part in each of ``venues`` (:data:`UNDATED` when undated or
    never)."""
    keys = index.visits
    wanted = actor * len(index.history.venues) + np.asarray(venues, dtype=np.int64)
    if not keys.size:
        return [UNDATED] * wanted.size
    at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[at] == wanted, index.visit_day[at], UNDATED).tolist()


def _open_venues(view: nx.Graph, history: History, day: int) -> np.ndarray:
    """Whether each venue of ``history`` is open on ``day``: a project, event or platform (not
    a direct relation) that has not ended by then. Its end is the history's, or, for a history
    told none, the one :func:`history_from_view` works out from ``view``."""
    real = np.array([kind != "relation" for kind in history.venue_kind], dtype=bool)
    ends = history.venue_end
    if ends.size != len(history.venues):
        worked = history_from_view(view)
        found = dict(zip(worked.venues, worked.venue_end.tolist(), strict=True))
        ends = np.array([found.get(venue, UNDATED) for venue in history.venues], dtype=np.int64)
    return real & ((ends == UNDATED) | (ends >= day))


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
