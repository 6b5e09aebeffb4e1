"""The export menu: the view as a picture (PNG, SVG) and the visible network as data files.

Inputs: one button per format, with the view-state fields read when a button is pressed
(output: the download); the selection and path ends (output: the picture's title). The SVG is
drawn here (:mod:`ecosystem.web.picture`); the PNG is drawn by the page's script from the network's
canvas, with the title and the legend.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import networkx as nx
from dash import Dash, Input, Output, ctx, dcc, html

from ecosystem.explorer import Filters, Model, visible
from ecosystem.graph import RECORD_ENDS
from ecosystem.interchange.formats import FORMATS as FILE_FORMATS
from ecosystem.interchange.formats import download as file_download
from ecosystem.schema import DOC_SEPARATOR, RELATION_COLUMNS
from ecosystem.tables import guard_cell
from ecosystem.web import paths, spec
from ecosystem.web.ids import ID
from ecosystem.web.picture import picture_title, svg_picture
from ecosystem.web.source import labels as source_labels
from ecosystem.web.spec import ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve

# The app's own CSV (relations with both ends named, for people reading it), then every format
# the registry can write.
FORMATS: dict[str, str] = {
    "csv": "CSV of visible relations",
    **{name: f.label for name, f in FILE_FORMATS.items() if f.writer and name != "csv"},
}
VIEW_FIELDS = (
    "selected",
    "types",
    "relations",
    "countries",
    "min_degree",
    "hops",
    "metric",
    "colour",
    "layout",
    "new_since",
    *paths.FIELDS,
    *TIME_FIELDS,
)


def button_id(fmt: str) -> str:
    return f"eco-export-{fmt}"


def menu() -> html.Details:
    return html.Details(
        [
            html.Summary("Export"),
            html.Div(
                [
                    html.Button("PNG image", id=ID.EXPORT_PNG, n_clicks=0),
                    html.Button("SVG image", id=ID.EXPORT_SVG, n_clicks=0),
                    *[
                        html.Button(label, id=button_id(fmt), n_clicks=0)
                        for fmt, label in FORMATS.items()
                    ],
                ],
                className="export-items",
            ),
        ],
        className="export-menu",
    )


def visible_subgraph(model: Model, state: Filters) -> nx.MultiDiGraph:
    """The typed relations among what the view shows, in file order.

    Read from the view's relation records, which hold every column of each relation: the typed
    graph of a network as of a date is not cut for a download."""
    shown = visible(model, state)
    kinds = set(shown.relation_types) if shown.relation_types is not None else None
    # A network as of a date keeps its date and whether ended relations are shown, so that each
    # format marks the relations that had ended (ecosystem.interchange.exporter.tables).
    kept = {name: model.view.graph[name] for name in ("as_of", "past") if name in model.view.graph}
    subgraph = nx.MultiDiGraph(data_dir=model.view.graph.get("data_dir"), **kept)
    for node in shown.nodes:
        subgraph.add_node(node, **model.view.nodes[node])
    # The relations behind each link on screen (not a pass over every relation of a large
    # network).
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
        columns = {name: value for name, value in record.items() if name not in RECORD_ENDS}
        subgraph.add_edge(record["source"], record["target"], key=record["key"], **columns)
    return subgraph


def export_csv(model: Model, state: Filters) -> str:
    """The visible relations as CSV, ends named, with evidence and documents."""
    subgraph = visible_subgraph(model, state)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # relations.csv's columns, with each end's name beside its id and each document's title
    # beside its file name, for people reading the file.
    details = RELATION_COLUMNS[3:]
    dated = bool(subgraph.graph.get("as_of"))  # then a column says which had ended by the date
    writer.writerow(
        [
            "source",
            "source_name",
            "type",
            "target",
            "target_name",
            *details,
            "doc_title",
            *(["past"] if dated else []),
        ]
    )
    titles = source_labels(model)
    rows = sorted(subgraph.edges(data=True), key=lambda edge: edge[2].get("line", 0))
    for source, target, data in rows:
        ends = [
            source,
            guard_cell(subgraph.nodes[source].get("name", source)),
            data["type"],
            target,
            guard_cell(subgraph.nodes[target].get("name", target)),
        ]
        named = DOC_SEPARATOR.join(titles.get(doc, "") for doc in data["doc"].split(DOC_SEPARATOR))
        cells = [*(str(data.get(column, "")) for column in details), named.strip(DOC_SEPARATOR)]
        if dated:
            cells.append("true" if data.get("past") else "false")
        writer.writerow([*ends, *map(guard_cell, cells)])
    return buffer.getvalue()


def export_download(model: Model, state: Filters, fmt: str) -> dict:
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
    methods = {name: how.describe() for name, how in model.methods.items()}
    return dict(file_download(subgraph, fmt, scores=scores, methods=methods))


def svg_download(model: Model, state: ViewState) -> dict:
    """The view as an SVG picture with its title and legend, the chosen path highlighted."""
    _, store, _ = paths.handle_path(model, state)
    along = store["nodes"] if store else None
    return {
        "content": svg_picture(model, state, along),
        "filename": "ecosystem.svg",
        "type": "image/svg+xml",
    }


def register_callbacks(app: Dash, model: Model) -> None:
    formats = {button_id(fmt): fmt for fmt in FORMATS} | {ID.EXPORT_SVG: "svg"}

    @app.callback(
        output=Output(ID.DOWNLOAD, "data"),
        inputs={"clicks": {fmt: Input(button, "n_clicks") for button, fmt in formats.items()}},
        state={"fields": spec.states(*VIEW_FIELDS)},
        prevent_initial_call=True,
    )
    def export_data(clicks: Any, fields: Any):
        shown, state = resolve(model, fields)
        chosen = formats.get(str(ctx.triggered_id), "csv")
        if chosen == "svg":
            return svg_download(shown, state)
        return export_download(shown, state, chosen)

    @app.callback(
        output=Output(ID.PICTURE_TITLE, "children"),
        inputs=spec.inputs("selected", "path_from", "path_to", *TIME_FIELDS),
    )
    def title(**fields: Any):
        return picture_title(*resolve(model, fields))


def download() -> list:
    """The download, and the title the PNG picture is given (the page's script draws it)."""
    return [dcc.Download(id=ID.DOWNLOAD), html.Span(id=ID.PICTURE_TITLE, className="hidden")]
