"""Read and validate the entities and relations files, and build the graph.

Data flows one way: CSV files -> validated rows -> typed ``MultiDiGraph`` -> simple undirected view
for analysis. Reading is strict: every field stays text, nothing is guessed, and every problem in
both files is collected before one :class:`DataError` is raised, so nothing is ever loaded half-way.

The files are read as the ``csv`` module reads them rather than with pandas: each row then keeps
the physical line it starts on (quoted fields may span lines), which is what an error message has
to name, and every field is a ``str`` by construction, so an id such as ``NA`` stays an id. The
rows are held column by column (:func:`ecosystem.tables.parse_columns`), so that the checks and the
build go over columns in C rather than over rows in Python, and the simple view is built straight
from them (:func:`build_view`): the typed graph is made from the view when it is first needed.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import operator
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
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
from ecosystem.tables import decode, parse_columns


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
    parsed = parse_columns(text, name, problems, unguard=True)
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
    table.lines, table.values = parsed.lines, parsed.values
    table.complete = parsed.complete
    if not table.lines and parsed.complete:
        problems.append(Problem(name, 2, "-", "no data rows", "add at least one row"))
    return table


@dataclass(frozen=True)
class Dataset:
    """Validated rows of both files, held column by column, and where they came from."""

    data_dir: Path
    entity_table: Table
    relation_table: Table
    content_hash: str

    @property
    def entities(self) -> tuple[Row, ...]:
        """The rows of the entities file, in its order."""
        return tuple(self.entity_table.rows)

    @property
    def relations(self) -> tuple[Row, ...]:
        """The rows of the relations file, in its order."""
        return tuple(self.relation_table.rows)


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
        entities_ok = bool(entity_table.lines) and entity_table.complete
        check_relations(relation_table, entities, entities_ok, problems)
        problems.extend(
            check_sources(
                data_dir, zip(relation_table.lines, relation_table.column("doc"), strict=True)
            )
        )
    if problems:
        # Stable: the problems of one row stay in the order the checks found them.
        raise DataError(sorted(problems, key=_problem_order))
    return Dataset(data_dir, entity_table, relation_table, content_hash(contents))


def _problem_order(problem: Problem) -> tuple[int, int]:
    files = (ENTITIES_FILE, RELATIONS_FILE)
    rank = files.index(problem.file) if problem.file in files else -1
    return (rank, problem.line)


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """The typed graph: one node per entity, one edge per relation row, every column kept.

    Nodes carry the entity columns as text; edges carry the relation columns as text plus
    ``line``, the row's line in ``relations.csv``. Edge keys are ``r<line>``.
    """
    graph = nx.MultiDiGraph(**_graph_attributes(dataset))
    relations = dataset.relation_table
    names, columns = relation_columns(relations)
    with bulk_allocation():
        graph.add_nodes_from(_nodes(dataset.entity_table))
        graph.add_edges_from(
            zip(
                relations.column("source"),
                relations.column("target"),
                [f"r{line}" for line in relations.lines],
                _dicts(names, columns),
                strict=True,
            )
        )
    return graph


def build_view(dataset: Dataset) -> nx.Graph:
    """:func:`simple_view` of :func:`build_graph`, built straight from the rows: the same
    nodes, edges, attributes and order, without the typed graph (:func:`typed_graph` makes it
    from the view when it is needed).

    >>> view = build_view(read_dataset(default_data_dir()))
    >>> nx.utils.graphs_equal(view, simple_view(load_graph()))
    True
    """
    relations = dataset.relation_table
    if RECORD_COLUMNS & set(relations.columns):
        # A column of that name stands for the record's own field: let the typed graph say how.
        return simple_view(build_graph(dataset))
    names, columns = relation_columns(relations)
    sources, targets = relations.column("source"), relations.column("target")
    keys = [f"r{line}" for line in relations.lines]
    with bulk_allocation():
        records = _dicts(("source", "target", "key", *names), [sources, targets, keys, *columns])
        edges = zip(sources, targets, relations.column("type"), records, strict=True)
        view = nx.Graph(**_graph_attributes(dataset))
        return _filled(view, _nodes(dataset.entity_table), edges)


# What a relation record holds besides the relation's columns; a relations file with a column of
# one of these names is read as it always was (:func:`build_view`).
RECORD_COLUMNS = frozenset({"line", "key"})


def _graph_attributes(dataset: Dataset) -> dict[str, str]:
    return {"data_dir": str(dataset.data_dir), "content_hash": dataset.content_hash}


def entity_columns(table: Table) -> tuple[list[str], list[list[str]]]:
    """The names and values of the attributes of the entities of ``table``: every column but
    ``id``, in the file's order, then the entity columns it lacks (each value empty)."""
    names = [column for column in table.columns if column != "id"]
    names += [column for column in ENTITY_COLUMNS[1:] if column not in table.columns]
    return names, [table.column(name) for name in names]


