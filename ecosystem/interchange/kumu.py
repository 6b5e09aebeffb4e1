"""Kumu-style spreadsheets: an ``Elements`` sheet and a ``Connections`` sheet, in one ``.xlsx``
workbook or as two CSV files.

Kumu's layout: elements have a ``Label`` (and may have ``ID``, ``Type``, ``Description``,
``Tags`` and any other column); connections have ``From`` and ``To`` (labels, or IDs when the
elements have them; several separated by ``|``) and may have ``Type``, ``Label``, ``Direction``
and more. Sheets named with ``(ignore)`` are skipped, as Kumu does. A CSV file is told apart by its
header (``From`` and ``To`` make it connections). A connection to a label that no element has
creates that element, as in Kumu.

The workbook written here starts each sheet with ``ID`` so that entities sharing a name stay apart
(Kumu then matches connections by ID), and a connection's ``Label`` is its role.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ecosystem.analysis.lookup import fold
from ecosystem.errors import Problem
from ecosystem.interchange.bundle import GraphImport
from ecosystem.interchange.files import (
    DEFAULT_MAX_MB,
    MEGABYTE,
    Origin,
    check_workbook,
    decode,
    read_delimited,
)
from ecosystem.interchange.vocabulary import entity_type
from ecosystem.schema import RELATION_TYPES

SPREADSHEETS = (".xlsx", ".xlsm")
# What a damaged workbook raises, from the zip archive, the XML parser or openpyxl.
_DAMAGED = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
    ET.ParseError,
)


@dataclass
class _Sheet:
    file: str
    where: str  # "sheet Elements", or "" for a CSV file
    unit: str
    header: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]

    def origin(self, line: int) -> Origin:
        return Origin(self.file, line, self.where, self.unit)

    def column(self, name: str) -> str | None:
        """The header's spelling of a column, whatever its case."""
        return next((c for c in self.header if fold(c) == fold(name)), None)


def read(
    paths: list[Path],
    builder: GraphImport,
    problems: list[Problem],
    *,
    max_bytes: int = DEFAULT_MAX_MB * MEGABYTE,
) -> None:
    """Add the elements and connections of a Kumu workbook or CSV pair to ``builder``."""
    blueprints = [path for path in paths if path.suffix.casefold() == ".json"]
    if blueprints:
        if len(paths) > 1:
            problems.append(
                Problem(
                    ", ".join(p.name for p in paths),
                    0,
                    "-",
                    "a Kumu JSON blueprint holds the whole map",
                    "import the blueprint alone",
                )
            )
            return
        _blueprint(blueprints[0], builder, problems)
        return
    sheets: dict[str, _Sheet] = {}
    for path in paths:
        for kind, sheet in _sheets(path, builder, problems, max_bytes):
            if kind in sheets:
                problems.append(
                    sheet.origin(1).problem(
                        "-",
                        f"a second {kind} table (the first is in {sheets[kind].file})",
                        f"give one {kind} table",
                    )
                )
            else:
                sheets[kind] = sheet
    if problems:
        return
    if not sheets:
        names = ", ".join(path.name for path in paths)
        problems.append(
            Problem(names, 1, "-", "no Elements or Connections table", "add a Label column")
        )
        return
    labels: dict[str, str] = {}
    if "Elements" in sheets:
        labels = _elements(sheets["Elements"], builder, problems)
    if "Connections" in sheets:
        _connections(sheets["Connections"], labels, builder, problems)


def _sheets(path: Path, builder: GraphImport, problems: list[Problem], max_bytes: int):
    """(kind, sheet) for each table in the file; kind is Elements or Connections."""
    if path.suffix.casefold() in SPREADSHEETS:
        yield from _workbook(path, builder, problems, max_bytes)
        return
    text = decode(path.read_bytes(), path.name, problems)
    if text is None:
        return
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    table = read_delimited(text, path.name, delimiter, problems)
    if table is None:
        return
    sheet = _Sheet(path.name, "", "line", table.header, list(table.rows))
    kind = _kind(sheet)
    if kind is None:
        problems.append(
            Problem(
                path.name,
                1,
                "-",
                "neither Kumu elements (no Label column) nor connections (no From and To "
                f"columns); the header is {', '.join(table.header)[:200]}",
                "start the header with Label (elements) or From,To (connections)",
            )
        )
        return
    yield kind, sheet


def _kind(sheet: _Sheet) -> str | None:
    if sheet.column("From") and sheet.column("To"):
        return "Connections"
    if sheet.column("Label"):
        return "Elements"
    return None


def _workbook(path: Path, builder: GraphImport, problems: list[Problem], max_bytes: int):
    from openpyxl import load_workbook

    if not check_workbook(path, max_bytes, "the spreadsheet", problems):
        return
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except _DAMAGED as error:
        problems.append(_unreadable(path, error))
        return
    try:
        yield from _worksheets(path, book, builder, problems)
    except _DAMAGED as error:  # a sheet cut short or malformed shows only once it is read
        problems.append(_unreadable(path, error))


