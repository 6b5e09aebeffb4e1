"""The explorer web app: ``create_app(graph)`` builds it; importing this module builds nothing.

Callbacks are thin: each checks what the client sent, calls one ``handle_*`` function (plain,
importable, unit-tested) and returns. The only per-user state lives in the browser (stores and the
URL); the precomputed :class:`~ecosystem.explorer.Model` is read-only, so workers and users share
nothing mutable.
"""

from __future__ import annotations

import base64
import csv
import heapq
import html as html_text
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dash_cytoscape as cyto
import flask
import networkx as nx
from dash import ALL, Dash, Input, Output, State, ctx, dash_table, dcc, html
from dash.exceptions import PreventUpdate

from ecosystem.analysis.centrality import METRICS, Progress, ranking
from ecosystem.analysis.lookup import search
from ecosystem.analysis.paths import collaboration_paths
from ecosystem.analysis.synergy import synergy_candidates
from ecosystem.elements import (
    base_stylesheet,
    concentric_positions,
    edge_id,
    highlight_stylesheet,
    link_elements,
    node_elements,
    path_edges,
    scaled_sizes,
)
from ecosystem.errors import EcosystemError
from ecosystem.explorer import (
    COLOUR_MODES,
    LAYOUTS,
    MAX_ELEMENTS,
    MAX_HOPS,
    MAX_PATH_K,
    Model,
    ViewState,
    build_model,
    encode_state,
    visible,
)
from ecosystem.explorer import parse_state as parse_view_state
from ecosystem.interchange.exporter import MEDIA_TYPES, export_files
from ecosystem.schema import (
    DOC_SEPARATOR,
    ENTITY_TYPES,
    RELATION_COLUMNS,
    RELATION_TYPES,
    SOURCES_DIR,
)
from ecosystem.security import harden
from ecosystem.sources import locate, normalise
from ecosystem.ui import panels
from ecosystem.ui.ids import ID
from ecosystem.ui.panels import attrs

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MAX_SEARCH_CHARS = 100
MAX_OPTIONS = 15


# ----------------------------------------------------------------------------- input checks


def _entity(model: Model, value: Any) -> str | None:
    """An entity id from the client, or None when it is not one."""
    return value if isinstance(value, str) and value in model.view else None


def _choices(values: Any, allowed: Sequence[str] | dict) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(dict.fromkeys(v for v in values[:64] if isinstance(v, str) and v in allowed))


