"""The collaboration history partner suggestions are worked out from
(:func:`~ecosystem.analysis.synergy.history.history_from_view`), kept in the cache so that a
server's first Synergy list and the ``synergy`` command read it instead of walking every
relation again (most of a second on the H2020 network).

Stored as a NumPy ``.npz`` read with ``allow_pickle=False`` (texts as Unicode arrays, nothing
that can run code) under the key of the network (:func:`ecosystem.cachefiles.cache_key`) and
the day it is cut at. A file is used only when every part has its type and length, every index
points inside what it indexes, its actors and venues are the network's own entities, with the
types and countries the network gives them, and it unpacks to no more than a history of that
network can take (:func:`size_bound`); anything else is ignored, and the history worked out
again and stored anew.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from ecosystem.analysis.ranker.history import ACTOR_TYPES, UNDATED, VENUE_TYPES, History
from ecosystem.analysis.synergy.index import HistoryFactory
from ecosystem.cachefiles import cache_key, cache_path, npz, read_cache_file, size_limit, write_file

# Bump when the history's parts or how they are stored change.
HISTORY_FORMAT = 2
KIND = "synergy-history"
TEXTS = (
    "actors",
    "actor_type",
    "actor_country",
    "venues",
    "venue_kind",
    "contexts",
    "context_type",
)
NUMBERS = {
    "actor": np.int64,
    "venue": np.int64,
    "day": np.int64,
    "coordinator": np.bool_,
    "amount": np.float64,
}
PAIRS = ("venue_context", "actor_context")
ENDS = "venue_end"  # one day per venue

log = logging.getLogger(__name__)


def synergy_history(
    graph: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> HistoryFactory:
    """A history factory for :func:`ecosystem.analysis.synergy.prepare`: ``history(view, day)``
    is the collaboration history of ``view``, which is ``graph`` as of ``day`` (None: all of
    it), read from the cache folder ``directory`` (default
    :func:`ecosystem.cachefiles.cache_dir`) when it holds it, else worked out and stored there;
    ``use_cache=False`` neither reads nor writes it."""

    def history(view: nx.Graph, day: int | None) -> History:
        from ecosystem.analysis.synergy.history import history_from_view

        day_key = "all" if day is None else day
        key = cache_key(graph, KIND, format=HISTORY_FORMAT, day=day_key) if use_cache else None
        if key is None:
            return history_from_view(view)
        path = cache_path(directory, KIND, key, ".npz")
        found = read_history(path, key, view)
        if found is None:
            found = history_from_view(view)
            write_history(path, key, found)
        return found

    return history


def write_history(path: Path, key: str, history: History) -> bool:
    """Store ``history`` under ``key`` as :func:`read_history` reads it back."""
    arrays: dict[str, Any] = {name: np.array(getattr(history, name), dtype=str) for name in TEXTS}
    arrays |= {name: getattr(history, name) for name in (*NUMBERS, *PAIRS, ENDS)}
    arrays["meta"] = np.array(json.dumps({"key": key, "format": HISTORY_FORMAT}))
    return write_file(path, lambda handle: np.savez(handle, **arrays))


TEXT_FIELDS = ("type", "country")  # what the history holds of each entity besides its id


def size_bound(view: nx.Graph) -> int:
    """The most bytes the history of ``view`` takes unpacked: a file that would unpack to more
    is refused before it is read. Texts are stored at the width of the longest of their kind,
    and a direct relation's venue is named after both its ends: every text is bounded by twice
    the longest id, type or country, and there are at most seven per entity and four per link;
    participations, contexts and the venues' ends take at most a hundred bytes per entity and
    per link."""
    texts = {str(data.get(name, "")) for data in view._node.values() for name in TEXT_FIELDS}
    longest = max(max(map(len, map(str, view)), default=0), max(map(len, texts), default=0))
    width = 4 * (2 * longest + 16)  # four bytes a character
    nodes, links = view.number_of_nodes(), view.number_of_edges()
    return size_limit(nodes, per_node=100) + (7 * nodes + 4 * links) * width + 100 * links


def read_history(path: Path, key: str, view: nx.Graph) -> History | None:
    """The history stored in ``path`` under ``key`` for ``view``; None when the file is missing,
    damaged, for another key or network, or not shaped as :func:`write_history` writes it."""
    limit = size_bound(view)
    raw = read_cache_file(path, limit)
    if raw is None:
        return None
    try:
        with npz(raw, limit) as stored:
            meta = json.loads(str(stored["meta"]))
            if not isinstance(meta, dict) or meta.get("key") != key:
                log.warning("ignoring synergy history %s: it was made for other data", path)
                return None
            texts = {name: stored[name] for name in TEXTS}
            numbers = {name: stored[name] for name in (*NUMBERS, *PAIRS, ENDS)}
    except Exception as error:  # a damaged file of any kind: work it out again
        log.warning("ignoring unreadable synergy history %s: %s", path, error)
        return None
    found = _history(texts, numbers, view)
    if found is None:
        log.warning("ignoring synergy history %s: it is not this network's", path)
    return found


def _history(
    texts: dict[str, np.ndarray], numbers: dict[str, np.ndarray], view: nx.Graph
) -> History | None:
    """The :class:`History` these arrays hold, when they hold one of ``view``."""
    if not all(array.ndim == 1 and array.dtype.kind == "U" for array in texts.values()):
        return None
    if not all(
        numbers[name].dtype == dtype and numbers[name].ndim == 1 for name, dtype in NUMBERS.items()
    ):
        return None
    if not all(
        numbers[name].dtype == np.int64 and numbers[name].ndim == 2 and numbers[name].shape[1] == 2
        for name in PAIRS
    ):
        return None
    ends = numbers[ENDS]
    if ends.dtype != np.int64 or ends.ndim != 1 or (ends.size and int(ends.min()) < UNDATED):
        return None
    told = {name: tuple(array.tolist()) for name, array in texts.items()}
    actors, venues, contexts = told["actors"], told["venues"], told["contexts"]
    if not (
        len(actors) == len(told["actor_type"]) == len(told["actor_country"])
        and len(venues) == len(told["venue_kind"])
        and len(contexts) == len(told["context_type"])
        and len({numbers[name].size for name in NUMBERS}) == 1
        and ends.size == len(venues)
    ):
        return None
    if not (
        _within(numbers["actor"], len(actors))
        and _within(numbers["venue"], len(venues))
        and _within(numbers["venue_context"][:, 0], len(venues))
        and _within(numbers["actor_context"][:, 0], len(actors))
        and _within(numbers["venue_context"][:, 1], len(contexts))
        and _within(numbers["actor_context"][:, 1], len(contexts))
    ):
        return None
    # The network's own actors and venues, in the order they are worked out in: the actors and
    # the venues by id, then one venue per direct relation between two actors.
    nodes = view._node  # the attribute dicts by id (networkx's documented structure)
    own_actors = sorted(node for node, data in nodes.items() if data.get("type") in ACTOR_TYPES)
    own_venues = sorted(node for node, data in nodes.items() if data.get("type") in VENUE_TYPES)
    places = len(own_venues)
    if list(actors) != own_actors or list(venues[:places]) != own_venues:
        return None
    told_actors = list(map(nodes.__getitem__, actors))
    if (
        _field(told_actors, "type") != told["actor_type"]
        or tuple(map(str, _field(told_actors, "country", ""))) != told["actor_country"]
        or _field(map(nodes.__getitem__, own_venues), "type") != told["venue_kind"][:places]
    ):
        return None
    if not all(
        kind == "relation" and venue.startswith("relation:")
        for venue, kind in zip(venues[places:], told["venue_kind"][places:], strict=True)
    ):
        return None
    return History(
        actors,
        told["actor_type"],
        told["actor_country"],
        venues,
        told["venue_kind"],
        numbers["actor"],
        numbers["venue"],
        numbers["day"],
        numbers["coordinator"],
        numbers["amount"],
        contexts,
        told["context_type"],
        numbers["venue_context"],
        numbers["actor_context"],
        ends,
    )


def _field(records: Iterable[dict], name: str, default: Any = None) -> tuple:
    """``record.get(name, default)`` of each record, in order."""
    return tuple(map(dict.get, records, repeat(name), repeat(default)))


def _within(values: np.ndarray, size: int) -> bool:
    return not values.size or (int(values.min()) >= 0 and int(values.max()) < size)