def _unreadable(path: Path, error: Exception) -> Problem:
    return Problem(
        path.name,
        0,
        "-",
        f"not a readable .xlsx workbook ({type(error).__name__}: the file is damaged or cut short)",
        "save it from the spreadsheet as an Excel workbook (.xlsx)",
    )


def _worksheets(path: Path, book, builder: GraphImport, problems: list[Problem]):
    found = False
    for worksheet in book.worksheets:
        title = worksheet.title
        if "(ignore)" in title.casefold():
            continue
        rows = worksheet.iter_rows(values_only=True)
        header = tuple(_text(value) for value in next(rows, ()))
        while header and not header[-1]:
            header = header[:-1]
        body = []
        for number, values in enumerate(rows, start=2):
            cells = [_text(value) for value in values[: len(header)]]
            if any(cells):
                cells += [""] * (len(header) - len(cells))
                body.append((number, dict(zip(header, cells, strict=True))))
        sheet = _Sheet(path.name, f"sheet {title}", "row", header, body)
        kind = title.strip().capitalize() if fold(title) in ("elements", "connections") else None
        kind = kind or _kind(sheet)
        if kind is None:
            builder.report.notes.append(
                f"sheet {title!r} of {path.name} skipped: neither elements nor connections"
            )
            continue
        found = True
        yield kind, sheet
    if not found:
        names = ", ".join(repr(w.title) for w in book.worksheets)
        problems.append(
            Problem(
                path.name,
                0,
                "-",
                f"no Elements or Connections sheet (the sheets are {names})",
                "name the sheets Elements and Connections, as Kumu expects",
            )
        )


def _text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _elements(sheet: _Sheet, builder: GraphImport, problems: list[Problem]) -> dict[str, str]:
    """Add each element; answer the folded label -> node key index for connections."""
    label_column, id_column = sheet.column("Label"), sheet.column("ID")
    if label_column is None:
        problems.append(
            sheet.origin(1).problem(
                "Label", "missing column Label", "Kumu's elements need a Label column"
            )
        )
        return {}
    type_column, tags_column = sheet.column("Type"), sheet.column("Tags")
    labels: dict[str, str] = {}
    for line, row in sheet.rows:
        origin = sheet.origin(line)
        label = row[label_column]
        key = (row[id_column] if id_column else "") or label
        if not key:
            problems.append(origin.problem(label_column, "empty", "give every element a Label"))
            continue
        if id_column is None and builder.has(key):
            problems.append(
                origin.problem(
                    label_column,
                    f"duplicate label {label!r}",
                    "give each element its own label, or add an ID column",
                )
            )
            continue
        attributes = {c: v for c, v in row.items() if c not in (label_column, id_column)}
        attributes["label"] = label or key
        if tags_column and not (type_column and row[type_column]):
            # Kumu users often type an element by tag: take the first tag that names a type.
            for tag in row[tags_column].split("|"):
                if entity_type(tag)[1] != "fallback":
                    attributes[type_column or "Type"] = tag.strip()
                    break
        builder.node(key, attributes, origin)
        labels.setdefault(fold(label or key), key)
    return labels


def _connections(
    sheet: _Sheet, labels: dict[str, str], builder: GraphImport, problems: list[Problem]
) -> None:
    from_column, to_column = sheet.column("From"), sheet.column("To")
    if from_column is None or to_column is None:
        problems.append(
            sheet.origin(1).problem(
                "From, To", "missing column From or To", "Kumu's connections need From and To"
            )
        )
        return
    skip = {from_column, to_column, sheet.column("ID"), sheet.column("Direction")}
    label_column = sheet.column("Label")
    created = 0
    for line, row in sheet.rows:
        origin = sheet.origin(line)
        ends = []
        for column in (from_column, to_column):
            references = [part.strip() for part in row[column].split("|") if part.strip()]
            if not references:
                problems.append(origin.problem(column, "empty", f"fill in {column}"))
            keys = []
            for reference in references:
                key = reference if builder.has(reference) else labels.get(fold(reference))
                if key is None:
                    key = reference
                    builder.node(key, {"label": reference}, origin)
                    labels[fold(reference)] = key
                    created += 1
                keys.append(key)
            ends.append(keys)
        attributes = {c: v for c, v in row.items() if c not in skip}
        if label_column and not sheet.column("Role"):
            attributes["role"] = attributes.pop(label_column)
        for source in ends[0]:
            for target in ends[1]:
                builder.edge(source, target, dict(attributes), origin)
    if created:
        builder.report.notes.append(
            f"{created} element(s) named only in connections were created, as Kumu does"
        )


