"""Graph and analysis results -> Cytoscape elements and stylesheets. Pure: no Dash import.

Highlighting (a path, a synergy candidate, a selection) never re-sends the elements: it returns a
new stylesheet that marks the chosen ids and dims the rest.
"""

from __future__ import annotations

import heapq
import itertools
import math
import zlib
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np

from ecosystem.settings import LayoutSettings

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
# The label font at the smallest and the largest size, and how text measures in it.
LABEL_FONT = (9.0, 24.0)
CHAR_WIDTH = 0.68  # of the font size, for the system sans-serif with its outline
LINE_HEIGHT = 1.4
LABEL_GAP = 4.0
MIN_ZOOMED_FONT = 11  # labels smaller than this on screen are not drawn
LABELLED = 30  # entities named in the whole view; the rest are named once zoomed in


def type_style(entity_type: str) -> tuple[str, str]:
    """The (colour, shape) of an entity type."""
    return TYPE_STYLE.get(entity_type, FALLBACK_STYLE)


# Highlights of up to this many entities show every name in large type.
LABELLED_HIGHLIGHT = 40


def positions(
    view: nx.Graph, *, settings: LayoutSettings = LayoutSettings()
) -> dict[str, tuple[float, float]]:
    """A force-directed layout that is the same on every run, in screen units.

    Up to ``settings.kamada_kawai_limit`` entities: Kamada-Kawai (spreads a hub-and-spoke network
    evenly; deterministic), started from a seeded spring layout. Up to ``settings.force_limit``:
    the seeded spring layout. Larger: the ``settings.core_size`` best-linked entities get the
    spring layout, and every other entity is placed near the neighbour it was reached from
    (breadth-first from the core), at an angle drawn from its id, so the picture is the same on
    every run and costs linear time.

    >>> a = positions(nx.path_graph(4)); b = positions(nx.path_graph(4))
    >>> a == b
    True
    """
    if len(view) == 0:
        return {}
    if len(view) > settings.force_limit:
        return _core_and_satellites(view, settings)
    k = 2.2 / math.sqrt(len(view))
    layout = nx.spring_layout(view, seed=settings.seed, k=k, iterations=settings.spring_iterations)
    if len(view) <= settings.kamada_kawai_limit and nx.is_connected(view):
        layout = nx.kamada_kawai_layout(view, pos=layout)
    scale = settings.scale * max(1.0, math.sqrt(len(view) / 100))
    # Wider than high, as screens are: labels run across, so there is more room to part them.
    wide = scale * settings.aspect
    placed = {node: (float(x) * wide, float(y) * scale) for node, (x, y) in layout.items()}
    if settings.overlap_rounds:
        placed = remove_overlaps(placed, label_boxes(view), settings)
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in placed.items()}


def labelled(values: Mapping[str, float], count: int = LABELLED) -> set[str]:
    """The ``count`` entities named in the whole view: the highest values, ties by id.

    >>> sorted(labelled({"a": 1.0, "b": 3.0, "c": 2.0}, 2))
    ['b', 'c']
    """
    return set(heapq.nsmallest(count, values, key=lambda node: (-values[node], str(node))))


def label_boxes(view: nx.Graph) -> dict[str, tuple[float, float, float]]:
    """Each entity's size on screen at the default metric (its links), as (width, height above
    the centre, height below it): the node, and for the entities named in the whole view its
    label under it, at the font the stylesheet gives that size."""
    degrees = dict(view.degree())
    sizes = scaled_sizes(degrees)
    named = labelled(degrees)
    boxes = {}
    for node, size in sizes.items():
        data = view.nodes[node]
        label = short_label(str(data.get("name", node)), data.get("aliases", ""))
        low, high = LABEL_FONT
        font = low + (size - MIN_SIZE) / (MAX_SIZE - MIN_SIZE) * (high - low)
        if node not in named:
            boxes[node] = (size, size / 2, size / 2)
            continue
        width = max(size, CHAR_WIDTH * font * len(label))
        boxes[node] = (width, size / 2, size / 2 + LABEL_GAP + LINE_HEIGHT * font)
    return boxes


