"""What kind of file this is, from its first bytes: so that a file given under the wrong format
is named for what it is ("this is a Kumu JSON blueprint: use ecosystem import kumu"), not
reported as a broken header.

Only confident answers count: an unrecognised file is left to its reader, whose problems say
what is wrong with it.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from ecosystem.errors import Problem

HEAD_BYTES = 64 * 1024
# Larger JSON files are told apart by their first bytes only.
JSON_PARSE_LIMIT = 20 * 1024 * 1024
KINDS = {
    "gexf": "a GEXF file",
    "graphml": "a GraphML file",
    "cyjs": "a Cytoscape.js JSON file",
    "kumu": "a Kumu file",
    "kumu-json": "a Kumu JSON blueprint",
    "graphology": "a graphology JSON file (Gephi Lite)",
    "gml": "a GML file",
    "pajek": "a Pajek .net file",
    "cordis": "a CORDIS bulk file",
    "csv": "an ecosystem entities.csv or relations.csv",
    "workbook": "a spreadsheet workbook",
}
# The import format that reads each kind.
READER = {"kumu-json": "kumu", "workbook": "kumu"}
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_GML_START = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:\w+\s+(?:\"[^\"]*\"|\S+)\s+)*graph\s*\[", re.S)


def detect(path: Path) -> str | None:
    """The kind of file ``path`` is (a key of :data:`KINDS`), or None when unsure."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return "workbook"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        for match in _XML_ROOT.finditer(text):
            root = match.group(2).decode("ascii", "replace").casefold()
            return root if root in ("gexf", "graphml") else None
        return None
    if text[:1] in (b"{", b"["):
        return _json_kind(path, text)
    decoded = text.decode("utf-8", "replace")
    first = next((line.strip() for line in decoded.splitlines() if line.strip()), "")
    if first.casefold().startswith(("*vertices", "*network")):
        return "pajek"
    if _GML_START.match(decoded):
        return "gml"
    return _csv_kind(first)


def _json_kind(path: Path, head: bytes) -> str | None:
    if path.stat().st_size > JSON_PARSE_LIMIT:
        return None
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if isinstance(document, list):
        return "cyjs"
    if not isinstance(document, dict):
        return None
    if document.get("type") == "gephi-lite":
        return "graphology"
    if isinstance(document.get("elements"), list) and isinstance(document.get("connections"), list):
        return "kumu-json"
    nodes = document.get("nodes")
    if isinstance(nodes, list) and nodes and all(isinstance(n, dict) and "key" in n for n in nodes):
        return "graphology"
    if isinstance(document.get("elements"), (dict, list)):
        return "cyjs"
    return None


def _csv_kind(first: str) -> str | None:
    if not first:
        return None
    delimiter = max((",", ";", "\t"), key=first.count)
    header = {
        column.strip().casefold() for column in next(csv.reader([first], delimiter=delimiter))
    }
    if {"projectid", "organisationid"} <= header or {"id", "acronym", "startdate"} <= header:
        return "cordis"
    if {"source", "target", "evidence"} <= header or {"id", "name", "type"} <= header:
        return "csv"
    if {"from", "to"} <= header or "label" in header:
        return "kumu"
    return None


def wrong_format(path: Path, fmt: str) -> Problem | None:
    """A problem when ``path`` is plainly a kind of file that format ``fmt`` does not read."""
    kind = detect(path)
    if kind is None:
        return None
    reader = READER.get(kind, kind)
    if reader == fmt:
        return None
    return Problem(
        path.name,
        0,
        "-",
        f"this is {KINDS[kind]}, not what the {fmt} format reads",
        f"import it as {reader}: ecosystem import {reader} {path.name!r}",
    )
