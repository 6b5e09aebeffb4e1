"""Read and validate the entities and relations files, and build the graph.

Data flows one way: CSV files -> validated rows -> typed ``MultiDiGraph`` -> simple undirected view
for analysis. Reading is strict: every field stays text, nothing is guessed, and every problem in
both files is collected before one :class:`DataError` is raised, so nothing is ever loaded half-way.

The files are read with the ``csv`` module rather than pandas: each row then keeps the physical line
it starts on (quoted fields may span lines), which is what an error message has to name, and every
field is a ``str`` by construction, so an id such as ``NA`` stays an id.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ecosystem.checks import (
    Row,
    Table,
    check_entities,
    check_relations,
    shorten,
)
from ecosystem.errors import DataError, Problem
from ecosystem.resources import default_data_dir
from ecosystem.schema import (
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    ENTITY_REQUIRED,
    RELATION_COLUMNS,
    RELATION_REQUIRED,
    RELATIONS_FILE,
)
from ecosystem.sources import check_sources
from ecosystem.storage import current_files
from ecosystem.tables import decode, parse_csv


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large graph is built.

    Building a network allocates hundreds of thousands of dicts that all stay alive; every
    collection the allocations trigger would walk all of them again for nothing (on the H2020
    network that is a third of the build time). Nested uses keep it paused until the outermost ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_table(
    path: Path, required: Sequence[str], problems: list[Problem], label: str | None = None
) -> Table:
    """Read one CSV file strictly (:func:`ecosystem.tables.parse_csv`); append what is wrong to
    ``problems``. A guarding apostrophe (see :mod:`ecosystem.tables`) is removed from each cell.

    ``label`` is how messages name the file (its name by default).
    """
    name = label or path.name
    try:
        raw = read_regular_file(path)
    except FileNotFoundError:
        problems.append(
            Problem(
                name, 0, "-", f"file not found in {path.parent}", "create it or pass --data DIR"
            )
        )
        return Table(path, name, complete=False)
    except OSError as error:
        reason = error.strerror or str(error)
        problems.append(Problem(name, 0, "-", f"cannot read: {reason}", "check the path"))
        return Table(path, name, complete=False)
    return table_from_bytes(path, raw, required, problems, label=name)


def read_regular_file(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of ``path`` when it is a regular file (not a FIFO, a device or a folder).

    Raises ``OSError`` otherwise, or when it holds more than ``limit`` bytes.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read() if limit is None else stream.read(limit)
    finally:
        os.close(descriptor)


def table_from_bytes(
    path: Path, raw: bytes, required: Sequence[str], problems: list[Problem], label: str
) -> Table:
    """:func:`read_table` on bytes already read."""
    name = label
    table = Table(path, name, complete=False)
    text = decode(raw, name, problems)
    if text is None:
        return table
    if not text.strip():
        problems.append(
            Problem(name, 1, "-", "the file is empty", f"add a header row: {','.join(required)}")
        )
        return table
    parsed = parse_csv(text, name, problems, unguard=True)
    if parsed is None:
        return table
    columns = parsed.header
    missing = [column for column in required if column not in columns]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                ", ".join(missing),
                f"missing column{'s' if len(missing) > 1 else ''} "
                f"(header is {shorten(','.join(columns), 200)})",
                "add the column to the header row",
            )
        )
        return table
    table.columns = columns
    table.rows = [Row(line, fields) for line, fields in parsed.rows]
    table.complete = parsed.complete
    if not table.rows and parsed.complete:
        problems.append(Problem(name, 2, "-", "no data rows", "add at least one row"))
    return table


@dataclass(frozen=True)
class Dataset:
    """Validated rows of both files, and where they came from."""

    data_dir: Path
    entities: tuple[Row, ...]
    relations: tuple[Row, ...]
    content_hash: str


def read_dataset(data_dir: str | Path) -> Dataset:
    """Read and validate ``entities.csv`` and ``relations.csv`` in ``data_dir``.

    While a write to the folder is unfinished (a crash between its steps), the files it was
    writing are read instead (:func:`ecosystem.storage.current_files`): old or new, never a mix.
    Raises :class:`DataError` listing every problem in both files.
    """
    data_dir = Path(data_dir)
    contents, problems = read_contents(data_dir)
    return parse_dataset(data_dir, contents, problems)


def read_contents(data_dir: Path) -> tuple[dict[str, bytes | None], list[Problem]]:
    """The bytes of both files of ``data_dir`` (None for one that cannot be read), and the
    problems met reading them. Raises :class:`DataError` when there is no such folder."""
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), 0, "-", "no such data folder", "pass --data DIR")])
    problems: list[Problem] = []
    contents: dict[str, bytes | None] = {}
    for name, path in current_files(data_dir, (ENTITIES_FILE, RELATIONS_FILE)).items():
        try:
            contents[name] = read_regular_file(path)
        except FileNotFoundError:
            problems.append(
                Problem(
                    name, 0, "-", f"file not found in {data_dir}", "create it or pass --data DIR"
                )
            )
            contents[name] = None
        except OSError as error:
            reason = error.strerror or str(error)
            problems.append(Problem(name, 0, "-", f"cannot read: {reason}", "check the path"))
            contents[name] = None
    return contents, problems


def content_hash(contents: dict[str, bytes | None]) -> str:
    """The SHA-256 of both files' bytes, entities first: what results are cached under."""
    digest = hashlib.sha256()
    for name in (ENTITIES_FILE, RELATIONS_FILE):
        digest.update(contents.get(name) or b"")
    return digest.hexdigest()


