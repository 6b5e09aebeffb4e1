"""What the web app shows, as pure functions: the precomputed model, filters and the URL state.

``build_model`` runs once per dataset (in ``create_app``); the model is read-only afterwards, so
several users and workers can share it safely. Its metrics, communities and layout come from the
on-disk cache when it holds them for this data (:mod:`ecosystem.cache`), so a restart is quick.
The view state (selection, path ends, filters, metric, mode) travels in the URL; ``parse_state``
accepts any query string a client sends and keeps only what is valid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs, urlencode

import networkx as nx
import numpy as np

from ecosystem.analysis.centrality import METRICS, Progress
from ecosystem.analysis.communities import membership
from ecosystem.analysis.lookup import EntityIndex, build_index
from ecosystem.analysis.paths import PathIndex, path_index
from ecosystem.cache import compute_communities, compute_layout, compute_metrics
from ecosystem.graph import bulk_allocation, simple_view
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES

LAYOUTS = {
    "force": "Force-directed (fixed)",
    "concentric": "Concentric by centrality",
    "breadthfirst": "Breadth-first from the selection",
    "circle": "Circle",
    "grid": "Grid",
}
COLOUR_MODES = {"type": "Entity type", "community": "Community"}
MAX_HOPS = 3
MAX_PATH_K = 10
DEFAULT_METRIC = "degree"
MAX_QUERY_CHARS = 4000
MAX_LIST_ITEMS = 64
MAX_ELEMENTS = 2000


@dataclass(frozen=True)
class Model:
    """Everything the app computes once per dataset. Read-only."""

    graph: nx.MultiDiGraph
    view: nx.Graph
    index: EntityIndex
    paths: PathIndex
    metrics: MappingProxyType
    methods: MappingProxyType  # metric -> Method: exact, or how it was sampled
    community: MappingProxyType
    community_info: dict
    layout: MappingProxyType
    order: MappingProxyType
    type_counts: dict[str, int]
    relation_counts: dict[str, int]
    links: MappingProxyType  # entity -> how many entities it is linked to
    link_count: int  # links in the view (NetworkX counts them anew on every call)


BUILD_STEPS = len(METRICS) + 2  # every metric, the communities, the layout


def build_model(
    graph: nx.MultiDiGraph,
    *,
    seed: int = 42,
    cache: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Model:
    """Precompute the view, the lookup index, every metric, communities and the fixed layout.

    Metrics, communities and the layout are read from the cache folder ``cache`` (default
    :func:`ecosystem.cache.cache_dir`) when it holds them for this data, else computed and
    stored there; ``use_cache=False`` neither reads nor writes it. ``progress`` is told each
    step, as ``progress(done, BUILD_STEPS, step)``, and ``progress(BUILD_STEPS, BUILD_STEPS, "")``
    at the end.
    """
    with bulk_allocation():
        return _build_model(graph, seed, cache, use_cache, progress or (lambda *_: None))


def _build_model(
    graph: nx.MultiDiGraph, seed: int, cache: Path | None, use_cache: bool, report: Progress
) -> Model:
    view = simple_view(graph)
    nx.freeze(view)
    metrics = compute_metrics(
        view,
        directory=cache,
        use_cache=use_cache,
        progress=lambda done, _total, metric: report(done, BUILD_STEPS, metric) if metric else None,
    )
    report(len(METRICS), BUILD_STEPS, "communities")
    info = compute_communities(view, seed=seed, directory=cache, use_cache=use_cache)
    report(len(METRICS) + 1, BUILD_STEPS, "layout")
    layout = compute_layout(view, seed=seed, directory=cache, use_cache=use_cache)
    report(BUILD_STEPS, BUILD_STEPS, "")
    return Model(
        graph=graph,
        view=view,
        index=build_index(view),
        paths=path_index(view),
        metrics=MappingProxyType(
            {name: MappingProxyType(values) for name, values in metrics.values.items()}
        ),
        methods=MappingProxyType(dict(metrics.methods)),
        community=MappingProxyType(membership(info)),
        community_info=info,
        layout=MappingProxyType(layout),
        order=MappingProxyType(rankings(view, metrics.values)),
        type_counts=dict(Counter(d.get("type", "") for _, d in view.nodes(data=True))),
        relation_counts=dict(Counter(kind for *_, kind in graph.edges.data("type"))),
        links=MappingProxyType(dict(view.degree())),
        link_count=view.number_of_edges(),
    )


def rankings(
    view: nx.Graph, metrics: Mapping[str, Mapping[Hashable, float]]
) -> dict[str, tuple[str, ...]]:
    """For each metric, the entities of ``view`` from the highest value to the lowest, ties by id.

    >>> rankings(nx.path_graph(["b", "a", "c"]), {"m": {"a": 1.0, "b": 1.0, "c": 2.0}})
    {'m': ('c', 'a', 'b')}
    """
    nodes = list(view)
    ties = np.empty(len(nodes), dtype=np.int64)
    ties[np.argsort(np.array([str(node) for node in nodes]), kind="stable")] = np.arange(len(nodes))
    ranked = {}
    for name, values in metrics.items():
        scores = np.fromiter((values[node] for node in nodes), dtype=np.float64, count=len(nodes))
        ranked[name] = tuple(nodes[i] for i in np.lexsort((ties, -scores)))
    return ranked


@dataclass(frozen=True)
class ViewState:
    """What a user is looking at; everything a copied link must reproduce."""

    selected: str | None = None
    path_from: str | None = None
    path_to: str | None = None
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    min_degree: int = 0
    hops: int = 0
    metric: str = DEFAULT_METRIC
    presenter: bool = False
    colour: str = "type"
    layout: str = "force"
    extra: dict[str, Any] = field(default_factory=dict)


def _first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None


def _entity(model: Model, value: str | None) -> str | None:
    return value if value is not None and value in model.view else None


def _listed(value: str | None, allowed: Collection[str]) -> tuple[str, ...]:
    if not value:
        return ()
    items = [item for item in value.split(",")[:MAX_LIST_ITEMS] if item in allowed]
    return tuple(dict.fromkeys(items))


def _bounded(value: str | None, low: int, high: int) -> int:
    try:
        return min(max(int(value or 0), low), high)
    except ValueError:
        return low


def parse_state(model: Model, query: str | None) -> ViewState:
    """The view state a URL query string asks for, keeping only what is valid.

    Unknown ids and types are dropped, numbers are clamped, anything else is ignored: a hand-made
    or hostile link opens the default view rather than an error.
    """
    if not query or not isinstance(query, str):
        return ViewState()
    values = parse_qs(query.lstrip("?")[:MAX_QUERY_CHARS], keep_blank_values=False)
    metric = _first(values, "metric")
    colour = _first(values, "colour")
    layout = _first(values, "layout")
    return ViewState(
        selected=_entity(model, _first(values, "sel")),
        path_from=_entity(model, _first(values, "from")),
        path_to=_entity(model, _first(values, "to")),
        types=_listed(_first(values, "types"), ENTITY_TYPES),
        relations=_listed(_first(values, "rels"), RELATION_TYPES),
        min_degree=_bounded(_first(values, "deg"), 0, 1000),
        hops=_bounded(_first(values, "hops"), 0, MAX_HOPS),
        metric=metric if metric in METRICS else DEFAULT_METRIC,
        presenter=_first(values, "mode") == "present",
        colour=colour if colour in COLOUR_MODES else "type",
        layout=layout if layout in LAYOUTS else "force",
    )


def encode_state(state: ViewState) -> str:
    """The query string (with ``?``, or empty) that :func:`parse_state` reads back to ``state``."""
    default = ViewState()
    pairs: list[tuple[str, str]] = []
    for key, value, empty in (
        ("sel", state.selected, None),
        ("from", state.path_from, None),
        ("to", state.path_to, None),
        ("types", ",".join(state.types), ""),
        ("rels", ",".join(state.relations), ""),
        ("deg", str(state.min_degree), "0"),
        ("hops", str(state.hops), "0"),
        ("metric", state.metric, default.metric),
        ("mode", "present" if state.presenter else "", ""),
        ("colour", state.colour, default.colour),
        ("layout", state.layout, default.layout),
    ):
        if value is not None and value != empty:
            pairs.append((key, value))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def with_state(state: ViewState, **changes: Any) -> ViewState:
    return replace(state, **changes)


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


def _links_among(
    view: nx.Graph, nodes: Collection[str], kinds: set[str] | None
) -> list[tuple[str, str]]:
    return sorted(
        (min(first, second), max(first, second))
        for first, second, data in view.subgraph(nodes).edges(data=True)
        if kinds is None or kinds.intersection(data.get("types", ()))
    )


def visible(
    model: Model,
    state: ViewState,
    *,
    keep: Collection[str] = (),
    max_elements: int = MAX_ELEMENTS,
) -> Visible:
    """Apply the filters of ``state``: entity types, relation types, minimum degree, and the
    selection's neighbourhood (``hops`` > 0 and a selection). The selection and the ``keep``
    entities (a highlighted path, say) always stay shown.

    When what is left would take more than ``max_elements`` nodes and links, only the most
    central of it is kept (see :class:`Visible`), so the browser stays responsive.
    """
    view = model.view
    kinds = set(state.relations) if state.relations else None
    must = [node for node in (state.selected, *keep) if node is not None and node in view]
    around = state.hops > 0 and state.selected in view
    if around:
        reach = nx.single_source_shortest_path_length(view, state.selected, cutoff=state.hops)
        candidates: Collection[str] = reach.keys()
    else:
        candidates = view.nodes
    wanted = set(state.types)
    filtered: Collection[str]
    if not around and not wanted and state.min_degree <= 0:
        filtered = view.nodes  # nothing filtered out: no need to copy 67,000 ids
    else:
        degree = model.links
        filtered = {
            node
            for node in candidates
            if (not wanted or view.nodes[node].get("type") in wanted)
            and degree[node] >= state.min_degree
        }
        filtered.update(must)
    capped = len(filtered) > max_elements // 2
    chosen = _overview(model, state, filtered, must, max_elements // 3) if capped else filtered
    links = _links_among(view, chosen, kinds)
    if capped and len(chosen) + len(links) > max_elements:
        values = model.metrics[state.metric]
        links.sort(key=lambda pair: (-(values[pair[0]] + values[pair[1]]), pair))
        links = sorted(links[: max_elements - len(chosen)])
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
    model: Model, state: ViewState, filtered: Collection[str], must: list[str], budget: int
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
