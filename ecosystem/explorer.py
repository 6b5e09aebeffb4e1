"""What the web app shows, as pure functions: the precomputed model and the filters.

``build_model`` runs once per dataset (in ``create_app``); the model is read-only afterwards, so
several users and workers can share it safely. Its metrics, communities and layout come from the
on-disk cache when it holds them for this data (:mod:`ecosystem.cache`), so a restart is quick.
:func:`visible` applies a view's filters (see :mod:`ecosystem.web.spec` for the view state).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from threading import Lock
from types import MappingProxyType
from typing import NamedTuple, Protocol, TypeVar, cast

import networkx as nx
import numpy as np

from ecosystem.analysis.centrality import METRICS, Method, Progress
from ecosystem.analysis.communities import matched, membership
from ecosystem.analysis.lookup import EntityIndex, build_index
from ecosystem.analysis.paths import PathIndex, collaboration_paths, path_index
from ecosystem.analysis.periods import Span, Tallies, tallies
from ecosystem.analysis.results import PathResult
from ecosystem.analysis.synergy import (
    SynergyIndex,
    SynergyResult,
    explain_pair,
    prepare,
    synergy_candidates,
)
from ecosystem.analysis.synergy.shapes import Suggestion
from ecosystem.analysis.timeline import EdgeDates, as_of, edge_dates, view_as_of
from ecosystem.cache import (
    compute_communities,
    compute_layout,
    compute_metrics,
    compute_tallies,
    synergy_maxima,
    synergy_ranker,
)
from ecosystem.computed import Computed
from ecosystem.graph import bulk_allocation, link_count, simple_view
from ecosystem.history_cache import synergy_history
from ecosystem.index_cache import compute_index, index_is_cached
from ecosystem.settings import Settings
from ecosystem.snapshot import Network

MAX_ELEMENTS = Settings().max_elements
T = TypeVar("T")


class DatedModels:
    """The models of the last dates a model was asked for (:meth:`Model.at`): at most
    ``maxsize`` of them, holding together at most ``links`` times the links of the model they
    are of (a dated model of a large network is some hundred megabytes; one is always kept).

    Each model holds its own; requests run on several threads, so it is thread-safe: a date
    asked for twice at once is built once, the second caller waiting for it; different dates
    build side by side. The least recently used model goes first.
    """

    def __init__(self, *, maxsize: int = 8, links: float = 3.0) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be 1 or more, not {maxsize}")
        if not links > 0:
            raise ValueError(f"links must be more than 0, not {links}")
        self.maxsize = maxsize
        self.links = links
        self._models: OrderedDict[tuple[date, bool], Model] = OrderedDict()
        self._building: dict[tuple[date, bool], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, model: Model, when: date, past: bool = True) -> Model:
        """``model``'s network as of ``when`` (see :func:`model_at`), built on the first call."""
        key = (when, bool(past))
        with self._lock:
            found = self._models.get(key)
            if found is not None:
                self._models.move_to_end(key)
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                found = self._models.get(key)
            if found is None:
                found = model_at(model, when, past=key[1])
                with self._lock:
                    self._models[key] = found
                    self._drop_oldest(self.links * max(model.link_count, 1))
        with self._lock:
            if self._building.get(key) is building and not building.locked():
                del self._building[key]
        return found

    def _drop_oldest(self, most_links: float) -> None:
        # Called with the lock held, the newest model last.
        held = sum(kept.link_count for kept in self._models.values())
        while len(self._models) > self.maxsize or (len(self._models) > 1 and held > most_links):
            _, dropped = self._models.popitem(last=False)
            held -= dropped.link_count

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)


