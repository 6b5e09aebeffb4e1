"""The synergy panel: for the selection, who it should work with next, and why.

Inputs: the selection, the candidate types and countries, and the pick (view-state fields).
Outputs: the suggested partners (actors only) with their reasons, the open projects, platforms
and events to join, and the partners already working with the selection. Picking a candidate is
an intent of this panel; the network and the presenter's camera highlight the picked one
from the view (:func:`handle_pick`: both ends, the entities its reasons name and the
connecting path).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dash import ALL, Dash, Input, Output, dcc, html

from ecosystem.analysis.ranker import ACTOR_TYPES, VENUE_TYPES
from ecosystem.elements import edge_id
from ecosystem.errors import EcosystemError
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import attrs, message, type_badge, type_options
from ecosystem.web.filters import country_options
from ecosystem.web.ids import ID
from ecosystem.web.spec import ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve
from ecosystem.web.url import Event, Intent

TOP = 10


def layout(model: Model) -> list:
    suggestible = {
        kind: count
        for kind, count in model.type_counts.items()
        if kind in ACTOR_TYPES or kind in VENUE_TYPES
    }
    return [
        html.Label("Partner and opportunity types"),
        dcc.Dropdown(
            id=ID.SYNERGY_TYPES,
            value=[],
            options=type_options(suggestible),
            multi=True,
            placeholder="All actors and opportunities",
        ),
        html.Label("Partner countries"),
        dcc.Dropdown(
            id=ID.SYNERGY_COUNTRIES,
            value=[],
            options=country_options(model.country_counts),
            multi=True,
            placeholder="All countries" if model.country_counts else "No countries given",
            disabled=not model.country_counts,
        ),
        dcc.Loading(
            html.Div(id=ID.SYNERGY_RESULT, className="synergy"),
            custom_spinner=slow_work(),
            delay_show=SAY_SLOW_AFTER_MS,
            parent_className="synergy-loading",
        ),
    ]


# Suggestions for a date not asked for before learn the ranker on the history up to it (about
# 50 s on H2020): past this long a wait is explained rather than shown as a bare spinner.
SAY_SLOW_AFTER_MS = 1000


def slow_work() -> html.Div:
    """What the panel shows while suggestions take more than a moment."""
    return html.Div(
        [
            html.Div(className="spinner", **attrs({"aria-hidden": "true"})),
            html.P(
                "Working out partner suggestions. The first time for a network or a date, the "
                "ranker learns from the history up to it, which can take a minute on a large "
                "network; it is kept, and later suggestions come in moments."
            ),
        ],
        className="slow-work",
        role="status",
    )


def handle_synergy(model: Model, state: ViewState) -> list:
    """The suggestions for the selection, while the Synergy tab is open; nothing otherwise (on
    a large network a hidden list would cost every select a third of a second)."""
    if state.tab != "synergy":
        return []
    if not state.selected:
        return [message("Select an entity to see who it should work with next, and why.")]
    try:
        result = model.suggestions(
            state.selected,
            types=state.synergy_types,
            countries=state.synergy_countries,
            top=TOP,
        )
    except EcosystemError as error:
        return [message(str(error), "warning")]
    return synergy_report(result)


def handle_pick(model: Model, state: ViewState) -> dict | None:
    """Highlight for the picked candidate: both ends, the entities its reasons name and the
    connecting path; for an entity that is not a suggestion, the neighbours both share and the
    best path. The network and the presenter's camera each work it out from the view (the pair
    is explained once, :meth:`Model.explained`) rather than waiting for another callback's
    answer."""
    node, other = state.selected, state.pick
    if not node or not other or node == other:
        return None
    explained = model.explained(node, other)
    if explained is not None:
        nodes = explained["highlight"]["nodes"]
        links = [list(pair) for pair in explained["highlight"]["edges"]]
    else:
        shared = sorted(set(model.view[node]) & set(model.view[other]))
        links = [[end, z] for z in shared for end in (node, other)]
        nodes = [node, other, *shared]
        try:
            best = model.paths_between(node, other, k=1)["paths"][0]
        except EcosystemError:
            best = None
        if best:
            nodes += [n for n in best["nodes"] if n not in nodes]
            links += [list(pair) for pair in itertools.pairwise(best["nodes"])]
    edges = sorted({edge_id(first, second) for first, second in links})
    return {"candidate": other, "nodes": nodes, "edges": edges, "links": links}


def pick(model: Model, state: ViewState, event: Event) -> ViewState:
    """A click on a candidate's name picks it (a list redrawn with unclicked buttons does not)."""
    source = event.source
    if not isinstance(source, dict) or not isinstance(event.value, int) or event.value < 1:
        return state
    candidate = spec.BY_NAME["pick"].kind.from_client(model, source.get("index"))
    return replace(state, pick=candidate)


