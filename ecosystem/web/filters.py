"""The filters panel and the legend: which entity and relation types are shown, the minimum
number of links, and the neighbourhood of the selection.

The panel has no callbacks of its own: its controls are view-state fields, which the network
panel reads and the URL panel writes.
"""

from __future__ import annotations

from dash import dcc, html

from ecosystem.elements import type_style
from ecosystem.explorer import Model
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES
from ecosystem.web.components import panel, type_options
from ecosystem.web.ids import ID
from ecosystem.web.spec import MAX_HOPS


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
                    options=type_options(model.type_counts),
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
                dcc.RadioItems(id=ID.HOPS, value=0, inline=True, options=hops),
            ],
        ),
        panel("Legend", [legend(model.type_counts)]),
    ]


def legend(counts: dict[str, int]) -> html.Ul:
    items = []
    for kind in ENTITY_TYPES:
        if not counts.get(kind):
            continue
        colour, shape = type_style(kind)
        items.append(
            html.Li(
                [
                    html.Span(className=f"swatch shape-{shape}", style={"backgroundColor": colour}),
                    kind.replace("_", " "),
                ]
            )
        )
    return html.Ul(items, className="legend", id=ID.LEGEND)