def remove_overlaps(
    placed: dict[str, tuple[float, float]],
    boxes: Mapping[str, tuple[float, float, float]],
    settings: LayoutSettings,
) -> dict[str, tuple[float, float]]:
    """``placed`` with overlapping boxes pushed apart, a little at a time along the axis where
    they overlap least, until none overlap (or ``settings.overlap_rounds`` passes): the shape of
    the layout stays, its knots untie. A sweep along x keeps each pass near-linear.
    """
    margin, aspect = settings.overlap_margin, settings.aspect
    nodes = sorted(placed, key=str)
    xy = {node: list(placed[node]) for node in nodes}
    for _ in range(settings.overlap_rounds):
        moved = False
        order = sorted(nodes, key=lambda n: xy[n][0] - boxes[n][0] / 2)
        for i, first in enumerate(order):
            fx, fy = xy[first]
            fw, fa, fb = boxes[first]
            for second in order[i + 1 :]:
                sx, sy = xy[second]
                sw, sa, sb = boxes[second]
                if sx - sw / 2 >= fx + fw / 2 + margin:
                    break
                across = (fw + sw) / 2 + margin - abs(fx - sx)
                # Vertical extents: the node above its centre, the label below.
                down = min(fy + fb, sy + sb) - max(fy - fa, sy - sa) + margin
                if across <= 0 or down <= 0:
                    continue
                moved = True
                if across < down * aspect:  # part sideways rather than stack up
                    push = across / 2 * (1 if sx >= fx else -1)
                    xy[first][0] -= push
                    xy[second][0] += push
                else:
                    push = down / 2 * (1 if sy >= fy else -1)
                    xy[first][1] -= push
                    xy[second][1] += push
                fx, fy = xy[first]
        if not moved:
            break
    return {node: (x, y) for node, (x, y) in xy.items()}


def _angle(node: str) -> float:
    return (zlib.crc32(str(node).encode("utf-8")) % 3600) / 3600 * 2 * math.pi