INTENTS = (Intent("pick", Input({"type": ID.SYNERGY_PICK, "index": ALL}, "n_clicks"), pick),)


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=Output(ID.SYNERGY_RESULT, "children"),
        inputs=spec.inputs("tab", "selected", "synergy_types", "synergy_countries", *TIME_FIELDS),
    )
    def synergy(**fields: Any):
        return handle_synergy(*resolve(model, fields))


def synergy_report(result: Mapping[str, Any]) -> list:
    """The suggested partners with their reasons (each can be picked to highlight it), the
    opportunities and the partners to strengthen; which method ranked, said once."""
    entity = result["entity"]
    blocks: list = [
        html.P(result["method_text"], className="muted synergy-method"),
    ]
    if result["candidates"]:
        blocks.append(
            html.P(
                f"{len(result['candidates'])} partners to consider for {entity['name']}, of "
                f"{result['considered']:,} not yet working with it. {result['score_note']} "
                "Pick one to see why.",
                className="muted",
            )
        )
        blocks.append(
            html.Ol([_candidate(c) for c in result["candidates"]], className="candidates")
        )
    else:
        which = "those types and countries" if result["country"] else "those types"
        blocks.append(message(f"No actor of {which} is left to suggest to {entity['name']}."))
    if result["opportunities"]:
        blocks += [
            html.H4("Opportunities: open projects, platforms and events"),
            html.Ol(
                [
                    html.Li(
                        [
                            html.Strong(item["name"]),
                            " ",
                            type_badge(item["type"]),
                            html.Div(item["reason"], className="reason"),
                        ],
                        className="opportunity",
                    )
                    for item in result["opportunities"]
                ],
                className="opportunities",
            ),
        ]
    if result["strengthen"]:
        blocks += [
            html.H4("Already working together: to strengthen"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Strong(item["name"]),
                            " ",
                            type_badge(item["type"]),
                            html.Div(item["reason"], className="reason"),
                        ],
                        className="strengthen",
                    )
                    for item in result["strengthen"]
                ],
                className="strengthen-list",
            ),
        ]
    return blocks


def _candidate(candidate: Mapping[str, Any]) -> html.Li:
    path = candidate.get("path")
    country = f" {candidate['country']}" if candidate["country"] else ""
    return html.Li(
        [
            html.Button(
                candidate["name"],
                id={"type": ID.SYNERGY_PICK, "index": candidate["id"]},
                className="link-button synergy-name",
                n_clicks=0,
            ),
            " ",
            type_badge(candidate["type"]),
            html.Span(f"{country} · {candidate['score_text']}", className="muted synergy-score"),
            html.Ul(
                [html.Li(reason["text"], className="reason") for reason in candidate["reasons"]],
                className="reasons",
            ),
            html.Div(
                "Alike, for the same reasons: "
                + ", ".join(item["name"] for item in candidate["alike"]),
                className="alike muted",
            )
            if candidate["alike"]
            else None,
            html.Div("Path: " + " → ".join(path["names"]), className="path-names")
            if path
            else None,
        ],
        className="candidate",
    )