def parse_dataset(
    data_dir: Path, contents: dict[str, bytes | None], problems: list[Problem] | None = None
) -> Dataset:
    """Validate a dataset given as the bytes of its two files (None for one that is missing).

    Raises :class:`DataError` listing every problem; ``problems`` are ones found already.
    """
    problems = list(problems or [])
    with bulk_allocation():
        tables = {}
        for name, required in (
            (ENTITIES_FILE, ENTITY_REQUIRED),
            (RELATIONS_FILE, RELATION_REQUIRED),
        ):
            raw = contents.get(name)
            path = data_dir / name
            tables[name] = (
                Table(path, name, complete=False)
                if raw is None
                else table_from_bytes(path, raw, required, problems, label=name)
            )
        entity_table, relation_table = tables[ENTITIES_FILE], tables[RELATIONS_FILE]
        entities = check_entities(entity_table, problems)
        # Unknown-id checks against an unreadable or half-read entities file would only add noise.
        entities_ok = bool(entity_table.rows) and entity_table.complete
        check_relations(relation_table, entities, entities_ok, problems)
        problems.extend(
            check_sources(data_dir, ((row.line, row["doc"]) for row in relation_table.rows))
        )
    if problems:
        raise DataError(sorted(problems, key=_problem_order))
    return Dataset(
        data_dir, tuple(entity_table.rows), tuple(relation_table.rows), content_hash(contents)
    )


def _problem_order(problem: Problem) -> tuple[int, int]:
    files = (ENTITIES_FILE, RELATIONS_FILE)
    rank = files.index(problem.file) if problem.file in files else -1
    return (rank, problem.line)


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """The typed graph: one node per entity, one edge per relation row, every column kept.

    Nodes carry the entity columns as text; edges carry the relation columns as text plus
    ``line``, the row's line in ``relations.csv``. Edge keys are ``r<line>``.
    """
    graph = nx.MultiDiGraph(data_dir=str(dataset.data_dir), content_hash=dataset.content_hash)
    with bulk_allocation():
        graph.add_nodes_from(_entity_attributes(row) for row in dataset.entities)
        graph.add_edges_from(_relation_attributes(row) for row in dataset.relations)
    return graph


def _entity_attributes(row: Row) -> tuple[str, dict[str, str]]:
    attributes = dict(row.fields)
    node = attributes.pop("id")
    for column in ENTITY_COLUMNS[1:]:
        attributes.setdefault(column, "")
    return node, attributes


def _relation_attributes(row: Row) -> tuple[str, str, str, dict]:
    attributes: dict = {"line": row.line, **row.fields}
    source, target = attributes.pop("source"), attributes.pop("target")
    for column in RELATION_COLUMNS[2:]:
        attributes.setdefault(column, "")
    return source, target, f"r{row.line}", attributes


def load_graph(data_dir: str | Path | None = None) -> nx.MultiDiGraph:
    """Read, validate and build the typed graph of ``data_dir`` (the shipped data by default).

    Raises :class:`DataError` listing every problem; nothing is loaded half-way.

    >>> graph = load_graph()
    >>> graph.nodes["ismc"]["type"]
    'cluster'
    """
    return build_graph(read_dataset(data_dir if data_dir is not None else default_data_dir()))


