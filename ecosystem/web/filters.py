"""The filters panel and the legend: which entity and relation types are shown, the minimum
number of links, and the neighbourhood of the selection.

The filters' controls are view-state fields, which the network panel reads and the URL panel
writes. The legend follows the colour mode (entity types or communities) and names the metric
that sizes the entities; a copy of it shows over the network in presenter mode.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import Dash, Input, Output, dcc, html

from ecosystem.elements import COMMUNITY_COLOURS, type_style
from ecosystem.explorer import Model
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES
from ecosystem.web import spec
from ecosystem.web.components import clipped, panel, type_options
from ecosystem.web.ids import ID
from ecosystem.web.spec import MAX_HOPS, ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve
from ecosystem.web.url import Event, Intent


def layout(model: Model) -> list:
    relation_options = [
        {"label": f"{kind.replace('_', ' ')} ({model.relation_counts[kind]})", "value": kind}
        for kind in RELATION_TYPES
        if model.relation_counts.get(kind)
    ]
    hops = [{"label": "whole network", "value": 0}] + [
        {"label": f"{h} hop{'s' if h > 1 else ''}", "value": h} for h in range(1, MAX_HOPS + 1)
    ]
    return [
        panel(
            "Filters",
            [
                html.Label("Entity types"),
                dcc.Dropdown(
                    id=ID.TYPES,
                    value=[],
                    options=type_options(model.type_counts),
                    multi=True,
                    placeholder="All types",
                ),
                html.Label("Relation types"),
                dcc.Dropdown(
                    id=ID.RELATIONS,
                    value=[],
                    options=relation_options,
                    multi=True,
                    placeholder="All relations",
                ),
                html.Label("Countries"),
                dcc.Dropdown(
                    id=ID.COUNTRIES,
                    value=[],
                    options=country_options(model.country_counts),
                    multi=True,
                    placeholder="All countries" if model.country_counts else "No countries given",
                    disabled=not model.country_counts,
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
                dcc.RadioItems(id=ID.HOPS, value=0, inline=True, options=hops),
                html.Button(
                    "Clear filters",
                    id=ID.CLEAR_FILTERS,
                    n_clicks=0,
                    className="clear-filters",
                    title="Show every entity and relation again",
                ),
            ],
        ),
        panel("Legend", [html.Div(legend_items(model, spec.opening(model)), id=ID.LEGEND)]),
    ]


COMMUNITIES_LISTED = len(COMMUNITY_COLOURS)
FILTERS = ("types", "relations", "countries", "min_degree", "hops")


def country_options(counts: dict[str, int]) -> list[dict]:
    """The countries entities are in, most entities first, with their counts."""
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    return [{"label": f"{code} ({counts[code]:,})", "value": code} for code in ordered]


def clear(model: Model, state: ViewState, event: Event) -> ViewState:
    """Every filter back to showing everything."""
    return replace(state, **{name: spec.BY_NAME[name].default for name in FILTERS})


INTENTS = (Intent("clear", Input(ID.CLEAR_FILTERS, "n_clicks"), clear),)


def legend_items(model: Model, state: ViewState) -> list:
    """What colour, shape and size mean in the view: entity types, or communities by their best
    linked members, and the metric that sizes the entities."""
    items: list = []
    if state.colour == "community":
        groups = model.community_info["communities"]
        for group in groups[:COMMUNITIES_LISTED]:
            colour = COMMUNITY_COLOURS[group["id"] % len(COMMUNITY_COLOURS)]
            label = f"{clipped(group['label'], 60)} ({group['size']:,})"
            items.append(_item(colour, "ellipse", label))
        if len(groups) > COMMUNITIES_LISTED:
            rest = len(groups) - COMMUNITIES_LISTED
            items.append(
                html.Li(f"… {rest:,} smaller communities (colours repeat)", className="muted")
            )
    else:
        for kind in ENTITY_TYPES:
            if model.type_counts.get(kind):
                items.append(_item(*type_style(kind), kind.replace("_", " ")))
    size = html.Li(f"Size: {state.metric.replace('_', ' ')}", className="legend-size")
    return [html.Ul(items, className="legend"), html.Ul([size], className="legend")]


def _item(colour: str, shape: str, label: str) -> html.Li:
    return html.Li(
        [html.Span(className=f"swatch shape-{shape}", style={"backgroundColor": colour}), label]
    )


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=(Output(ID.LEGEND, "children"), Output(ID.LEGEND_OVERLAY, "children")),
        inputs=spec.inputs("colour", "metric", *TIME_FIELDS),
        prevent_initial_call=True,  # the page holds the opening view's (layout)
    )
    def legend(**fields: Any):
        items = legend_items(*resolve(model, fields))
        return items, items
