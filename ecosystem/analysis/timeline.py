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
from datetime import date
from typing import NamedTuple

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.schema import DATE_FORMS, date_period


class DateError(EcosystemError):
    """A date that cannot be read as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""


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
    left_out = []
    for source, target, key, data in graph.edges(keys=True, data=True):
        start = _start(data)
        if start is not None and start > when:
            left_out.append((source, target, key))
            continue
        end = _end(data)
        ended = end is not None and end < when
        if ended and not past:
            left_out.append((source, target, key))
            continue
        attributes = dict(data)
        if ended:
            attributes["past"] = True
        else:
            attributes.pop("past", None)
        edges.append((source, target, key, attributes))
        ends.update((source, target))
    successors, predecessors = graph.succ, graph.pred
    kept.add_nodes_from(
        (node, dict(attributes))
        for node, attributes in graph.nodes(data=True)
        if node in ends or not (successors[node] or predecessors[node])
    )
    kept.add_edges_from(edges)
    if graph.graph.get("content_hash") and left_out:
        kept.graph["content_hash"] = _hash_of(graph.graph["content_hash"], left_out)
    return kept


class EdgeDates(NamedTuple):
    """What :func:`view_as_of` needs to know of one link of a view, worked out once."""

    line: int  # the line of its first relation: links are added in that order
    source: str  # its first relation's ends: the link reads in that direction
    target: str
    data: dict  # the link's attributes in the view
    keys: tuple[tuple[str, str, str], ...]  # each relation's ends and key
    first_start: date  # the earliest start (date.min when a relation has none)
    last_start: date  # the latest start
    first_end: date  # the earliest end (date.max when none ends)
    marked: bool  # whether a relation already carries a past mark


def edge_dates(view: nx.Graph) -> list[EdgeDates]:
    """The :class:`EdgeDates` of every link of ``view``: worked out once for a view that is cut
    at many dates (:func:`view_as_of`'s ``dates``)."""
    found = []
    for _, _, data in view.edges(data=True):
        records = data["relations"]
        starts = [_start(record) or date.min for record in records]
        ends = [_end(record) or date.max for record in records]
        lead = records[0]
        found.append(
            EdgeDates(
                lead.get("line", 0),
                lead["source"],
                lead["target"],
                data,
                tuple((record["source"], record["target"], record["key"]) for record in records),
                min(starts),
                max(starts),
                min(ends),
                any("past" in record for record in records),
            )
        )
    return found


def view_as_of(
    view: nx.Graph, when: date, *, past: bool = True, dates: list[EdgeDates] | None = None
) -> nx.Graph:
    """What ``simple_view(as_of(graph, when, past=past))`` is, from the simple view of ``graph``
    (:func:`ecosystem.graph.simple_view`) alone, without building the dated graph first.

    The same entities, links, relation records (in file order), weights, types and graph
    attributes, links added in the same order. What stays as it was is shared with ``view``,
    not copied: a record, and the relations of a link none of whose relations changed (a record
    is never changed once built). ``dates`` is :func:`edge_dates` of ``view``, when it is known
    already. On the H2020 network this is several times quicker than cutting the graph and
    merging its relations again.

    >>> from ecosystem.graph import simple_view
    >>> g = nx.MultiDiGraph(content_hash="c")
    >>> g.add_edge("a", "b", key="r1", type="funds", line=2, start="2015", end="2016-06")
    'r1'
    >>> g.add_edge("b", "a", key="r2", type="partner_of", line=3, start="2018-03")
    'r2'
    >>> then = view_as_of(simple_view(g), parse_when("2017"))
    >>> [record["key"] for record in then.edges["a", "b"]["relations"]]
    ['r1']
    >>> nx.utils.graphs_equal(then, simple_view(as_of(g, parse_when("2017"))))
    True
    """
    links: list[tuple[int, str, str, dict]] = []
    left_out: list[tuple[str, str, str]] = []
    ends: set = set()
    for link in dates if dates is not None else edge_dates(view):
        if link.first_start > when:
            left_out.extend(link.keys)
            continue
        if link.last_start <= when and link.first_end >= when and not link.marked:
            links.append((link.line, link.source, link.target, link.data))  # all as it was
            ends.update((link.source, link.target))
            continue
        records = _records_as_of(link.data["relations"], when, past)
        if len(records) < len(link.keys):
            kept = {(record["source"], record["target"], record["key"]) for record in records}
            left_out.extend(key for key in link.keys if key not in kept)
        if not records:
            continue
        lead = records[0]  # the link reads in its first relation's direction, as merged
        merged = {
            "relations": records,
            "weight": len(records),
            "types": sorted({record["type"] for record in records}),
        }
        links.append((lead.get("line", 0), lead["source"], lead["target"], merged))
        ends.update((link.source, link.target))
    links.sort(key=lambda link: link[0])
    dated = nx.Graph(**view.graph)
    dated.graph.update(as_of=when.isoformat(), past=past)
    if view.graph.get("content_hash") and left_out:
        dated.graph["content_hash"] = _hash_of(view.graph["content_hash"], left_out)
    dated.add_nodes_from(
        (node, attributes)
        for node, attributes in view.nodes(data=True)
        if node in ends or not view.adj[node]
    )
    dated.add_edges_from(link[1:] for link in links)
    return dated


def _records_as_of(records: list[dict], when: date, past: bool) -> list[dict]:
    kept = []
    for record in records:
        start = _start(record)
        if start is not None and start > when:
            continue
        end = _end(record)
        ended = end is not None and end < when
        if ended and not past:
            continue
        if ended:
            kept.append({**record, "past": True})
        elif "past" in record:
            kept.append({name: value for name, value in record.items() if name != "past"})
        else:
            kept.append(record)
    return kept


def _hash_of(content_hash: str, left_out: list[tuple[str, str, str]]) -> str:
    # The structure is all the cached results depend on: which relations are left out (their
    # ends and keys, in a fixed order), not the past marks of those kept.
    digest = hashlib.sha256(f"{content_hash}\nas of, without\n".encode())
    for source, target, key in sorted(left_out):
        digest.update(f"{source}\t{target}\t{key}\n".encode())
    return digest.hexdigest()