def _number(value: Any, low: int, high: int, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(min(max(value, low), high))


def state_from_controls(
    model: Model,
    selected: Any,
    path_from: Any,
    path_to: Any,
    types: Any,
    relations: Any,
    min_degree: Any,
    hops: Any,
    metric: Any,
    presenter: Any,
    colour: Any,
    layout: Any,
) -> ViewState:
    """The view state the controls hold, with every value checked (clients send any JSON)."""
    return ViewState(
        selected=_entity(model, selected),
        path_from=_entity(model, path_from),
        path_to=_entity(model, path_to),
        types=_choices(types, ENTITY_TYPES),
        relations=_choices(relations, RELATION_TYPES),
        min_degree=_number(min_degree, 0, 1000, 0),
        hops=_number(hops, 0, MAX_HOPS, 0),
        metric=metric if isinstance(metric, str) and metric in METRICS else "degree",
        presenter=presenter is True,
        colour=colour if isinstance(colour, str) and colour in COLOUR_MODES else "type",
        layout=layout if isinstance(layout, str) and layout in LAYOUTS else "force",
    )


# ----------------------------------------------------------------------------- handlers


def handle_restore(model: Model, query: Any) -> tuple:
    """Control values for the state a URL asks for, then ``True`` (restored) and the tab to show."""
    s = parse_view_state(model, query if isinstance(query, str) else None)
    tab = "paths" if s.path_from and s.path_to else "details"
    return (
        s.selected,
        s.path_from,
        s.path_to,
        list(s.types),
        list(s.relations),
        s.min_degree,
        s.hops,
        s.metric,
        s.presenter,
        s.colour,
        s.layout,
        True,
        tab,
    )


def handle_entity_options(model: Model, typed: Any, current: Any) -> list[dict]:
    """Type-ahead options: matches for what was typed, plus the current value so it stays shown.

    Each option's ``search`` text holds what was typed: the dropdown filters options again in the
    browser, and a match on an alias or an accent-folded name must not be filtered away there.
    """
    query = typed[:MAX_SEARCH_CHARS] if isinstance(typed, str) else ""
    options = []
    chosen = _entity(model, current)
    if chosen:
        options.append(_option(model, chosen, query))
    if query.strip():
        for hit in search(model.view, query, limit=MAX_OPTIONS, index=model.index):
            if hit["id"] != chosen:
                options.append(_option(model, hit["id"], query))
    return options


def _option(model: Model, node: str, query: str = "") -> dict:
    data = model.view.nodes[node]
    label = f"{data.get('name', node)} ({data.get('type', '').replace('_', ' ')})"
    return {"label": label, "value": node, "search": f"{query} {label} {data.get('aliases', '')}"}


def handle_elements(
    model: Model, state: ViewState, keep: Sequence[str] = ()
) -> tuple[list[dict], str]:
    """The elements a view state shows (``keep``: highlighted entities), and what is hidden."""
    shown = visible(model, state, keep=keep)
    values = model.metrics[state.metric]
    sizes = scaled_sizes({node: values[node] for node in shown.nodes})
    layout: Mapping[str, tuple[float, float]]
    if state.layout == "concentric":
        layout = concentric_positions({node: values[node] for node in shown.nodes})
    else:
        layout = model.layout
    community = model.community if state.colour == "community" else None
    elements = node_elements(
        model.view, shown.nodes, layout=layout, sizes=sizes, community=community
    )
    elements += link_elements(model.view, shown.links)
    entities, links = model.view.number_of_nodes(), model.link_count
    counts = (
        f"Showing {len(shown.nodes):,} of {entities:,} entities ({shown.hidden_nodes:,} hidden) "
        f"and {shown.shown_links:,} of {links:,} links ({shown.hidden_links:,} hidden)."
    )
    if shown.capped:
        counts += (
            " Large network: the most central entities and the selection's neighbourhood are "
            "shown; search, select or filter to see others."
        )
    return elements, counts


def _kept(path: Any, pick: Any) -> list[str]:
    """Entities a highlight needs on screen (its nodes), from the path and synergy stores."""
    kept: list[str] = []
    for store in (path, pick):
        if isinstance(store, dict) and isinstance(store.get("nodes"), list):
            kept.extend(node for node in store["nodes"][:200] if isinstance(node, str))
    return kept


def handle_layout(model: Model, name: str, selected: str | None, reset: int = 0) -> dict:
    """The Cytoscape layout for a name; positions are precomputed where they must be fixed."""
    if name in ("force", "concentric"):
        return {"name": "preset", "fit": True, "padding": 30, "reset": reset}
    if name == "breadthfirst":
        layout: dict = {"name": "breadthfirst", "fit": True, "padding": 30, "spacingFactor": 1.1}
        if selected:
            layout["roots"] = f'[id = "{selected}"]'
        return layout
    return {"name": name, "fit": True, "padding": 30, "avoidOverlap": True}


def handle_highlight(
    model: Model,
    state: ViewState,
    path: dict | None,
    pick: dict | None,
) -> tuple[list[dict], list[str]]:
    """The stylesheet for the current highlight and the entities to step through with next/previous.

    A picked synergy candidate wins over a path, a path over the plain selection.
    """
    base = panels_base_stylesheet(state)
    if pick and pick.get("nodes"):
        nodes = [n for n in pick["nodes"] if n in model.view]
        edges = [e for e in pick.get("edges", []) if isinstance(e, str)]
        return highlight_stylesheet(
            base, nodes=nodes, edges=edges, focus=state.selected, presenter=state.presenter
        ), nodes
    if path and path.get("nodes"):
        nodes = [n for n in path["nodes"] if n in model.view]
        return highlight_stylesheet(
            base, nodes=nodes, edges=path_edges(nodes), presenter=state.presenter
        ), nodes
    if state.selected:
        # Every neighbour on screen: a capped view shows at most MAX_ELEMENTS of them, the most
        # central by the metric shown first; a hub's thousands of others need no style.
        values = model.metrics[state.metric]
        around = model.view[state.selected]
        neighbours = sorted(
            heapq.nsmallest(MAX_ELEMENTS, around, key=lambda n: (-values[n], n))
            if len(around) > MAX_ELEMENTS
            else around
        )
        nodes = [state.selected, *neighbours]
        edges = [edge_id(state.selected, n) for n in neighbours]
        return highlight_stylesheet(
            base, nodes=nodes, edges=edges, focus=state.selected, presenter=state.presenter
        ), nodes
    return base, []


def panels_base_stylesheet(state: ViewState) -> list[dict]:
    return base_stylesheet(presenter=state.presenter, colour_by=state.colour)


def handle_path(
    model: Model, source: Any, target: Any, k: Any, avoid_hubs: Any
) -> tuple[list, dict | None]:
    """The path panel and the best path's nodes (for highlighting), or a message."""
    start, end = _entity(model, source), _entity(model, target)
    if not start or not end:
        return [panels.message("Choose two entities to see how they are connected.")], None
    try:
        result = collaboration_paths(
            model.view,
            start,
            end,
            k=_number(k, 1, MAX_PATH_K, 3),
            avoid_hubs=avoid_hubs is not False and avoid_hubs != [],
            index=model.index,
            prepared=model.paths,
        )
    except EcosystemError as error:
        return [panels.message(str(error).capitalize() + ".", "warning")], None
    return panels.path_report(result), {"nodes": result["paths"][0]["nodes"]}


def handle_synergy(model: Model, selected: Any, types: Any) -> list:
    node = _entity(model, selected)
    if not node:
        return [panels.message("Select an entity to see who it should link with next, and why.")]
    try:
        result = synergy_candidates(
            model.view,
            node,
            types=_choices(types, ENTITY_TYPES) or None,
            top=10,
            index=model.index,
            prepared=model.paths,
        )
    except EcosystemError as error:
        return [panels.message(str(error), "warning")]
    return panels.synergy_report(result)


def handle_pick(model: Model, selected: Any, candidate: Any) -> dict | None:
    """Highlight for one synergy candidate: both ends, the shared neighbours and the best path."""
    node, other = _entity(model, selected), _entity(model, candidate)
    if not node or not other or node == other:
        return None
    shared = sorted(set(model.view[node]) & set(model.view[other]))
    edges = [edge_id(node, z) for z in shared] + [edge_id(other, z) for z in shared]
    nodes = [node, other, *shared]
    try:
        best = collaboration_paths(
            model.view, node, other, k=1, index=model.index, prepared=model.paths
        )["paths"][0]
    except EcosystemError:
        best = None
    if best:
        nodes += [n for n in best["nodes"] if n not in nodes]
        edges += path_edges(best["nodes"])
    return {"candidate": other, "nodes": nodes, "edges": sorted(set(edges))}


def handle_details(model: Model, selected: Any, edge: Any, trigger: str | None) -> list:
    if trigger == ID.GRAPH and isinstance(edge, dict):
        first, second = _entity(model, edge.get("source")), _entity(model, edge.get("target"))
        if first and second and model.view.has_edge(first, second):
            return panels.link_details(model, first, second)
    node = _entity(model, selected)
    return panels.entity_details(model, node) if node else panels.empty_details()


def handle_centrality(model: Model, metric: str, top: Any, types: Sequence[str]) -> tuple:
    rows = ranking(
        model.view,
        metric,
        entity_type=list(types) or None,
        top=_number(top, 1, 100, 15),
        scores=model.metrics[metric],
    )
    table = [
        {
            "rank": r["rank"],
            "name": r["name"],
            "type": r["type"].replace("_", " "),
            "value": round(r["value"], 4),
        }
        for r in rows
    ]
    return rows, table


def metric_about(model: Model, metric: str) -> str:
    """What a metric measures, and how it was computed when that was an approximation."""
    how = model.methods[metric]
    return f"{METRICS[metric]} ({how.describe()})." if how.approximate else METRICS[metric]


def handle_step(highlight: Any, selected: Any, step: int) -> str | None:
    """The next (step 1) or previous (step -1) highlighted entity after the selection."""
    if not isinstance(highlight, list) or not highlight:
        raise PreventUpdate
    items = [item for item in highlight if isinstance(item, str)]
    if selected in items:
        return items[(items.index(selected) + step) % len(items)]
    return items[0 if step > 0 else -1]


def visible_subgraph(model: Model, state: ViewState) -> nx.MultiDiGraph:
    """The typed relations among what the view shows (for CSV and GraphML export)."""
    shown = visible(model, state)
    kinds = set(shown.relation_types) if shown.relation_types is not None else None
    subgraph = nx.MultiDiGraph()
    for node in shown.nodes:
        subgraph.add_node(node, **model.graph.nodes[node])
    # The relations behind each link on screen, in file order (not a pass over every relation
    # of a large network).
    records = sorted(
        (
            record
            for pair in shown.links
            for record in model.view.edges[pair]["relations"]
            if kinds is None or record["type"] in kinds
        ),
        key=lambda record: record.get("line", 0),
    )
    for record in records:
        source, target, key = record["source"], record["target"], record["key"]
        subgraph.add_edge(source, target, key=key, **model.graph.edges[source, target, key])
    return subgraph


def export_csv(model: Model, state: ViewState) -> str:
    """The visible relations as CSV, ends named, with evidence and documents."""
    subgraph = visible_subgraph(model, state)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # relations.csv's columns, with each end's name beside its id for people reading the file.
    details = RELATION_COLUMNS[3:]
    writer.writerow(["source", "source_name", "type", "target", "target_name", *details])
    rows = sorted(subgraph.edges(data=True), key=lambda edge: edge[2].get("line", 0))
    for source, target, data in rows:
        ends = [
            source,
            _cell(subgraph.nodes[source].get("name", source)),
            data["type"],
            target,
            _cell(subgraph.nodes[target].get("name", target)),
        ]
        writer.writerow([*ends, *(_cell(str(data.get(column, ""))) for column in details)])
    return buffer.getvalue()


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


EXPORT_BUTTONS: dict[str, tuple[str, str]] = {
    "csv": (ID.EXPORT_CSV, "CSV of visible relations"),
    "graphml": (ID.EXPORT_GRAPHML, "GraphML (Cytoscape, yEd, Gephi)"),
    "gexf": (ID.EXPORT_GEXF, "GEXF for Gephi"),
    "cyjs": (ID.EXPORT_CYJS, "Cytoscape.js JSON"),
    "kumu": (ID.EXPORT_KUMU, "Kumu workbook (.xlsx)"),
}


def export_download(model: Model, state: ViewState, fmt: str) -> dict:
    """The visible network as a download in ``fmt``: the data ``dcc.Download`` takes."""
    if fmt == "csv":
        return {
            "content": export_csv(model, state),
            "filename": "ecosystem-relations.csv",
            "type": "text/csv",
        }
    subgraph = visible_subgraph(model, state)
    scores = {
        name: {node: values[node] for node in subgraph} for name, values in model.metrics.items()
    }
    ((filename, content),) = export_files(subgraph, fmt, scores=scores).items()
    return {
        "content": base64.b64encode(content).decode("ascii"),
        "base64": True,
        "filename": filename,
        "type": MEDIA_TYPES[fmt],
    }


def source_page(model: Model, doc: str, line: str | None) -> tuple[str, int]:
    """A source document as a page with the excerpt of relation ``line`` marked; all escaped."""
    sources = Path(model.graph.graph.get("data_dir", ".")) / SOURCES_DIR
    known = {
        name
        for *_, data in model.graph.edges(data=True)
        for name in data["doc"].split(DOC_SEPARATOR)
    }
    if doc not in known or not (sources / doc).is_file():
        return _page("Not found", "<p>No such source document.</p>"), 404
    text = normalise((sources / doc).read_text(encoding="utf-8"))
    excerpt = None
    if line and line.isdigit():
        for *_, data in model.graph.edges(data=True):
            if data.get("line") == int(line) and doc in data["doc"].split(DOC_SEPARATOR):
                excerpt = data["evidence"]
                break
    span = locate(text, excerpt) if excerpt else None
    if span:
        start, end = span
        body = (
            html_text.escape(text[:start])
            + '<mark id="excerpt">'
            + html_text.escape(text[start:end])
            + "</mark>"
            + html_text.escape(text[end:])
        )
    else:
        body = html_text.escape(text)
    return _page(doc, f'<p class="source-text">{body}</p>'), 200


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text.escape(title)}</title>"
        '<link rel="stylesheet" href="/assets/source.css"></head>'
        f"<body><h1>{html_text.escape(title)}</h1>{body}</body></html>"
    )


