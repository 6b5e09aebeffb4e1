"""The fixed layout: where each entity stands, the same on every run, with no two entities or
names on top of each other. Computed once per dataset and cached (:mod:`ecosystem.cache`)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping

import networkx as nx
import numpy as np

from ecosystem.elements import (
    LABEL_FONT,
    LABEL_GAP,
    MAX_SIZE,
    MIN_SIZE,
    labelled,
    scaled_sizes,
    short_label,
)
from ecosystem.settings import LayoutSettings

# How a label measures in the system sans-serif with its outline, as a share of its font size.
CHAR_WIDTH = 0.68
LINE_HEIGHT = 1.4


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
