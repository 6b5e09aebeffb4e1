"""The network panel: the Cytoscape state, its toolbar and the hover card.

Inputs: the filters, metric, colour, layout, selection, stepped-to entity, the path's fields, the
picked candidate and presenter mode (view-state fields), and Reset. Outputs: the elements
(with the highlight's classes and a path's numbers), the count line and the list of
highlighted entities that next and previous step through; the layout; the stylesheet (colours,
presenter mode and the date alone). Tapping an entity or a link is an intent.

The page holds the view an address without a query opens (:func:`first_view`), drawn in the
browser as the page opens; the server draws every other view, and that one again when Back
returns to it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from ecosystem.analysis.periods import new_since, read_month
from ecosystem.elements import (
    NO_HIGHLIGHT,
    Highlight,
    base_stylesheet,
    edge_id,
    id_selector,
    labelled,
    link_elements,
    node_elements,
    path_edges,
    scaled_sizes,
)
from ecosystem.explorer import Model, visible
from ecosystem.positions import concentric_positions
from ecosystem.web import spec
from ecosystem.web.components import attrs
from ecosystem.web.filters import legend_items
from ecosystem.web.ids import ID
from ecosystem.web.paths import FIELDS as PATH_FIELDS
from ecosystem.web.paths import chosen_path
from ecosystem.web.presenter import caption_and_camera
from ecosystem.web.spec import LAYOUTS, BadInput, ViewState
from ecosystem.web.synergy import handle_pick
from ecosystem.web.timeline import TIME_FIELDS, as_of_badge, resolve
from ecosystem.web.url import Event, Intent

MAX_KEPT = 200  # entities a highlight (a path, a picked candidate) may keep on screen
ELEMENT_FIELDS = (
    "types",
    "relations",
    "countries",
    "min_degree",
    "hops",
    "metric",
    "colour",
    "layout",
    "new_since",
    *TIME_FIELDS,
)
STYLE_FIELDS = ("colour", "presenter", *TIME_FIELDS)
# What a highlight is worked out from: the selection, the entity stepped to, the path's fields
# and the picked candidate. The elements and the presenter's camera each work it out (the path
# and the pair are found once per model, Model.paths_between and Model.explained) instead of
# waiting for the paths or synergy panel to answer first; the stylesheet does not depend on it.
HIGHLIGHT_FIELDS = ("selected", "focus", "pick", *PATH_FIELDS)


def layout(model: Model, overlays: Sequence[Any] = ()) -> html.Div:
    """The network, its toolbar and what shows over it (``overlays``: other panels' parts).

    The page holds the network an address without a query opens (:func:`first_view`), its
    stylesheet and its layout: the browser draws it as soon as the page is laid out, instead of
    after the round trips of the callbacks that set the view up."""
    opened = spec.opening(model)
    chosen = handle_layout(opened, 0, offered_layouts(model))
    caption, camera = caption_and_camera(model, opened)
    return html.Div(
        [
            toolbar(),
            dcc.Store(id=ID.FIRST_VIEW, data=first_view(model)),
            dcc.Loading(
                cyto.Cytoscape(
                    id=ID.GRAPH,
                    elements=[],
                    layout=chosen,
                    stylesheet=handle_stylesheet(model, opened),
                    style={"width": "100%", "height": "100%"},
                    minZoom=0.05,
                    maxZoom=4,
                    boxSelectionEnabled=False,
                    autoRefreshLayout=refreshes(chosen),
                ),
                parent_className="graph-loading",
                delay_show=300,
            ),
            html.Div(id=ID.HOVER, className="hover-card", role="status"),
            html.Div(caption, id=ID.CAPTION, className="caption", role="status"),
            html.Div(
                as_of_badge(model, opened),
                id=ID.AS_OF_TEXT,
                className="as-of-badge",
                role="status",
            ),
            html.Div(legend_items(model, opened), id=ID.LEGEND_OVERLAY, className="legend-overlay"),
            html.Div(camera, id=ID.CAMERA, className="hidden"),
            *overlays,
        ],
        className="graph-area",
    )


def toolbar() -> html.Div:
    def tool(label: str, action: str, title: str, name: str) -> html.Button:
        return html.Button(
            label,
            id=f"eco-{action}",
            className="tool",
            title=title,
            **attrs({"data-cy-action": action, "aria-label": name}),
        )

    return html.Div(
        [
            tool("Fit", "fit", "Fit the network to the screen (f)", "Fit"),
            tool("+", "zoom-in", "Zoom in (+)", "Zoom in"),
            tool("−", "zoom-out", "Zoom out (-)", "Zoom out"),
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


def strings(value: Any) -> list[str]:
    """The strings of a highlight's list (at most :data:`MAX_KEPT`); none for anything else."""
    return (
        [item for item in value[:MAX_KEPT] if isinstance(item, str)]
        if isinstance(value, list)
        else []
    )


def kept(path: Any, pick: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """The entities and links that a highlight (the chosen path, the picked candidate) needs on
    screen."""
    nodes: list[str] = []
    links: list[tuple[str, str]] = []
    if isinstance(path, dict):
        along = strings(path.get("nodes"))
        nodes += along
        links += itertools.pairwise(along)
    if isinstance(pick, dict):
        nodes += strings(pick.get("nodes"))
        pairs = pick.get("links")
        for pair in pairs[:MAX_KEPT] if isinstance(pairs, list) else []:
            if isinstance(pair, list) and len(strings(pair)) == 2:
                links.append((pair[0], pair[1]))
    return nodes, links


def handle_elements(
    model: Model,
    state: ViewState,
    keep: Sequence[str] = (),
    keep_links: Sequence[tuple[str, str]] = (),
    highlight: Highlight = NO_HIGHLIGHT,
) -> tuple[list[dict], str]:
    """The elements a view shows (``keep``, ``keep_links``: what a highlight needs drawn), with
    the classes of ``highlight``, and the line that says what is shown and what is hidden."""
    shown = visible(model, state, keep=keep, keep_links=keep_links)
    values = model.metrics[state.metric]
    sizes = scaled_sizes({node: values[node] for node in shown.nodes})
    positions: Mapping[str, tuple[float, float]]
    if state.layout == "concentric":
        positions = concentric_positions({node: values[node] for node in shown.nodes})
    else:
        positions = model.layout
    community = model.community if state.colour == "community" else None
    named = labelled({node: values[node] for node in shown.nodes})
    month = read_month(state.new_since) if state.new_since else None
    new_nodes, new_links = new_since(model.view, month) if month is not None else ((), ())
    elements = node_elements(
        model.view,
        shown.nodes,
        layout=positions,
        sizes=sizes,
        community=community,
        labelled=named,
        new=new_nodes,
        highlight=highlight,
    )
    elements += link_elements(model.view, shown.links, new=new_links, highlight=highlight)
    entities, links = model.view.number_of_nodes(), model.link_count
    counts = (
        f"Showing {len(shown.nodes):,} of {entities:,} entities ({shown.hidden_nodes:,} hidden) "
        f"and {shown.shown_links:,} of {links:,} links ({shown.hidden_links:,} hidden)."
        if shown.hidden_nodes or shown.hidden_links
        else f"Showing all {entities:,} entities and {links:,} links."
    )
    if shown.capped:
        counts += " Large network: the most central are shown; search or filter for others."
    return elements, counts


# Layouts the browser computes: on a network too large to send whole they would arrange an
# arbitrary part of it (blank, or squashed into a ring), so they are offered on smaller ones only.
BROWSER_LAYOUTS = ("breadthfirst", "circle", "grid")


def offered_layouts(model: Model) -> dict[str, str]:
    """The layouts the Layout menu offers for this network."""
    large = model.view.number_of_nodes() > model.settings.max_elements // 2
    return {key: label for key, label in LAYOUTS.items() if not (large and key in BROWSER_LAYOUTS)}


def handle_layout(state: ViewState, reset: int = 0, offered: Collection[str] = LAYOUTS) -> dict:
    """The Cytoscape layout for a view; positions are precomputed where they must stay fixed."""
    if state.layout in ("force", "concentric") or state.layout not in offered:
        return {"name": "preset", "fit": True, "padding": 30, "reset": reset}
    if state.layout == "breadthfirst":
        chosen: dict = {"name": "breadthfirst", "fit": True, "padding": 30, "spacingFactor": 1.1}
        if state.selected:
            chosen["roots"] = id_selector(state.selected)
        return chosen
    return {"name": state.layout, "fit": True, "padding": 30, "avoidOverlap": True}


def refreshes(chosen_layout: Mapping[str, Any]) -> bool:
    """Whether the browser lays the network out again when entities come and go: only for the
    layouts it computes itself. Precomputed positions come with each element, and the view is
    refitted in the browser at once (``assets/explorer.js``) rather than by a layout run that
    Cytoscape's component delays by 100 ms and that redraws everything once more."""
    return chosen_layout.get("name") != "preset"


def highlight(model: Model, state: ViewState, path: Any, pick: Any) -> Highlight:
    """What the view marks: a picked synergy candidate (``pick``, :func:`handle_pick`) wins over
    a path (``path``, :func:`chosen_path`), a path over the plain selection; the entity stepped
    to (``focus``) is marked most.
    """
    path = path if isinstance(path, dict) else {}
    pick = pick if isinstance(pick, dict) else {}
    focus = state.focus or state.selected
    if strings(pick.get("nodes")):
        nodes = [n for n in strings(pick.get("nodes")) if n in model.view]
        return Highlight(tuple(nodes), frozenset(strings(pick.get("edges"))), focus)
    if strings(path.get("nodes")):
        nodes = [n for n in strings(path.get("nodes")) if n in model.view]
        return Highlight(tuple(nodes), frozenset(path_edges(nodes)), state.focus, path=True)
    if state.selected:
        around = _neighbours_on_screen(model, state)
        edges = frozenset(edge_id(state.selected, n) for n in around)
        return Highlight((state.selected, *around), edges, focus)
    return Highlight()


def handle_stylesheet(model: Model, state: ViewState) -> list[dict]:
    """The stylesheet for a view: its colours and presenter mode. A highlight, a path's
    numbers included, is in the elements' classes and labels, so that selecting, stepping, a
    path or a pick change the elements alone (each change of the stylesheet restyles every
    element drawn)."""
    overview = model.view.number_of_nodes() > model.settings.max_elements // 2
    return base_stylesheet(presenter=state.presenter, colour_by=state.colour, overview=overview)


def _neighbours_on_screen(model: Model, state: ViewState) -> list[str]:
    # A capped view shows at most the element budget of neighbours, the most central by the
    # metric shown first; a hub's thousands of others need no style.
    values = model.metrics[state.metric]
    around = model.view[state.selected]
    budget = model.settings.max_elements
    if len(around) > budget:
        return sorted(heapq.nsmallest(budget, around, key=lambda n: (-values[n], n)))
    return sorted(around)


def hover_card(model: Model, node: str | None, metric: str) -> Any:
    if not node:
        return ""
    entity = model.view.nodes[node]
    return [
        html.Strong(entity.get("name", node)),
        html.Span(f" · {entity.get('type', '').replace('_', ' ')}"),
        html.Div(
            f"{model.view.degree(node)} links · {metric.replace('_', ' ')} "
            f"{model.metrics[metric][node]:.4g}"
        ),
    ]


def _tapped_id(raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise BadInput("tapped element data must be an object")
    return raw.get("id")


def tap_node(model: Model, state: ViewState, event: Event) -> ViewState:
    node = spec.BY_NAME["selected"].kind.from_client(model, _tapped_id(event.value))
    return replace(state, selected=node) if node else state


def tap_edge(model: Model, state: ViewState, event: Event) -> ViewState:
    if not isinstance(event.value, dict):
        raise BadInput("tapped element data must be an object")
    ends = [event.value.get("source"), event.value.get("target")]
    link = spec.BY_NAME["link"].kind.from_client(model, ends)
    return replace(state, link=link, tab="details") if link else state


INTENTS = (
    Intent("tap_node", Input(ID.GRAPH, "tapNodeData"), tap_node),
    Intent("tap_edge", Input(ID.GRAPH, "tapEdgeData"), tap_edge),
)


def view_elements(model: Model, state: ViewState) -> tuple[list[dict], str, list[str]]:
    """What the network shows for a view: its elements (the highlight's classes and a path's
    numbers in them), the line that counts them and the entities the highlight marks, in the
    order next and previous step through them. A view drawn before on this model is not drawn
    again (:meth:`Model.drawn`): on H2020, opening the Synergy tab on a selection shown before
    had the server draw its 2,000 elements again (89 ms, 51 ms of it on the processor) instead
    of answering in 18 ms."""
    return model.drawn(("elements", state), lambda: _drawn(model, state))


def _drawn(model: Model, state: ViewState) -> tuple[list[dict], str, list[str]]:
    path, pick = chosen_path(model, state), handle_pick(model, state)
    marked = highlight(model, state, path, pick)
    elements, counts = handle_elements(model, state, *kept(path, pick), highlight=marked)
    return elements, counts, list(marked.nodes)


def first_view(model: Model) -> dict[str, Any]:
    """The network an address without a query opens (:func:`view_elements`), as the page holds
    it for :data:`FIRST_VIEW_SCRIPT`."""
    elements, counts, marked = view_elements(model, spec.opening(model))
    return {"elements": elements, "counts": counts, "highlight": marked}


def drawn_by_page(triggered: Any, address: Any) -> bool:
    """Whether the page drew the view already from :func:`first_view`: on the first call (no
    trigger) of a page opened at an address without a query. Back to that address later is a
    trigger, and is answered.

    >>> drawn_by_page(None, ""), drawn_by_page(None, "?sel=ismc"), drawn_by_page("eco-x", "")
    (True, False, False)
    """
    return triggered is None and not address


# Draws the view the page holds when the address has no query; an address that names a view
# waits for the server's answer (render_elements) rather than showing another view first.
FIRST_VIEW_SCRIPT = """function (first) {
    if (!first || window.location.search) { throw window.dash_clientside.PreventUpdate; }
    if (window.ecoAdopt) { window.ecoAdopt(); }  // assets/explorer.js: fitted as they come
    return [first.elements, first.counts, first.highlight];
}"""


def register_callbacks(app: Dash, model: Model) -> None:
    app.clientside_callback(
        FIRST_VIEW_SCRIPT,
        Output(ID.GRAPH, "elements", allow_duplicate=True),
        Output(ID.COUNTS, "children", allow_duplicate=True),
        Output(ID.HIGHLIGHT, "data", allow_duplicate=True),
        Input(ID.FIRST_VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )

    @app.callback(
        output=(
            Output(ID.GRAPH, "elements"),
            Output(ID.COUNTS, "children"),
            Output(ID.HIGHLIGHT, "data"),
        ),
        inputs={"fields": spec.inputs(*ELEMENT_FIELDS, *HIGHLIGHT_FIELDS)},
        state={"address": State(ID.URL, "search")},
    )
    def render_elements(fields, address):
        if drawn_by_page(ctx.triggered_id, address):
            return no_update, no_update, no_update
        return view_elements(*resolve(model, fields))

    @app.callback(
        output=(Output(ID.GRAPH, "layout"), Output(ID.GRAPH, "autoRefreshLayout")),
        inputs={"fields": spec.inputs("layout"), "reset": Input(ID.RESET, "n_clicks")},
        state={"selected": spec.states("selected")},
    )
    def choose_layout(fields, reset, selected):
        state = spec.from_client(model, {**fields, **selected})
        reset = spec.Number(0, 10**9).from_client(model, reset or 0)
        chosen = handle_layout(state, reset, offered_layouts(model))
        return chosen, refreshes(chosen)

    @app.callback(
        output=Output(ID.GRAPH, "stylesheet"),
        inputs={"fields": spec.inputs(*STYLE_FIELDS)},
        state={"drawn": State(ID.GRAPH, "stylesheet")},
    )
    def restyle(fields, drawn):
        shown, state = resolve(model, fields)
        sheet = handle_stylesheet(shown, state)
        # A stylesheet sent again, even unchanged, restyles and redraws every element.
        return no_update if sheet == drawn else sheet

    @app.callback(
        output=Output(ID.HOVER, "children"),
        inputs={"data": Input(ID.GRAPH, "mouseoverNodeData")},
        state={"fields": spec.states("metric", *TIME_FIELDS)},
    )
    def hover(data, fields):
        shown, state = resolve(model, fields)
        node = spec.Entity().from_client(shown, data.get("id")) if isinstance(data, dict) else None
        return hover_card(shown, node, state.metric)
