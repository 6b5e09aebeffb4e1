"""The page: the top bar, the filters on the left, the network in the middle and the tabs on the
right, each part built by the panel that owns it."""

from __future__ import annotations

from dash import dcc, html

from ecosystem.explorer import Model
from ecosystem.web import (
    centrality,
    details,
    export,
    filters,
    network,
    paths,
    presenter,
    stories,
    synergy,
    timeline,
)
from ecosystem.web.ids import ID
from ecosystem.web.spec import COLOUR_MODES, TABS, ViewState

DEFAULT = ViewState()


def page(model: Model, folder: stories.Folder) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ID.URL, refresh=False),
            *[dcc.Store(id=store) for store in (ID.LINK, ID.PICKED, ID.FOCUS)],
            dcc.Store(id=ID.HIGHLIGHT, data=[]),
            dcc.Store(id=ID.PRESENTER, data=False),
            *export.download(),
            *presenter.hidden_steps(),
            *stories.hidden(),
            topbar(model),
            html.Main(
                [
                    html.Aside(
                        [*filters.layout(model), *timeline.layout(model)], className="sidebar left"
                    ),
                    network.layout(model, overlays=stories.overlay(model, folder)),
                    html.Aside(tabs(model, folder), className="sidebar right"),
                ],
                className="main",
            ),
        ],
        id=ID.ROOT,
        className="app",
    )


def _select(component_id: str, options: dict[str, str], value: str) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=component_id,
        value=value,
        clearable=False,
        className="inline-select",
        options=[{"label": label, "value": key} for key, label in options.items()],
    )


def topbar(model: Model) -> html.Header:
    return html.Header(
        [
            html.H1("Ecosystem explorer"),
            dcc.Dropdown(
                id=ID.SEARCH,
                placeholder="Search entities by name or alias…",
                options=[],
                className="search",
                clearable=True,
            ),
            html.Label(["Colour by ", _select(ID.COLOUR, COLOUR_MODES, DEFAULT.colour)]),
            html.Label(
                ["Layout ", _select(ID.LAYOUT, network.offered_layouts(model), DEFAULT.layout)]
            ),
            export.menu(),
            *presenter.buttons(),
        ],
        className="topbar",
    )


def tabs(model: Model, folder: stories.Folder) -> dcc.Tabs:
    content = {
        "story": stories.layout(folder),
        "details": [details.layout(model)],
        "paths": paths.layout(),
        "synergy": synergy.layout(model),
        "centrality": centrality.layout(),
    }
    return dcc.Tabs(
        id=ID.TABS,
        value=DEFAULT.tab,
        children=[
            dcc.Tab(label=label, value=key, children=content[key]) for key, label in TABS.items()
        ],
    )
