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

from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.components import attrs
from ecosystem.web.ids import ID
from ecosystem.web.spec import ViewState
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
        return replace(state, presenter=on)

    return apply


INTENTS = (
    Intent("present", Input(ID.PRESENT, "n_clicks"), _presenting(True)),
    Intent("leave", Input(ID.LEAVE_PRESENTER, "n_clicks"), _presenting(False)),
    Intent("next", Input(ID.NEXT, "n_clicks"), _stepper(1)),
    Intent("previous", Input(ID.PREVIOUS, "n_clicks"), _stepper(-1)),
)


def register_callbacks(app: Dash, model: Model) -> None:
    @app.callback(output=Output(ID.ROOT, "className"), inputs=spec.inputs("presenter"))
    def mode(**fields: Any):
        return "app presenter" if spec.from_client(model, fields).presenter else "app"
