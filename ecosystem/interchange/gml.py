"""GML, the format of the classic network collections (karate, Les Misérables, netscience,
polblogs) and of igraph, networkx, yEd and Gephi exports.

A GML file is a tree of ``key value`` pairs, values being numbers, quoted strings or ``[ ... ]``
lists. Read here with a small tokenizer that keeps the line of every token, so that a problem
names its line, and that bounds the nesting depth (a file of ten thousand ``[`` is refused, not
recursed into). ``graph [ node [ id .. label .. ] edge [ source .. target .. ] ]`` becomes nodes
and edges with their scalar keys as attributes; ``graphics`` blocks (layout) are left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import Origin, decode

TOOL = "the program that wrote it"
MAX_DEPTH = 32
_TOKEN = re.compile(
    r'(?P<space>[ \t\r\f\v]+)|(?P<newline>\n)|(?P<comment>#[^\n]*)|(?P<string>"[^"]*")'
    r"|(?P<open>\[)|(?P<close>\])|(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<key>[A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass
class Pair:
    """One ``key value`` of the file; ``value`` is text or a list of pairs."""

    key: str
    value: str | list[Pair]
    line: int


class GmlError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str) -> list[Pair]:
    """The top-level pairs of a GML document.

    >>> [pair.key for pair in parse('Creator "x"\\ngraph [ node [ id 1 ] ]')]
    ['Creator', 'graph']
    >>> parse('graph [ node [ id 1 ]')
    Traceback (most recent call last):
    ...
    ecosystem.interchange.gml.GmlError: a '[' opened on line 1 is never closed
    """
    stack: list[tuple[list[Pair], int]] = [([], 0)]
    key: tuple[str, int] | None = None
    line = 1
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise GmlError(line, f"unexpected character {text[position]!r}")
        position = match.end()
        kind, token = match.lastgroup, match.group()
        if kind == "newline":
            line += 1
            continue
        if kind in ("space", "comment"):
            continue
        if kind == "string":
            line += token.count("\n")
        if key is None:
            if kind == "close":
                if len(stack) == 1:
                    raise GmlError(line, "a ']' closes nothing")
                items, _ = stack.pop()
                stack[-1][0][-1].value = items
                continue
            if kind != "key":
                raise GmlError(line, f"expected a key, found {token[:40]!r}")
            key = (token, line)
            continue
        name, key_line = key
        key = None
        if kind == "open":
            if len(stack) > MAX_DEPTH:
                raise GmlError(line, f"lists nested more than {MAX_DEPTH} deep")
            stack[-1][0].append(Pair(name, [], key_line))
            stack.append(([], key_line))
        elif kind == "string":
            stack[-1][0].append(Pair(name, html.unescape(token[1:-1]), key_line))
        elif kind in ("number", "key"):
            stack[-1][0].append(Pair(name, token, key_line))
        else:
            raise GmlError(line, f"the key {name!r} has no value")
    if key is not None:
        raise GmlError(key[1], f"the key {key[0]!r} has no value")
    if len(stack) > 1:
        raise GmlError(stack[-1][1], f"a '[' opened on line {stack[-1][1]} is never closed")
    return stack[0][0]


def read(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """Add the nodes and edges of a GML file to ``builder``."""
    name = path.name
    text = decode(path.read_bytes(), name, problems)
    if text is None:
        return
    try:
        pairs = parse(text)
    except GmlError as error:
        problems.append(
            Problem(
                name,
                error.line,
                "-",
                f"not valid GML: {error.message}",
                f"the file is damaged or cut short: export it again from {TOOL}",
            )
        )
        return
    graph = next((p for p in pairs if p.key == "graph" and isinstance(p.value, list)), None)
    if graph is None:
        problems.append(
            Problem(name, 1, "graph", "no 'graph [ ... ]' block: not a GML graph", "export again")
        )
        return
    assert isinstance(graph.value, list)
    directed = any(p.key == "directed" and p.value == "1" for p in graph.value)
    graphics = 0
    for item in graph.value:
        if item.key not in ("node", "edge") or not isinstance(item.value, list):
            continue
        values = {p.key: p.value for p in item.value if isinstance(p.value, str)}
        graphics += any(p.key == "graphics" for p in item.value)
        if item.key == "node":
            key = values.pop("id", "")
            origin = Origin(name, item.line, f"node {key}".strip())
            if not key:
                problems.append(origin.problem("id", "a node without an id", "give it an id"))
                continue
            builder.node(key, values, origin)
        else:
            source, target = values.pop("source", ""), values.pop("target", "")
            origin = Origin(name, item.line, f"edge {source} -> {target}")
            if not source or not target:
                missing = "source" if not source else "target"
                problems.append(
                    origin.problem(missing, f"an edge without a {missing}", "export again")
                )
                continue
            values.pop("id", None)
            if values.get("value") in ("1", "1.0"):
                del values["value"]
            builder.edge(source, target, values, origin, directed=directed)
    if graphics:
        builder.report.notes.append(
            f"graphics (layout) of {graphics} node(s) and edge(s) read and not kept"
        )
