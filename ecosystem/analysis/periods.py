"""Calendar months for the as-of control and the timeline chart: pure functions.

A month is numbered ``year * 12 + month - 1``, so that months count on across years and a
slider can step over them. Relations give partial ISO dates (``2023``, ``2023-06``,
``2023-06-15``); a start or end is placed in the month it falls in (a year alone in its first
month for a start, its last for an end).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import networkx as nx

from ecosystem.schema import date_period

MONTHLY_UP_TO = 36  # spans of at most this many months step by month, longer ones by year


def month_number(year: int, month: int) -> int:
    """The number of a month, counting on across years.

    >>> month_number(2023, 6) - month_number(2022, 6)
    12
    """
    return year * 12 + month - 1


def month_text(month: int) -> str:
    """``YYYY-MM`` of a month number.

    >>> month_text(month_number(2016, 12))
    '2016-12'
    """
    year, index = divmod(month, 12)
    return f"{year:04d}-{index + 1:02d}"


def last_day(month: int) -> date:
    """The last day of a month: what "as of" that month means.

    >>> last_day(month_number(2016, 2))
    datetime.date(2016, 2, 29)
    """
    year, index = divmod(month, 12)
    return date(year, index + 1, calendar.monthrange(year, index + 1)[1])


@lru_cache(maxsize=4096)  # a network's dates repeat: a few hundred months, many relations each
def read_month(text: str, *, end: bool = False) -> int | None:
    """The month a partial ISO date falls in (:func:`ecosystem.schema.date_period`, the one
    place dates are read); a year alone is its first month, or with ``end`` its last. ``None``
    for an empty or unreadable date.

    >>> month_text(read_month("2023")), month_text(read_month("2023", end=True))
    ('2023-01', '2023-12')
    >>> month_text(read_month("2023-06-15")), read_month(""), read_month("June")
    ('2023-06', None, None)
    """
    period = date_period(text.strip())
    if period is None:
        return None
    day = period[1] if end else period[0]
    return month_number(day.year, day.month)


@dataclass(frozen=True)
class Span:
    """The months a network's dated relations cover, and how a control steps over them."""

    first: int  # the month of the earliest start
    last: int  # the month of the latest start or end
    step: int  # 1 (by month) or 12 (by year)
    undated: int  # relations with no start

    @property
    def periods(self) -> tuple[int, ...]:
        """The months a control stops at: each month, or each year's December. The first stop
        is the period before anything dated began, the last the period after the last date, when
        every dated relation that ends has ended."""
        if self.step == 1:
            return tuple(range(self.first - 1, self.last + 2))
        first_year, last_year = self.first // 12, self.last // 12
        return tuple(month_number(year, 12) for year in range(first_year - 1, last_year + 2))

    @property
    def whole(self) -> int:
        """The control's position past the last period: the whole network, no date applied."""
        return self.periods[-1] + self.step

    def period_of(self, month: int) -> int:
        """The stop a month is counted under: itself, or its year's December."""
        return month if self.step == 1 else month_number(month // 12, 12)

    def label(self, month: int) -> str:
        return month_text(month) if self.step == 1 else str(month // 12)


Months = list[tuple[str, int | None, int | None]]  # per relation: type, start, end month


def relation_months(graph: nx.Graph) -> Months:
    """Each relation's type and the months it starts and ends in (None where undated), in the
    order ``graph`` holds them: what :func:`dated_span` and :func:`counts` read. ``graph`` is
    the typed graph, or its simple view (:func:`ecosystem.graph.simple_view`), whose links list
    their relations."""
    relations: Iterable[Mapping] = (
        (data for *_, data in graph.edges(data=True))
        if graph.is_multigraph()
        else (
            record
            for *_, records in graph.edges.data("relations", default=())
            for record in records
        )
    )
    return [
        (
            data.get("type", ""),
            read_month(str(data.get("start", "") or "")),
            read_month(str(data.get("end", "") or ""), end=True),
        )
        for data in relations
    ]


def dated_span(graph: nx.Graph, *, months: Months | None = None) -> Span | None:
    """The dated months of ``graph``'s relations (:func:`relation_months`, or ``months`` when
    they are known); ``None`` when no relation has a start.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", type="funds", start="2023-03", end="2023-11")
    0
    >>> g.add_edge("a", "c", type="funds", start="", end="")
    0
    >>> s = dated_span(g)
    >>> month_text(s.first), month_text(s.last), s.step, s.undated
    ('2023-03', '2023-11', 1, 1)
    """
    months = relation_months(graph) if months is None else months
    starts = [begun for _, begun, _ in months if begun is not None]
    if not starts:
        return None
    ends = [ended for _, begun, ended in months if begun is not None and ended is not None]
    first, last = min(starts), max(starts + ends)
    undated = len(months) - len(starts)
    return Span(first, last, 1 if last - first < MONTHLY_UP_TO else 12, undated)


def counts(
    graph: nx.Graph, dated: Span, *, months: Months | None = None
) -> dict[str, dict[int, int]]:
    """How many relations of each type begin in each period of ``dated`` (types in name order,
    periods in time order; undated relations are not counted here, ``dated.undated`` says how
    many there are). ``months`` are :func:`relation_months` of ``graph`` when known."""
    months = relation_months(graph) if months is None else months
    tally = Counter(
        (kind, dated.period_of(begun)) for kind, begun, _ in months if begun is not None
    )
    table: dict[str, dict[int, int]] = {}
    for (kind, period), number in sorted(tally.items()):
        table.setdefault(kind, {})[period] = number
    return table


@dataclass(frozen=True)
class Tallies:
    """What a network's relations count to, read in one pass over them: relations by type (the
    summary), the :class:`Span` of their dates and their :func:`counts` per period (the
    timeline)."""

    relations: dict[str, int]
    span: Span | None
    periods: dict[str, dict[int, int]]

    def fields(self) -> dict:
        """As plain JSON: ``span`` a list of its four numbers, ``periods`` (type, period,
        count) triples."""
        return {
            "relations": dict(self.relations),
            "span": None
            if self.span is None
            else [self.span.first, self.span.last, self.span.step, self.span.undated],
            "periods": [
                [kind, period, number]
                for kind, by_period in self.periods.items()
                for period, number in by_period.items()
            ],
        }

    @classmethod
    def from_fields(cls, fields: object) -> Tallies | None:
        """The tallies :meth:`fields` wrote, or None when ``fields`` are not such tallies (a
        count that is not a positive whole number, a period outside the span...).

        >>> again = Tallies.from_fields(tallies(_example()).fields())
        >>> again == tallies(_example()), Tallies.from_fields({"relations": {"a": -1}})
        (True, None)
        """
        if not isinstance(fields, dict) or set(fields) != {"relations", "span", "periods"}:
            return None
        relations, span, periods = fields["relations"], fields["span"], fields["periods"]
        if not isinstance(relations, dict) or not all(
            isinstance(kind, str) and _count(number) for kind, number in relations.items()
        ):
            return None
        if span is None:
            return cls(relations, None, {}) if periods == [] else None
        if not (
            isinstance(span, list)
            and len(span) == 4
            and all(type(number) is int for number in span)
            and span[0] <= span[1]
            and span[2] in (1, 12)
            and span[3] >= 0
        ):
            return None
        dated = Span(*span)
        stops = set(dated.periods)
        table: dict[str, dict[int, int]] = {}
        if not isinstance(periods, list):
            return None
        for row in periods:
            if not (
                isinstance(row, list)
                and len(row) == 3
                and row[0] in relations
                and type(row[1]) is int
                and row[1] in stops
                and _count(row[2])
                and row[1] not in table.get(row[0], {})
            ):
                return None
            table.setdefault(row[0], {})[row[1]] = row[2]
        return cls(relations, dated, table)


def _count(value: object) -> bool:
    return type(value) is int and value > 0


def tallies(graph: nx.Graph, *, months: Months | None = None) -> Tallies:
    """The :class:`Tallies` of ``graph``'s relations (:func:`relation_months`, or ``months``
    when they are known)."""
    months = relation_months(graph) if months is None else months
    relations = dict(Counter(kind for kind, _, _ in months))
    dated = dated_span(graph, months=months)
    return Tallies(relations, dated, counts(graph, dated, months=months) if dated else {})


def _example() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", type="funds", start="2023-03", end="2023-11")
    graph.add_edge("a", "c", type="funds", start="", end="")
    graph.add_edge("b", "c", type="hosts", start="2024-01", end="")
    return graph


def new_since(view: nx.Graph, month: int) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """What appeared after ``month`` in the simple view ``view``: the links all of whose
    relations began later (pairs in id order; an undated relation was always there) and the
    entities all of whose links are new.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", relations=[{"start": "2019"}])
    >>> g.add_edge("b", "c", relations=[{"start": "2022-03"}])
    >>> g.add_edge("c", "d", relations=[{"start": ""}, {"start": "2023"}])
    >>> nodes, links = new_since(g, month_number(2020, 12))
    >>> sorted(nodes), sorted(links)
    ([], [('b', 'c')])
    """
    links = set()
    for first, second, records in view.edges(data="relations"):
        starts = [read_month(str(r.get("start", "") or "")) for r in records or ()]
        if starts and all(start is not None and start > month for start in starts):
            links.add((min(first, second), max(first, second)))
    ends = {end for pair in links for end in pair}
    nodes = {
        node
        for node in ends
        if all((min(node, other), max(node, other)) in links for other in view[node])
    }
    return frozenset(nodes), frozenset(links)
