"""What each row of the entities and relations files must hold, checked field by field: every
problem found is appended with the file, the line, the column and what to do; hints ("did you
mean") are bounded per file, so a badly broken file is still checked in seconds."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ecosystem.errors import Problem
from ecosystem.schema import (
    DOC_SEPARATOR,
    ENTITIES_FILE,
    ENTITY_REQUIRED,
    ENTITY_TYPES,
    MIN_EVIDENCE_CHARS,
    RELATION_REQUIRED,
    RELATION_TYPES,
    date_period,
    relation_key,
)

if TYPE_CHECKING:
    from ecosystem.graph import Dataset

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
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
class Table:
    path: Path
    name: str = ""
    columns: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    complete: bool = True  # read to its end; else unknown-id checks against it are noise


def shorten(text: str, limit: int = 60) -> str:
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


def _parse_date(value: str) -> date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it can mean, else None."""
    period = date_period(value)
    return period[0] if period is not None else None


def check_entities(table: Table, problems: list[Problem]) -> dict[str, Row]:
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


def check_relations(
    table: Table, entities: dict[str, Row], entities_ok: bool, problems: list[Problem]
) -> None:
    """Every relation row: its two ends, its fields, and that it is not a duplicate."""
    name = table.name or table.path.name
    seen: dict[tuple[str, ...], int] = {}
    hints = _Hints(entities)
    for row in table.rows:
        for column in RELATION_REQUIRED:
            if not row[column]:
                problems.append(Problem(name, row.line, column, "empty", f"fill in the {column}"))
        if entities_ok:
            _check_ends(row, name, entities, hints, problems)
        _check_relation_fields(row, name, problems)
        key = relation_key(row.fields)
        if row["source"] and row["target"] and key in seen:
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


def _check_ends(
    row: Row, name: str, entities: dict[str, Row], hints: _Hints, problems: list[Problem]
) -> None:
    for column in ("source", "target"):
        entity_id = row[column]
        if entity_id and entity_id not in entities:
            problems.append(
                Problem(
                    name,
                    row.line,
                    column,
                    f"unknown entity id {entity_id!r}",
                    hints(entity_id) or f"add {entity_id!r} to {ENTITIES_FILE} or fix the id",
                )
            )
    if row["source"] and row["source"] == row["target"]:
        problems.append(
            Problem(
                name,
                row.line,
                "target",
                f"self-relation of {row['source']!r}",
                "a relation links two different entities",
            )
        )


def _check_relation_fields(row: Row, name: str, problems: list[Problem]) -> None:
    def problem(column: str, what: str, fix: str) -> None:
        problems.append(Problem(name, row.line, column, what, fix))

    relation_type = row["type"]
    if relation_type and relation_type not in RELATION_TYPES:
        problem(
            "type",
            f"unknown relation type {relation_type!r}",
            _one_of(relation_type, RELATION_TYPES),
        )
    dates: dict[str, date] = {}
    for column in ("start", "end"):
        value = row[column]
        parsed = _parse_date(value) if value else None
        if value and parsed is None:
            problem(
                column, f"{value!r} is not an ISO 8601 date", "write YYYY-MM-DD, YYYY-MM or YYYY"
            )
        elif parsed is not None:
            dates[column] = parsed
    if len(dates) == 2 and dates["end"] < dates["start"]:
        problem("end", "ends before it starts", "swap or correct the dates")
    amount = row["amount_eur"]
    if amount and not AMOUNT_PATTERN.match(amount):
        problem(
            "amount_eur",
            f"{amount!r} is not an amount in euros",
            "write a plain number such as 9765017.65 (no currency sign or separators)",
        )
    evidence = row["evidence"]
    if evidence and len(evidence) < MIN_EVIDENCE_CHARS:
        problem(
            "evidence",
            f"excerpt of {len(evidence)} characters is too short",
            f"quote at least {MIN_EVIDENCE_CHARS} characters of the source sentence",
        )
    for doc in filter(None, row["doc"].split(DOC_SEPARATOR)):
        if not DOC_NAME_PATTERN.match(doc):
            problem(
                "doc",
                f"{doc[:60]!r} is not a document file name",
                "name a file in data/sources/, without folders",
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
