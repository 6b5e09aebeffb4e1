"""The paths panel: how two entities are connected, path by path and hop by hop, with evidence.

Inputs: the path ends, the number of alternatives, the hub rule and the chosen alternative
(view-state fields). Outputs: the report and the choice of alternatives. The network (its
elements, numbered along the path) and the presenter's camera work out the chosen path from
the same fields
(:func:`chosen_path`): the paths are found once per view (:meth:`Model.paths_between`), and
none of them waits for this panel's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import Dash, Output, dcc, html

from ecosystem.analysis.results import PathResult
from ecosystem.errors import EcosystemError
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import attrs, evidence_block, message
from ecosystem.web.ids import ID
from ecosystem.web.source import labels as source_labels
from ecosystem.web.spec import MAX_PATH_K, ViewState
from ecosystem.web.timeline import TIME_FIELDS, resolve

FIELDS = ("path_from", "path_to", "path_k", "avoid_hubs", "path_choice")


def layout() -> list:
    return [
        html.Label("From"),
        dcc.Dropdown(id=ID.PATH_FROM, options=[], placeholder="Type a name…"),
        html.Label("To"),
        dcc.Dropdown(id=ID.PATH_TO, options=[], placeholder="Type a name…"),
        html.Div(
            [
                html.Label(
                    [
                        "Alternatives ",
                        dcc.Input(
                            id=ID.PATH_K,
                            type="number",
                            min=1,
                            max=MAX_PATH_K,
                            step=1,
                            value=spec.BY_NAME["path_k"].default,
                            className="small-number",
                        ),
                    ]
                ),
                dcc.Checklist(
                    id=ID.PATH_HUBS,
                    value=["avoid"],
                    options=[{"label": " avoid generic hubs", "value": "avoid"}],
                ),
            ],
            className="row",
        ),
        dcc.RadioItems(
            id=ID.PATH_CHOICE, value=1, options=[], inline=True, className="path-choice"
        ),
        dcc.Loading(html.Div(id=ID.PATH_RESULT, className="paths")),
    ]


def handle_path(model: Model, state: ViewState) -> tuple[list, dict | None, list[dict]]:
    """The report, the highlight store (the chosen path's entities, or None) and the choices."""
    if not state.path_from or not state.path_to:
        return [message("Choose two entities to see how they are connected.")], None, []
    try:
        result = model.paths_between(
            state.path_from, state.path_to, k=state.path_k, avoid_hubs=state.avoid_hubs
        )
    except EcosystemError as error:
        return [message(str(error).capitalize() + ".", "warning")], None, []
    paths = result["paths"]
    chosen = min(state.path_choice, len(paths))
    choices = [{"label": f"Path {n}", "value": n} for n in range(1, len(paths) + 1)]
    return (
        path_report(result, chosen, source_labels(model)),
        _store(result, state),
        choices if len(paths) > 1 else [],
    )


def chosen_path(model: Model, state: ViewState) -> dict | None:
    """The path a view highlights, as :func:`handle_path` stores it (its entities and which
    alternative it is), or None. The network and the camera work it out from the view
    themselves (the paths are found once, :meth:`Model.paths_between`) rather than
    waiting for the panel's answer."""
    if not state.path_from or not state.path_to:
        return None
    try:
        result = model.paths_between(
            state.path_from, state.path_to, k=state.path_k, avoid_hubs=state.avoid_hubs
        )
    except EcosystemError:
        return None
    return _store(result, state)


def _store(result: PathResult, state: ViewState) -> dict:
    paths = result["paths"]
    chosen = min(state.path_choice, len(paths))
    return {"nodes": paths[chosen - 1]["nodes"], "chosen": chosen}


def path_report(
    result: PathResult, chosen: int = 1, labels: Mapping[str, str] | None = None
) -> list:
    """Paths told hop by hop, with evidence (its documents named by ``labels``); the chosen one
    is marked."""
    blocks: list = []
    for number, path in enumerate(result["paths"], start=1):
        steps = [
            html.Li(
                [
                    html.Div(f"{step['from_name']} → {step['to_name']}", className="hop-title"),
                    *[evidence_block(relation, labels) for relation in step["relations"]],
                ],
                className="hop",
            )
            for step in path["steps"]
        ]
        hops = path["hops"]
        blocks.append(
            html.Div(
                [
                    html.H4(f"Path {number}: {hops} hop{'s' if hops != 1 else ''}"),
                    html.P(" → ".join(path["names"]), className="path-names"),
                    html.Ol(steps, className="hops"),
                ],
                className="path chosen" if number == chosen else "path",
                **attrs({"data-path": " ".join(path["nodes"])}),
            )
        )
    blocks.append(html.P(_ranking_note(result), className="muted"))
    return blocks


def _ranking_note(result: PathResult) -> str:
    fewest = result["fewest_hops"]
    hops = len(fewest[0]) - 1
    count = "one path is" if len(fewest) == 1 else f"{len(fewest)} paths are"
    ranked = (
        "Paths through generic hubs (countries, programmes, EU bodies linked to everyone) are "
        "ranked last."
        if result["options"]["avoid_hubs"]
        else "Paths are ranked by the number of hops."
    )
    plural = "s" if hops != 1 else ""
    return f"The shortest connection takes {hops} hop{plural}; {count} that short. {ranked}"


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=(Output(ID.PATH_RESULT, "children"), Output(ID.PATH_CHOICE, "options")),
        inputs=spec.inputs(*FIELDS, *TIME_FIELDS),
    )
    def find_path(**fields: Any):
        # The highlight is not sent from here: the network works it out (chosen_path).
        report, _highlight, choices = handle_path(*resolve(model, fields))
        return report, choices
