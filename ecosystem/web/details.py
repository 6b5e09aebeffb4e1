"""The details panel: the selected entity, or the relations behind a clicked link, with evidence.

Inputs: the selection and the clicked link (view-state fields). Output: the panel's content.
A relation type lists its first relations; its "show more" button lists the next ones
(the selection and the date read when it is pressed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import MATCH, Dash, Input, Output, ctx, dcc, html
from dash.exceptions import PreventUpdate

from ecosystem.analysis.explain import explained_relation
from ecosystem.explorer import Model
from ecosystem.schema import ALIAS_SEPARATOR, RELATION_TYPES
from ecosystem.web import spec
from ecosystem.web.components import evidence_block, type_badge
from ecosystem.web.ids import ID
from ecosystem.web.source import labels as source_labels
from ecosystem.web.spec import ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve

# Relations listed per type when an entity is selected, and listed more by each press of the
# type's "show more". The browser sets up a panel's Dash components one at a time, each at a
# cost that grows with the page: a hub's thousands of relations are counted, a few listed.
DETAILS_PAGE = 10
# The most a type's "show more" lists: each press redraws the type's whole list so far, which
# on H2020 took 414 ms to list 110 and 2,062 ms to list 200 (load average 4.71 to 1.92).
MAX_LISTED = 100
FIGURE_METRICS = ("degree", "betweenness", "pagerank", "eigenvector")
MAX_PRESSES = 10**6


def layout(model: Model) -> Any:
    # The spinner is for a new selection only, not for a "show more" inside the panel.
    return dcc.Loading(
        html.Div(handle_details(model, spec.opening(model)), id=ID.DETAILS, className="details"),
        # Dash types this prop as an empty TypedDict, which no mapping of ids matches.
        target_components={ID.DETAILS: "children"},  # type: ignore[arg-type]
    )


def handle_details(model: Model, state: ViewState) -> list:
    """The clicked link's relations when a link was clicked, else the selected entity's details."""
    if state.link:
        return link_details(model, *state.link)
    return entity_details(model, state.selected) if state.selected else empty_details()


def handle_more(
    model: Model, state: ViewState, source: Any, presses: Any
) -> tuple[list, str, bool, bool]:
    """One relation type's list after ``presses`` presses of its "show more" (``source``, the
    button's id, names the type): the list (at most :data:`MAX_LISTED`), the button's label,
    whether it is hidden (all are listed) and whether it is disabled (no more will be)."""
    kind = source.get("kind") if isinstance(source, dict) else None
    if not isinstance(kind, str) or kind not in RELATION_TYPES:
        raise spec.BadInput("a list of relations must name its relation type")
    pressed = spec.Number(0, MAX_PRESSES).from_client(model, presses or 0)
    node = state.selected
    records = relations_by_type(model.view, node).get(kind) if node else None
    if node is None or not records:  # the selection changed: its panel is being replaced
        raise PreventUpdate
    listed = min(DETAILS_PAGE * (pressed + 1), len(records), MAX_LISTED)
    return (
        relation_blocks(model, node, records[:listed]),
        more_label(listed, len(records)),
        listed >= len(records),
        MAX_LISTED <= listed < len(records),
    )


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=Output(ID.DETAILS, "children"),
        inputs=spec.inputs("selected", "link", *TIME_FIELDS),
        prevent_initial_call=True,  # the page holds the opening view's (layout)
    )
    def details(**fields):
        return handle_details(*resolve(model, fields))

    @app.callback(
        output=(
            Output({"type": ID.RELATION_LIST, "kind": MATCH}, "children"),
            Output({"type": ID.MORE_RELATIONS, "kind": MATCH}, "children"),
            Output({"type": ID.MORE_RELATIONS, "kind": MATCH}, "hidden"),
            Output({"type": ID.MORE_RELATIONS, "kind": MATCH}, "disabled"),
        ),
        inputs={"presses": Input({"type": ID.MORE_RELATIONS, "kind": MATCH}, "n_clicks")},
        state={"fields": spec.states("selected", *TIME_FIELDS)},
        prevent_initial_call=True,
    )
    def more(presses, fields):
        return handle_more(*resolve(model, fields), ctx.triggered_id, presses)


def empty_details() -> list:
    return [
        html.P(
            "Search for an entity or click one in the network to see who it is linked to, "
            "through what, and which source says so.",
            className="hint",
        )
    ]


def relations_by_type(view: Any, node: str) -> dict[str, list[dict]]:
    """``node``'s relation records by type, the types in name order, each type's records in the
    order of the other entities' names."""
    groups: dict[str, list[dict]] = {}
    for neighbour in sorted(view[node], key=lambda n: view.nodes[n].get("name", n).casefold()):
        for record in view.edges[node, neighbour]["relations"]:
            groups.setdefault(record["type"], []).append(record)
    return dict(sorted(groups.items()))


