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
import csv
import difflib
import functools
import gc
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx

from ecosystem.errors import DataError, Problem
from ecosystem.resources import default_data_dir
from ecosystem.schema import (
    DOC_SEPARATOR,
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    ENTITY_REQUIRED,
    ENTITY_TYPES,
    MIN_EVIDENCE_CHARS,
    RELATION_COLUMNS,
    RELATION_REQUIRED,
    RELATION_TYPES,
    RELATIONS_FILE,
)
from ecosystem.sources import check_sources

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
AMOUNT_PATTERN = re.compile(r"^\d+(?:\.\d+)?$")
DOC_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"']+$")


@dataclass(frozen=True)
class Row:
    """A data row: its fields (every column as text) and the line of the file it starts on."""

    line: int
    fields: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.fields.get(column, "")


@dataclass
class _Table:
    path: Path
    columns: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)


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
) -> _Table:
    """Read one CSV file strictly; append what is wrong to ``problems``.

    ``label`` is how messages name the file (its name by default).
    """
    name = label or path.name
    table = _Table(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(
            Problem(
                name, 0, "-", f"file not found in {path.parent}", "create it or pass --data DIR"
            )
        )
        return table
    except OSError as error:
        problems.append(Problem(name, 0, "-", f"cannot read: {error.strerror}", "check the path"))
        return table
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(
                name,
                line,
                "-",
                f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
                "save the file as UTF-8",
            )
        )
        return table
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(name, line, "-", "NUL byte in text", "save the file as plain CSV"))
        return table
    if not text.strip():
        problems.append(
            Problem(name, 1, "-", "the file is empty", f"add a header row: {','.join(required)}")
        )
        return table

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        problems.append(Problem(name, 1, "-", f"malformed CSV header: {error}", "fix the header"))
        return table
    columns = tuple(column.strip() for column in header)
    missing = [column for column in required if column not in columns]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                ", ".join(missing),
                f"missing column{'s' if len(missing) > 1 else ''} (header is {','.join(columns)})",
                "add the column to the header row",
            )
        )
        return table
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        problems.append(
            Problem(name, 1, ", ".join(duplicated), "column named twice", "keep one of them")
        )
        return table
    table.columns = columns

    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            fix = (
                f"shorten the field to under {csv.field_size_limit():,} characters"
                if "field limit" in str(error)
                else "check the quotes on this row"
            )
            problems.append(Problem(name, line, "-", f"malformed CSV: {error}", fix))
            return table
        start, line = line, reader.line_num + 1
        if not "".join(values).strip():
            continue
        if len(values) != len(columns):
            problems.append(
                Problem(
                    name,
                    start,
                    "-",
                    f"{len(values)} fields where the header has {len(columns)}",
                    "quote fields that contain commas",
                )
            )
            continue
        table.rows.append(Row(start, dict(zip(columns, map(str.strip, values), strict=True))))
    if not table.rows:
        problems.append(Problem(name, 2, "-", "no data rows", "add at least one row"))
    return table


def _closest(value: str, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(matches)}?" if matches else ""


def _one_of(value: str, vocabulary: Iterable[str]) -> str:
    vocabulary = sorted(vocabulary)
    hint = _closest(value, vocabulary)
    return hint or f"use one of {', '.join(vocabulary)}"


