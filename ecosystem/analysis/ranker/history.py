"""The collaboration history: who took part in which venue, on which day (:class:`History`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

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
    # Per venue, the day it ends (the latest end of its relations; UNDATED when one has none),
    # or no day at all (an empty array) when the history was not told them.
    venue_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

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
            self.venue_end,
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
    venue_ends: Mapping[str, int] | None = None,
) -> History:
    """A :class:`History` from plain rows.

    ``actors``: (id, type, country); ``venues``: (id, kind); ``participations``: (actor id,
    venue id, day, coordinator, amount); contexts: (venue or actor id, label, label type);
    ``venue_ends``: the day each venue ends (UNDATED for one not named), when they are known.

    >>> h = build_history([("a", "company", "ES"), ("b", "research", "FR")], [("p", "project")],
    ...                   [("a", "p", 737000, True, 10.0), ("b", "p", 737000, False, float("nan"))])
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
        np.zeros(0, np.int64)
        if venue_ends is None
        else np.array([venue_ends.get(row[0], UNDATED) for row in venues], dtype=np.int64),
    )
