"""The source page: a cited document as plain text under its title, with the excerpt of one
relation marked (``id="excerpt"``, so that ``#excerpt`` in the address scrolls to it); or, for a
relation imported from another tool's file, the row the import wrote.

A plain Flask route (``/source/<doc>?line=N``), not a Dash page: escaped text, never the raw file.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Mapping
from pathlib import Path

import flask
from dash import Dash

from ecosystem.explorer import Model
from ecosystem.schema import DOC_SEPARATOR, RELATION_COLUMNS, RELATION_TYPES, SOURCES_DIR
from ecosystem.sources import catalogue, find_excerpt, read_document, source_labels

# What an importer writes at the start of a relation's evidence: the file and line it came from.
_IMPORTED = re.compile(r"^Imported from (?P<origin>[^:]{1,300}): ")


def labels(model: Model) -> Mapping[str, str]:
    """Each recorded document's title (see :func:`ecosystem.sources.source_labels`); none for
    a network that was not read from a data folder."""
    data_dir = model.view.graph.get("data_dir")
    return source_labels(data_dir) if data_dir else {}


def source_page(model: Model, doc: str, line: str | None, root: str = "") -> tuple[str, int]:
    """The page for ``/source/<doc>?line=N`` and its status: the document with the excerpt of
    relation ``N`` marked, the imported row of relation ``N`` when ``doc`` is a file it was
    imported from, or 404. Everything is escaped.

    ``root`` is the path the app is mounted under (``/ecosystem`` behind a proxy), for its style.
    """
    data_dir = model.view.graph.get("data_dir")
    documents = Path(data_dir) / SOURCES_DIR if data_dir else None
    number = int(line) if line and line.isdigit() and len(line) < 12 else None
    relation, cited = _citing(model, doc, number)
    if not cited:
        return _not_found("No relation cites a source of that name.", root)
    # Only a regular file directly in the folder, never a link out of it (read_document).
    text = read_document(documents, doc) if documents is not None else None
    if text is not None:
        record = catalogue(data_dir).get(doc)
        title = labels(model).get(doc) or f"Untitled document ({doc})"
        return document_page(text, doc, title, record, relation, root), 200
    if relation is None:
        return _not_found(
            f"{doc} is not a document in {SOURCES_DIR}/: the relations citing it were imported "
            "from it. Open one from a relation's source link to see its row.",
            root,
        )
    return imported_page(model, doc, relation, root), 200


def _citing(model: Model, doc: str, line: int | None) -> tuple[dict | None, bool]:
    """The relation on ``line`` that cites ``doc`` (its columns, ends included, or None), and
    whether any relation cites ``doc``."""
    cited = False
    for *_, records in model.view.edges.data("relations"):
        for record in records:
            if doc in record["doc"].split(DOC_SEPARATOR):
                if line is None:
                    return None, True
                cited = True
                if record.get("line") == line:
                    found = {k: v for k, v in record.items() if k != "key"}
                    return {
                        **found,
                        "source": str(found["source"]),
                        "target": str(found["target"]),
                    }, True
    return None, cited


def document_page(
    text: str,
    doc: str,
    title: str,
    record: Mapping | None,
    relation: dict | None,
    root: str = "",
) -> str:
    """The document's text (normalised) under its title, its record's facts, and the
    relation's excerpt marked."""
    span = find_excerpt(text, relation["evidence"]) if relation else None
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
    return page(title, f'{_meta(record, doc)}<p class="source-text">{body}</p>', root)


def _meta(record: Mapping | None, doc: str) -> str:
    """Publisher, date, language and original address as the record gives them, and the file."""
    parts = []
    if record:
        for column, name in (
            ("publisher", "Published by"),
            ("date", "Date"),
            ("language", "Language"),
        ):
            if record.get(column):
                parts.append(f"{name}: {html_text.escape(str(record[column]))}")
        if record.get("url"):
            address = html_text.escape(str(record["url"]), quote=True)
            parts.append(
                f'<a href="{address}" rel="noopener noreferrer nofollow">Original address</a>'
            )
    parts.append(f"File: {html_text.escape(doc)}")
    return f'<p class="source-meta">{" · ".join(parts)}</p>'


def imported_page(model: Model, doc: str, relation: dict, root: str = "") -> str:
    """The row of a relation imported from ``doc``: what it states and where it came from."""
    source, target = relation["source"], relation["target"]
    names = {
        end: str(model.view.nodes[end].get("name", end)) if end in model.view else end
        for end in (source, target)
    }
    kind = relation.get("type", "")
    verb = RELATION_TYPES[kind].verb if kind in RELATION_TYPES else kind
    found = _IMPORTED.match(relation.get("evidence", ""))
    origin = found.group("origin") if found else doc
    rows = [("relations.csv line", str(relation.get("line", "")))]
    for column in RELATION_COLUMNS:
        value = relation.get(column, "")
        if column in ("source", "target"):
            value = f"{names[value]} ({value})"
        if value:
            rows.append((column, str(value)))
    table = "".join(
        f'<tr><th scope="row">{html_text.escape(name)}</th><td>{html_text.escape(value)}</td></tr>'
        for name, value in rows
    )
    body = (
        f'<p class="source-meta">Imported from {html_text.escape(origin)}. That file is not kept '
        f"with the data; this is the row the import wrote for the relation.</p>"
        f'<p class="relation-sentence">{html_text.escape(names[source])} {html_text.escape(verb)} '
        f"{html_text.escape(names[target])}</p>"
        f'<table class="imported-row" id="excerpt">{table}</table>'
    )
    return page(f"Imported relation: {origin}", body, root)


def _not_found(reason: str, root: str = "") -> tuple[str, int]:
    return page("Not found", f"<p>{html_text.escape(reason)}</p>", root), 404


def page(title: str, body: str, root: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_text.escape(title)}</title>"
        f'<link rel="icon" href="{html_text.escape(root)}/_favicon.ico">'
        f'<link rel="stylesheet" href="{html_text.escape(root)}/assets/source.css">'
        # The excerpt scrolled to sits a third of the way down, its context above it.
        "<style>#excerpt { scroll-margin-top: 30vh; }</style></head>"
        f"<body><h1>{html_text.escape(title)}</h1>{body}</body></html>"
    )


def register_route(app: Dash, model: Model) -> None:
    @app.server.route("/source/<path:doc>")
    def source(doc: str):
        text, status = source_page(
            model, doc, flask.request.args.get("line"), flask.request.script_root
        )
        return flask.Response(text, status=status, mimetype="text/html")