def _blueprint(path: Path, builder: GraphImport, problems: list[Problem]) -> None:
    """A Kumu JSON blueprint: ``elements`` and ``connections``, each with an ``_id`` and its
    fields in ``attributes`` (``label``, ``element type``, ``connection type``...); connections
    name their ends by ``_id`` in ``from`` and ``to``, with a ``direction`` (directed,
    undirected, mutual) and ``reversed`` when the arrow points from ``to`` to ``from``."""
    from ecosystem.interchange.graphology import _attributes, load

    document = load(path, problems)
    if document is None:
        return
    name = path.name
    builder.machine_ids = True
    elements, connections = document.get("elements"), document.get("connections")
    if not isinstance(elements, list) or not isinstance(connections, list):
        problems.append(
            Problem(
                name,
                1,
                "elements",
                "no 'elements' and 'connections' lists: not a Kumu JSON blueprint",
                "export the map from Kumu (Share, Export, JSON blueprint)",
            )
        )
        return
    for number, raw_element in enumerate(elements):
        element = raw_element if isinstance(raw_element, dict) else {}
        key = str(element.get("_id") or element.get("id") or "")
        origin = Origin(name, 0, f"elements[{number}] (_id {key!r})")
        if not key:
            problems.append(origin.problem("_id", "an element without an _id", "export again"))
            continue
        attributes = _attributes(element.get("attributes"))
        tags = attributes.pop("tags", "")
        if not attributes.get("element type") and tags:
            # Kumu users often type an element by tag: take the first tag that names a type.
            typed = [tag for tag in tags.split("|") if entity_type(tag)[1] != "fallback"]
            if typed:
                attributes["element type"] = typed[0]
        builder.node(key, attributes, origin)
    reversed_count = 0
    for number, raw_connection in enumerate(connections):
        connection = raw_connection if isinstance(raw_connection, dict) else {}
        source, target = str(connection.get("from") or ""), str(connection.get("to") or "")
        origin = Origin(name, 0, f"connections[{number}] ({source} -> {target})")
        if not source or not target:
            missing = "from" if not source else "to"
            problems.append(origin.problem(missing, f"a connection without {missing}", "export"))
            continue
        attributes = _attributes(connection.get("attributes"))
        attributes.pop("tags", None)
        label = attributes.pop("label", "")
        if label and "role" not in attributes:
            attributes["role"] = label
        if connection.get("reversed") is True:
            source, target = target, source
            reversed_count += 1
        directed = connection.get("direction", "directed") == "directed"
        builder.edge(source, target, attributes, origin, directed=directed)
    if reversed_count:
        builder.report.notes.append(
            f"{reversed_count} connection(s) drawn reversed in Kumu read from their arrow's tail"
        )


ELEMENT_HEADER = ("ID", "Label", "Type", "Description", "Aliases", "Country", "URL")
CONNECTION_HEADER = (
    "ID",
    "From",
    "To",
    "Type",
    "Label",
    "Direction",
    "Start",
    "End",
    "Amount (EUR)",
    "Evidence",
    "Doc",
)


def write(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    metrics: dict[str, dict[str, float]],
) -> bytes:
    """A Kumu workbook: Elements and Connections, each starting with ID."""
    from openpyxl import Workbook

    # Write-only: rows stream to the file as they come instead of being kept as cells (a
    # 2,000-element view of H2020: 193 ms instead of 223 ms, medians of 20).
    book = Workbook(write_only=True)
    elements = book.create_sheet("Elements")
    element_rows = [
        (
            row["id"],
            row["name"],
            row["type"],
            row["description"],
            row["aliases"],
            row["country"],
            row["url"],
        )
        for row in entities
    ]
    _fill(elements, ELEMENT_HEADER, element_rows)
    connections = book.create_sheet("Connections")
    dated = any("past" in row for row in relations)  # a network as of a date
    connection_rows = [
        (
            f"relation:{number}",
            row["source"],
            row["target"],
            row["type"],
            row["role"],
            "undirected" if RELATION_TYPES[row["type"]].symmetric else "directed",
            row["start"],
            row["end"],
            row["amount_eur"],
            row["evidence"],
            row["doc"],
            *(("yes" if row.get("past") == "true" else "no",) if dated else ()),
        )
        for number, row in enumerate(relations, start=1)
    ]
    _fill(connections, (*CONNECTION_HEADER, *(("Past",) if dated else ())), connection_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(worksheet, header, rows) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: str) -> WriteOnlyCell | str:
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not text.startswith("="):
            return text
        # openpyxl takes a text starting with "=" for a formula; here it is always text.
        written = WriteOnlyCell(worksheet, value=text)
        written.data_type = "s"
        return written

    worksheet.append(header)
    for values in rows:
        worksheet.append([cell(value) for value in values])
