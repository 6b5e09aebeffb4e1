"""The project's own pair of files, ``entities.csv`` and ``relations.csv``: to merge one dataset
into another, and as an export that any spreadsheet opens.

Files are told apart by their header (``source`` and ``target`` make relations) and read with the
loader's own strict reader, so they are held to exactly the rules of ``ecosystem validate``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ecosystem.errors import Problem
from ecosystem.graph import read_table
from ecosystem.interchange.bundle import Imported, Report
from ecosystem.interchange.files import Origin
from ecosystem.schema import (
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    ENTITY_REQUIRED,
    RELATION_COLUMNS,
    RELATION_REQUIRED,
    RELATIONS_FILE,
)
from ecosystem.tables import csv_bytes


def read(
    paths: list[Path], report: Report, problems: list[Problem]
) -> tuple[list[Imported], list[Imported]]:
    """Entity and relation rows of one or two files of the project's own format."""
    found: dict[str, list[Imported]] = {}
    required: tuple[str, ...]
    columns: tuple[str, ...]
    for path in paths:
        first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        header = {column.strip() for column in next(csv.reader([first]), [])}
        if {"source", "target"} <= header:
            kind, required, columns = "relations", RELATION_REQUIRED, RELATION_COLUMNS
        elif "id" in header:
            kind, required, columns = "entities", ENTITY_REQUIRED, ENTITY_COLUMNS
        else:
            problems.append(
                Problem(
                    path.name,
                    1,
                    "-",
                    "neither entities (no id column) nor relations (no source and target)",
                    f"give {ENTITIES_FILE} and {RELATIONS_FILE} as ecosystem writes them",
                )
            )
            continue
        if kind in found:
            problems.append(
                Problem(path.name, 1, "-", f"a second {kind} file", f"give one {kind} file")
            )
            continue
        table = read_table(path, required, problems, label=path.name)
        extra = [column for column in table.columns if column not in columns]
        for column in extra:
            report.dropped[f"{kind} column {column!r}"] += len(table.rows)
        rows = []
        seen: dict[str, int] = {}
        for row in table.rows:
            origin = Origin(path.name, row.line)
            if kind == "entities" and row["id"] in seen:
                problems.append(
                    origin.problem(
                        "id",
                        f"duplicate id {row['id']!r} (first on line {seen[row['id']]})",
                        "give each entity its own id, or merge the two rows",
                    )
                )
                continue
            seen.setdefault(row["id"], row.line)
            fields = {column: row[column] for column in columns}
            rows.append(Imported(fields, origin, explicit_id=kind == "entities"))
        found[kind] = rows
    return found.get("entities", []), found.get("relations", [])


def write(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    metrics: dict[str, dict[str, float]],
) -> dict[str, bytes]:
    """Both files, as ``ecosystem validate`` reads them."""
    return {
        ENTITIES_FILE: csv_bytes(ENTITY_COLUMNS, entities)[0],
        RELATIONS_FILE: csv_bytes(RELATION_COLUMNS, relations)[0],
    }
