"""Presenter mode: the network alone, large and high-contrast, for a projector.

Entering and leaving, and stepping to the next or previous highlighted entity (keys n / p and
the arrows, which ``assets/explorer.js`` turns into clicks on two hidden buttons), are intents.
Input: the presenter field. Output: the page's class, which the stylesheet turns into the
presenter theme.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import Dash, Input, Output, html

from ecosystem.analysis.explain import explained_relation
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import attrs, clipped
from ecosystem.web.ids import ID
from ecosystem.web.paths import FIELDS as PATH_FIELDS
from ecosystem.web.paths import chosen_path
from ecosystem.web.spec import ViewState
from ecosystem.web.synergy import handle_pick
from ecosystem.web.timeline import TIME_FIELDS, resolve
from ecosystem.web.url import Event, Intent


def buttons() -> list:
    return [
        html.Button(
            "Presenter mode",
            id=ID.PRESENT,
            n_clicks=0,
            className="primary",
            title="Full-screen network for a projector",
        ),
        html.Button(
            "Leave presenter mode (Esc)",
            id=ID.LEAVE_PRESENTER,
            n_clicks=0,
            className="leave-presenter",
        ),
    ]


def hidden_steps() -> list:
    """The buttons the step keys click."""
    return [
        html.Button(id=button, n_clicks=0, className="hidden", **attrs({"aria-hidden": "true"}))
        for button in (ID.NEXT, ID.PREVIOUS)
    ]


def step(highlight: Any, current: str | None, by: int) -> str | None:
    """The entity ``by`` places after ``current`` in the highlight, going round; the first (or
    last) when ``current`` is not in it; ``current`` when nothing is highlighted.

    >>> step(["a", "b", "c"], "c", 1), step(["a", "b", "c"], None, -1), step([], "a", 1)
    ('a', 'c', 'a')
    """
    items = (
        [item for item in highlight if isinstance(item, str)] if isinstance(highlight, list) else []
    )
    if not items:
        return current
    if current in items:
        return items[(items.index(current) + by) % len(items)]
    return items[0 if by > 0 else -1]


def _stepper(by: int):
    def apply(model: Model, state: ViewState, event: Event) -> ViewState:
        found = step(event.highlight, state.focus, by)
        return replace(state, focus=found if found in model.view else None)

    return apply


def _presenting(on: bool):
    def apply(model: Model, state: ViewState, event: Event) -> ViewState:
        if not on:  # leaving presenter mode ends a story being played
            return replace(state, presenter=False, story=None, story_step=0)
        return replace(state, presenter=True)

    return apply


INTENTS = (
    Intent("present", Input(ID.PRESENT, "n_clicks"), _presenting(True)),
    Intent("leave", Input(ID.LEAVE_PRESENTER, "n_clicks"), _presenting(False)),
    Intent("next", Input(ID.NEXT, "n_clicks"), _stepper(1)),
    Intent("previous", Input(ID.PREVIOUS, "n_clicks"), _stepper(-1)),
)


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(
        output=Output(ID.ROOT, "className"),
        inputs=spec.inputs("presenter"),
        prevent_initial_call=True,  # the page's root is "app", the opening view's
    )
    def mode(**fields: Any):
        return "app presenter" if spec.from_client(model, fields).presenter else "app"

    register_caption(app, model)


CAPTION_CHARS = 280


def previous_entity(state: ViewState, path: Any) -> str | None:
    """The entity the stepped-to one is reached from: the one before it on the path, else the
    selection."""
    nodes = path.get("nodes") if isinstance(path, dict) else None
    if isinstance(nodes, list) and state.focus in nodes:
        at = nodes.index(state.focus)
        return nodes[at - 1] if at > 0 else None
    return state.selected if state.selected != state.focus else None


def handle_caption(model: Model, state: ViewState, path: Any) -> list:
    """What the stepped-to entity is and how it is reached, with the evidence, in words."""
    node = state.focus
    if not node:
        return []
    data = model.view.nodes[node]
    title = f"{clipped(data.get('name', node), 120)} · {data.get('type', '').replace('_', ' ')}"
    nodes = path.get("nodes") if isinstance(path, dict) else None
    where = (
        f"Step {nodes.index(node) + 1} of {len(nodes)}"
        if isinstance(nodes, list) and node in nodes
        else None
    )
    lines: list = [
        html.Div(
            [html.Span(where, className="caption-step") if where else None, title],
            className="caption-title",
        )
    ]
    before = previous_entity(state, path)
    if before and model.view.has_edge(before, node):
        record = model.view.edges[before, node]["relations"][0]
        told = explained_relation(model.view, record, walking_from=before)
        lines.append(html.Div(told["sentence"], className="caption-hop"))
        lines.append(html.Blockquote(f"“{clipped(told['evidence'], CAPTION_CHARS)}”"))
    return lines


def handle_camera(model: Model, state: ViewState, path: Any, pick: Any) -> list[str]:
    """The entities the network should bring into view: the step and where it is reached from,
    else the chosen path, else the picked candidate's highlight."""
    if state.focus:
        before = previous_entity(state, path)
        return [state.focus, *([before] if before else [])]
    for store in (pick, path):
        if isinstance(store, dict) and isinstance(store.get("nodes"), list):
            nodes = [n for n in store["nodes"][:200] if isinstance(n, str) and n in model.view]
            if nodes:
                return nodes
    return []


def caption_and_camera(model: Model, state: ViewState) -> tuple[list, Any]:
    """The stepped-to entity's caption, and the camera for the page's script: what to bring
    into view, as ``data-fit``."""
    path = chosen_path(model, state)
    camera = handle_camera(model, state, path, handle_pick(model, state))
    return handle_caption(model, state, path), html.Span(**attrs({"data-fit": " ".join(camera)}))


def register_caption(app: Dash, model: Model) -> None:
    @app.callback(
        output=(Output(ID.CAPTION, "children"), Output(ID.CAMERA, "children")),
        inputs=spec.inputs("focus", "selected", "pick", *PATH_FIELDS, *TIME_FIELDS),
        prevent_initial_call=True,  # the page holds the opening view's (network.layout)
    )
    def caption(**fields: Any):
        return caption_and_camera(*resolve(model, fields))
