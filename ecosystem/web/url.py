"""The URL panel: the one callback that writes the view state, so the address bar, Back and
Forward always agree with the screen.

Every control that holds a field of :class:`~ecosystem.web.spec.ViewState` is an input of
:func:`update_view`, and also its output; so are the address bar and the options of the
type-ahead dropdowns. What triggered it decides what happens:

- the address (the first load, Back, Forward): every control is set to the view it names;
- a control a person changed: the address is written (one history entry per change);
- an :class:`Intent` (a tap on the network, a key, a button): the view it asks for is set on
  the controls and written to the address;
- typing in a type-ahead dropdown: its options are looked up.

Changing one field may clear others that depended on it (:data:`RESETS`): choosing another
entity drops the synergy pick, the clicked link and the stepped-to entity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from ecosystem.analysis.lookup import search
from ecosystem.explorer import Model
from ecosystem.web import spec
from ecosystem.web.ids import ID
from ecosystem.web.spec import BadInput, ViewState

MAX_SEARCH_CHARS = 100
MAX_OPTIONS = 15
MAX_LABEL_CHARS = 80
URL_PROP = f"{ID.URL}.search"
# Fields chosen in a type-ahead dropdown: their options are sent with any value set from here,
# since a dropdown drops a value that is missing from its options.
CHOOSERS = ("selected", "path_from", "path_to")
# A field's change clears the fields that only made sense with its old value.
RESETS: Mapping[str, tuple[str, ...]] = {
    "selected": ("link", "pick", "focus"),
    "path_from": ("path_choice", "focus"),
    "path_to": ("path_choice", "focus"),
    "path_k": ("path_choice",),
    "avoid_hubs": ("path_choice", "focus"),
    "path_choice": ("focus",),
    "pick": ("focus",),
}


# What an address opens: the view it names, completed (see :func:`view_update`).
Opened = Callable[[Model, ViewState], ViewState]


def as_named(_model: Model, state: ViewState) -> ViewState:
    """An address opens the view it names, as it names it."""
    return state


@dataclass(frozen=True)
class Event:
    """What an intent is told: its trigger's value and id, and the entities on the highlight."""

    value: Any
    source: Any
    highlight: Any


@dataclass(frozen=True)
class Intent:
    """Something a person does that changes the view without a control holding the result: a tap
    on the network, a key, a button. ``apply`` returns the new view (or the same one)."""

    name: str
    trigger: Input
    apply: Callable[[Model, ViewState, Event], ViewState]


def entity_options(model: Model, typed: Any, current: str | None) -> list[dict]:
    """Type-ahead options: the current value (so it stays shown), then matches for what was typed,
    best first (see :func:`~ecosystem.analysis.lookup.search`: typos forgiven, the most linked
    first among equal matches).

    Each option's ``search`` text starts with what was typed: the dropdown filters options again
    in the browser, and a match on an alias, a typo or an accent-folded name must not be filtered
    away there. Labels are cut to :data:`MAX_LABEL_CHARS` (a name of 10,000 characters would
    stall the browser drawing the list); the details panel shows names in full.
    """
    query = typed[:MAX_SEARCH_CHARS] if isinstance(typed, str) else ""
    options = [_option(model, current, query)] if current and current in model.view else []
    if query.strip():
        for hit in search(model.view, query, limit=MAX_OPTIONS, index=model.index):
            if hit["id"] != current:
                options.append(_option(model, hit["id"], query))
    return options


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters at most, an ellipsis marking the cut.

    >>> shorten("Universidad de Oviedo", 12)
    'Universidad…'
    >>> shorten("ISMC")
    'ISMC'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _option(model: Model, node: str, query: str) -> dict:
    data = model.view.nodes[node]
    kind = shorten(str(data.get("type", "")).replace("_", " "), 30)
    label = f"{shorten(str(data.get('name', node)), MAX_LABEL_CHARS)} ({kind})"
    return {"label": label, "value": node, "search": f"{query} {label}"}


def with_resets(previous: ViewState, new: ViewState) -> ViewState:
    """``new``, with the fields that depended on a changed field cleared (see :data:`RESETS`)."""
    cleared = {
        dependent: spec.BY_NAME[dependent].default
        for name, dependents in RESETS.items()
        if getattr(previous, name) != getattr(new, name)
        for dependent in dependents
        if getattr(previous, dependent) == getattr(new, dependent)
    }
    return replace(new, **cleared) if cleared else new


