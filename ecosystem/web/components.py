"""Dash components that several panels use. Every text goes in as a child string, never as HTML,
so names and evidence holding markup show as plain text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from dash import html

from ecosystem.analysis.results import Relation
from ecosystem.elements import type_style
from ecosystem.schema import ENTITY_TYPES


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """``data-*`` and ``aria-*`` attributes, which Dash takes as keyword arguments."""
    return dict(values)


# Longest source title drawn in a link; the source page's heading holds it in full.
MAX_TITLE_CHARS = 120


def source_href(doc: str, line: int | None) -> str:
    """The address of a source document with the excerpt of relation ``line`` highlighted and
    scrolled to (``#excerpt``).

    Relative to the app's page, so that it holds under any path the app is served at.

    >>> source_href("004_fd79ff072601a70f.txt", 12)
    'source/004_fd79ff072601a70f.txt?line=12#excerpt'
    """
    query = f"?{urlencode({'line': line})}#excerpt" if line is not None else ""
    return f"source/{quote(doc)}{query}"


def source_link(doc: str, line: int | None, labels: Mapping[str, str]) -> html.A:
    """A link to one cited document, named by its title; a file a relation was imported from
    (not a document with a record) is named as such, and its link shows the imported row."""
    label = labels.get(doc)
    text = _shorten(label, MAX_TITLE_CHARS) if label else f"{doc} (imported row)"
    return html.A(
        text,
        href=source_href(doc, line),
        target="_blank",
        rel="noopener noreferrer",
        className="source-link",
        title=f"{label} ({doc})" if label else f"Where this relation was imported from: {doc}",
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def type_badge(entity_type: str) -> html.Span:
    colour, _shape = type_style(entity_type)
    return html.Span(
        entity_type.replace("_", " "),
        className="badge",
        style={"borderColor": colour, "--badge-colour": colour},
    )


def evidence_block(relation: Relation, labels: Mapping[str, str] | None = None) -> html.Div:
    """One relation: its sentence, the quoted evidence, and links to its documents, each named
    by its title (``labels``: document -> title, see :func:`ecosystem.web.source.labels`).

    One component for the relation, one for its sentence and one per document: the browser
    sets up every Dash component of a panel one by one, so a panel listing many relations is
    drawn in time with the count of its components. The evidence and the word "Source" are
    plain text, on lines of their own (the block keeps its line breaks, ``white-space:
    pre-line``).
    """
    return html.Div(
        [
            html.Strong(relation["sentence"], className="relation-sentence"),
            f"\n“{relation['evidence']}”" + ("\nSource: " if relation["docs"] else ""),
            *_joined(
                source_link(doc, relation.get("line"), labels or {}) for doc in relation["docs"]
            ),
        ],
        className="relation",
    )


def _joined(items: Iterable) -> list:
    out: list = []
    for item in items:
        if out:
            out.append(", ")
        out.append(item)
    return out


def message(text: str, kind: str = "info") -> html.Div:
    return html.Div(text, className=f"message message-{kind}", role="status")


def plotly_text(text: str) -> str:
    """Text for a Plotly label: Plotly reads a few HTML tags in labels, so escape them.

    >>> plotly_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(title: str, children: list, panel_id: str | None = None) -> html.Section:
    return html.Section([html.H2(title), *children], className="panel", id=panel_id or "")


def labelled(text: str, control: Any) -> html.Label:
    return html.Label([text, " ", control])


def type_options(counts: dict[str, int]) -> list[dict]:
    """Dropdown options for the entity types the network holds, with their counts."""
    return [
        {"label": f"{kind.replace('_', ' ')} ({counts[kind]})", "value": kind}
        for kind in ENTITY_TYPES
        if counts.get(kind)
    ]


def clipped(text: str, limit: int) -> str:
    """``text`` cut at ``limit`` characters, with an ellipsis when it was longer.

    >>> clipped("abcdef", 4), clipped("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"
