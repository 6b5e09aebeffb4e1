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
import difflib
import errno
import functools
import gc
import hashlib
import os
import re
import stat
import unicodedata
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
    relation_key,
)
from ecosystem.sources import check_sources
from ecosystem.storage import current_files
from ecosystem.tables import decode, parse_csv

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
AMOUNT_PATTERN = re.compile(r"^\d+(?:\.\d+)?$")
DOC_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"']+$")
MAX_HINTS = 10


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
    name: str = ""
    columns: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    complete: bool = True  # read to its end; else unknown-id checks against it are noise


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
        return _Table(path, name, complete=False)
    except OSError as error:
        reason = error.strerror or str(error)
        problems.append(Problem(name, 0, "-", f"cannot read: {reason}", "check the path"))
        return _Table(path, name, complete=False)
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
) -> _Table:
    """:func:`read_table` on bytes already read."""
    name = label
    table = _Table(path, name, complete=False)
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
                f"(header is {_shorten(','.join(columns), 200)})",
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


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _closest(value: str, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(matches)}?" if matches else ""


class _Hints:
    """ "Did you mean" for unknown ids: each distinct id looked up once, and at most
    :data:`MAX_HINTS` looked up per file (a lookup among 8,000 ids takes a tenth of a second,
    and a broken file can hold thousands of unknown ids)."""

    def __init__(self, choices: Iterable[str]):
        self.choices = list(choices)
        self.found: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if value not in self.found:
            budget = len(self.found) < MAX_HINTS and len(value) <= 200
            self.found[value] = _closest(value, self.choices) if budget else ""
        return self.found[value]


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
    name = table.name or table.path.name
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


def _check_relations(
    table: _Table, entities: dict[str, Row], entities_ok: bool, problems: list[Problem]
) -> None:
    name = table.name or table.path.name
    seen: dict[tuple[str, ...], int] = {}
    hints = _Hints(entities)
    for row in table.rows:
        field = row.fields.get
        for column in RELATION_REQUIRED:
            if not field(column, ""):
                problems.append(Problem(name, row.line, column, "empty", f"fill in the {column}"))
        for column in ("source", "target"):
            entity_id = field(column, "")
            if entity_id and entities_ok and entity_id not in entities:
                hint = hints(entity_id)
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
        key = relation_key(row.fields)
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

    While a write to the folder is unfinished (a crash between its steps), the files it was
    writing are read instead (:func:`ecosystem.storage.current_files`): old or new, never a mix.
    Raises :class:`DataError` listing every problem in both files.
    """
    data_dir = Path(data_dir)
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
    return parse_dataset(data_dir, contents, problems)


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
                _Table(path, name, complete=False)
                if raw is None
                else table_from_bytes(path, raw, required, problems, label=name)
            )
        entity_table, relation_table = tables[ENTITIES_FILE], tables[RELATIONS_FILE]
        entities = _check_entities(entity_table, problems)
        # Unknown-id checks against an unreadable or half-read entities file would only add noise.
        entities_ok = bool(entity_table.rows) and entity_table.complete
        _check_relations(relation_table, entities, entities_ok, problems)
        problems.extend(check_sources(data_dir, relation_table.rows))
    if problems:
        raise DataError(sorted(problems, key=_problem_order))
    digest = hashlib.sha256()
    for name in (ENTITIES_FILE, RELATIONS_FILE):
        digest.update(contents[name] or b"")
    return Dataset(
        data_dir, tuple(entity_table.rows), tuple(relation_table.rows), digest.hexdigest()
    )


def _invisible(text: str) -> list[str]:
    """The invisible format characters in ``text`` (zero-width spaces and joiners, bidirectional
    marks, overrides and isolates, soft hyphens), as U+XXXX names."""
    return sorted(
        {
            f"U+{ord(char):04X} {unicodedata.name(char, 'format character')}"
            for char in text
            if unicodedata.category(char) == "Cf"
        }
    )


def visible_form(text: str) -> str:
    """``text`` as a reader sees it: format characters removed, compatibility forms folded.

    >>> visible_form("IC\u200bAMCyL") == visible_form("ICAMCyL")
    True
    """
    kept = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFKC", kept).casefold()


def name_warnings(dataset: Dataset) -> list[Problem]:
    """Names and aliases holding invisible characters (zero-width, bidirectional overrides):
    they make an entity look like another in search and on screen. Warnings, not errors."""
    seen: dict[str, tuple[str, int]] = {}
    for row in dataset.entities:
        seen.setdefault(visible_form(row["name"]), (row["id"], row.line))
    warnings = []
    for row in dataset.entities:
        for column in ("name", "aliases"):
            found = _invisible(row[column])
            if not found:
                continue
            twin = seen.get(visible_form(row[column])) if column == "name" else None
            looks = (
                f"; it looks the same as {twin[0]!r} (line {twin[1]})"
                if twin and twin[0] != row["id"]
                else ""
            )
            warnings.append(
                Problem(
                    ENTITIES_FILE,
                    row.line,
                    column,
                    f"invisible character{'s' if len(found) > 1 else ''} {', '.join(found)}{looks}",
                    "delete them: they make names that look alike but do not match in search",
                )
            )
    return warnings


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
