"""The source page: a cited document as plain text, with the excerpt of one relation marked.

A plain Flask route (``/source/<doc>?line=N``), not a Dash page: escaped text, never the raw file.
"""

from __future__ import annotations

import html as html_text
from pathlib import Path

import flask
from dash import Dash

from ecosystem.explorer import Model
from ecosystem.schema import DOC_SEPARATOR, SOURCES_DIR
from ecosystem.sources import find_excerpt, read_document


def source_page(model: Model, doc: str, line: str | None, root: str = "") -> tuple[str, int]:
    """A source document as a page with the excerpt of relation ``line`` marked; all escaped.

    ``root`` is the path the app is mounted under (``/ecosystem`` behind a proxy), for its style.
    """
    sources = Path(model.graph.graph.get("data_dir", ".")) / SOURCES_DIR
    known = {
        name
        for *_, data in model.graph.edges(data=True)
        for name in data["doc"].split(DOC_SEPARATOR)
    }
    text = read_document(sources, doc) if doc in known else None
    if text is None:
        return page("Not found", "<p>No such source document.</p>", root), 404
    excerpt = None
    if line and line.isdigit():
        for *_, data in model.graph.edges(data=True):
            if data.get("line") == int(line) and doc in data["doc"].split(DOC_SEPARATOR):
                excerpt = data["evidence"]
                break
    span = find_excerpt(text, excerpt) if excerpt else None
    if span:
        start, end = span
        body = (
            html_text.escape(text[:start])
            + '<mark id="excerpt">'
            + html_text.escape(text[start:end])
            + "</mark>"
            + html_text.escape(text[end:])
        )
    else:
        body = html_text.escape(text)
    return page(doc, f'<p class="source-text">{body}</p>', root), 200


def page(title: str, body: str, root: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text.escape(title)}</title>"
        f'<link rel="icon" href="{html_text.escape(root)}/_favicon.ico">'
        f'<link rel="stylesheet" href="{html_text.escape(root)}/assets/source.css"></head>'
        f"<body><h1>{html_text.escape(title)}</h1>{body}</body></html>"
    )


def register_route(app: Dash, model: Model) -> None:
    @app.server.route("/source/<path:doc>")
    def source(doc: str):
        text, status = source_page(
            model, doc, flask.request.args.get("line"), flask.request.script_root
        )
        return flask.Response(text, status=status, mimetype="text/html")
