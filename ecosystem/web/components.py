"""Dash components that several panels use. Every text goes in as a child string, never as HTML,
so names and evidence holding markup show as plain text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from dash import html

from ecosystem.analysis.results import Relation
from ecosystem.elements import type_style
from ecosystem.schema import ENTITY_TYPES


def attrs(values: dict[str, str]) -> dict[str, Any]:
    """``data-*`` and ``aria-*`` attributes, which Dash takes as keyword arguments."""
    return dict(values)


def source_href(doc: str, line: int | None) -> str:
    """The address of a source document with the excerpt of relation ``line`` highlighted.

    Relative to the app's page, so that it holds under any path the app is served at.
    """
    query = f"?{urlencode({'line': line})}" if line is not None else ""
    return f"source/{quote(doc)}{query}"


def type_badge(entity_type: str) -> html.Span:
    colour, _shape = type_style(entity_type)
    return html.Span(
        entity_type.replace("_", " "),
        className="badge",
        style={"borderColor": colour, "--badge-colour": colour},
    )


def evidence_block(relation: Relation) -> html.Div:
    """One relation: its sentence, the quoted evidence, and links to its documents."""
    return html.Div(
        [
            html.Div(relation["sentence"], className="relation-sentence"),
            html.Blockquote(f"“{relation['evidence']}”", className="evidence"),
            html.Div(
                [
                    "Source: ",
                    *_joined(
                        html.A(
                            doc,
                            href=source_href(doc, relation.get("line")),
                            target="_blank",
                            rel="noopener noreferrer",
                            className="source-link",
                        )
                        for doc in relation["docs"]
                    ),
                ],
                className="source",
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