# ----------------------------------------------------------------------------- layout


def _panel(title: str, children: list, panel_id: str | None = None) -> html.Section:
    return html.Section([html.H2(title), *children], className="panel", id=panel_id or "")


def build_layout(model: Model) -> html.Div:
    type_options = panels.type_options(model.type_counts)
    relation_options = [
        {"label": f"{kind.replace('_', ' ')} ({model.relation_counts[kind]})", "value": kind}
        for kind in RELATION_TYPES
        if model.relation_counts.get(kind)
    ]
    toolbar = html.Div(
        [
            html.Button(
                "Fit",
                id=ID.FIT,
                className="tool",
                **attrs({"data-cy-action": "fit"}),
                title="Fit the network to the screen (f)",
            ),
            html.Button(
                "+",
                id=ID.ZOOM_IN,
                className="tool",
                **attrs({"data-cy-action": "zoom-in"}),
                title="Zoom in (+)",
                **attrs({"aria-label": "Zoom in"}),
            ),
            html.Button(
                "−",
                id=ID.ZOOM_OUT,
                className="tool",
                **attrs({"data-cy-action": "zoom-out"}),
                title="Zoom out (-)",
                **attrs({"aria-label": "Zoom out"}),
            ),
            html.Button(
                "Reset",
                id=ID.RESET,
                className="tool",
                n_clicks=0,
                title="Put every entity back in its place",
            ),
            html.Span(id=ID.COUNTS, className="counts"),
        ],
        className="toolbar",
    )
    return html.Div(
        [
            dcc.Location(id=ID.URL, refresh=False),
            dcc.Location(id=ID.URL_WRITER, refresh=False),
            dcc.Store(id=ID.RESTORED, data=False),
            dcc.Store(id=ID.SELECTED, data=None),
            dcc.Store(id=ID.PATH_STORE, data=None),
            dcc.Store(id=ID.SYNERGY_STORE, data=None),
            dcc.Store(id=ID.HIGHLIGHT, data=[]),
            dcc.Store(id=ID.PRESENTER, data=False),
            dcc.Download(id=ID.DOWNLOAD),
            html.Button(
                id=ID.NEXT, n_clicks=0, className="hidden", **attrs({"aria-hidden": "true"})
            ),
            html.Button(
                id=ID.PREVIOUS, n_clicks=0, className="hidden", **attrs({"aria-hidden": "true"})
            ),
            html.Header(
                [
                    html.H1("Ecosystem explorer"),
                    dcc.Dropdown(
                        id=ID.SEARCH,
                        placeholder="Search entities by name or alias…",
                        options=[],
                        className="search",
                        clearable=True,
                    ),
                    html.Label(
                        [
                            "Colour by ",
                            dcc.Dropdown(
                                id=ID.COLOUR,
                                value="type",
                                clearable=False,
                                className="inline-select",
                                options=[{"label": v, "value": k} for k, v in COLOUR_MODES.items()],
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            "Layout ",
                            dcc.Dropdown(
                                id=ID.LAYOUT,
                                value="force",
                                clearable=False,
                                className="inline-select",
                                options=[{"label": v, "value": k} for k, v in LAYOUTS.items()],
                            ),
                        ]
                    ),
                    html.Details(
                        [
                            html.Summary("Export"),
                            html.Div(
                                [
                                    html.Button("PNG image", id=ID.EXPORT_PNG, n_clicks=0),
                                    html.Button("SVG image", id=ID.EXPORT_SVG, n_clicks=0),
                                    *[
                                        html.Button(label, id=button, n_clicks=0)
                                        for button, label in EXPORT_BUTTONS.values()
                                    ],
                                ],
                                className="export-items",
                            ),
                        ],
                        className="export-menu",
                    ),
                    html.Button(
                        "Presenter mode",
                        id=ID.PRESENTER + "-on",
                        n_clicks=0,
                        className="primary",
                        title="Full-screen network for a projector",
                    ),
                    html.Button(
                        "Leave presenter mode (Esc)",
                        id=ID.LEAVE_PRESENTER,
                        n_clicks=0,
                        className="leave-presenter",
                    ),
                ],
                className="topbar",
            ),
            html.Main(
                [
                    html.Aside(
                        [
                            _panel(
                                "Filters",
                                [
                                    html.Label("Entity types"),
                                    dcc.Dropdown(
                                        id=ID.TYPES,
                                        options=type_options,
                                        multi=True,
                                        placeholder="All types",
                                    ),
                                    html.Label("Relation types"),
                                    dcc.Dropdown(
                                        id=ID.RELATIONS,
                                        options=relation_options,
                                        multi=True,
                                        placeholder="All relations",
                                    ),
                                    html.Label("Minimum links"),
                                    dcc.Slider(
                                        id=ID.MIN_DEGREE,
                                        min=0,
                                        max=10,
                                        step=1,
                                        value=0,
                                        marks={i: str(i) for i in range(0, 11, 2)},
                                    ),
                                    html.Label("Around the selection"),
                                    dcc.RadioItems(
                                        id=ID.HOPS,
                                        value=0,
                                        inline=True,
                                        options=[{"label": "whole network", "value": 0}]
                                        + [
                                            {"label": f"{h} hop{'s' if h > 1 else ''}", "value": h}
                                            for h in range(1, MAX_HOPS + 1)
                                        ],
                                    ),
                                ],
                            ),
                            _panel("Legend", [panels.legend(model.type_counts)]),
                        ],
                        className="sidebar left",
                    ),
                    html.Div(
                        [
                            toolbar,
                            dcc.Loading(
                                cyto.Cytoscape(
                                    id=ID.GRAPH,
                                    elements=[],
                                    layout={"name": "preset", "fit": True, "padding": 30},
                                    stylesheet=base_stylesheet(),
                                    style={"width": "100%", "height": "100%"},
                                    minZoom=0.05,
                                    maxZoom=4,
                                    boxSelectionEnabled=False,
                                ),
                                parent_className="graph-loading",
                                delay_show=300,
                            ),
                            html.Div(id=ID.HOVER, className="hover-card", role="status"),
                        ],
                        className="graph-area",
                    ),
                    html.Aside(
                        [
                            dcc.Tabs(
                                id=ID.TABS,
                                value="details",
                                children=[
                                    dcc.Tab(
                                        label="Details",
                                        value="details",
                                        children=[
                                            dcc.Loading(
                                                html.Div(id=ID.DETAILS, className="details")
                                            ),
                                        ],
                                    ),
                                    dcc.Tab(
                                        label="Paths",
                                        value="paths",
                                        children=[
                                            html.Label("From"),
                                            dcc.Dropdown(
                                                id=ID.PATH_FROM,
                                                options=[],
                                                placeholder="Type a name…",
                                            ),
                                            html.Label("To"),
                                            dcc.Dropdown(
                                                id=ID.PATH_TO,
                                                options=[],
                                                placeholder="Type a name…",
                                            ),
                                            html.Div(
                                                [
                                                    html.Label(
                                                        [
                                                            "Alternatives ",
                                                            dcc.Input(
                                                                id=ID.PATH_K,
                                                                type="number",
                                                                min=1,
                                                                max=MAX_PATH_K,
                                                                step=1,
                                                                value=3,
                                                                className="small-number",
                                                            ),
                                                        ]
                                                    ),
                                                    dcc.Checklist(
                                                        id=ID.PATH_HUBS,
                                                        value=["avoid"],
                                                        options=[
                                                            {
                                                                "label": " avoid generic hubs",
                                                                "value": "avoid",
                                                            }
                                                        ],
                                                    ),
                                                ],
                                                className="row",
                                            ),
                                            dcc.Loading(
                                                html.Div(id=ID.PATH_RESULT, className="paths")
                                            ),
                                        ],
                                    ),
                                    dcc.Tab(
                                        label="Synergy",
                                        value="synergy",
                                        children=[
                                            html.Label("Candidate types"),
                                            dcc.Dropdown(
                                                id=ID.SYNERGY_TYPES,
                                                options=type_options,
                                                multi=True,
                                                placeholder="All types",
                                            ),
                                            dcc.Loading(
                                                html.Div(id=ID.SYNERGY_RESULT, className="synergy")
                                            ),
                                        ],
                                    ),
                                    dcc.Tab(
                                        label="Centrality",
                                        value="centrality",
                                        children=[
                                            html.Div(
                                                [
                                                    html.Label(
                                                        [
                                                            "Metric ",
                                                            dcc.Dropdown(
                                                                id=ID.METRIC,
                                                                value="degree",
                                                                clearable=False,
                                                                options=panels.metric_options(),
                                                                className="inline-select",
                                                            ),
                                                        ]
                                                    ),
                                                    html.Label(
                                                        [
                                                            "Top ",
                                                            dcc.Input(
                                                                id=ID.TOP_N,
                                                                type="number",
                                                                min=1,
                                                                max=100,
                                                                value=15,
                                                                className="small-number",
                                                            ),
                                                        ]
                                                    ),
                                                ],
                                                className="row",
                                            ),
                                            html.P(id=ID.METRIC + "-about", className="muted"),
                                            dcc.Loading(
                                                dcc.Graph(
                                                    id=ID.CHART,
                                                    config={
                                                        "displaylogo": False,
                                                        "displayModeBar": False,
                                                    },
                                                )
                                            ),
                                            dash_table.DataTable(  # type: ignore[attr-defined]
                                                id=ID.TABLE,
                                                columns=[
                                                    {"name": "#", "id": "rank"},
                                                    {"name": "Entity", "id": "name"},
                                                    {"name": "Type", "id": "type"},
                                                    {"name": "Value", "id": "value"},
                                                ],
                                                sort_action="native",
                                                page_size=15,
                                                style_cell={
                                                    "textAlign": "left",
                                                    "fontFamily": "system-ui, sans-serif",
                                                },
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                        className="sidebar right",
                    ),
                ],
                className="main",
            ),
        ],
        id=ID.ROOT,
        className="app",
    )


# ----------------------------------------------------------------------------- wiring

CONTROL_STATE = [
    State(ID.SELECTED, "data"),
    State(ID.PATH_FROM, "value"),
    State(ID.PATH_TO, "value"),
    State(ID.TYPES, "value"),
    State(ID.RELATIONS, "value"),
    State(ID.MIN_DEGREE, "value"),
    State(ID.HOPS, "value"),
    State(ID.METRIC, "value"),
    State(ID.PRESENTER, "data"),
    State(ID.COLOUR, "value"),
    State(ID.LAYOUT, "value"),
]


def create_app(
    graph: nx.MultiDiGraph,
    *,
    title: str = "Ecosystem explorer",
    frame_ancestors: Sequence[str] = (),
    cache: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> Dash:
    """Build the Dash app for one typed graph: precompute the model, lay out, wire callbacks.

    ``frame_ancestors`` lists the sites allowed to embed the app in a frame (none by default).
    ``cache``, ``use_cache`` and ``progress`` go to :func:`~ecosystem.explorer.build_model`.
    """
    model = build_model(graph, cache=cache, use_cache=use_cache, progress=progress)
    cyto.load_extra_layouts()  # brings cytoscape-svg, needed for SVG export
    app = Dash(
        __name__,
        title=title,
        assets_folder=str(ASSETS),
        assets_ignore=r"source\.css",  # the source-document page's own style
        suppress_callback_exceptions=False,
        update_title=None,  # type: ignore[arg-type]  # None turns the title off
    )
    app.layout = build_layout(model)
    _register(app, model)

    @app.server.route("/source/<path:doc>")
    def source(doc: str):  # a plain Flask route: escaped text, never the raw file
        page, status = source_page(model, doc, flask.request.args.get("line"))
        return flask.Response(page, status=status, mimetype="text/html")

    harden(app, frame_ancestors=frame_ancestors)
    # Dash registers the script paths it may serve while it renders its first page, in the
    # process that renders it. Render it once here, so that every worker forked from this process
    # serves scripts from its first request.
    app.server.test_client().get("/")
    return app


def _register(app: Dash, model: Model) -> None:
    controls = [
        Input(ID.SELECTED, "data"),
        Input(ID.PATH_FROM, "value"),
        Input(ID.PATH_TO, "value"),
        Input(ID.TYPES, "value"),
        Input(ID.RELATIONS, "value"),
        Input(ID.MIN_DEGREE, "value"),
        Input(ID.HOPS, "value"),
        Input(ID.METRIC, "value"),
        Input(ID.PRESENTER, "data"),
        Input(ID.COLOUR, "value"),
        Input(ID.LAYOUT, "value"),
    ]

    @app.callback(
        Output(ID.SELECTED, "data"),
        Output(ID.PATH_FROM, "value"),
        Output(ID.PATH_TO, "value"),
        Output(ID.TYPES, "value"),
        Output(ID.RELATIONS, "value"),
        Output(ID.MIN_DEGREE, "value"),
        Output(ID.HOPS, "value"),
        Output(ID.METRIC, "value"),
        Output(ID.PRESENTER, "data"),
        Output(ID.COLOUR, "value"),
        Output(ID.LAYOUT, "value"),
        Output(ID.RESTORED, "data"),
        Output(ID.TABS, "value"),
        # A dropdown drops a value missing from its options: send both together.
        Output(ID.PATH_FROM, "options", allow_duplicate=True),
        Output(ID.PATH_TO, "options", allow_duplicate=True),
        Input(ID.URL, "search"),
        State(ID.RESTORED, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def restore_from_url(query, restored):
        if restored:
            raise PreventUpdate
        values = handle_restore(model, query)
        path_from, path_to = values[1], values[2]
        return (
            *values,
            handle_entity_options(model, None, path_from),
            handle_entity_options(model, None, path_to),
        )

    @app.callback(Output(ID.URL_WRITER, "search"), *controls, State(ID.RESTORED, "data"))
    def write_url(*values):
        *controls_values, restored = values
        if not restored:
            raise PreventUpdate
        return encode_state(state_from_controls(model, *controls_values))

    for dropdown in (ID.SEARCH, ID.PATH_FROM, ID.PATH_TO):
        app.callback(
            Output(dropdown, "options"),
            Input(dropdown, "search_value"),
            State(dropdown, "value"),
            prevent_initial_call=True,
        )(lambda typed, current: handle_entity_options(model, typed, current))

    @app.callback(
        Output(ID.SELECTED, "data", allow_duplicate=True),
        Input(ID.SEARCH, "value"),
        Input(ID.GRAPH, "tapNodeData"),
        Input(ID.NEXT, "n_clicks"),
        Input(ID.PREVIOUS, "n_clicks"),
        State(ID.HIGHLIGHT, "data"),
        State(ID.SELECTED, "data"),
        prevent_initial_call=True,
    )
    def select(searched, tapped, _next, _previous, highlight, selected):
        trigger = ctx.triggered_id
        if trigger == ID.SEARCH:
            node = _entity(model, searched)
        elif trigger == ID.GRAPH:
            node = _entity(model, tapped.get("id") if isinstance(tapped, dict) else None)
        else:
            node = handle_step(highlight, selected, 1 if trigger == ID.NEXT else -1)
        if node is None:
            raise PreventUpdate
        return node

    large = model.view.number_of_nodes() > MAX_ELEMENTS // 2
    highlight_inputs = {ID.SELECTED, ID.PATH_STORE, ID.SYNERGY_STORE}

    @app.callback(
        Output(ID.GRAPH, "elements"),
        Output(ID.COUNTS, "children"),
        *controls[3:8],
        Input(ID.COLOUR, "value"),
        Input(ID.LAYOUT, "value"),
        Input(ID.SELECTED, "data"),
        Input(ID.PATH_STORE, "data"),
        Input(ID.SYNERGY_STORE, "data"),
    )
    def render_elements(
        types, relations, min_degree, hops, metric, colour, layout, selected, path, pick
    ):
        # A selection or highlight changes what is drawn only around a selection or when the
        # network is too large to draw whole.
        if set(ctx.triggered_prop_ids.values()) <= highlight_inputs and not hops and not large:
            raise PreventUpdate
        state = state_from_controls(
            model,
            selected,
            None,
            None,
            types,
            relations,
            min_degree,
            hops,
            metric,
            False,
            colour,
            layout,
        )
        return handle_elements(model, state, _kept(path, pick))

    @app.callback(
        Output(ID.GRAPH, "layout"),
        Input(ID.LAYOUT, "value"),
        Input(ID.RESET, "n_clicks"),
        State(ID.SELECTED, "data"),
    )
    def choose_layout(name, reset, selected):
        name = name if isinstance(name, str) and name in LAYOUTS else "force"
        return handle_layout(model, name, _entity(model, selected), _number(reset, 0, 10**9, 0))

    @app.callback(
        Output(ID.GRAPH, "stylesheet"),
        Output(ID.HIGHLIGHT, "data"),
        Input(ID.SELECTED, "data"),
        Input(ID.PATH_STORE, "data"),
        Input(ID.SYNERGY_STORE, "data"),
        Input(ID.COLOUR, "value"),
        Input(ID.PRESENTER, "data"),
    )
    def restyle(selected, path, pick, colour, presenter):
        state = state_from_controls(
            model, selected, None, None, [], [], 0, 0, "degree", presenter, colour, "force"
        )
        return handle_highlight(
            model,
            state,
            path if isinstance(path, dict) else None,
            pick if isinstance(pick, dict) else None,
        )

    @app.callback(
        Output(ID.DETAILS, "children"),
        Input(ID.SELECTED, "data"),
        Input(ID.GRAPH, "tapEdgeData"),
    )
    def details(selected, edge):
        return handle_details(model, selected, edge, ctx.triggered_id)

    @app.callback(
        Output(ID.HOVER, "children"),
        Input(ID.GRAPH, "mouseoverNodeData"),
        State(ID.METRIC, "value"),
    )
    def hover(data, metric):
        node = _entity(model, data.get("id") if isinstance(data, dict) else None)
        if not node:
            return ""
        metric = metric if metric in METRICS else "degree"
        entity = model.view.nodes[node]
        return [
            html.Strong(entity.get("name", node)),
            html.Span(f" · {entity.get('type', '').replace('_', ' ')}"),
            html.Div(
                f"{model.view.degree(node)} links · {metric.replace('_', ' ')} "
                f"{model.metrics[metric][node]:.3f}"
            ),
        ]

    @app.callback(
        Output(ID.CHART, "figure"),
        Output(ID.TABLE, "data"),
        Output(ID.METRIC + "-about", "children"),
        Input(ID.METRIC, "value"),
        Input(ID.TOP_N, "value"),
        Input(ID.TYPES, "value"),
        Input(ID.PRESENTER, "data"),
    )
    def centrality(metric, top, types, presenter):
        metric = metric if metric in METRICS else "degree"
        rows, table = handle_centrality(model, metric, top, _choices(types, ENTITY_TYPES))
        figure = panels.centrality_figure(rows, metric, presenter=presenter is True)
        return figure, table, metric_about(model, metric)

    @app.callback(
        Output(ID.PATH_RESULT, "children"),
        Output(ID.PATH_STORE, "data"),
        Input(ID.PATH_FROM, "value"),
        Input(ID.PATH_TO, "value"),
        Input(ID.PATH_K, "value"),
        Input(ID.PATH_HUBS, "value"),
    )
    def find_path(source, target, k, hubs):
        return handle_path(model, source, target, k, isinstance(hubs, list) and "avoid" in hubs)

    @app.callback(
        Output(ID.SYNERGY_RESULT, "children"),
        Output(ID.SYNERGY_STORE, "data"),
        Input(ID.SELECTED, "data"),
        Input(ID.SYNERGY_TYPES, "value"),
    )
    def synergy(selected, types):
        return handle_synergy(model, selected, types), None

    @app.callback(
        Output(ID.SYNERGY_STORE, "data", allow_duplicate=True),
        Input({"type": ID.SYNERGY_PICK, "index": ALL}, "n_clicks"),
        State(ID.SELECTED, "data"),
        prevent_initial_call=True,
    )
    def pick(clicks, selected):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(isinstance(c, int) and c for c in clicks or []):
            raise PreventUpdate
        return handle_pick(model, selected, trigger.get("index"))

    @app.callback(
        Output(ID.PRESENTER, "data", allow_duplicate=True),
        Input(ID.PRESENTER + "-on", "n_clicks"),
        Input(ID.LEAVE_PRESENTER, "n_clicks"),
        prevent_initial_call=True,
    )
    def presenter(_on, _off):
        return ctx.triggered_id == ID.PRESENTER + "-on"

    @app.callback(Output(ID.ROOT, "className"), Input(ID.PRESENTER, "data"))
    def mode(presenting):
        return "app presenter" if presenting is True else "app"

    @app.callback(
        Output(ID.GRAPH, "generateImage"),
        Input(ID.EXPORT_PNG, "n_clicks"),
        Input(ID.EXPORT_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
    def export_image(_png, _svg):
        kind = "svg" if ctx.triggered_id == ID.EXPORT_SVG else "png"
        options = {"full": True, "bg": "#ffffff"} | ({"scale": 2} if kind == "png" else {})
        return {"type": kind, "action": "download", "filename": "ecosystem", "options": options}

    formats = {button: fmt for fmt, (button, _label) in EXPORT_BUTTONS.items()}

    @app.callback(
        Output(ID.DOWNLOAD, "data"),
        *[Input(button, "n_clicks") for button in formats],
        *CONTROL_STATE,
        prevent_initial_call=True,
    )
    def export_data(*values):
        state = state_from_controls(model, *values[len(formats) :])
        return export_download(model, state, formats.get(ctx.triggered_id, "csv"))
