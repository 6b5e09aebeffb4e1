"""The network as of a date: what had begun by then, what had already ended, what came later.

Relations carry partial ISO dates in ``start`` and ``end`` (``2023``, ``2023-06``, ``2023-06-15``,
or nothing). A start means the first day of its period, an end the last day
(:func:`ecosystem.schema.date_period`, the one place dates are read). A date asked about means
the *end* of its period: "as of 2016" is 2016-12-31 (:func:`parse_when`).

On a day ``when``, a relation

- has begun when it starts on or before ``when``, or has no start (undated relations are always
  there: nothing says they came later);
- is *past* when it ends before ``when`` (one that ends on ``when`` still holds).

:func:`as_of` keeps the relations that have begun, past ones marked ``past=True`` (or left out),
and the entities they link; nothing that began later is seen. Everything is pure: the graph given
is never changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from typing import TypedDict

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.schema import DATE_FORMS, date_period, relation_key


class DateError(EcosystemError):
    """A date that cannot be read as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""


class YearCounts(TypedDict):
    """Relations per year by type, for a timeline chart (one bar series per type)."""

    years: list[int]  # every year from the first start to the last, gaps included
    types: dict[str, list[int]]  # type -> relations starting in each year, aligned with years
    undated: dict[str, int]  # type -> relations without a start (every type listed)


def parse_when(text: str) -> date:
    """The day a date asked about means: the last day of its period.

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; nothing else (no spaces, no other forms).

    Returns
    -------
    datetime.date
        ``2016`` is 2016-12-31, ``2016-02`` is 2016-02-29, a full date is itself.

    Raises
    ------
    DateError
        When ``text`` is not one of the three forms, or names no real day.

    Examples
    --------
    >>> parse_when("2016"), parse_when("2016-02"), parse_when("2016-02-10")
    (datetime.date(2016, 12, 31), datetime.date(2016, 2, 29), datetime.date(2016, 2, 10))
    >>> parse_when("10/02/2016")
    Traceback (most recent call last):
    ...
    ecosystem.analysis.timeline.DateError: '10/02/2016' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (2016 means 2016-12-31)
    """  # noqa: E501
    period = date_period(text) if isinstance(text, str) else None
    if period is None:
        raise DateError(f"{text!r} is not a date: write {DATE_FORMS} (2016 means 2016-12-31)")
    return period[1]


def _start(data: dict) -> date | None:
    """The first day of a relation's start; None when it has none (or none that reads)."""
    period = date_period(str(data.get("start", "") or ""))
    return period[0] if period is not None else None


def _end(data: dict) -> date | None:
    """The last day of a relation's end; None when it has none."""
    period = date_period(str(data.get("end", "") or ""))
    return period[1] if period is not None else None


def as_of(graph: nx.MultiDiGraph, when: date, *, past: bool = True) -> nx.MultiDiGraph:
    """The network as it stood on ``when``: a new graph, ``graph`` unchanged.

    Parameters
    ----------
    graph : nx.MultiDiGraph
        The typed graph (:func:`ecosystem.graph.load_graph`), one edge per relation.
    when : datetime.date
        The day asked about (:func:`parse_when` reads one).
    past : bool, keyword-only
        Keep the relations that had ended before ``when``, marked ``past=True`` (the default), or
        leave them out.

    Returns
    -------
    nx.MultiDiGraph
        The relations begun by ``when`` (start on or before it, or no start) with every attribute
        and key; ``past=True`` on those that ended before it, no ``past`` on the others. The
        entities they link, and those with no relation at all in ``graph``; an entity whose
        every relation began later (or, with ``past=False``, had ended) is left out. Graph
        attributes are kept, with ``as_of`` (the ISO day) and ``past`` added; ``content_hash``
        becomes one of the relations kept, so what is cached for the data
        (:mod:`ecosystem.cache`) is cached for each date apart, and shared by the dates whose
        networks are the same.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="r2", start="2015", end="2016-06")
    'r2'
    >>> g.add_edge("b", "c", key="r3", start="2018-03")
    'r3'
    >>> g.add_node("alone")
    >>> then = as_of(g, parse_when("2017"))
    >>> sorted(then), list(then.edges(keys=True, data="past"))
    (['a', 'alone', 'b'], [('a', 'b', 'r2', True)])
    >>> sorted(as_of(g, parse_when("2017"), past=False))
    ['alone']
    """
    kept = graph.__class__()
    kept.graph.update(graph.graph)
    kept.graph.update(as_of=when.isoformat(), past=past)
    edges = []
    ends: set = set()
    for source, target, key, data in graph.edges(keys=True, data=True):
        start = _start(data)
        if start is not None and start > when:
            continue
        end = _end(data)
        ended = end is not None and end < when
        if ended and not past:
            continue
        attributes = {name: value for name, value in data.items() if name != "past"}
        if ended:
            attributes["past"] = True
        edges.append((source, target, key, attributes))
        ends.update((source, target))
    kept.add_nodes_from(
        (node, dict(attributes))
        for node, attributes in graph.nodes(data=True)
        if node in ends or graph.degree(node) == 0
    )
    kept.add_edges_from(edges)
    if graph.graph.get("content_hash") and len(edges) < graph.number_of_edges():
        kept.graph["content_hash"] = _hash_of(graph.graph["content_hash"], edges)
    return kept


