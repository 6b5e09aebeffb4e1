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
from dataclasses import dataclass, field
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, decode

TOOL = "Pajek"
# "*Vertices n" creates every vertex it counts: a few bytes must not ask for a billion.
MOST_VERTICES = 1_000_000
_FIELD = re.compile(r'"[^"]*"|\S+')
_LINK_SECTIONS = ("arcs", "edges", "arcslist", "edgeslist")
_SECTIONS = ("vertices", *_LINK_SECTIONS, "network", "matrix")


def _fields(line: str) -> list[str]:
    return [field.strip('"') for field in _FIELD.findall(line)]


@dataclass
class _Reading:
    """Where the reading of one file is: its section, and what has been counted so far."""

    name: str
    section: str = ""
    declared: int = 0
    listed: set[str] = field(default_factory=set)
    coordinates: int = 0
    weights: int = 0
    saw_vertices: bool = False


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the vertices and links of a Pajek file to ``builder``."""
    name = path.name
    text = decode(path.read_bytes(), name, problems)
    if text is None:
        return
    reading = _Reading(name)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        step = _section if line.startswith("*") else _line
        if not step(line, number, reading, builder, problems):
            return
    if not reading.saw_vertices:
        problems.append(
            Problem(name, 1, "*Vertices", "no *Vertices line: not a Pajek file", "export again")
        )
    if reading.coordinates:
        builder.report.notes.append(
            f"coordinates of {reading.coordinates} vertices read and not kept"
        )
    if reading.weights:
        builder.report.dropped["link weight"] += reading.weights


def _section(
    line: str, number: int, reading: _Reading, builder: GraphImport, problems: list[Problem]
) -> bool:
    """Start the section a ``*`` line opens; False when the file cannot be read further."""
    head = line[1:].split()
    reading.section = head[0].casefold() if head else ""
    name = reading.name
    if reading.section not in _SECTIONS:
        problems.append(
            Problem(name, number, line[:30], "unknown section", f"export again from {TOOL}")
        )
        return False
    if reading.section == "matrix":
        problems.append(
            Problem(
                name,
                number,
                "*Matrix",
                "an adjacency matrix, which is not read",
                f"save the network from {TOOL} with lists of arcs and edges",
            )
        )
        return False
    if reading.section == "vertices":
        return _vertex_count(head, number, reading, problems)
    if reading.section in _LINK_SECTIONS:
        _declare_unlisted(builder, name, reading.declared, reading.listed, number)
    return True


def _vertex_count(head: list[str], number: int, reading: _Reading, problems: list[Problem]) -> bool:
    """Read ``*Vertices n``; False when the count is missing or beyond the bound."""
    reading.saw_vertices = True
    if len(head) < 2 or not head[1].isdigit():
        problems.append(
            Problem(reading.name, number, "*Vertices", "no vertex count", "write *Vertices N")
        )
        return False
    reading.declared = int(head[1])
    if reading.declared > MOST_VERTICES:
        problems.append(
            Problem(
                reading.name,
                number,
                "*Vertices",
                f"declares {reading.declared:,} vertices, more than the {MOST_VERTICES:,} "
                "read here",
                "split the network, or check the count",
            )
        )
        return False
    return True


def _line(
    line: str, number: int, reading: _Reading, builder: GraphImport, problems: list[Problem]
) -> bool:
    """One vertex, link or list of links of the current section; False before any section."""
    fields = _fields(line)
    origin = Origin(reading.name, number, "")
    section = reading.section
    if section == "vertices":
        key = fields[0]
        attributes = {"label": fields[1]} if len(fields) > 1 else {}
        reading.coordinates += len(fields) > 2
        builder.node(key, attributes, origin)
        reading.listed.add(key)
    elif section in ("arcs", "edges"):
        if len(fields) < 2:
            problems.append(
                origin.problem("-", "a link needs two vertex numbers", "write: from to")
            )
            return True
        reading.weights += len(fields) > 2 and fields[2] not in ("1", "1.0")
        builder.edge(fields[0], fields[1], {}, origin, directed=section == "arcs")
    elif section in ("arcslist", "edgeslist"):
        for target in fields[1:]:
            builder.edge(fields[0], target, {}, origin, directed=section == "arcslist")
    elif section != "network":
        problems.append(origin.problem("-", "a line before *Vertices", f"export again from {TOOL}"))
        return False
    return True


def _declare_unlisted(
    builder: GraphImport, name: str, declared: int, listed: set[str], line: int
) -> None:
    """Vertices counted by ``*Vertices n`` but not listed exist all the same, named by number."""
    for vertex in range(1, declared + 1):
        key = str(vertex)
        if key not in listed and not builder.has(key):
            builder.node(key, {}, Origin(name, line, f"vertex {key}"))
            listed.add(key)
