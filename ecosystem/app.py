"""The explorer web app: ``create_app(graph)`` builds it; importing this module builds nothing.

The panels live in :mod:`ecosystem.web`, each with its layout and its callbacks; this module
precomputes the model, lays the page out and registers every panel's callbacks. The only
per-user state lives in the browser (the URL and the page's components); the precomputed
:class:`~ecosystem.explorer.Model` is read-only, so workers and users share nothing mutable.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import flask
import networkx as nx
from dash import Dash

from ecosystem.analysis.centrality import Progress
from ecosystem.explorer import build_model, warm_up
from ecosystem.resources import assets_dir
from ecosystem.security import harden
from ecosystem.server import WARM_UP
from ecosystem.settings import Settings
from ecosystem.snapshot import Network
from ecosystem.web import (
    centrality,
    details,
    export,
    filters,
    network,
    paths,
    presenter,
    source,
    stories,
    synergy,
    timeline,
    url,
)
from ecosystem.web.layout import page
from ecosystem.web.spec import BadInput

PANELS = (network, filters, details, paths, synergy, centrality, export, presenter, timeline)
INTENTS = (
    *network.INTENTS,
    *filters.INTENTS,
    *synergy.INTENTS,
    *presenter.INTENTS,
    *timeline.INTENTS,
)


def create_app(
    graph: nx.MultiDiGraph | Network,
    *,
    title: str = "Ecosystem explorer",
    frame_ancestors: Sequence[str] = (),
    cache: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    settings: Settings = Settings(),
    url_prefix: str = "/",
    stories_dir: Path | None = None,
    data_dir: Path | None = None,
) -> Dash:
    """Build the Dash app for one typed graph (or a :class:`~ecosystem.snapshot.Network` read with
    :func:`~ecosystem.snapshot.read_network`): precompute the model, lay out, wire callbacks.

    ``url_prefix`` is the path the browser sees the app under (``/ecosystem/`` behind a proxy);
    the app's routes stay at ``/``, and whatever serves it mounts it there (``SCRIPT_NAME``).

    ``frame_ancestors`` lists the sites allowed to embed the app in a frame (none by default).
    ``stories_dir`` is the folder stories are read from and saved in (never the data folder,
    ``data_dir``, which the app never writes); without it stories play from links only.
    ``settings``, ``cache``, ``use_cache`` and ``progress`` go to
    :func:`~ecosystem.explorer.build_model`.
    """
    model = build_model(
        graph, settings=settings, cache=cache, use_cache=use_cache, progress=progress
    )
    app = Dash(
        __name__,
        title=title,
        assets_folder=str(assets_dir()),
        requests_pathname_prefix=url_prefix,
        routes_pathname_prefix="/",
        assets_ignore=r"source\.css",  # the source-document page's own style
        suppress_callback_exceptions=False,
        update_title=None,  # type: ignore[arg-type]  # None turns the title off
    )
    folder = stories.Folder(stories_dir, data_dir)
    app.layout = page(model, folder)
    url.register_callbacks(
        app, model, (*INTENTS, *stories.intents(folder)), opened=stories.opener(folder)
    )
    for panel in PANELS:
        panel.register_callbacks(app, model)
    stories.register_callbacks(app, model, folder)
    source.register_route(app, model)
    harden(app, frame_ancestors=frame_ancestors)
    app.server.register_error_handler(BadInput, _bad_input)
    app.server.extensions[WARM_UP] = partial(warm_up, model)
    # Dash registers the script paths it may serve while it renders its first page, in the
    # process that renders it. Render it once here, so that every worker forked from this process
    # serves scripts from its first request.
    app.server.test_client().get("/")
    return app


def _bad_input(error: BadInput) -> flask.Response:
    response = flask.jsonify({"error": f"bad input: {error}"})
    response.status_code = 400
    return response
