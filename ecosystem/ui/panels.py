"""Dash components built from analysis results. Every text goes in as a child string, never as
HTML, so names and evidence holding markup show as plain text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from dash import html

from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.explain import explained_relation
from ecosystem.elements import short_label, type_style
from ecosystem.explorer import Model
from ecosystem.schema import ALIAS_SEPARATOR, ENTITY_TYPES
from ecosystem.ui.ids import ID

# Relations listed per type in the details panel; a hub's thousands more are counted, not sent.
DETAILS_PER_TYPE = 50
FIGURE_METRICS = ("degree", "betweenness", "pagerank", "eigenvector")


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """``data-*`` and ``aria-*`` attributes, which Dash takes as keyword arguments."""
    return dict(values)


def source_href(doc: str, line: int | None) -> str:
    """The address of a source document with the excerpt of relation ``line`` highlighted."""
    query = f"?{urlencode({'line': line})}" if line is not None else ""
    return f"/source/{quote(doc)}{query}"


def type_badge(entity_type: str) -> html.Span:
    colour, _shape = type_style(entity_type)
    return html.Span(
        entity_type.replace("_", " "),
        className="badge",
        style={"borderColor": colour, "--badge-colour": colour},
    )


def evidence_block(relation: dict) -> html.Div:
    """One relation: its sentence, the quoted evidence, and links to its documents."""
    return html.Div(
        [
            html.Div(relation["sentence"], className="relation-sentence"),
            html.Blockquote(f"“{relation['evidence']}”", className="evidence"),
            html.Div(
                [
                    "Source: ",
                    *_joined(
                        html.A(
                            doc,
                            href=source_href(doc, relation.get("line")),
                            target="_blank",
                            rel="noopener noreferrer",
                            className="source-link",
                        )
                        for doc in relation["docs"]
                    ),
                ],
                className="source",
            ),
        ],
        className="relation",
    )


def _joined(items: Iterable) -> list:
    out: list = []
    for item in items:
        if out:
            out.append(", ")
        out.append(item)
    return out


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
    community = model.community.get(node)
    groups: dict[str, list[dict]] = {}
    for neighbour in sorted(view[node], key=lambda n: view.nodes[n].get("name", n).casefold()):
        for record in view.edges[node, neighbour]["relations"]:
            groups.setdefault(record["type"], []).append(record)
    sections = [
        html.Details(
            [
                html.Summary(f"{kind.replace('_', ' ')} ({len(records):,})"),
                *[
                    evidence_block(explained_relation(view, record, walking_from=node))
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
    return [
        html.H3(
            f"{view.nodes[first].get('name', first)} — {view.nodes[second].get('name', second)}"
        ),
        *[evidence_block(explained_relation(view, record)) for record in records],
    ]


def path_report(result: dict) -> list:
    """Paths told hop by hop, with evidence."""
    blocks: list = []
    for number, path in enumerate(result["paths"], start=1):
        steps = [
            html.Li(
                [
                    html.Div(f"{step['from_name']} → {step['to_name']}", className="hop-title"),
                    *[evidence_block(relation) for relation in step["relations"]],
                ],
                className="hop",
            )
            for step in path["steps"]
        ]
        blocks.append(
            html.Div(
                [
                    html.H4(
                        f"Path {number}: {path['hops']} hop{'s' if path['hops'] != 1 else ''} "
                        f"(cost {path['cost']:.1f})"
                    ),
                    html.P(" → ".join(path["names"]), className="path-names"),
                    html.Ol(steps, className="hops"),
                ],
                className="path",
                **attrs({"data-path": " ".join(path["nodes"])}),
            )
        )
    fewest = result["fewest_hops"]
    blocks.append(
        html.P(
            f"{len(fewest)} path(s) with the fewest hops ({len(fewest[0]) - 1}).", className="muted"
        )
    )
    return blocks


def message(text: str, kind: str = "info") -> html.Div:
    return html.Div(text, className=f"message message-{kind}", role="status")


def synergy_report(result: dict) -> list:
    """Ranked candidates with score and reasons; each can be picked to highlight it."""
    entity = result["entity"]
    if not result["candidates"]:
        return [message(f"No unlinked entity of those types is close enough to {entity['name']}.")]
    items = []
    for candidate in result["candidates"]:
        shared = [
            html.Li(f"{kind.replace('_', ' ')}: " + ", ".join(item["name"] for item in group))
            for kind, group in candidate["shared"].items()
        ]
        path = candidate.get("path")
        items.append(
            html.Li(
                [
                    html.Button(
                        candidate["name"],
                        id={"type": ID.SYNERGY_PICK, "index": candidate["id"]},
                        className="link-button synergy-name",
                        n_clicks=0,
                    ),
                    " ",
                    type_badge(candidate["type"]),
                    html.Span(f" score {candidate['score']:.3f}", className="muted"),
                    html.Div(candidate["reason"], className="reason"),
                    html.Ul(shared, className="shared") if shared else None,
                    html.Div("Path: " + " → ".join(path["names"]), className="path-names")
                    if path
                    else None,
                ],
                className="candidate",
            )
        )
    return [
        html.P(
            f"{len(result['candidates'])} of {result['considered']} candidates within "
            f"{result['max_hops']} hops of {entity['name']}. Pick one to see why.",
            className="muted",
        ),
        html.Ol(items, className="candidates"),
    ]


def plotly_text(text: str) -> str:
    """Text for a Plotly label: Plotly reads a few HTML tags in labels, so escape them.

    >>> plotly_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def centrality_figure(rows: list[dict], metric: str, *, presenter: bool = False) -> dict:
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


def type_options(counts: dict[str, int]) -> list[dict]:
    return [
        {"label": f"{kind.replace('_', ' ')} ({counts[kind]})", "value": kind}
        for kind in ENTITY_TYPES
        if counts.get(kind)
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
