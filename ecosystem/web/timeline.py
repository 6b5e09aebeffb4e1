"""The time panel: the network as of a month, what is new since another, the timeline chart and
play.

Inputs: the as-of, hide-past and new-since fields. Outputs: the timeline chart (relations
beginning in each period, by type, the as-of date marked), the badge over the network that says
which date is shown, and the play clock. Clicking a bar of the chart and each tick of the play
clock are intents that set the as-of field, so a played frame is a view like any other: in the
URL, and Back returns to it.

Every other panel draws the network of the view's date: :func:`resolve` turns a callback's field
values into that network's model (made on demand, see :meth:`~ecosystem.explorer.Model.at`) and
the view state, with entities the network did not hold yet at that date taken out of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from ecosystem.analysis.periods import Span, last_day, month_text, read_month
from ecosystem.elements import NEW_COLOUR
from ecosystem.explorer import Model
from ecosystem.schema import RELATION_TYPES
from ecosystem.web import spec
from ecosystem.web.components import attrs, panel
from ecosystem.web.ids import ID
from ecosystem.web.spec import ViewState
from ecosystem.web.url import Event, Intent

TIME_FIELDS = ("as_of", "hide_past")
PLAY_SECONDS = 1.6  # each played period stays on screen this long once it is drawn
PLAY_POLL_MS = 200  # how often the page looks whether the period shown is drawn
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ENTITY_FIELDS = ("selected", "path_from", "path_to", "pick", "focus")


def resolve(model: Model, fields: Mapping[str, Any]) -> tuple[Model, ViewState]:
    """The model of the network a view shows (as of its date) and the view, from a callback's
    field values; entities and links that network does not hold are taken out of the view."""
    state = spec.from_client(model, fields)
    shown = dated(model, state)
    return shown, within(shown, state) if shown is not model else state


def dated(model: Model, state: ViewState) -> Model:
    """The model of the network as of the view's date, or ``model`` when no date is set."""
    if state.as_of is None:
        return model
    month = read_month(state.as_of)
    assert month is not None  # the spec's Month kind only lets valid months through
    return model.at(last_day(month), past=not state.hide_past)


def within(model: Model, state: ViewState) -> ViewState:
    """``state`` without the entities and the link that ``model``'s network does not hold."""
    gone: dict[str, Any] = {
        name: None
        for name in ENTITY_FIELDS
        if (node := getattr(state, name)) is not None and node not in model.view
    }
    if state.link is not None and not model.view.has_edge(*state.link):
        gone["link"] = None
    return replace(state, **gone) if gone else state


def when_text(month: str | None, *, step: int = 1) -> str:
    """How a date reads on screen.

    >>> when_text("2023-06"), when_text("2016-12", step=12), when_text(None)
    ('June 2023', '2016', '')
    """
    if month is None:
        return ""
    year, index = month.split("-")
    if step == 12 and index == "12":
        return year
    names = "January February March April May June July August September October November December"
    return f"{names.split()[int(index) - 1]} {year}"