class Recent:
    """The last ``maxsize`` results asked for, by key: thread-safe, the least recently used
    dropped first. A key asked for by several callers at once is worked out once, the others
    waiting for it (the callbacks of one view run side by side and may ask for the same)."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be 1 or more, not {maxsize}")
        self.maxsize = maxsize
        self._held: OrderedDict[Hashable, object] = OrderedDict()
        self._working: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` gave for ``key``, worked out when it is not held (an exception
        is raised to the caller and nothing is kept). Each key is always asked for with the
        same kind of ``compute``."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return cast(T, self._held[key])
            working = self._working.setdefault(key, threading.Lock())
        try:
            with working:
                with self._lock:
                    if key in self._held:
                        self._held.move_to_end(key)
                        return cast(T, self._held[key])
                found = compute()
                with self._lock:
                    self._held[key] = found
                    while len(self._held) > self.maxsize:
                        self._held.popitem(last=False)
                return found
        finally:
            with self._lock:
                if self._working.get(key) is working and not working.locked():
                    del self._working[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


SUGGESTIONS_KEPT = 64  # partner suggestion lists kept per model (a few tens of kB each)
PATHS_KEPT = 64  # collaboration path results kept per model (a few kB each)
PAIRS_KEPT = 64  # picked candidates' explanations kept per model (a few kB each)
VIEWS_KEPT = 8  # networks drawn kept per model (on H2020 a view of 2,000 elements: 1.3 MB)


@dataclass(frozen=True)
class Model:
    """Everything the app computes once per dataset. Read-only.

    :attr:`synergy` is worked out on first use, not by :func:`build_model`: it adds seconds to
    every start on a large network, and many sessions never ask for partner suggestions.
    ``metrics``, ``methods``, ``order`` and ``parts`` (behind :attr:`graph`, :attr:`index`,
    :attr:`paths`, :attr:`community` and :attr:`community_info`) are
    :class:`~ecosystem.computed.Computed` mappings. Once :func:`build_model` returns, every
    metric and part is known but a metric's ranking (sorted on first use), for a network read
    from a snapshot, the typed graph (rebuilt from the view when an export or a source page
    asks for it), and the path matrices and, when the cache holds it, the name index (read by
    :func:`warm_up`, or at the first search or path); in the model of a date
    (:func:`model_at`) each is worked out on first use, so that moving the date computes only
    what is shown.
    """

    settings: Settings
    view: nx.Graph
    metrics: Mapping[str, Mapping[Hashable, float]]
    methods: Mapping[str, Method]  # metric -> Method: exact, or how it was sampled
    order: Mapping[str, tuple[str, ...]]  # metric -> the entities from the highest value down
    parts: Computed  # "graph", "index", "paths", "communities", "membership"
    layout: MappingProxyType
    type_counts: dict[str, int]
    relation_counts: dict[str, int]
    country_counts: dict[str, int]  # entities by their country column, where it is filled
    links: MappingProxyType  # entity -> how many entities it is linked to
    link_count: int  # links in the view (NetworkX counts them anew on every call)
    as_of: date | None = None  # the date the network is shown as of; None: all of it
    cache: Path | None = None  # where the synergy ranker and maxima are cached
    use_cache: bool = True
    known_tallies: Tallies | None = field(default=None, repr=False, compare=False)
    _synergy_lock: Lock = field(default_factory=Lock, init=False, repr=False, compare=False)
    _dated: DatedModels = field(default_factory=DatedModels, init=False, repr=False, compare=False)
    _suggested: Recent = field(
        default_factory=lambda: Recent(SUGGESTIONS_KEPT), init=False, repr=False, compare=False
    )
    _paths_found: Recent = field(
        default_factory=lambda: Recent(PATHS_KEPT), init=False, repr=False, compare=False
    )
    _pairs_explained: Recent = field(
        default_factory=lambda: Recent(PAIRS_KEPT), init=False, repr=False, compare=False
    )
    _views_drawn: Recent = field(
        default_factory=lambda: Recent(VIEWS_KEPT), init=False, repr=False, compare=False
    )

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The typed graph, one edge per relation (:func:`~ecosystem.graph.load_graph`); the
        view's relation records hold all it holds, so a dated model cuts it only when asked."""
        return self.parts["graph"]

    @property
    def index(self) -> EntityIndex:
        """The lookup index of names and aliases (:func:`~ecosystem.analysis.lookup.search`)."""
        return self.parts["index"]

    @property
    def paths(self) -> PathIndex:
        """What collaboration paths share (:func:`~ecosystem.analysis.paths.path_index`)."""
        return self.parts["paths"]

    @property
    def community_info(self) -> dict:
        """The Louvain communities (:func:`~ecosystem.analysis.communities.communities`)."""
        return self.parts["communities"]

    @property
    def community(self) -> Mapping[str, int]:
        """Entity -> its community's number."""
        return self.parts["membership"]

    @cached_property
    def tallies(self) -> Tallies:
        """Relations by type, the months they are dated in and their counts per period
        (:func:`~ecosystem.analysis.periods.tallies`): given by :func:`build_model` (read from
        the cache), else worked out on first use, not at start-up."""
        return self.known_tallies if self.known_tallies is not None else tallies(self.view)

    @property
    def span(self) -> Span | None:
        """The months its relations are dated in (the as-of control's range); None when none
        is dated."""
        return self.tallies.span

    @property
    def period_counts(self) -> dict[str, dict[int, int]]:
        """Relations beginning in each period of :attr:`span`, by type (the timeline chart's
        bars)."""
        return self.tallies.periods

    @cached_property
    def edge_dates(self) -> list[EdgeDates]:
        """What cutting the view at a date needs of each link (:func:`view_as_of`), worked
        out on the first date asked for and kept for the others."""
        return edge_dates(self.view)

    def suggestions(
        self,
        entity: str,
        *,
        types: Collection[str] = (),
        countries: Collection[str] = (),
        top: int = 10,
    ) -> SynergyResult:
        """Who ``entity`` should work with next
        (:func:`~ecosystem.analysis.synergy.synergy_candidates`, on :attr:`synergy`), kept for
        the next time the same list is asked for: the Synergy tab opened again, a selection
        visited again. Read-only, as the model is."""
        key = (entity, tuple(types), tuple(countries), top)

        def work() -> SynergyResult:
            return synergy_candidates(
                self.view,
                entity,
                types=list(types) or None,
                countries=tuple(countries),
                top=top,
                synergy=self.synergy,
                prepared=self._paths_of_synergy(),
            )

        return self._suggested.get(key, work)

    def drawn(self, view: Hashable, draw: Callable[[], T]) -> T:
        """What ``draw()`` gives for ``view`` (a hashable description of all it depends on),
        kept for the next time the same is asked for: the network the page draws for a view it
        showed before (Back, Forward, another tab on the same selection). Shared between
        requests: read-only."""
        return self._views_drawn.get(view, draw)

    def paths_between(
        self, source: str, target: str, *, k: int = 3, avoid_hubs: bool = True
    ) -> PathResult:
        """The collaboration paths from ``source`` to ``target``
        (:func:`~ecosystem.analysis.paths.collaboration_paths`), worked out once for the
        callbacks that draw them (the panel, the network, its stylesheet, the camera) and kept
        for the next views that ask again. Read-only, as the model is."""

        def work() -> PathResult:
            return collaboration_paths(
                self.view,
                source,
                target,
                k=k,
                avoid_hubs=avoid_hubs,
                index=self.index,
                prepared=self.paths,
            )

        return self._paths_found.get((source, target, k, avoid_hubs), work)

    def explained(self, entity: str, other: str) -> Suggestion | None:
        """Why ``other`` is suggested to ``entity``
        (:func:`~ecosystem.analysis.synergy.explain_pair`), worked out once for the callbacks
        that draw a picked candidate (the network, its stylesheet, the camera) and kept for the
        next views that pick it again. Read-only, as the model is."""

        def work() -> Suggestion | None:
            return explain_pair(
                self.view,
                entity,
                other,
                synergy=self.synergy,
                prepared=self._paths_of_synergy(),
            )

        return self._pairs_explained.get((entity, other), work)

    def _paths_of_synergy(self) -> PathIndex | None:
        """The path index partner suggestions may search: this model's, unless it is a date's
        (suggestions then search the view their history was cut to, with one of its own)."""
        return self.paths if self.as_of is None else None

    def at(self, when: date, *, past: bool = True) -> Model:
        """This network as of ``when`` (:func:`model_at`): built on first use and kept for the
        next views of that date (those of the last few dates)."""
        return self._dated.get(self, when, past)

    @cached_property
    def synergy(self) -> SynergyIndex:
        """The collaboration history and the ranker partner suggestions use, prepared on
        first use (the ranker read from the cache, else learned and cached)."""
        # Requests run on several threads: the first prepares it, the others wait for it.
        with self._synergy_lock:
            done: SynergyIndex | None = self.__dict__.get("synergy")
            if done is not None:
                return done
            with bulk_allocation():
                return prepare(
                    self.view,
                    as_of=self.as_of,
                    ranker=synergy_ranker(
                        self.view, directory=self.cache, use_cache=self.use_cache
                    ),
                    maxima=synergy_maxima(
                        self.view, directory=self.cache, use_cache=self.use_cache
                    ),
                    history_of=synergy_history(
                        self.view, directory=self.cache, use_cache=self.use_cache
                    ),
                )