def view_update(
    model: Model,
    intents: Sequence[Intent],
    triggered: Mapping[str, tuple[Any, Any]],
    *,
    url: Any,
    fields: Mapping[str, Any],
    typed: Mapping[str, Any],
    highlight: Any,
    opened: Opened = as_named,
) -> dict:
    """The callback's answer: the address, each field's component value and the type-ahead
    options, each ``no_update`` where it stays as it is.

    ``triggered`` maps each changed ``"component.property"`` to its component id and its new
    value; it is empty on the first call. ``opened`` completes the view an address names when
    it is opened (a story's step named alone opens with that step's view).
    """
    if not triggered or URL_PROP in triggered:  # first load, Back or Forward
        shown = opened(model, parse_url_state(model, url))
        return _answer(model, shown, url, fields, {}, write_url=False)
    previous = parse_url_state(model, url)
    current = spec.from_client(model, fields)
    options: dict[str, list[dict]] = {}
    by_trigger = {_prop(intent.trigger): intent for intent in intents}
    for prop, (source, value) in triggered.items():
        intent = by_trigger.get(prop) or by_trigger.get(_pattern_prop(prop, source) or "")
        if intent is not None:
            current = intent.apply(model, current, Event(value, source, highlight))
        for name in CHOOSERS:
            if prop == f"{spec.BY_NAME[name].component}.search_value":
                options[name] = entity_options(model, typed[name], getattr(current, name))
    return _answer(model, with_resets(previous, current), url, fields, options, write_url=True)


def parse_url_state(model: Model, url: Any) -> ViewState:
    return spec.parse_url(model, url if isinstance(url, str) else "")


def _answer(
    model: Model,
    new: ViewState,
    url: Any,
    fields: Mapping[str, Any],
    options: dict[str, list[dict]],
    *,
    write_url: bool,
) -> dict:
    values = spec.to_client(model, new)
    changed = {name for name, value in values.items() if fields.get(name) != value}
    for name in CHOOSERS:
        if name in changed:
            options.setdefault(name, entity_options(model, "", getattr(new, name)))
    address = spec.encode_url(new)
    return {
        "url": address if write_url and address != (url or "") else no_update,
        "fields": {name: values[name] if name in changed else no_update for name in values},
        "options": {name: options.get(name, no_update) for name in CHOOSERS},
    }


def _prop(dependency: Input | State) -> str:
    return f"{dependency.component_id_str()}.{dependency.component_property}"


def _pattern_prop(prop: str, source: Any) -> str | None:
    """The wildcard form of a pattern-matching trigger: ``{"index":["ALL"],...}.n_clicks``."""
    if not isinstance(source, Mapping):
        return None
    wildcard = {key: (ALL if key == "index" else value) for key, value in source.items()}
    return _prop(Input(wildcard, prop.rsplit(".", 1)[-1]))


def register_callbacks(
    app: Dash, model: Model, intents: Sequence[Intent], opened: Opened = as_named
) -> None:
    choosers = {name: spec.BY_NAME[name].component for name in CHOOSERS}

    @app.callback(
        output={
            "url": Output(ID.URL, "search"),
            "fields": spec.outputs(),
            "options": {name: Output(c, "options") for name, c in choosers.items()},
        },
        inputs={
            "url": Input(ID.URL, "search"),
            "fields": spec.inputs(),
            "typed": {name: Input(c, "search_value") for name, c in choosers.items()},
            "events": {intent.name: intent.trigger for intent in intents},
        },
        state={"highlight": State(ID.HIGHLIGHT, "data")},
    )
    def update_view(url, fields, typed, events, highlight):
        ids = ctx.triggered_prop_ids
        triggered = {
            t["prop_id"]: (ids[t["prop_id"]], t["value"])
            for t in ctx.triggered
            if t["prop_id"] in ids
        }
        return view_update(
            model,
            intents,
            triggered,
            url=url,
            fields=fields,
            typed=typed,
            highlight=highlight,
            opened=opened,
        )


__all__ = ["BadInput", "Event", "Intent", "entity_options", "register_callbacks", "view_update"]
