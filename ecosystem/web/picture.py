"""The view as a picture for slides and reports: an SVG drawn from the model, with a title and a
legend, every shape drawn as the network draws it.

Drawn here rather than by the browser's canvas-to-SVG converter, which loops rounded triangles
and pentagons and turns octagons into stars. Positions are the view's fixed layout (the one the
network shows unless a person drags an entity).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from html import escape

from ecosystem.elements import (
    COMMUNITY_COLOURS,
    LABEL_FONT,
    MAX_SIZE,
    MIN_SIZE,
    labelled,
    scaled_sizes,
    short_label,
    type_style,
)
from ecosystem.explorer import Model, visible
from ecosystem.positions import concentric_positions
from ecosystem.schema import ENTITY_TYPES
from ecosystem.web.spec import ViewState

ACCENT = "#d62728"
MARGIN = 40.0
LEGEND_WIDTH = 260.0
TITLE_HEIGHT = 56.0


def _regular(sides: int, turn: float = -math.pi / 2) -> list[tuple[float, float]]:
    return [
        (math.cos(turn + 2 * math.pi * i / sides), math.sin(turn + 2 * math.pi * i / sides))
        for i in range(sides)
    ]


def _star() -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = 1.0 if i % 2 == 0 else 0.38
        angle = -math.pi / 2 + math.pi * i / 5
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
    return points


# Each shape as points on a box from -1 to 1 (the node's half width and half height).
POLYGONS: Mapping[str, list[tuple[float, float]]] = {
    "triangle": _regular(3),
    "round-triangle": _regular(3),
    "diamond": _regular(4),
    "round-diamond": _regular(4),
    "pentagon": _regular(5),
    "round-pentagon": _regular(5),
    "hexagon": _regular(6, 0.0),
    "round-hexagon": _regular(6, 0.0),
    "heptagon": _regular(7),
    "round-heptagon": _regular(7),
    "octagon": _regular(8, math.pi / 8),
    "round-octagon": _regular(8, math.pi / 8),
    "star": _star(),
    "vee": [(-1, -1), (0, -0.33), (1, -1), (0, 1)],
    "rhomboid": [(-1, 1), (-0.33, -1), (1, -1), (0.33, 1)],
    "tag": [(-1, -1), (0.5, -1), (1, 0), (0.5, 1), (-1, 1)],
    "round-tag": [(-1, -1), (0.5, -1), (1, 0), (0.5, 1), (-1, 1)],
    "concave-hexagon": [(-1, -1), (1, -1), (0.75, 0), (1, 1), (-1, 1), (-0.75, 0)],
    "cut-rectangle": [
        (-0.7, -1), (0.7, -1), (1, -0.7), (1, 0.7), (0.7, 1), (-0.7, 1), (-1, 0.7), (-1, -0.7)
    ],
}  # fmt: skip


def shape_svg(shape: str, x: float, y: float, size: float, fill: str, stroke: str) -> str:
    """One node's shape centred on (x, y), ``size`` across, as an SVG element.

    >>> shape_svg("ellipse", 0, 0, 20, "#fff", "#333")
    '<ellipse cx="0.0" cy="0.0" rx="10.0" ry="10.0" fill="#fff" stroke="#333"/>'
    """
    half = size / 2
    paint = f'fill="{fill}" stroke="{stroke}"'
    if shape in POLYGONS:
        points = " ".join(f"{x + px * half:.1f},{y + py * half:.1f}" for px, py in POLYGONS[shape])
        return f'<polygon points="{points}" {paint}/>'
    if shape in ("rectangle", "round-rectangle", "barrel"):
        corner = half * 0.3 if shape != "rectangle" else 0
        return (
            f'<rect x="{x - half:.1f}" y="{y - half:.1f}" width="{size:.1f}" height="{size:.1f}" '
            f'rx="{corner:.1f}" {paint}/>'
        )
    return f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{half:.1f}" ry="{half:.1f}" {paint}/>'


def picture_title(model: Model, state: ViewState) -> str:
    """What the picture shows, in words: the path, the selection, or the whole network."""

    def name(node: str) -> str:
        return str(model.view.nodes[node].get("name", node))

    if state.path_from and state.path_to:
        return f"How {name(state.path_from)} connects to {name(state.path_to)}"
    if state.selected:
        return f"{name(state.selected)} and its links"
    return "The ecosystem network"


Region = tuple[float, float, float, float]  # x, y of the top-left corner, width, height


def svg_picture(
    model: Model,
    state: ViewState,
    path: list[str] | None = None,
    *,
    region: Region | None = None,
    size: tuple[float, float] | None = None,
) -> str:
    """The view as a standalone SVG: title, links, entities (the most central named), a legend;
    ``path`` (entity ids in reading order) is drawn highlighted, the rest faded.

    By default the picture holds the whole view. With ``region`` (in layout coordinates) and
    ``size`` (the pixels it filled on screen: a story step's camera), it shows that part alone,
    drawn at that size as it was on screen; what lies wholly outside it is left out.
    """
    along = list(itertools.pairwise(path or []))
    shown = visible(model, state, keep=path or (), keep_links=along)
    values = model.metrics[state.metric]
    sizes = scaled_sizes({node: values[node] for node in shown.nodes})
    if state.layout == "concentric":
        positions = concentric_positions({node: values[node] for node in shown.nodes})
    else:
        positions = {node: model.layout[node] for node in shown.nodes}
    named = set(path or ()) | labelled({node: values[node] for node in shown.nodes})
    if state.selected in shown.nodes:  # the picture is titled after it: name it
        named.add(state.selected)
    on_path = set(path or ())
    path_links = {frozenset(pair) for pair in along}
    inside = _inside(region) if region is not None else None
    faded = bool(path)
    drawing = []
    for first, second in shown.links:
        (x1, y1), (x2, y2) = positions[first], positions[second]
        if inside is not None and not inside.crosses(x1, y1, x2, y2):
            continue
        marked = frozenset((first, second)) in path_links
        colour, line = (ACCENT, 5) if marked else ("#9aa5b1", 1.2)
        opacity = 1 if marked or not faded else 0.15
        drawing.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{line}" opacity="{opacity}"/>'
        )
    for node in shown.nodes:
        if inside is not None and not inside.holds(*positions[node]):
            continue
        drawing.append(
            _node(
                model,
                state,
                node,
                positions[node],
                sizes[node],
                node in named,
                faded and node not in on_path,
                path,
            )
        )
    title = escape(picture_title(model, state))
    if region is not None and size is not None:
        return _framed(model, state, title, drawing, region, size)
    xs = [positions[n][0] for n in shown.nodes] or [0.0]
    ys = [positions[n][1] for n in shown.nodes] or [0.0]
    left, top = min(xs) - MAX_SIZE - MARGIN, min(ys) - MAX_SIZE - MARGIN - TITLE_HEIGHT
    width = max(xs) - min(xs) + 2 * (MAX_SIZE + MARGIN) + LEGEND_WIDTH
    height = max(ys) - min(ys) + 2 * (MAX_SIZE + MARGIN) + TITLE_HEIGHT
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {top:.1f} {width:.1f} '
            f'{height:.1f}" width="{width:.0f}" height="{height:.0f}" font-family="sans-serif">',
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
            'fill="#ffffff"/>',
            f'<text x="{left + MARGIN:.1f}" y="{top + MARGIN:.1f}" font-size="26" '
            f'font-weight="bold" fill="#1b1f24">{title}</text>',
            *drawing,
            _legend(model, state, left + width - LEGEND_WIDTH, top + TITLE_HEIGHT + MARGIN),
            "</svg>",
        ]
    )


class _inside:
    """Whether an entity or a link can be seen in a region (an entity's shape counted in)."""

    def __init__(self, region: Region) -> None:
        x, y, width, height = region
        self.left, self.top = x - MAX_SIZE, y - MAX_SIZE
        self.right, self.bottom = x + width + MAX_SIZE, y + height + MAX_SIZE

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def crosses(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        # Left out only when both ends lie beyond the same side: a link may cross the region
        # with both its ends outside it.
        return not (
            max(x1, x2) < self.left
            or min(x1, x2) > self.right
            or max(y1, y2) < self.top
            or min(y1, y2) > self.bottom
        )


def _framed(
    model: Model,
    state: ViewState,
    title: str,
    drawing: list[str],
    region: Region,
    size: tuple[float, float],
) -> str:
    # The region drawn into a frame of ``size`` pixels under the title band, the legend beside.
    x, y, width, height = region
    frame_width, frame_height = size
    total_width, total_height = frame_width + LEGEND_WIDTH, frame_height + TITLE_HEIGHT
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_width:.1f} '
            f'{total_height:.1f}" width="{total_width:.0f}" height="{total_height:.0f}" '
            'font-family="sans-serif">',
            f'<rect x="0" y="0" width="{total_width:.1f}" height="{total_height:.1f}" '
            'fill="#ffffff"/>',
            f'<text x="{MARGIN / 2:.1f}" y="{MARGIN:.1f}" font-size="26" font-weight="bold" '
            f'fill="#1b1f24">{title}</text>',
            f'<svg x="0" y="{TITLE_HEIGHT:.1f}" width="{frame_width:.1f}" '
            f'height="{frame_height:.1f}" viewBox="{x:.1f} {y:.1f} {width:.1f} {height:.1f}" '
            'preserveAspectRatio="xMidYMid meet">',
            *drawing,
            "</svg>",
            _legend(model, state, frame_width, TITLE_HEIGHT + MARGIN / 2),
            "</svg>",
        ]
    )


