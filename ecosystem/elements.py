"""Graph and analysis results -> Cytoscape elements and stylesheets. Pure: no Dash import.

Highlighting (a path, a synergy candidate, a selection) is a matter of classes: the chosen
elements are ``marked``, the rest ``dim``, and a few fixed rules of the stylesheet draw them.
Cytoscape.js matches every rule's selector against every element, so a hub's two thousand
neighbours named in the stylesheet would cost millions of comparisons at each restyle, and a
stylesheet that changed with each selection would restyle and redraw every element; classes
change only on the elements a new highlight touches.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

# One colour and one shape per entity type, so type reads even in greyscale or on a projector.
# Colours from the Okabe-Ito and Tableau palettes, chosen to stay apart for common colour-vision
# deficiencies.
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "cluster": ("#D55E00", "star"),
    "foundation": ("#E69F00", "hexagon"),
    "eu_institution": ("#0072B2", "round-octagon"),
    "eu_directorate": ("#56B4E9", "round-rectangle"),
    "eu_agency": ("#1F77B4", "round-diamond"),
    "platform": ("#009E73", "diamond"),
    "programme": ("#F0E442", "round-tag"),
    "project": ("#CC79A7", "ellipse"),
    "region": ("#8C564B", "round-triangle"),
    "country": ("#7F7F7F", "round-pentagon"),
    "city": ("#BCBD22", "vee"),
    "government": ("#17BECF", "rhomboid"),
    "company": ("#E15759", "ellipse"),
    "association": ("#76B7B2", "octagon"),
    "research": ("#59A14F", "round-heptagon"),
    "media": ("#B07AA1", "tag"),
    "person": ("#FF9DA7", "ellipse"),
    "event": ("#9C755F", "concave-hexagon"),
    "policy": ("#BAB0AC", "cut-rectangle"),
    "site": ("#4E79A7", "barrel"),
}
FALLBACK_STYLE = ("#999999", "ellipse")
NEW_COLOUR = "#d4a017"  # what is new since a date
COMMUNITY_COLOURS = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#86BCB6",
    "#D37295",
)
MIN_SIZE, MAX_SIZE = 18.0, 70.0
# The label font at the smallest and the largest size, the gap under a node, and the smallest
# label drawn on screen.
LABEL_FONT = (9.0, 24.0)
LABEL_GAP = 4.0
MIN_ZOOMED_FONT = 11
LABELLED = 30  # entities named in the whole view; the rest are named once zoomed in


def type_style(entity_type: str) -> tuple[str, str]:
    """The (colour, shape) of an entity type."""
    return TYPE_STYLE.get(entity_type, FALLBACK_STYLE)


# Highlights of up to this many entities show every name in large type.
LABELLED_HIGHLIGHT = 40


def labelled(values: Mapping[str, float], count: int = LABELLED) -> set[str]:
    """The ``count`` entities named in the whole view: the highest values, ties by id.

    >>> sorted(labelled({"a": 1.0, "b": 3.0, "c": 2.0}, 2))
    ['b', 'c']
    """
    return set(heapq.nsmallest(count, values, key=lambda node: (-values[node], str(node))))


def scaled_sizes(values: Mapping[str, float]) -> dict[str, float]:
    """Node sizes from metric values: square-root scaled between MIN_SIZE and MAX_SIZE.

    >>> scaled_sizes({"a": 0.0, "b": 1.0, "c": 0.25})
    {'a': 18.0, 'b': 70.0, 'c': 44.0}
    """
    if not values:
        return {}
    top = max(values.values())
    if top <= 0:
        return dict.fromkeys(values, MIN_SIZE)
    return {
        node: round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(value, 0) / top), 1)
        for node, value in values.items()
    }


SHORT_LABEL_CHARS = 26
TITLE_CHARS = 44  # a projector shows names up to this long in full


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_label(name: str, aliases: str = "", limit: int = SHORT_LABEL_CHARS) -> str:
    """A label that fits on a node: the name, or an acronym it goes by, or the name cut short.

    >>> short_label("Iberian Sustainable Mining Cluster", "ISMC|Iberian Cluster")
    'ISMC'
    >>> short_label("León")
    'León'
    >>> short_label("Round table on success stories in raw materials projects")
    'Round table on success st…'
    """
    if len(name) <= limit:
        return name
    for alias in aliases.split("|"):
        letters = alias.replace(" ", "").replace("-", "").replace(".", "")
        if 2 <= len(alias) <= 12 and letters.isalnum() and sum(c.isupper() for c in letters) >= 2:
            return alias
    return _clip(name, limit)


def edge_id(first: str, second: str) -> str:
    """The element id of the link between two entities, the same whichever end comes first."""
    low, high = sorted((first, second))
    return f"{low}~{high}"


@dataclass(frozen=True)
class Highlight:
    """What a view marks: its entities in the order next and previous step through them, the ids
    of the links marked with them, the entity marked most (``focus``), and whether it is a path
    (its entities are then numbered in reading order)."""

    nodes: tuple[str, ...] = ()
    edges: frozenset[str] = frozenset()
    focus: str | None = None
    path: bool = False

    def __bool__(self) -> bool:
        return bool(self.nodes or self.edges)


NO_HIGHLIGHT = Highlight()


def node_elements(
    view: nx.Graph,
    nodes: Iterable[str],
    *,
    layout: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, float],
    community: Mapping[str, int] | None = None,
    labelled: Collection[str] = (),
    new: Collection[str] = (),
    highlight: Highlight = NO_HIGHLIGHT,
) -> list[dict]:
    """Cytoscape node elements (data, position, classes) in the given order; the ``labelled``
    ones carry their name in the whole view, the others once zoomed in; the ``new`` ones (new
    since a date) have the class ``new``. A ``highlight``'s entities have the class ``marked``
    (and ``named`` when they are few enough to name all), its focus ``focus``, and, while there
    is a highlight, every other entity ``dim``. A path's entities are numbered in the order it
    is read ("1 · Name"), in their labels, with the class ``numbered``: in the elements rather
    than in rules of the stylesheet, so that a path arrives in one update instead of two, each
    restyling the whole network."""
    marked = set(highlight.nodes)
    named = len(marked) <= LABELLED_HIGHLIGHT
    numbers = (
        {node: number for number, node in enumerate(highlight.nodes, start=1)}
        if highlight.path
        else {}
    )
    elements = []
    for node in nodes:
        data = view.nodes[node]
        entity_type = data.get("type", "")
        x, y = layout.get(node, (0.0, 0.0))
        group = (community or {}).get(node)
        classes = f"t-{entity_type}" + (
            f" c{group % len(COMMUNITY_COLOURS)}" if group is not None else ""
        )
        if node in labelled:
            classes += " labelled"
        if node in new:
            classes += " new"
        if highlight:
            classes += (" marked named" if named else " marked") if node in marked else " dim"
            if node == highlight.focus:
                classes += " focus"
        label = short_label(data.get("name", node), data.get("aliases", ""))
        # The name a projector shows in full, wrapped; cut only when absurdly long.
        title = short_label(data.get("name", node), data.get("aliases", ""), TITLE_CHARS)
        number = numbers.get(node)
        if number is not None:
            label, title = f"{number} · {label}", f"{number} · {title}"
            classes += " numbered"
        elements.append(
            {
                "data": {
                    "id": node,
                    "label": label,
                    "name": data.get("name", node),
                    "title": title,
                    "type": entity_type,
                    "size": sizes.get(node, MIN_SIZE),
                    "degree": view.degree(node),
                },
                "position": {"x": x, "y": y},
                "classes": classes,
            }
        )
    return elements


def link_elements(
    view: nx.Graph,
    links: Iterable[tuple[str, str]],
    *,
    new: Collection[tuple[str, str]] = (),
    highlight: Highlight = NO_HIGHLIGHT,
) -> list[dict]:
    """One element per link, in the given order. A link whose relations have all ended by the
    date the network is shown as of (each marked ``past``) has the class ``past``; the ``new``
    ones (pairs in id order) the class ``new``; a ``highlight``'s links the class ``marked``
    and, while there is a highlight, every other link ``dim``."""
    elements = []
    for first, second in links:
        data = view.edges[first, second]
        records = data.get("relations", ())
        classes = "past" if records and all(r.get("past") for r in records) else ""
        if (min(first, second), max(first, second)) in new:
            classes = f"{classes} new".strip()
        element_id = edge_id(first, second)
        if highlight:
            classes = f"{classes} {'marked' if element_id in highlight.edges else 'dim'}".strip()
        elements.append(
            {
                "data": {
                    "id": element_id,
                    "source": first,
                    "target": second,
                    "types": " ".join(data.get("types", [])),
                    "weight": data.get("weight", 1),
                },
                "classes": classes,
            }
        )
    return elements


def base_stylesheet(
    *, presenter: bool = False, colour_by: str = "type", overview: bool = False
) -> list[dict]:
    """The stylesheet for a view: colours and shapes by type (or colours by community)."""
    # Bigger entities get bigger labels; a label shows once it renders at a readable size, so the
    # most central entities are named at any zoom and the rest appear as one zooms in.
    low, high = (20, 40) if presenter else LABEL_FONT
    font = f"mapData(size, {MIN_SIZE:g}, {MAX_SIZE:g}, {low:g}, {high:g})"
    label_colour = "#ffffff" if presenter else "#1b1b1b"
    outline = "#000000" if presenter else "#ffffff"
    sheet: list[dict] = [
        {
            "selector": "node",
            "style": {
                "label": "",
                "width": "data(size)",
                "height": "data(size)",
                "font-size": font,
                "color": label_colour,
                "text-outline-color": outline,
                "text-outline-width": 3 if presenter else 2,
                "text-valign": "bottom",
                "text-margin-y": LABEL_GAP,
                "text-wrap": "wrap" if presenter else "ellipsis",
                "text-max-width": "260px" if presenter else "180px",
                "min-zoomed-font-size": 14 if presenter else MIN_ZOOMED_FONT,
                "border-width": 1,
                "border-color": "#333333",
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": "mapData(weight, 1, 6, 1.2, 5)",
                "line-color": "#9aa5b1" if not presenter else "#cfd8e3",
                "curve-style": "haystack",
                "opacity": 0.7,
            },
        },
    ]
    # The most central entities are named in the whole view, the rest once zoomed in (the page's
    # script marks "zoomed" the nodes in sight that have room for their name past ZOOMED_IN,
    # and "crowded" a central one whose name would cover a more central one's), so names never
    # pile up.
    named = "data(title)" if presenter else "data(label)"
    # A named entity is drawn above the unnamed ones, so that their shapes do not hide its name.
    sheet.append(
        {"selector": "node.labelled, node.zoomed", "style": {"label": named, "z-index": 5}}
    )
    if overview:
        # A large network's overview is drawn far zoomed out: its named entities get type large
        # enough to read there, and the usual type once zoomed in (the page's script marks them
        # "zoomed" too), where the large one would cover the names around them.
        sheet += [
            {
                "selector": "node.labelled",
                "style": {"font-size": "mapData(size, 18, 70, 30, 54)", "text-max-width": "360px"},
            },
            {
                "selector": "node.labelled.zoomed",
                "style": {
                    "font-size": font,
                    "text-max-width": "260px" if presenter else "180px",
                },
            },
        ]
    sheet.append({"selector": "node.crowded", "style": {"label": ""}})
    for entity_type, (colour, shape) in TYPE_STYLE.items():
        style = {"shape": shape}
        if colour_by == "type":
            style["background-color"] = colour
        sheet.append({"selector": f".t-{entity_type}", "style": style})
    if colour_by == "community":
        for number, colour in enumerate(COMMUNITY_COLOURS):
            sheet.append({"selector": f".c{number}", "style": {"background-color": colour}})
    # As of a date: links that had ended are drawn faint and dashed; what is new since a date
    # is ringed and drawn in gold.
    sheet += [
        {"selector": "edge.past", "style": {"line-style": "dashed", "opacity": 0.35}},
        {"selector": "edge.new", "style": {"line-color": NEW_COLOUR, "opacity": 0.95}},
        {
            "selector": "node.new",
            "style": {"border-width": 4, "border-color": NEW_COLOUR, "border-style": "double"},
        },
    ]
    sheet.append(
        {
            "selector": "node:selected",
            "style": {"border-width": 5, "border-color": "#ffbf00" if presenter else "#1a1a1a"},
        }
    )
    return sheet + highlight_rules(presenter=presenter, overview=overview)


def highlight_rules(*, presenter: bool = False, overview: bool = False) -> list[dict]:
    """How a highlight is drawn (the classes :func:`node_elements` and :func:`link_elements` give
    it): marked elements strongly, the entity stepped to most, the rest dimmed. In a large
    network's ``overview`` the entity stepped to is named in the overview's large type."""
    accent = "#ffbf00" if presenter else "#d62728"
    return [
        {"selector": "node.dim", "style": {"opacity": 0.18, "text-opacity": 0}},
        {"selector": "edge.dim", "style": {"opacity": 0.08}},
        {
            "selector": "node.marked",
            "style": {
                "opacity": 1,
                "text-opacity": 1,
                "border-width": 3,
                "border-color": accent,
                "z-index": 20,
            },
        },
        # Every name in large type: readable for a path or a few neighbours; a hub's hundreds
        # would pile up, so those keep their usual labels (they are not ``named``).
        {
            "selector": "node.named",
            "style": {
                "label": "data(title)" if presenter else "data(label)",
                "min-zoomed-font-size": 0,
                "font-size": 22 if presenter else 15,
                "font-weight": "bold",
            },
        },
        {
            "selector": "edge.marked",
            "style": {"opacity": 1, "line-color": accent, "width": 5, "z-index": 10},
        },
        # The entity selected or stepped to is named whatever its rank: on a large network the
        # usual labels are the most central entities', and it is rarely one of them.
        {
            "selector": "node.focus",
            "style": {
                "border-width": 6,
                "border-color": accent,
                "opacity": 1,
                "text-opacity": 1,
                "label": "data(title)" if presenter else "data(label)",
                "min-zoomed-font-size": 0,
                "font-size": 42 if overview else 22 if presenter else 15,
                "font-weight": "bold",
                "z-index": 30,  # its name above the marked entities around it
            },
        },
        # A path's entities are named with their number, whatever their rank.
        {
            "selector": "node.numbered",
            "style": {"label": "data(title)" if presenter else "data(label)"},
        },
    ]


def id_selector(node: str) -> str:
    """The Cytoscape.js selector of the element ``node``, its id quoted whatever it holds.

    >>> id_selector('a"]; node{')
    '[id = "a\\\\"]; node{"]'
    """
    return '[id = "' + node.replace("\\", "\\\\").replace('"', '\\"') + '"]'


def path_edges(nodes: list[str]) -> list[str]:
    """The edge ids along a path of nodes.

    >>> path_edges(["b", "a", "c"])
    ['a~b', 'a~c']
    """
    return [edge_id(first, second) for first, second in itertools.pairwise(nodes)]