def _hash_of(content_hash: str, edges: list[tuple]) -> str:
    # The structure is all the cached results depend on: the relations kept, not their past mark.
    digest = hashlib.sha256(f"{content_hash}\nas of\n".encode())
    for source, target, key, _ in edges:
        digest.update(f"{source}\t{target}\t{key}\n".encode())
    return digest.hexdigest()


def date_range(graph: nx.MultiDiGraph) -> tuple[date, date] | None:
    """The earliest start and the latest start or end of the relations of ``graph``.

    Starts count from their first day, ends to their last, so ``as_of(graph, last)`` holds
    every dated relation, none of them yet past. None when no relation is dated.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", start="2015-03", end="2016")
    >>> _ = g.add_edge("b", "c", start="2018-03-02")
    >>> _ = g.add_edge("c", "d")
    >>> date_range(g)
    (datetime.date(2015, 3, 1), datetime.date(2018, 3, 2))
    >>> date_range(nx.MultiDiGraph()) is None
    True
    """
    starts, firsts, lasts = [], [], []
    for *_, data in graph.edges(data=True):
        start = _start(data)
        if start is not None:
            starts.append(start)
            lasts.append(start)
        period = date_period(str(data.get("end", "") or ""))
        if period is not None:
            firsts.append(period[0])
            lasts.append(period[1])
    if not lasts:
        return None
    # With no start anywhere, the first day of the earliest end opens the range.
    return min(starts or firsts), max(lasts)


def undated_count(graph: nx.MultiDiGraph) -> int:
    """How many relations have no start: :func:`as_of` keeps them on every day.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", start="2015"); _ = g.add_edge("a", "b", start="")
    >>> undated_count(g)
    1
    """
    return sum(1 for *_, data in graph.edges(data=True) if _start(data) is None)


def relations_per_year(graph: nx.MultiDiGraph) -> YearCounts:
    """How many relations of each type start in each year, and how many have no start.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "p", type="partner_in", start="2015-03")
    >>> _ = g.add_edge("b", "p", type="partner_in", start="2017")
    >>> _ = g.add_edge("a", "b", type="member_of")
    >>> relations_per_year(g)
    {'years': [2015, 2016, 2017], 'types': {'member_of': [0, 0, 0], 'partner_in': [1, 0, 1]}, 'undated': {'member_of': 1, 'partner_in': 0}}
    """  # noqa: E501
    counts: Counter[tuple[str, int]] = Counter()
    undated: Counter[str] = Counter()
    kinds: set[str] = set()
    for *_, data in graph.edges(data=True):
        kind = str(data.get("type", ""))
        kinds.add(kind)
        start = _start(data)
        if start is None:
            undated[kind] += 1
        else:
            counts[kind, start.year] += 1
    found = [year for _, year in counts]
    years = list(range(min(found), max(found) + 1)) if found else []
    return {
        "years": years,
        "types": {kind: [counts[kind, year] for year in years] for kind in sorted(kinds)},
        "undated": {kind: undated[kind] for kind in sorted(kinds)},
    }


def new_since(
    graph: nx.MultiDiGraph, when: date
) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """What ``graph`` holds that :func:`as_of` on ``when`` does not show yet.

    Parameters
    ----------
    graph : nx.MultiDiGraph
        The typed graph; often ``as_of(full, later)``, to ask what is new between two days.
    when : datetime.date
        The earlier day.

    Returns
    -------
    tuple of frozenset
        The entities whose first relation starts after ``when`` (an entity with an undated
        relation was always there, so it is never new), and the relations that start after
        ``when``, each named by :func:`ecosystem.schema.relation_key`.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", type="member_of", start="2015")
    >>> _ = g.add_edge("b", "c", type="partner_in", start="2018-03")
    >>> entities, relations = new_since(g, parse_when("2016"))
    >>> sorted(entities), sorted(relations)
    (['c'], [('b', 'c', 'partner_in', '', '2018-03', '')])
    """
    relations = set()
    seen: set[str] = set()  # entities with a relation begun by ``when`` (or undated)
    for source, target, data in graph.edges(data=True):
        start = _start(data)
        if start is not None and start > when:
            relations.add(relation_key({**data, "source": source, "target": target}))
        else:
            seen.update((source, target))
    later = {end for key in relations for end in key[:2]}
    return frozenset(later - seen), frozenset(relations)