def _marks(dated: Span) -> dict[int, str]:
    stops = dated.periods
    every = max(1, -(-len(stops) // 4))  # about four marks fit the slider's width
    marks = {}
    for at, month in enumerate(stops):
        if at % every == 0 and len(stops) - at > every // 2:  # leave room for "All"
            year, index = divmod(month, 12)
            marks[month] = str(year) if dated.step == 12 else f"{MONTHS[index]} {year % 100:02d}"
    marks[dated.whole] = "All"
    return marks


def layout(model: Model) -> list:
    """The Time section. On a network without dates its controls are there but disabled, so that
    every view-state field has its component, and a line says why."""
    dated = model.span
    about = (
        f"{dated.undated:,} relations without a date are always shown."
        if dated
        else "No relation in this network is dated."
    )
    return [
        panel(
            "Time",
            [
                html.Label("As of"),
                *_controls(dated),
                html.Div(
                    timeline_chart(model, None, None),
                    id=ID.TIMELINE,
                    className="timeline" if dated else "hidden",
                    style={"--as-of": AS_OF_COLOUR, "--new": NEW_COLOUR},
                ),
                html.P(about, className="muted timeline-note"),
            ],
        )
    ]


def _controls(dated: Span | None) -> list:
    """The time controls; on a network without dates they are there but disabled, so that every
    view-state field has its component."""
    stops = dated.periods if dated else (0,)
    whole = dated.whole if dated else 1
    options = (
        [
            {"label": f"new since {when_text(month_text(m), step=dated.step)}", "value": m}
            for m in stops[:-1]
        ]
        if dated
        else []
    )
    return [
        dcc.Slider(
            id=ID.AS_OF,
            min=stops[0],
            max=whole,
            step=dated.step if dated else 1,
            value=whole if dated else None,  # the value the view state gives it (no date)
            marks=_marks(dated) if dated else None,
            disabled=dated is None,
            updatemode="mouseup",
            className="as-of",
        ),
        html.Div(
            [
                dcc.Checklist(
                    id=ID.HIDE_PAST,
                    options=[{"label": " Hide ended relations", "value": "hide"}],
                    value=[],
                    inline=True,
                ),
                html.Button(
                    "▶ Play",
                    id=ID.PLAY,
                    n_clicks=0,
                    disabled=dated is None,
                    className="play",
                    title="Grow the network period by period (presenter mode: key g)",
                ),
            ],
            className="row",
        ),
        dcc.Dropdown(
            id=ID.NEW_SINCE,
            options=options,
            placeholder="Mark what is new since…",
            clearable=True,
            disabled=dated is None,
        ),
        dcc.Interval(id=ID.PLAY_CLOCK, interval=PLAY_POLL_MS, disabled=True, n_intervals=0),
        dcc.Store(id=ID.PLAY_TICK),
    ]


AS_OF_COLOUR = "#b3261e"  # the as-of date's line on the timeline
AXIS_LABELS = 4  # period names under the timeline, at most


def timeline_chart(model: Model, as_of: str | None, new_since: str | None) -> list:
    """Relations beginning in each period, stacked by type, as plain HTML: a column a period,
    each a button that sets the date, named in words for a screen reader and a tooltip; the
    periods after the as-of date faded, the as-of period marked with a line and the new-since
    one with a dotted line. Plain HTML rather than a charting library: loading Plotly for this
    chart made the first view a second slower."""
    dated = model.span
    if dated is None:
        return []
    shown = read_month(as_of) if as_of else None
    since = read_month(new_since) if new_since else None
    parts: dict[int, list[tuple[str, int]]] = {period: [] for period in dated.periods}
    for kind, by_period in model.period_counts.items():
        for period, number in by_period.items():
            parts.setdefault(period, []).append((kind, number))
    totals = {period: sum(number for _, number in held) for period, held in parts.items()}
    tallest = max(totals.values(), default=0) or 1
    columns = []
    for period in dated.periods:
        classes = ["timeline-period"]
        if shown is not None and period > shown:
            classes.append("later")
        if shown is not None and dated.period_of(shown) == period:
            classes.append("as-of")
        if since is not None and dated.period_of(since) == period:
            classes.append("since")
        told = ", ".join(f"{number:,} {kind.replace('_', ' ')}" for kind, number in parts[period])
        begin = (
            "1 relation begins" if totals[period] == 1 else f"{totals[period]:,} relations begin"
        )
        title = f"{dated.label(period)}: {begin}" + (f" ({told})" if told else "")
        columns.append(
            html.Button(
                [
                    html.Span(
                        className="timeline-part",
                        style={
                            "height": f"{100 * number / tallest:.2f}%",
                            "background": relation_colour(kind),
                        },
                    )
                    for kind, number in parts[period]
                ],
                id={"type": ID.TIMELINE_PERIOD, "index": period},
                n_clicks=0,
                className=" ".join(classes),
                title=title,
                **attrs({"aria-label": title}),
            )
        )
    last = len(dated.periods) - 1
    named = {round(step * last / (AXIS_LABELS - 1)) for step in range(AXIS_LABELS)}
    axis = [
        # A name in the right half runs leftwards from its column, so the last one stays in.
        html.Span(dated.label(period), className="end" if 2 * place > last else "")
        if place in named
        else html.Span()
        for place, period in enumerate(dated.periods)
    ]
    return [
        html.Span(f"{tallest:,}", className="timeline-scale", title="the tallest column"),
        html.Div(columns, className="timeline-bars"),
        html.Div(axis, className="timeline-axis", **attrs({"aria-hidden": "true"})),
    ]


# Colours of the relation types in the timeline chart, in the schema's order.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
)


def relation_colour(kind: str) -> str:
    """The colour a relation type has in the timeline chart.

    >>> relation_colour("funds") == relation_colour("funds") != relation_colour("leads")
    True
    """
    kinds = list(RELATION_TYPES)
    at = kinds.index(kind) if kind in kinds else len(kinds)
    return PALETTE[at % len(PALETTE)]


def as_of_badge(model: Model, state: ViewState) -> str:
    """The badge over the network: the date shown (:func:`badge`), none without dates."""
    return badge(model, state) if model.span is not None else ""


def badge(model: Model, state: ViewState) -> str:
    """The line over the network that says which date it is shown as of."""
    dated = model.span
    if dated is None or state.as_of is None:
        return ""
    text = f"As of {when_text(state.as_of, step=dated.step)}"
    if state.new_since:
        text += f" · new since {when_text(state.new_since, step=dated.step)} marked"
    return text


def next_period(model: Model, as_of: str | None) -> str | None:
    """The period a played step moves to: the first one after the whole network, then each in
    turn, then the whole network again."""
    dated = model.span
    if dated is None:
        return None
    stops = dated.periods
    if as_of is None:
        return month_text(stops[0])
    month = read_month(as_of)
    later = [stop for stop in stops if month is not None and stop > month]
    return month_text(later[0]) if later else None


def tick(model: Model, state: ViewState, event: Event) -> ViewState:
    return replace(state, as_of=next_period(model, state.as_of))


def click_period(model: Model, state: ViewState, event: Event) -> ViewState:
    """A click on a period's column shows the network as of that period (a chart redrawn with
    unclicked columns does not)."""
    if not event.value:
        return state
    month = event.source.get("index") if isinstance(event.source, dict) else None
    if not isinstance(month, int) or isinstance(month, bool):
        raise spec.BadInput("a timeline column must name its period")
    return replace(state, as_of=spec.BY_NAME["as_of"].kind.from_client(model, month))


INTENTS = (
    Intent("play_tick", Input(ID.PLAY_TICK, "data"), tick),
    Intent(
        "timeline_click",
        Input({"type": ID.TIMELINE_PERIOD, "index": ALL}, "n_clicks"),
        click_period,
    ),
)


def handle_play(playing: bool, pressed: bool, state: ViewState) -> tuple[bool, str]:
    """Whether the play clock runs (its ``disabled`` is the opposite) and the button's label:
    pressing toggles it; reaching the whole network again stops it."""
    if pressed:
        playing = not playing
    elif state.as_of is None:
        playing = False
    return playing, "❚❚ Pause" if playing else "▶ Play"


# The clock polls; the next period is asked for only once the one shown has been drawn (no
# callback loading) and has stayed on screen PLAY_SECONDS, however long a date takes to build.
PLAY_SCRIPT = (
    """function (ticks) {
    var none = window.dash_clientside.no_update;
    if (document.querySelector('[data-dash-is-loading="true"]')) {
        window.ecoPlayShown = null;  // still drawing: count from when it is drawn
        return none;
    }
    var now = Date.now();
    if (!window.ecoPlayShown) { window.ecoPlayShown = now; return none; }
    if (now - window.ecoPlayShown < SHOWN_MS) { return none; }
    window.ecoPlayShown = null;
    return ticks;
}"""
).replace("SHOWN_MS", str(int(PLAY_SECONDS * 1000)))


def register_callbacks(app: Dash, model: Model) -> None:
    app.clientside_callback(
        PLAY_SCRIPT,
        Output(ID.PLAY_TICK, "data"),
        Input(ID.PLAY_CLOCK, "n_intervals"),
        prevent_initial_call=True,
    )

    @app.callback(
        output=(Output(ID.TIMELINE, "children"), Output(ID.AS_OF_TEXT, "children")),
        inputs=spec.inputs("as_of", "new_since"),
        prevent_initial_call=True,  # the page holds the opening view's (layout, network.layout)
    )
    def chart(**fields: Any):
        state = spec.from_client(model, fields)
        if model.span is None:
            return no_update, as_of_badge(model, state)
        return timeline_chart(model, state.as_of, state.new_since), as_of_badge(model, state)

    @app.callback(
        output=(Output(ID.PLAY_CLOCK, "disabled"), Output(ID.PLAY, "children")),
        inputs={"pressed": Input(ID.PLAY, "n_clicks"), "fields": spec.inputs("as_of")},
        state={"stopped": State(ID.PLAY_CLOCK, "disabled")},
        prevent_initial_call=True,  # stopped, "▶ Play", as the page holds it
    )
    def play(pressed, fields, stopped):
        state = spec.from_client(model, fields)
        was = stopped is False
        running, label = handle_play(was, ctx.triggered_id == ID.PLAY, state)
        return not running, label