BUILD_STEPS = len(METRICS) + 2  # every metric, the communities, the layout
PARTS = ("graph", "index", "paths", "communities", "membership")  # what Model.parts holds


def build_model(
    graph: nx.MultiDiGraph | Network,
    *,
    settings: Settings = Settings(),
    cache: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Model:
    """Precompute the view, every metric, communities and the fixed layout, and the lookup
    index unless the cache holds it (then it is read on first use, as the path matrices are
    made: :func:`warm_up`).

    ``graph`` is the typed graph, or a :class:`~ecosystem.snapshot.Network` read with its view
    (whose typed graph, when it was read from a snapshot, is built from the view on first use).
    What partner suggestions share (the collaboration history, and the learned ranker when the
    data has the history to learn it) is prepared on first use (:attr:`Model.synergy`), with the
    same cache settings.

    Metrics, communities and the layout are read from the cache folder ``cache`` (default
    :func:`ecosystem.cache.cache_dir`) when it holds them for this data, else computed and
    stored there; ``use_cache=False`` neither reads nor writes it. ``progress`` is told each
    step, as ``progress(done, BUILD_STEPS, step)``, and ``progress(BUILD_STEPS, BUILD_STEPS, "")``
    at the end.
    """
    with bulk_allocation():
        return _build_model(graph, settings, cache, use_cache, progress or (lambda *_: None))


def warm_up(model: Model) -> None:
    """Work out what :func:`build_model` may leave for first use and a person would otherwise
    wait for at their first search or path: the name index and the path matrices. A server's
    worker runs it on a thread of its own as it starts (:func:`ecosystem.server.serve`)."""
    for name in ("index", "paths"):
        model.parts[name]


def _build_model(
    graph: nx.MultiDiGraph | Network,
    settings: Settings,
    cache: Path | None,
    use_cache: bool,
    report: Progress,
) -> Model:
    """The model of ``graph``, every part of it computed (the layout too; the typed graph only
    when it is known already)."""
    network = graph if isinstance(graph, Network) else Network(simple_view(graph), graph)
    view = network.view
    nx.freeze(view)
    metrics = compute_metrics(
        view,
        directory=cache,
        use_cache=use_cache,
        progress=lambda done, _total, metric: report(done, BUILD_STEPS, metric) if metric else None,
    )
    report(len(METRICS), BUILD_STEPS, "communities")
    info = compute_communities(
        view, settings=settings.communities, directory=cache, use_cache=use_cache
    )
    report(len(METRICS) + 1, BUILD_STEPS, "layout")
    layout = compute_layout(view, settings=settings.layout, directory=cache, use_cache=use_cache)
    report(BUILD_STEPS, BUILD_STEPS, "")
    values: dict[str, Mapping[Hashable, float]] = {
        name: MappingProxyType(scores) for name, scores in metrics.values.items()
    }
    parts = {
        **({"graph": network.built} if network.built is not None else {}),
        "communities": info,
        "membership": MappingProxyType(membership(info)),
    }
    # The name index and the path matrices serve searches and paths, not the first page. When
    # the cache holds the index, both are left for first use (a server's workers work them out
    # as they start, :func:`warm_up`): a restart answers 0.3 s sooner on H2020. Else the index
    # is built here, once, and stored for the next start.
    if not index_is_cached(view, directory=cache, use_cache=use_cache):
        parts["index"] = compute_index(view, directory=cache, use_cache=use_cache)
    # Rankings are sorted on first use (about 40 ms each on H2020), not at every start.
    known = Known(values, dict(metrics.methods), {}, parts)
    counted = compute_tallies(view, directory=cache, use_cache=use_cache)
    return _model(
        network.typed, view, settings, cache, use_cache, layout, known=known, counted=counted
    )


class Known(NamedTuple):
    """What :func:`build_model` computed: every metric, its method and ranking, every part."""

    metrics: dict[str, Mapping[Hashable, float]]
    methods: dict[str, Method]
    order: dict[str, tuple[str, ...]]
    parts: dict[str, object]


def _model(
    graph: Callable[[], nx.MultiDiGraph],
    view: nx.Graph,
    settings: Settings,
    cache: Path | None,
    use_cache: bool,
    layout: Mapping[Hashable, tuple[float, float]],
    *,
    known: Known | None = None,
    when: date | None = None,
    reference: Mapping[str, int] | None = None,
    counted: Tallies | None = None,
) -> Model:
    """The :class:`Model` of ``graph()`` and its simple ``view``: its metrics, rankings,
    communities and lookups those ``known`` (every one of them), else each computed on first
    use (and cached as :func:`build_model`'s are, one file per metric). Communities are
    numbered after ``reference`` when given (:func:`~ecosystem.analysis.communities.matched`);
    relations are counted as ``counted`` says when given (:attr:`Model.tallies`)."""
    values, how, ranked, parts = known or Known({}, {}, {}, {})

    def measure(name: str) -> tuple[Mapping[Hashable, float], Method]:
        found = compute_metrics(view, directory=cache, use_cache=use_cache, names=(name,))
        return MappingProxyType(found.values[name]), found.methods[name]

    scored: Computed = Computed(
        METRICS,
        measure,
        done={name: (values[name], how[name]) for name in values},
    )
    metrics: Computed = Computed(METRICS, lambda name: scored[name][0], done=values)
    nodes = list(view)
    ties = Computed(["ties"], lambda _: _ties(nodes))
    order: Computed = Computed(
        METRICS, lambda name: _ranked(nodes, metrics[name], ties["ties"]), done=ranked
    )

    def part(name: str) -> object:
        if name == "graph":
            return graph()
        if name == "index":
            # The whole network's index is kept in the cache; a date's is built (in 0.1 to 1.6 s).
            if when is None:
                return compute_index(view, directory=cache, use_cache=use_cache)
            return build_index(view)
        if name == "paths":
            return path_index(view)
        if name == "membership":
            return MappingProxyType(membership(held["communities"]))
        found = compute_communities(
            view, settings=settings.communities, directory=cache, use_cache=use_cache
        )
        return matched(found, reference) if reference is not None else found

    held: Computed = Computed(PARTS, part, done=parts)
    return Model(
        settings=settings,
        view=view,
        metrics=metrics,
        methods=Computed(METRICS, lambda name: scored[name][1], done=how),
        order=order,
        parts=held,
        layout=MappingProxyType(dict(layout)),
        type_counts=dict(Counter(d.get("type", "") for _, d in view.nodes(data=True))),
        relation_counts=dict(
            counted.relations
            if counted is not None
            else Counter(
                record["type"] for *_, records in view.edges.data("relations") for record in records
            )
        ),
        country_counts=dict(Counter(c for _, c in view.nodes(data="country") if c)),
        links=MappingProxyType(dict(view.degree())),
        link_count=link_count(view),
        as_of=when,
        cache=cache,
        use_cache=use_cache,
        known_tallies=counted,
    )


def model_at(
    model: Model, when: date, *, past: bool = True, progress: Progress | None = None
) -> Model:
    """The :class:`Model` of the network as of ``when``
    (:func:`ecosystem.analysis.timeline.as_of`; ``past=False`` leaves ended relations out).

    Only the simple view is built here (:func:`~ecosystem.analysis.timeline.view_as_of`):
    the typed graph, each metric and its ranking, communities, lookups, paths and partner
    suggestions are worked out when first read (see :class:`Model`). They are those of that
    network alone (suggestions with the history cut at ``when``, the ranker's training too),
    cached as ``model``'s are (the dated network's content names its own entries). The layout
    is the full model's, restricted to the entities left, so that an entity keeps its place
    from one date to the next; communities are numbered after the full model's, so that they
    keep their colours. ``progress`` is told as ``progress(0, 1, "network")`` and
    ``progress(1, 1, "")``.
    """
    with bulk_allocation():
        report = progress or (lambda *_: None)
        report(0, 1, "network")
        view = view_as_of(model.view, when, past=past, dates=model.edge_dates)
        nx.freeze(view)
        placed = model.layout
        dated = _model(
            lambda: as_of(model.graph, when, past=past),
            view,
            model.settings,
            model.cache,
            model.use_cache,
            {node: placed[node] for node in view},
            when=when,
            reference=model.community,
        )
        report(1, 1, "")
        return dated


def _ties(nodes: list) -> np.ndarray:
    # Each node's place among the ids in text order: what breaks ties between equal values.
    ties = np.empty(len(nodes), dtype=np.int64)
    ties[np.argsort(np.array([str(node) for node in nodes]), kind="stable")] = np.arange(len(nodes))
    return ties


def _ranked(nodes: list, values: Mapping[Hashable, float], ties: np.ndarray) -> tuple:
    """The ``nodes`` from the highest value to the lowest, ties by id (``ties``, :func:`_ties`).

    >>> nodes = ["b", "a", "c"]
    >>> _ranked(nodes, {"a": 1.0, "b": 1.0, "c": 2.0}, _ties(nodes))
    ('c', 'a', 'b')
    """
    scores = np.fromiter((values[node] for node in nodes), dtype=np.float64, count=len(nodes))
    return tuple(nodes[i] for i in np.lexsort((ties, -scores)))


class Filters(Protocol):
    """What :func:`visible` reads of a view: the filters, the selection and the metric."""

    @property
    def selected(self) -> str | None: ...
    @property
    def types(self) -> tuple[str, ...]: ...
    @property
    def relations(self) -> tuple[str, ...]: ...
    @property
    def min_degree(self) -> int: ...
    @property
    def hops(self) -> int: ...
    @property
    def metric(self) -> str: ...
    @property
    def countries(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Visible:
    """The entities and links a view state leaves on screen, and what it hides.

    ``capped`` says the network was too large to send whole: then only the most central entities
    (by the chosen metric), the selection's neighbourhood and the highlighted entities are shown.
    """

    nodes: tuple[str, ...]
    links: tuple[tuple[str, str], ...]
    relation_types: tuple[str, ...] | None
    hidden_nodes: int
    hidden_links: int
    capped: bool = False

    @property
    def shown_links(self) -> int:
        return len(self.links)


def links_among(
    view: nx.Graph, nodes: Collection[str], kinds: set[str] | None
) -> list[tuple[str, str]]:
    """The links between ``nodes`` (each pair in id order, sorted) whose relation types meet
    ``kinds`` (any, when None). Each entity is compared with the shorter of its neighbours and
    the ``nodes``: a hub with thousands of links among a few hundred entities shown costs a few
    hundred lookups, not thousands."""
    among = nodes if isinstance(nodes, (set, frozenset)) else set(nodes)
    pairs = []
    for first in among:
        around = view.adj[first]
        if len(around) > len(among):
            others = [other for other in among if other in around]
        else:
            others = [other for other in around if other in among]
        pairs += [
            (first, second)
            for second in others
            if first <= second
            and (kinds is None or kinds.intersection(around[second].get("types", ())))
        ]
    return sorted(pairs)


def visible(
    model: Model,
    state: Filters,
    *,
    keep: Collection[str] = (),
    keep_links: Collection[tuple[str, str]] = (),
    max_elements: int | None = None,
) -> Visible:
    """Apply the filters of ``state``: entity types, relation types, minimum degree, and the
    selection's neighbourhood (``hops`` > 0 and a selection). The selection and the ``keep``
    entities (a highlighted path, say) always stay shown, and so do the ``keep_links`` between
    them, whatever the budget and the relation filter.

    When what is left would take more than ``max_elements`` nodes and links, only the most
    central of it is kept (see :class:`Visible`), so the browser stays responsive.
    """
    view = model.view
    max_elements = max_elements or model.settings.max_elements
    kinds = set(state.relations) if state.relations else None
    must = [node for node in (state.selected, *keep) if node is not None and node in view]
    around = state.hops > 0 and state.selected in view
    if around:
        reach = nx.single_source_shortest_path_length(view, state.selected, cutoff=state.hops)
        candidates: Collection[str] = reach.keys()
    else:
        candidates = view.nodes
    wanted, places = set(state.types), set(state.countries)
    filtered: Collection[str]
    if not around and not wanted and not places and state.min_degree <= 0:
        filtered = view.nodes  # nothing filtered out: no need to copy 67,000 ids
    else:
        degree = model.links
        filtered = {
            node
            for node in candidates
            if (not wanted or view.nodes[node].get("type") in wanted)
            and (not places or view.nodes[node].get("country") in places)
            and degree[node] >= state.min_degree
        }
        filtered.update(must)
    capped = len(filtered) > max_elements // 2
    chosen = _overview(model, state, filtered, must, max_elements // 3) if capped else filtered
    links = links_among(view, chosen, kinds)
    if capped and len(chosen) + len(links) > max_elements:
        values = model.metrics[state.metric]
        links.sort(key=lambda pair: (-(values[pair[0]] + values[pair[1]]), pair))
        links = sorted(links[: max_elements - len(chosen)])
    if kinds is not None:
        # Filtering relations leaves some entities with none of those links: they go too.
        linked = {end for pair in links for end in pair}.union(must)
        chosen = {node for node in chosen if node in linked}
    wanted_links = {
        (min(a, b), max(a, b)) for a, b in keep_links if a in chosen and b in chosen
    } - set(links)
    if wanted_links:
        links = sorted(links + [pair for pair in wanted_links if view.has_edge(*pair)])
    total_links = model.link_count
    return Visible(
        nodes=tuple(sorted(chosen)),
        links=tuple(links),
        relation_types=tuple(sorted(kinds)) if kinds is not None else None,
        hidden_nodes=view.number_of_nodes() - len(chosen),
        hidden_links=total_links - len(links),
        capped=capped,
    )


def _overview(
    model: Model, state: Filters, filtered: Collection[str], must: list[str], budget: int
) -> set[str]:
    """The entities a capped view shows: the must-haves, the selection's most central neighbours,
    then the most central of the rest, up to ``budget``."""
    values = model.metrics[state.metric]
    chosen = dict.fromkeys(must)
    if state.selected in model.view:
        around = sorted(
            (n for n in model.view[state.selected] if n in filtered),
            key=lambda n: (-values[n], n),
        )
        chosen.update(dict.fromkeys(around[: budget // 2]))
    for node in model.order[state.metric]:
        if len(chosen) >= budget:
            break
        if node in filtered:
            chosen.setdefault(node)
    return set(chosen)
