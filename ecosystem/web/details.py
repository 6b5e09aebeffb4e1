"""The details panel: the selected entity, or the relations behind a clicked link, with evidence.

Inputs: the selection and the clicked link (view-state fields). Output: the panel's content.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Output, dcc, html

from ecosystem.analysis.explain import explained_relation
from ecosystem.explorer import Model
from ecosystem.schema import ALIAS_SEPARATOR
from ecosystem.web import spec
from ecosystem.web.components import evidence_block, type_badge
from ecosystem.web.ids import ID
from ecosystem.web.source import labels as source_labels
from ecosystem.web.spec import ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve

# Relations listed per type; a hub's thousands more are counted, not sent.
DETAILS_PER_TYPE = 50
FIGURE_METRICS = ("degree", "betweenness", "pagerank", "eigenvector")


def layout() -> Any:
    return dcc.Loading(html.Div(id=ID.DETAILS, className="details"))


def handle_details(model: Model, state: ViewState) -> list:
    """The clicked link's relations when a link was clicked, else the selected entity's details."""
    if state.link:
        return link_details(model, *state.link)
    return entity_details(model, state.selected) if state.selected else empty_details()


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=Output(ID.DETAILS, "children"), inputs=spec.inputs("selected", "link", *TIME_FIELDS)
    )
    def details(**fields):
        return handle_details(*resolve(model, fields))


def empty_details() -> list:
    return [
        html.P(
            "Search for an entity or click one in the network to see who it is linked to, "
            "through what, and which source says so.",
            className="hint",
        )
    ]


def entity_details(model: Model, node: str) -> list:
    """One entity: type, description, figures, and its relations by type with evidence."""
    view = model.view
    data = view.nodes[node]
    aliases = [alias for alias in data.get("aliases", "").split(ALIAS_SEPARATOR) if alias]
    figures = [
        html.Li([html.Span(f"{name.replace('_', ' ')}: "), f"{model.metrics[name][node]:.3f}"])
        for name in FIGURE_METRICS
    ]
    # Louvain takes seconds on a large network as of a date: its community is shown once the
    # communities of that date are known (colour by community works them out).
    community = model.community.get(node) if model.parts.ready("membership") else None
    labels = source_labels(model)
    groups: dict[str, list[dict]] = {}
    for neighbour in sorted(view[node], key=lambda n: view.nodes[n].get("name", n).casefold()):
        for record in view.edges[node, neighbour]["relations"]:
            groups.setdefault(record["type"], []).append(record)
    sections = [
        html.Details(
            [
                html.Summary(f"{kind.replace('_', ' ')} ({len(records):,})"),
                *[
                    evidence_block(explained_relation(view, record, walking_from=node), labels)
                    for record in records[:DETAILS_PER_TYPE]
                ],
                html.P(
                    f"… and {len(records) - DETAILS_PER_TYPE:,} more, not listed here "
                    f"(the {DETAILS_PER_TYPE} above are the first by name).",
                    className="muted more",
                )
                if len(records) > DETAILS_PER_TYPE
                else None,
            ],
            open=True,
            className="relation-group",
        )
        for kind, records in sorted(groups.items())
    ]
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
        html.H4(f"Relations ({sum(len(r) for r in groups.values())})"),
        *sections,
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