@functools.lru_cache(maxsize=4096)  # a network's relations share few distinct dates
def _parse_date(value: str) -> date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it can mean, else None."""
    match = DATE_PATTERN.match(value)
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_entities(table: _Table, problems: list[Problem]) -> dict[str, Row]:
    name = table.path.name
    entities: dict[str, Row] = {}
    for row in table.rows:
        for column in ENTITY_REQUIRED:
            if not row[column]:
                problems.append(
                    Problem(name, row.line, column, "empty", f"give the entity a {column}")
                )
        entity_id = row["id"]
        if entity_id and not ID_PATTERN.match(entity_id):
            problems.append(
                Problem(
                    name,
                    row.line,
                    "id",
                    f"{entity_id!r} is not a slug",
                    "use lowercase letters, digits and single hyphens, e.g. 'dg-grow'",
                )
            )
        elif entity_id in entities:
            problems.append(
                Problem(
                    name,
                    row.line,
                    "id",
                    f"duplicate id {entity_id!r} (first on line {entities[entity_id].line})",
                    "give each entity its own id, or merge the two rows",
                )
            )
        elif entity_id:
            entities[entity_id] = row
        entity_type = row["type"]
        if entity_type and entity_type not in ENTITY_TYPES:
            problems.append(
                Problem(
                    name,
                    row.line,
                    "type",
                    f"unknown entity type {entity_type!r}",
                    _one_of(entity_type, ENTITY_TYPES),
                )
            )
        country = row["country"]
        if country and not COUNTRY_PATTERN.match(country):
            from ecosystem.countries import country_problem

            # Text that names no country ("International") is kept as text.
            wrong = country_problem(country)
            if wrong:
                problems.append(Problem(name, row.line, "country", *wrong))
        url = row["url"]
        if url and not URL_PATTERN.match(url):
            problems.append(
                Problem(
                    name,
                    row.line,
                    "url",
                    f"{url[:60]!r} is not an http(s) address",
                    "use an address starting with https:// or leave it empty",
                )
            )
    return entities


def _relation_key(row: Row) -> tuple[str, ...]:
    field = row.fields.get
    ends = (field("source", ""), field("target", ""))
    kind = field("type", "")
    if kind in RELATION_TYPES and RELATION_TYPES[kind].symmetric:
        ends = tuple(sorted(ends))  # type: ignore[assignment]
    return (*ends, kind, field("role", ""), field("start", ""), field("end", ""))


def _check_relations(
    table: _Table, entities: dict[str, Row], entities_ok: bool, problems: list[Problem]
) -> None:
    name = table.path.name
    seen: dict[tuple[str, ...], int] = {}
    for row in table.rows:
        field = row.fields.get
        for column in RELATION_REQUIRED:
            if not field(column, ""):
                problems.append(Problem(name, row.line, column, "empty", f"fill in the {column}"))
        for column in ("source", "target"):
            entity_id = field(column, "")
            if entity_id and entities_ok and entity_id not in entities:
                hint = _closest(entity_id, entities)
                problems.append(
                    Problem(
                        name,
                        row.line,
                        column,
                        f"unknown entity id {entity_id!r}",
                        hint or f"add {entity_id!r} to {ENTITIES_FILE} or fix the id",
                    )
                )
        if field("source", "") and field("source", "") == field("target", ""):
            problems.append(
                Problem(
                    name,
                    row.line,
                    "target",
                    f"self-relation of {row['source']!r}",
                    "a relation links two different entities",
                )
            )
        relation_type = field("type", "")
        if relation_type and relation_type not in RELATION_TYPES:
            problems.append(
                Problem(
                    name,
                    row.line,
                    "type",
                    f"unknown relation type {relation_type!r}",
                    _one_of(relation_type, RELATION_TYPES),
                )
            )
        dates: dict[str, date] = {}
        for column in ("start", "end"):
            value = field(column, "")
            if not value:
                continue
            parsed = _parse_date(value)
            if parsed is None:
                problems.append(
                    Problem(
                        name,
                        row.line,
                        column,
                        f"{value!r} is not an ISO 8601 date",
                        "write YYYY-MM-DD, YYYY-MM or YYYY",
                    )
                )
            else:
                dates[column] = parsed
        if len(dates) == 2 and dates["end"] < dates["start"]:
            problems.append(
                Problem(name, row.line, "end", "ends before it starts", "swap or correct the dates")
            )
        amount = field("amount_eur", "")
        if amount and not AMOUNT_PATTERN.match(amount):
            problems.append(
                Problem(
                    name,
                    row.line,
                    "amount_eur",
                    f"{amount!r} is not an amount in euros",
                    "write a plain number such as 9765017.65 (no currency sign or separators)",
                )
            )
        evidence = field("evidence", "")
        if evidence and len(evidence) < MIN_EVIDENCE_CHARS:
            problems.append(
                Problem(
                    name,
                    row.line,
                    "evidence",
                    f"excerpt of {len(evidence)} characters is too short",
                    f"quote at least {MIN_EVIDENCE_CHARS} characters of the source sentence",
                )
            )
        for doc in filter(None, field("doc", "").split(DOC_SEPARATOR)):
            if not DOC_NAME_PATTERN.match(doc):
                problems.append(
                    Problem(
                        name,
                        row.line,
                        "doc",
                        f"{doc[:60]!r} is not a document file name",
                        "name a file in data/sources/, without folders",
                    )
                )
        key = _relation_key(row)
        if field("source", "") and field("target", "") and key in seen:
            problems.append(
                Problem(
                    name,
                    row.line,
                    "-",
                    f"duplicate of the relation on line {seen[key]}",
                    "delete one of the two rows",
                )
            )
        else:
            seen.setdefault(key, row.line)


@dataclass(frozen=True)
class Dataset:
    """Validated rows of both files, and where they came from."""

    data_dir: Path
    entities: tuple[Row, ...]
    relations: tuple[Row, ...]
    content_hash: str


def read_dataset(data_dir: str | Path) -> Dataset:
    """Read and validate ``entities.csv`` and ``relations.csv`` in ``data_dir``.

    Raises :class:`DataError` listing every problem in both files.
    """
    with bulk_allocation():
        return _read_dataset(Path(data_dir))


def _read_dataset(data_dir: Path) -> Dataset:
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), 0, "-", "no such data folder", "pass --data DIR")])
    entity_table = read_table(data_dir / ENTITIES_FILE, ENTITY_REQUIRED, problems)
    entities = _check_entities(entity_table, problems)
    relation_table = read_table(data_dir / RELATIONS_FILE, RELATION_REQUIRED, problems)
    # Unknown-id checks against an unreadable entities file would only add noise.
    entities_ok = bool(entity_table.rows)
    _check_relations(relation_table, entities, entities_ok, problems)
    problems.extend(check_sources(data_dir, relation_table.rows))
    if problems:
        raise DataError(sorted(problems, key=_problem_order))
    digest = hashlib.sha256()
    for path in (entity_table.path, relation_table.path):
        digest.update(path.read_bytes())
    return Dataset(
        data_dir, tuple(entity_table.rows), tuple(relation_table.rows), digest.hexdigest()
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
        return _merge_parallel(graph)


def _merge_parallel(graph: nx.MultiDiGraph) -> nx.Graph:
    merged: dict[tuple, dict] = {}
    for source, target, key, data in sorted(
        graph.edges(keys=True, data=True), key=lambda edge: edge[3].get("line", 0)
    ):
        pair = (source, target)
        if pair not in merged and (target, source) in merged:
            pair = (target, source)
        record = relation_record(source, target, key, data)
        edge = merged.get(pair)
        if edge is None:
            merged[pair] = {"relations": [record], "weight": 1, "types": [data["type"]]}
        else:
            edge["relations"].append(record)
            edge["weight"] += 1
            if data["type"] not in edge["types"]:
                edge["types"] = sorted({*edge["types"], data["type"]})
    view = nx.Graph(**graph.graph)
    view.add_nodes_from(graph.nodes(data=True))
    view.add_edges_from((first, second, data) for (first, second), data in merged.items())
    return view