def _core_and_satellites(
    view: nx.Graph, settings: LayoutSettings
) -> dict[str, tuple[float, float]]:
    core = sorted(view, key=lambda node: (-view.degree(node), str(node)))[: settings.core_size]
    placed = positions(_core_graph(view, core, settings.core_ties), settings=settings)
    frontier = list(core)
    step = settings.satellite_step
    while frontier:
        following = []
        for parent in frontier:
            px, py = placed[parent]
            for node in sorted(view[parent], key=str):
                if node in placed:
                    continue
                angle = _angle(node)
                placed[node] = (
                    round(px + step * math.cos(angle), 1),
                    round(py + step * math.sin(angle), 1),
                )
                following.append(node)
        frontier = following
    # Entities in components the core does not reach: a grid below the picture.
    rest = sorted((node for node in view if node not in placed), key=str)
    if rest:
        bottom = max(y for _, y in placed.values()) + 200
        width = max(1, int(math.sqrt(len(rest))))
        for number, node in enumerate(rest):
            placed[node] = (float((number % width) * 60), bottom + (number // width) * 60)
    return placed


def _core_graph(view: nx.Graph, core: list[str], ties: int = 3) -> nx.Graph:
    """The core entities, linked where they are linked in ``view`` and to the ``ties`` core
    entities each shares most neighbours with.

    The best-linked entities of a large network are often linked only through others (two
    universities through their shared projects): laid out on their own links alone they would
    scatter at random, so their shared neighbours pull them together.
    """
    graph = nx.Graph(view.subgraph(core).edges())
    graph.add_nodes_from(core)
    nodes = list(view)
    position = {node: i for i, node in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(view, nodelist=nodes, weight=None, format="csr")
    rows = adjacency[[position[node] for node in core]]
    shared = (rows @ rows.T).toarray()
    # An entity that shares no neighbour with the rest (a country, whose neighbours are its
    # organisations) is tied by paths of three links instead (country, organisation, project,
    # university), so it sits beside what it is part of rather than far out on its own.
    alone = np.flatnonzero(shared.sum(axis=1) - shared.diagonal() == 0)
    if len(alone):
        shared[alone] = (rows[alone] @ adjacency @ rows.T).toarray()
    np.fill_diagonal(shared, 0)
    for i, node in enumerate(core):
        for j in np.argsort(-shared[i], kind="stable")[:ties]:
            if shared[i, j] > 0:
                graph.add_edge(node, core[j])
    return graph


def concentric_positions(values: Mapping[str, float], *, ring_gap: float = 110.0) -> dict:
    """Rings by rank of a metric: the highest at the centre, each ring holding 6 more.

    >>> concentric_positions({"a": 3.0, "b": 1.0})["a"]
    (0.0, 0.0)
    """
    ranked = sorted(values, key=lambda node: (-values[node], node))
    placed: dict[str, tuple[float, float]] = {}
    ring, capacity, start = 0, 1, 0
    while start < len(ranked):
        members = ranked[start : start + capacity]
        for number, node in enumerate(members):
            angle = 2 * math.pi * number / len(members)
            placed[node] = (
                round(ring * ring_gap * math.cos(angle), 1),
                round(ring * ring_gap * math.sin(angle), 1),
            )
        start += capacity
        ring += 1
        capacity = 6 * ring
    return placed


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


def node_elements(
    view: nx.Graph,
    nodes: Iterable[str],
    *,
    layout: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, float],
    community: Mapping[str, int] | None = None,
    labelled: Collection[str] = (),
) -> list[dict]:
    """Cytoscape node elements (data, position, classes) in the given order; the ``labelled``
    ones carry their name in the whole view, the others once zoomed in."""
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
        elements.append(
            {
                "data": {
                    "id": node,
                    "label": short_label(data.get("name", node), data.get("aliases", "")),
                    "name": data.get("name", node),
                    # The name a projector shows in full, wrapped; cut only when absurdly long.
                    "title": short_label(
                        data.get("name", node), data.get("aliases", ""), TITLE_CHARS
                    ),
                    "type": entity_type,
                    "size": sizes.get(node, MIN_SIZE),
                    "degree": view.degree(node),
                },
                "position": {"x": x, "y": y},
                "classes": classes,
            }
        )
    return elements


def link_elements(view: nx.Graph, links: Iterable[tuple[str, str]]) -> list[dict]:
    """One element per link, in the given order."""
    elements = []
    for first, second in links:
        data = view.edges[first, second]
        elements.append(
            {
                "data": {
                    "id": edge_id(first, second),
                    "source": first,
                    "target": second,
                    "types": " ".join(data.get("types", [])),
                    "weight": data.get("weight", 1),
                }
            }
        )
    return elements


def base_stylesheet(*, presenter: bool = False, colour_by: str = "type") -> list[dict]:
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
    # script marks every node "zoomed" past ZOOMED_IN), so names never pile up.
    named = "data(title)" if presenter else "data(label)"
    sheet.append({"selector": "node.labelled, node.zoomed", "style": {"label": named}})
    for entity_type, (colour, shape) in TYPE_STYLE.items():
        style = {"shape": shape}
        if colour_by == "type":
            style["background-color"] = colour
        sheet.append({"selector": f".t-{entity_type}", "style": style})
    if colour_by == "community":
        for number, colour in enumerate(COMMUNITY_COLOURS):
            sheet.append({"selector": f".c{number}", "style": {"background-color": colour}})
    sheet.append(
        {
            "selector": "node:selected",
            "style": {"border-width": 5, "border-color": "#ffbf00" if presenter else "#1a1a1a"},
        }
    )
    return sheet


def highlight_stylesheet(
    base: list[dict],
    *,
    nodes: Collection[str],
    edges: Collection[str] = (),
    focus: str | None = None,
    presenter: bool = False,
) -> list[dict]:
    """``base`` plus: the given nodes and edges marked, everything else dimmed.

    Ids go into the selectors quoted, so any entity id is safe to use.
    """
    if not nodes and not edges:
        return base
    accent = "#ffbf00" if presenter else "#d62728"
    sheet = [
        *base,
        {"selector": "node", "style": {"opacity": 0.18, "text-opacity": 0}},
        {"selector": "edge", "style": {"opacity": 0.08}},
    ]
    # One rule for all marked nodes and one for all marked edges (a comma-separated selector
    # group): a hub's two thousand neighbours then cost a few bytes each, not a rule each.
    if nodes:
        marked: dict[str, Any] = {
            "opacity": 1,
            "text-opacity": 1,
            "border-width": 3,
            "border-color": accent,
        }
        if len(nodes) <= LABELLED_HIGHLIGHT:
            # Every name in large type: readable for a path or a few neighbours; for a hub's
            # hundreds they would pile up, so those keep their usual labels.
            marked.update(
                {
                    "label": "data(title)" if presenter else "data(label)",
                    "min-zoomed-font-size": 0,
                    "font-size": 22 if presenter else 15,
                    "font-weight": "bold",
                }
            )
        sheet.append(
            {
                "selector": ", ".join(f'node[id = "{_quoted(node)}"]' for node in sorted(nodes)),
                "style": {**marked, "z-index": 20},
            }
        )
    if edges:
        sheet.append(
            {
                "selector": ", ".join(f'edge[id = "{_quoted(edge)}"]' for edge in sorted(edges)),
                "style": {"opacity": 1, "line-color": accent, "width": 5, "z-index": 10},
            }
        )
    if focus is not None:
        sheet.append(
            {
                "selector": f'node[id = "{_quoted(focus)}"]',
                "style": {"border-width": 6, "border-color": accent, "opacity": 1},
            }
        )
    return sheet


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def path_edges(nodes: list[str]) -> list[str]:
    """The edge ids along a path of nodes.

    >>> path_edges(["b", "a", "c"])
    ['a~b', 'a~c']
    """
    return [edge_id(first, second) for first, second in itertools.pairwise(nodes)]


def numbered_labels(view: nx.Graph, nodes: list[str], *, presenter: bool = False) -> list[dict]:
    """Rules that number the entities of a path in the order it is read: "1 · Name", "2 · ..."."""
    rules = []
    for number, node in enumerate(nodes, start=1):
        data = view.nodes[node]
        name = data.get("name", node)
        limit = TITLE_CHARS if presenter else SHORT_LABEL_CHARS
        shown = short_label(str(name), data.get("aliases", ""), limit)
        rules.append(
            {"selector": f'node[id = "{_quoted(node)}"]', "style": {"label": f"{number} · {shown}"}}
        )
    return rules
