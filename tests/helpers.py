"""What unit tests share: tiny datasets written to disk, small hand-built networks, and data
whose names hold markup."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from ecosystem.graph import simple_view
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


TINY_SOURCES = (
    "doc,title,publisher,date,language,url\ndoc.txt,Mining news,The Daily Ore,2023-06,en,\n"
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
    (folder / "sources.csv").write_text(TINY_SOURCES, encoding="utf-8")
    return folder


def make_view(nodes: dict[str, tuple[str, str]], edges, aliases: dict[str, str] | None = None):
    """A simple view from ``{id: (name, type)}`` and ``(source, target, type)`` triples."""
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


# Names, roles and evidence holding markup: shown as text everywhere, exported unchanged.
SCRIPT = "<script>window.__xss = 'script'</script>"
IMG = "<img src=x onerror=\"window.__xss='img'\">"
LINK = "<a href=\"javascript:window.__xss='link'\">click</a>"
BOLD = "<b>Bold</b> Co"

HOSTILE_ENTITIES = [
    {
        "id": "evil-script",
        "name": SCRIPT,
        "type": "company",
        "aliases": "Scripty|" + LINK,
        "description": IMG,
    },
    {"id": "evil-img", "name": IMG, "type": "project", "description": SCRIPT},
    {"id": "evil-link", "name": LINK, "type": "cluster"},
    {"id": "bold", "name": BOLD, "type": "company"},
]
HOSTILE_RELATIONS = [
    {
        "source": "evil-script",
        "target": "evil-img",
        "type": "partner_in",
        "role": IMG,
        "evidence": f"{SCRIPT} is a partner in {IMG}",
        "doc": "doc.txt",
    },
    {
        "source": "evil-img",
        "target": "evil-link",
        "type": "part_of",
        "evidence": f"{IMG} is part of {LINK}",
        "doc": "doc.txt",
    },
    {
        "source": "bold",
        "target": "evil-link",
        "type": "member_of",
        "evidence": f"{BOLD} is a member of {LINK}",
        "doc": "doc.txt",
    },
]
DOCUMENT = "\n".join(r["evidence"] for r in HOSTILE_RELATIONS) + "\n"


def make_graph(nodes: dict[str, tuple[str, str]], edges) -> nx.MultiDiGraph:
    """A typed graph from ``{id: (name, type)}`` and ``(source, target, type)`` triples, each
    relation with evidence and a line of its own."""
    graph = nx.MultiDiGraph()
    for node, (name, kind) in nodes.items():
        graph.add_node(node, name=name, type=kind, aliases="", description="")
    for line, (source, target, kind) in enumerate(edges, start=2):
        graph.add_edge(
            source,
            target,
            key=f"r{line}",
            line=line,
            type=kind,
            role="",
            start="",
            end="",
            amount_eur="",
            evidence=f"{source} {kind} {target}, says the source.",
            doc="doc.txt",
        )
    return graph


def make_dated_graph(nodes: dict[str, tuple[str, str]], edges) -> nx.MultiDiGraph:
    """:func:`make_graph` with dates: edges are ``(source, target, type, start, end)``."""
    graph = make_graph(nodes, [edge[:3] for edge in edges])
    for line, (source, target, _, start, end) in enumerate(edges, start=2):
        graph.edges[source, target, f"r{line}"].update(start=start, end=end)
    return graph


# A small network with known answers: a cluster with three member companies, two projects, a
# research centre, and a country every company is located in (the generic hub).
TOWN_NODES = {
    "cluster": ("Mining Cluster", "cluster"),
    "acme": ("Acme Mining", "company"),
    "bolt": ("Bolt Metals", "company"),
    "core": ("Core Drilling", "company"),
    "lab": ("Geo Lab", "research"),
    "p1": ("PROJ ONE", "project"),
    "p2": ("PROJ TWO", "project"),
    "spain": ("Spain", "country"),
}
TOWN_EDGES = [
    ("acme", "cluster", "member_of"),
    ("bolt", "cluster", "member_of"),
    ("core", "cluster", "member_of"),
    ("acme", "p1", "partner_in"),
    ("lab", "p1", "coordinates"),
    ("lab", "p2", "coordinates"),
    ("core", "p2", "partner_in"),
    ("acme", "spain", "located_in"),
    ("bolt", "spain", "located_in"),
    ("core", "spain", "located_in"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(*args: str, workers: int = 2, seconds: float = 90):
    """``ecosystem serve`` with ``args`` on a free loopback port, as a user starts it; yields its
    base address (no trailing slash) and the process once ``/healthz`` answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ecosystem",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{process.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer from {base} within {seconds} s") from None
                time.sleep(0.3)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
