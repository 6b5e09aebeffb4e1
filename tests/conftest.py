"""Shared fixtures: a tiny valid dataset written to a temporary folder, and the shipped data."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from ecosystem.graph import default_data_dir, load_graph, simple_view
from ecosystem.schema import ENTITY_COLUMNS, RELATION_COLUMNS

TINY_ENTITIES = [
    {"id": "acme", "name": "Acme Mining", "type": "company", "country": "ES"},
    {"id": "cluster", "name": "Mining Cluster", "type": "cluster", "aliases": "MC|The Cluster"},
    {"id": "proj", "name": "PROJ", "type": "project"},
]
TINY_RELATIONS = [
    {
        "source": "acme",
        "target": "cluster",
        "type": "member_of",
        "evidence": "Acme Mining is a member of the Mining Cluster.",
        "doc": "doc.txt",
    },
    {
        "source": "cluster",
        "target": "proj",
        "type": "coordinates",
        "start": "2023-01-01",
        "amount_eur": "1000000",
        "evidence": "The Mining Cluster coordinates the PROJ project.",
        "doc": "doc.txt",
    },
]
TINY_DOCUMENT = (
    "Acme Mining is a member of the Mining Cluster.\n"
    "The Mining Cluster coordi-\nnates the PROJ project.\n"
)


def csv_text(columns, rows) -> str:
    """Rows (dicts) as CSV text with the given header; missing fields are empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue()


def write_dataset(folder: Path, entities=None, relations=None, document=TINY_DOCUMENT) -> Path:
    """A dataset folder; pass text to write a file as is, or rows (dicts) to write valid CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, content in (
        ("entities.csv", ENTITY_COLUMNS, TINY_ENTITIES if entities is None else entities),
        ("relations.csv", RELATION_COLUMNS, TINY_RELATIONS if relations is None else relations),
    ):
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            (folder / name).write_text(csv_text(columns, content), encoding="utf-8")
    sources = folder / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "doc.txt").write_text(document, encoding="utf-8")
    return folder


@pytest.fixture(scope="session", autouse=True)
def metrics_cache(tmp_path_factory) -> Path:
    """Every test, and every server a test starts, keeps computed metrics in a folder of its own,
    never in the user's cache."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("ECOSYSTEM_CACHE")
    os.environ["ECOSYSTEM_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("ECOSYSTEM_CACHE", None)
    else:
        os.environ["ECOSYSTEM_CACHE"] = before


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture(scope="session")
def shipped_graph():
    return load_graph(default_data_dir())


@pytest.fixture(scope="session")
def shipped_view(shipped_graph):
    return simple_view(shipped_graph)


def make_view(nodes: dict[str, tuple[str, str]], edges, aliases: dict[str, str] | None = None):
    """A simple view from ``{id: (name, type)}`` and ``(source, target, type)`` triples."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node, (name, kind) in nodes.items():
        graph.add_node(node, name=name, type=kind, aliases=(aliases or {}).get(node, ""))
    for line, (source, target, kind) in enumerate(edges, start=2):
        graph.add_edge(
            source,
            target,
            key=f"r{line}",
            line=line,
            type=kind,
            role="",
            evidence=f"{source} {kind} {target} says the source.",
            doc="doc.txt",
        )
    return simple_view(graph)