def relation_blocks(
    model: Model, node: str, records: list[dict], labels: Mapping[str, str] | None = None
) -> list:
    """``records`` told from ``node``, each with its evidence and sources."""
    named = source_labels(model) if labels is None else labels
    return [
        evidence_block(explained_relation(model.view, record, walking_from=node), named)
        for record in records
    ]


def more_label(listed: int, total: int) -> str:
    """The "show more" button's label once ``listed`` of ``total`` relations are listed.

    >>> more_label(10, 130), more_label(90, 95), more_label(95, 95)
    ('Show 10 more of 120 not listed', 'Show 5 more', '')
    >>> more_label(100, 3899)
    '3,799 more not listed here: search finds any of them'
    """
    rest = total - listed
    if rest <= 0:
        return ""
    if listed >= MAX_LISTED:
        return f"{rest:,} more not listed here: search finds any of them"
    step = min(DETAILS_PAGE, rest)
    return f"Show {step:,} more" + (f" of {rest:,} not listed" if rest > step else "")


def relation_group(
    model: Model, node: str, kind: str, records: list[dict], labels: Mapping[str, str]
) -> html.Details:
    """One relation type of an entity: its count, its first relations and, when there are more,
    a button that lists the next ones."""
    listed = records[:DETAILS_PAGE]
    return html.Details(
        [
            html.Summary(f"{kind.replace('_', ' ')} ({len(records):,})"),
            html.Div(
                relation_blocks(model, node, listed, labels),
                id={"type": ID.RELATION_LIST, "kind": kind},
            ),
            html.Button(
                more_label(len(listed), len(records)),
                id={"type": ID.MORE_RELATIONS, "kind": kind},
                n_clicks=0,
                className="more-relations",
                title="Relations are listed in the order of the other entity's name",
            )
            if len(records) > len(listed)
            else None,
        ],
        open=True,
        className="relation-group",
    )


def entity_details(model: Model, node: str) -> list:
    """One entity: type, description, figures, and its relations by type with evidence."""
    view = model.view
    data = view.nodes[node]
    aliases = [alias for alias in data.get("aliases", "").split(ALIAS_SEPARATOR) if alias]
    figures = [
        html.Li(f"{name.replace('_', ' ')}: {model.metrics[name][node]:.3f}")
        for name in FIGURE_METRICS
    ]
    # Louvain takes seconds on a large network as of a date: its community is shown once the
    # communities of that date are known (colour by community works them out).
    community = model.community.get(node) if model.parts.ready("membership") else None
    labels = source_labels(model)
    groups = relations_by_type(view, node)
    return [
        html.H3(data.get("name", node), className="entity-name"),
        html.Div([type_badge(data.get("type", "")), html.Span(f"  id: {node}", className="muted")]),
        html.P(data.get("description", ""), className="description")
        if data.get("description")
        else None,
        html.P("Also known as: " + "; ".join(aliases), className="aliases") if aliases else None,
        html.Ul(
            [
                html.Li(f"links: {view.degree(node)}"),
                *figures,
                html.Li(f"community: {community}") if community is not None else None,
            ],
            className="figures",
        ),
        html.H4(f"Relations ({sum(len(r) for r in groups.values()):,})"),
        *[relation_group(model, node, kind, records, labels) for kind, records in groups.items()],
    ]


def link_details(model: Model, first: str, second: str) -> list:
    """Every relation between two linked entities, with evidence (shown when an edge is clicked)."""
    view = model.view
    records = view.edges[first, second]["relations"]
    labels = source_labels(model)
    return [
        html.H3(
            f"{view.nodes[first].get('name', first)} — {view.nodes[second].get('name', second)}"
        ),
        *[evidence_block(explained_relation(view, record), labels) for record in records],
    ]
