"""The centrality panel: a metric, a bar chart of the top entities and a sortable table.

Inputs: the metric, how many to rank, the entity-type filter and presenter mode (view-state
fields). Outputs: the chart, the table's rows and a note on what the metric measures.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import Dash, Output, dcc, html

from ecosystem.analysis.centrality import METRICS, ranking
from ecosystem.analysis.results import Ranked
from ecosystem.elements import short_label, type_style
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import plotly_text
from ecosystem.web.ids import ID
from ecosystem.web.spec import MAX_TOP, ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve

COLUMNS = [
    {"field": "rank", "headerName": "#", "width": 56, "type": "numericColumn"},
    {"field": "name", "headerName": "Entity", "flex": 2, "minWidth": 120, "tooltipField": "name"},
    {"field": "type", "headerName": "Type", "flex": 1, "minWidth": 80},
    {"field": "value", "headerName": "Value", "width": 100, "type": "numericColumn"},
]


def layout() -> list:
    return [
        html.Div(
            [
                html.Label(
                    [
                        "Metric ",
                        dcc.Dropdown(
                            id=ID.METRIC,
                            value=spec.BY_NAME["metric"].default,
                            clearable=False,
                            options=metric_options(),
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
                            max=MAX_TOP,
                            value=spec.BY_NAME["top"].default,
                            className="small-number",
                        ),
                    ]
                ),
            ],
            className="row",
        ),
        html.P(id=ID.METRIC_ABOUT, className="muted"),
        dcc.Loading(dcc.Graph(id=ID.CHART, config={"displaylogo": False, "displayModeBar": False})),
        dag.AgGrid(
            id=ID.TABLE,
            columnDefs=COLUMNS,
            rowData=[],
            defaultColDef={"sortable": True, "resizable": True},
            dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
            style={"width": "100%"},
            className="ag-theme-alpine centrality-table",
        ),
    ]


def handle_centrality(model: Model, state: ViewState) -> tuple[dict, list[dict], str]:
    """The chart, the table rows and the note on the metric, for the entity types filtered,
    while the Centrality tab is open; nothing otherwise (a hidden chart would cost every
    change of metric or filter its ranking)."""
    if state.tab != "centrality":
        return {}, [], ""
    rows = ranking(
        model.view,
        state.metric,
        entity_type=list(state.types) or None,
        top=state.top,
        scores=model.metrics[state.metric],
    )
    table = [
        {
            "rank": r["rank"],
            "name": r["name"],
            "type": r["type"].replace("_", " "),
            # Four significant digits: readable on a large network, where values are small.
            "value": float(f"{r['value']:.4g}"),
        }
        for r in rows
    ]
    figure = centrality_figure(rows, state.metric, presenter=state.presenter)
    return figure, table, metric_about(model, state.metric)


def metric_about(model: Model, metric: str) -> str:
    """What a metric measures, and how it was computed when that was an approximation."""
    how = model.methods[metric]
    return f"{METRICS[metric]} ({how.describe()})." if how.approximate else METRICS[metric]


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=(
            Output(ID.CHART, "figure"),
            Output(ID.TABLE, "rowData"),
            Output(ID.METRIC_ABOUT, "children"),
        ),
        inputs=spec.inputs("tab", "metric", "top", "types", "presenter", *TIME_FIELDS),
    )
    def centrality(**fields: Any):
        return handle_centrality(*resolve(model, fields))


def centrality_figure(rows: list[Ranked], metric: str, *, presenter: bool = False) -> dict:
    """A horizontal bar chart of the top entities, coloured by type, best at the top.

    Bars are labelled "rank. short name" (unique, short); the hover gives the full name and type.
    A plain figure dict: Plotly's validating ``go.Figure`` costs more than the ranking itself.
    """
    labels = {row["id"]: plotly_text(f"{row['rank']}. {short_label(row['name'])}") for row in rows}
    traces = []
    for entity_type in dict.fromkeys(row["type"] for row in rows):
        chosen = [row for row in rows if row["type"] == entity_type]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": [row["value"] for row in chosen],
                "y": [labels[row["id"]] for row in chosen],
                "customdata": [plotly_text(row["name"]) for row in chosen],
                "name": entity_type.replace("_", " "),
                "marker": {"color": type_style(entity_type)[0]},
                "hovertemplate": "%{customdata}<br>%{x:.3f}<extra>"
                + entity_type.replace("_", " ")
                + "</extra>",
            }
        )
    ink = "#ffffff" if presenter else "#1b1f24"
    return {
        "data": traces,
        "layout": {
            "height": max(220, 24 * len(rows) + 70),
            "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
            "barmode": "stack",
            "showlegend": False,
            "xaxis": {"title": {"text": metric.replace("_", " ")}, "tickformat": ".2~f"},
            "yaxis": {
                "categoryorder": "array",
                "categoryarray": [labels[row["id"]] for row in reversed(rows)],
                "automargin": True,
            },
            "paper_bgcolor": "#000000" if presenter else "#ffffff",
            "plot_bgcolor": "#000000" if presenter else "#ffffff",
            "font": {"size": 16 if presenter else 12, "color": ink},
        },
    }


def metric_options() -> list[dict]:
    return [{"label": name.replace("_", " "), "value": name} for name in METRICS]