def _nodes(table: Table) -> Iterator[tuple[str, dict[str, str]]]:
    """Each entity of ``table``: its id and its attributes (:func:`entity_columns`)."""
    names, columns = entity_columns(table)
    return zip(table.column("id"), _dicts(names, columns), strict=True)


def relation_columns(table: Table) -> tuple[list[str], list[list]]:
    """The names and values of the data of the relations of ``table``: ``line``, every column
    but the two ends, in the file's order, then the relation columns it lacks (empty)."""
    header = table.columns
    names = list(dict.fromkeys(["line", *(c for c in header if c not in ("source", "target"))]))
    names += [column for column in RELATION_COLUMNS[2:] if column not in header]
    # A column named line gives the edges' line (their keys keep the row's own).
    lines = table.column("line") if "line" in header else table.lines
    return names, [lines if name == "line" else table.column(name) for name in names]


def _dicts(names: Sequence[str], columns: Sequence[Sequence]) -> list[dict]:
    """One dict per row of ``columns`` (aligned lists), keyed by ``names``."""
    if not columns or not columns[0]:
        return []
    return list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))


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
    among ``nodes`` (id and attributes, copied), with graph ``attributes``. The records are
    kept, not copied."""
    records = list(records)
    ends = (list(map(operator.itemgetter(name), records)) for name in ("source", "target", "type"))
    copied = ((node, dict(data)) for node, data in nodes)
    return _filled(nx.Graph(**attributes), copied, zip(*ends, records, strict=True))


def filled_view(
    attributes: dict,
    nodes: Iterable[tuple[str, dict]],
    relations: Iterable[tuple[str, str, str, dict]],
) -> nx.Graph:
    """The :func:`simple_view` of ``relations`` (the source, target, type and
    :func:`relation_record` of each, in file order) among ``nodes`` (id and attributes, kept,
    not copied), with graph ``attributes``: for a caller that holds the ends and types in
    columns already (:mod:`ecosystem.snapshot`)."""
    return _filled(nx.Graph(**attributes), nodes, relations)


def _filled(
    view: nx.Graph,
    nodes: Iterable[tuple[str, dict]],
    relations: Iterable[tuple[str, str, str, dict]],
) -> nx.Graph:
    """``view`` (new and empty) holding ``nodes`` (id and attributes, kept) and the simple
    view's edges of ``relations`` (in file order): the source, target, type and record of
    each, both ends among ``nodes``.

    The graph is what ``add_nodes_from`` and ``add_edges_from`` give, the edges in the order of
    the first relation of each pair of entities, written straight into the graph's dict of
    dicts (the structure networkx documents for its subclasses): those would check and copy
    each of 180,000 edges again, a third of a network's read from its snapshot."""
    node, adjacency = view._node, view._adj
    for name, data in nodes:
        node[name] = data
        adjacency[name] = {}
    for source, target, kind, record in relations:
        around = adjacency[source]
        edge = around.get(target)  # either direction: both ends hold the edge
        if edge is None:
            around[target] = adjacency[target][source] = {
                "relations": [record],
                "weight": 1,
                "types": [kind],
            }
        else:
            edge["relations"].append(record)
            edge["weight"] += 1
            if kind not in edge["types"]:
                edge["types"] = sorted({*edge["types"], kind})
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
    loops = sum(map(operator.contains, adjacency.values(), adjacency))
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
