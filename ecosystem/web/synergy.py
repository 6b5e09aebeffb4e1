"""The synergy panel: for the selection, who it should link with next, and why.

Inputs: the selection, the candidate types and the pick (view-state fields). Outputs: the ranked
candidates, and the highlight store of the picked candidate (both ends, the entities they share
and the best path between them). Picking a candidate is an intent of this panel.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from dash import ALL, Dash, Input, Output, dcc, html

from ecosystem.analysis.paths import collaboration_paths
from ecosystem.analysis.synergy import synergy_candidates
from ecosystem.elements import edge_id
from ecosystem.errors import EcosystemError
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import message, type_badge, type_options
from ecosystem.web.ids import ID
from ecosystem.web.spec import ViewState
from ecosystem.web.url import Event, Intent

TOP = 10


def layout(model: Model) -> list:
    return [
        html.Label("Candidate types"),
        dcc.Dropdown(
            id=ID.SYNERGY_TYPES,
            options=type_options(model.type_counts),
            multi=True,
            placeholder="All types",
        ),
        dcc.Loading(html.Div(id=ID.SYNERGY_RESULT, className="synergy")),
    ]


def handle_synergy(model: Model, state: ViewState) -> list:
    if not state.selected:
        return [message("Select an entity to see who it should link with next, and why.")]
    try:
        result = synergy_candidates(
            model.view,
            state.selected,
            types=state.synergy_types or None,
            top=TOP,
            index=model.index,
            prepared=model.paths,
        )
    except EcosystemError as error:
        return [message(str(error), "warning")]
    return synergy_report(result)


def handle_pick(model: Model, state: ViewState) -> dict | None:
    """Highlight for the picked candidate: both ends, the shared neighbours and the best path."""
    node, other = state.selected, state.pick
    if not node or not other or node == other:
        return None
    shared = sorted(set(model.view[node]) & set(model.view[other]))
    links = [[end, z] for z in shared for end in (node, other)]
    nodes = [node, other, *shared]
    try:
        best = collaboration_paths(
            model.view, node, other, k=1, index=model.index, prepared=model.paths
        )["paths"][0]
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
        inputs=spec.inputs("selected", "synergy_types"),
    )
    def synergy(**fields: Any):
        return handle_synergy(model, spec.from_client(model, fields))

    @app.callback(output=Output(ID.SYNERGY_STORE, "data"), inputs=spec.inputs("selected", "pick"))
    def picked(**fields: Any):
        return handle_pick(model, spec.from_client(model, fields))


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