def _node(model, state, node, position, size, named, faded, path) -> str:
    data = model.view.nodes[node]
    colour, shape = type_style(data.get("type", ""))
    if state.colour == "community" and node in model.community:
        colour = COMMUNITY_COLOURS[model.community[node] % len(COMMUNITY_COLOURS)]
    x, y = position
    stroke = ACCENT if path and node in path else "#333333"
    out = [
        f'<g data-entity="{escape(str(node))}" opacity="{0.2 if faded else 1}">',
        shape_svg(shape, x, y, size, colour, stroke),
    ]
    if named:
        low, high = LABEL_FONT
        font = low + (size - MIN_SIZE) / (MAX_SIZE - MIN_SIZE) * (high - low)
        label = short_label(str(data.get("name", node)), data.get("aliases", ""))
        if path and node in path:
            label = f"{path.index(node) + 1} · {label}"
            font = max(font, 15)
        out.append(
            f'<text x="{x:.1f}" y="{y + size / 2 + 4 + font:.1f}" font-size="{font:.1f}" '
            f'text-anchor="middle" fill="#1b1b1b" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke">{escape(label)}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _legend(model: Model, state: ViewState, x: float, y: float) -> str:
    rows: list[tuple[str, str, str]] = []
    if state.colour == "community":
        for group in model.community_info["communities"][: len(COMMUNITY_COLOURS)]:
            colour = COMMUNITY_COLOURS[group["id"] % len(COMMUNITY_COLOURS)]
            rows.append((colour, "ellipse", short_label(group["label"], "", 34)))
    else:
        rows = [
            (*type_style(kind), kind.replace("_", " "))
            for kind in ENTITY_TYPES
            if model.type_counts.get(kind)
        ]
    parts = [
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="16" font-weight="bold" '
        'fill="#1b1f24">Legend</text>'
    ]
    for number, (colour, shape, label) in enumerate(rows, start=1):
        row = y + number * 24
        parts.append(shape_svg(shape, x + 9, row - 5, 16, colour, "#333333"))
        parts.append(
            f'<text x="{x + 26:.1f}" y="{row:.1f}" font-size="14" '
            f'fill="#1b1f24">{escape(label)}</text>'
        )
    size_row = y + (len(rows) + 1) * 24 + 6
    parts.append(
        f'<text x="{x:.1f}" y="{size_row:.1f}" font-size="14" fill="#5b6470">'
        f"Size: {escape(state.metric.replace('_', ' '))}</text>"
    )
    return "\n".join(parts)