def relation_record(source: str, target: str, key: str, data: dict) -> dict:
    """A relation as a plain dict: its ends, its key and every column."""
    return {"source": source, "target": target, "key": key, **data}


def simple_view(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph that analysis runs on.

    Parallel relations between two entities (either direction) merge into one edge whose
    ``relations`` lists every relation record (in file order), ``types`` their distinct types
    (sorted) and ``weight`` how many there are. Nodes keep their attributes.

    >>> view = simple_view(load_graph())
    >>> view.edges["icamcyl", "ismc"]["weight"] >= 1
    True
    """
    with bulk_allocation():
        edges = sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[3].get("line", 0))
        return merged_view(
            graph.graph,
            graph.nodes(data=True),
            (relation_record(source, target, key, data) for source, target, key, data in edges),
        )


def merged_view(
    attributes: dict, nodes: Iterable[tuple[str, dict]], records: Iterable[dict]
) -> nx.Graph:
    """The :func:`simple_view` of relation ``records`` (:func:`relation_record`, in file order)
    among ``nodes`` (id and attributes), with graph ``attributes``. The records are kept, not
    copied."""
    merged: dict[tuple, dict] = {}
    for record in records:
        source, target, kind = record["source"], record["target"], record["type"]
        pair = (source, target)
        if pair not in merged and (target, source) in merged:
            pair = (target, source)
        edge = merged.get(pair)
        if edge is None:
            merged[pair] = {"relations": [record], "weight": 1, "types": [kind]}
        else:
            edge["relations"].append(record)
            edge["weight"] += 1
            if kind not in edge["types"]:
                edge["types"] = sorted({*edge["types"], kind})
    return _filled(nx.Graph(**attributes), nodes, merged)


def _filled(
    view: nx.Graph, nodes: Iterable[tuple[str, dict]], edges: dict[tuple, dict]
) -> nx.Graph:
    """``view`` (new and empty) holding ``nodes`` (their attributes copied) and ``edges``, both
    ends of each present in ``nodes``: what ``add_nodes_from`` and ``add_edges_from`` give, in
    the same order, written straight into the graph's dict of dicts (the structure networkx
    documents for its subclasses) since those check and copy each of 180,000 edges again, a
    third of a network's read from its snapshot."""
    node, adjacency = view._node, view._adj
    for name, data in nodes:
        node[name] = dict(data)
        adjacency[name] = {}
    for (first, second), data in edges.items():
        adjacency[first][second] = data
        adjacency[second][first] = data
    return view


def link_count(graph: nx.Graph) -> int:
    """How many links ``graph`` holds, as ``number_of_edges()`` gives: counted from the sizes of
    its adjacency dicts for a simple undirected graph (networkx sums every entity's degree
    through its views, twice as long on H2020, and a start counts the links six times).

    >>> link_count(nx.Graph([(1, 2), (2, 3), (3, 3)]))
    3
    """
    if graph.is_multigraph() or graph.is_directed():
        return graph.number_of_edges()
    adjacency = graph._adj
    loops = sum(1 for node, neighbours in adjacency.items() if node in neighbours)
    return (sum(map(len, adjacency.values())) + loops) // 2


RECORD_ENDS = ("source", "target", "key")  # what a relation record holds besides its edge's data


def typed_graph(view: nx.Graph) -> nx.MultiDiGraph:
    """The typed graph a :func:`simple_view` was made from, rebuilt from its relation records:
    the same nodes, edges, keys, attributes and order as :func:`build_graph` gives.

    >>> graph = load_graph()
    >>> rebuilt = typed_graph(simple_view(graph))
    >>> list(rebuilt.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
    True
    """
    records = sorted(
        (record for *_, held in view.edges.data("relations") for record in held),
        key=lambda record: record.get("line", 0),
    )
    graph = nx.MultiDiGraph(**view.graph)
    with bulk_allocation():
        graph.add_nodes_from(view.nodes(data=True))
        graph.add_edges_from(
            (
                record["source"],
                record["target"],
                record["key"],
                {name: value for name, value in record.items() if name not in RECORD_ENDS},
            )
            for record in records
        )
    return graph
