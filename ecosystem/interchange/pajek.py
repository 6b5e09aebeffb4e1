"""Pajek ``.net`` files, as Pajek, igraph, networkx and the classic collections (jazz, USAir97,
the Pajek datasets) write them.

``*Vertices n`` lists up to n vertices (``number "label" x y z ...``; vertices not listed are
numbered 1 to n), then ``*Arcs`` (directed) and ``*Edges`` (undirected) give one link a line
(``from to [weight]``), and ``*Arcslist`` / ``*Edgeslist`` one vertex and all its neighbours a
line. Layout coordinates and weights are left out, and the report says so. Matrices
(``*Matrix``) are refused with a clear problem: export the network as lists of links.
"""

from __future__ import annotations

import re
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, decode

TOOL = "Pajek"
# "*Vertices n" creates every vertex it counts: a few bytes must not ask for a billion.
MOST_VERTICES = 1_000_000
_FIELD = re.compile(r'"[^"]*"|\S+')
_SECTIONS = ("vertices", "arcs", "edges", "arcslist", "edgeslist", "network", "matrix")


def _fields(line: str) -> list[str]:
    return [field.strip('"') for field in _FIELD.findall(line)]


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the vertices and links of a Pajek file to ``builder``."""
    name = path.name
    text = decode(path.read_bytes(), name, problems)
    if text is None:
        return
    section = ""
    declared = 0
    listed: set[str] = set()
    coordinates = weights = 0
    saw_vertices = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("*"):
            head = line[1:].split()
            section = head[0].casefold() if head else ""
            if section not in _SECTIONS:
                problems.append(
                    Problem(name, number, line[:30], "unknown section", f"export again from {TOOL}")
                )
                return
            if section == "matrix":
                problems.append(
                    Problem(
                        name,
                        number,
                        "*Matrix",
                        "an adjacency matrix, which is not read",
                        f"save the network from {TOOL} with lists of arcs and edges",
                    )
                )
                return
            if section == "vertices":
                saw_vertices = True
                if len(head) < 2 or not head[1].isdigit():
                    problems.append(
                        Problem(name, number, "*Vertices", "no vertex count", "write *Vertices N")
                    )
                    return
                declared = int(head[1])
                if declared > MOST_VERTICES:
                    problems.append(
                        Problem(
                            name,
                            number,
                            "*Vertices",
                            f"declares {declared:,} vertices, more than the {MOST_VERTICES:,} "
                            "read here",
                            "split the network, or check the count",
                        )
                    )
                    return
            elif section in ("arcs", "edges", "arcslist", "edgeslist"):
                _declare_unlisted(builder, name, declared, listed, number)
            continue
        fields = _fields(line)
        origin = Origin(name, number, "")
        if section == "vertices":
            key = fields[0]
            attributes = {"label": fields[1]} if len(fields) > 1 else {}
            coordinates += len(fields) > 2
            builder.node(key, attributes, origin)
            listed.add(key)
        elif section in ("arcs", "edges"):
            if len(fields) < 2:
                problems.append(
                    origin.problem("-", "a link needs two vertex numbers", "write: from to")
                )
                continue
            weights += len(fields) > 2 and fields[2] not in ("1", "1.0")
            builder.edge(fields[0], fields[1], {}, origin, directed=section == "arcs")
        elif section in ("arcslist", "edgeslist"):
            for target in fields[1:]:
                builder.edge(fields[0], target, {}, origin, directed=section == "arcslist")
        elif section != "network":
            problems.append(
                origin.problem("-", "a line before *Vertices", f"export again from {TOOL}")
            )
            return
    if not saw_vertices:
        problems.append(
            Problem(name, 1, "*Vertices", "no *Vertices line: not a Pajek file", "export again")
        )
    if coordinates:
        builder.report.notes.append(f"coordinates of {coordinates} vertices read and not kept")
    if weights:
        builder.report.dropped["link weight"] += weights


def _declare_unlisted(
    builder: GraphImport, name: str, declared: int, listed: set[str], line: int
) -> None:
    """Vertices counted by ``*Vertices n`` but not listed exist all the same, named by number."""
    for vertex in range(1, declared + 1):
        key = str(vertex)
        if key not in listed and not builder.has(key):
            builder.node(key, {}, Origin(name, line, f"vertex {key}"))
            listed.add(key)
