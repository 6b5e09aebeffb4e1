"""What each row of the entities and relations files must hold, checked field by field: every
problem found is appended with the file, the line, the column and what to do; hints ("did you
mean") are bounded per file, so a badly broken file is still checked in seconds."""

from __future__ import annotations

import difflib
import operator
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
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
    relation_keys,
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
    """A file read strictly, held column by column: ``values`` holds one list per column of
    the header (``columns``), each aligned with ``lines``, the line each row starts on."""

    path: Path
    name: str = ""
    columns: tuple[str, ...] = ()
    lines: list[int] = field(default_factory=list)
    values: list[list[str]] = field(default_factory=list)
    complete: bool = True  # read to its end; else unknown-id checks against it are noise
    _distinct: dict[str, set[str]] = field(default_factory=dict, repr=False, compare=False)

    def column(self, name: str) -> list[str]:
        """The values of column ``name``, one per row; empty ones when the file has none."""
        if name in self.columns:
            return self.values[self.columns.index(name)]
        return [""] * len(self.lines)

    def distinct(self, name: str) -> set[str]:
        """The distinct values of column ``name`` (kept: several checks ask)."""
        if name not in self._distinct:
            self._distinct[name] = set(self.column(name))
        return self._distinct[name]

    def has_empty(self, name: str) -> bool:
        """Whether a row leaves column ``name`` empty."""
        return "" in self._distinct.get(name, self.column(name))

    @cached_property
    def rows(self) -> list[Row]:
        """The rows one by one, their fields in the order of the header."""
        columns = self.columns
        return [
            Row(line, dict(zip(columns, row, strict=True)))
            for line, row in zip(self.lines, zip(*self.values, strict=True), strict=True)
        ]


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


# The checks go column by column: a check finds the rows it fails on (most often none, found in
# one pass in C over the column or over its distinct values) and reports each in file order. The
# problems of one row then come out check by check, and the loader's sort by line, being stable,
# puts them in the order a row-by-row reading gives: the order the checks are listed in.


def _where(
    lines: list[int], values: list[str], wrong: Collection[str]
) -> Iterator[tuple[int, str]]:
    """The line and the value of each row whose value is in ``wrong``."""
    if not wrong:
        return iter(())
    return ((line, value) for line, value in zip(lines, values, strict=True) if value in wrong)


def _report_empty(table: Table, column: str, fix: str, name: str, problems: list[Problem]) -> None:
    if table.has_empty(column):
        problems.extend(
            Problem(name, line, column, "empty", fix)
            for line, _ in _where(table.lines, table.column(column), {""})
        )


def check_entities(table: Table, problems: list[Problem]) -> dict[str, int]:
    """Every entity row: its required fields, its id (a slug, not taken), type, country and
    address. The entities by id, each with its line."""
    name = table.name or table.path.name
    lines = table.lines
    ids, types = table.column("id"), table.column("type")
    distinct_ids = table.distinct("id")
    table.distinct("type")  # asked for below
    for column in ENTITY_REQUIRED:
        _report_empty(table, column, f"give the entity a {column}", name, problems)
    if len(distinct_ids) == len(ids) and all(map(ID_PATTERN.match, distinct_ids - {""})):
        entities = dict(zip(ids, lines, strict=True))
        entities.pop("", None)
    else:
        entities = _checked_ids(lines, ids, name, problems)
    unknown = {
        kind: _one_of(kind, ENTITY_TYPES)
        for kind in table.distinct("type") - {""} - ENTITY_TYPES.keys()
    }
    problems.extend(
        Problem(name, line, "type", f"unknown entity type {kind!r}", unknown[kind])
        for line, kind in _where(lines, types, unknown)
    )
    odd = {
        value for value in table.distinct("country") if value and not COUNTRY_PATTERN.match(value)
    }
    if odd:
        from ecosystem.countries import country_problem

        # Text that names no country ("International") is kept as text.
        wrong = {value: found for value in odd if (found := country_problem(value))}
        problems.extend(
            Problem(name, line, "country", *wrong[value])
            for line, value in _where(lines, table.column("country"), wrong)
        )
    urls = {url for url in table.distinct("url") if url and not URL_PATTERN.match(url)}
    problems.extend(
        Problem(
            name,
            line,
            "url",
            f"{url[:60]!r} is not an http(s) address",
            "use an address starting with https:// or leave it empty",
        )
        for line, url in _where(lines, table.column("url"), urls)
    )
    return entities


def _checked_ids(
    lines: list[int], ids: list[str], name: str, problems: list[Problem]
) -> dict[str, int]:
    """The entities by id, each with its line; what is wrong with an id is reported."""
    entities: dict[str, int] = {}
    for line, entity_id in zip(lines, ids, strict=True):
        if entity_id and not ID_PATTERN.match(entity_id):
            problems.append(
                Problem(
                    name,
                    line,
                    "id",
                    f"{entity_id!r} is not a slug",
                    "use lowercase letters, digits and single hyphens, e.g. 'dg-grow'",
                )
            )
        elif entity_id in entities:
            problems.append(
                Problem(
                    name,
                    line,
                    "id",
                    f"duplicate id {entity_id!r} (first on line {entities[entity_id]})",
                    "give each entity its own id, or merge the two rows",
                )
            )
        elif entity_id:
            entities[entity_id] = line
    return entities


def check_relations(
    table: Table, entities: Mapping[str, int], entities_ok: bool, problems: list[Problem]
) -> None:
    """Every relation row: its required fields, its two ends (when ``entities_ok``), its other
    fields, and that it is not a duplicate."""
    name = table.name or table.path.name
    for column in ("source", "target", "type", "doc"):
        table.distinct(column)  # the checks below ask for these
    for column in RELATION_REQUIRED:
        _report_empty(table, column, f"fill in the {column}", name, problems)
    if entities_ok:
        _check_ends(table, name, entities, problems)
    _check_relation_fields(table, name, problems)
    _check_duplicates(table, name, problems)


def _check_ends(
    table: Table, name: str, entities: Mapping[str, int], problems: list[Problem]
) -> None:
    lines, sources, targets = table.lines, table.column("source"), table.column("target")
    unknown = (table.distinct("source") | table.distinct("target")) - {""} - entities.keys()
    if unknown:
        hints = _Hints(entities)
        for line, source, target in zip(lines, sources, targets, strict=True):
            for column, entity_id in (("source", source), ("target", target)):
                if entity_id in unknown:
                    problems.append(
                        Problem(
                            name,
                            line,
                            column,
                            f"unknown entity id {entity_id!r}",
                            hints(entity_id)
                            or f"add {entity_id!r} to {ENTITIES_FILE} or fix the id",
                        )
                    )
    if any(map(operator.eq, sources, targets)):
        problems.extend(
            Problem(
                name,
                line,
                "target",
                f"self-relation of {source!r}",
                "a relation links two different entities",
            )
            for line, source, target in zip(lines, sources, targets, strict=True)
            if source and source == target
        )


def _check_relation_fields(table: Table, name: str, problems: list[Problem]) -> None:
    lines = table.lines

    def report(column: str, wrong: Mapping[str, tuple[str, str]]) -> None:
        """A problem on each row whose ``column`` is a key of ``wrong``: (what, fix)."""
        problems.extend(
            Problem(name, line, column, *wrong[value])
            for line, value in _where(lines, table.column(column), wrong)
        )

    kinds = table.distinct("type") - {""} - RELATION_TYPES.keys()
    report(
        "type",
        {
            kind: (f"unknown relation type {kind!r}", _one_of(kind, RELATION_TYPES))
            for kind in kinds
        },
    )
    _check_dates(table, name, problems)
    amounts = table.column("amount_eur")
    if not all(map(AMOUNT_PATTERN.match, filter(None, amounts))):
        report(
            "amount_eur",
            {
                amount: (
                    f"{amount!r} is not an amount in euros",
                    "write a plain number such as 9765017.65 (no currency sign or separators)",
                )
                for amount in set(amounts)
                if amount and not AMOUNT_PATTERN.match(amount)
            },
        )
    evidence = table.column("evidence")
    if min(map(len, filter(None, evidence)), default=MIN_EVIDENCE_CHARS) < MIN_EVIDENCE_CHARS:
        report(
            "evidence",
            {
                excerpt: (
                    f"excerpt of {len(excerpt)} characters is too short",
                    f"quote at least {MIN_EVIDENCE_CHARS} characters of the source sentence",
                )
                for excerpt in set(evidence)
                if excerpt and len(excerpt) < MIN_EVIDENCE_CHARS
            },
        )
    wrong_docs = {}
    for cited in table.distinct("doc"):
        bad = [doc for doc in cited.split(DOC_SEPARATOR) if doc and not DOC_NAME_PATTERN.match(doc)]
        if bad:
            wrong_docs[cited] = bad
    problems.extend(
        Problem(
            name,
            line,
            "doc",
            f"{doc[:60]!r} is not a document file name",
            "name a file in data/sources/, without folders",
        )
        for line, cited in _where(lines, table.column("doc"), wrong_docs)
        for doc in wrong_docs[cited]
    )


def _check_dates(table: Table, name: str, problems: list[Problem]) -> None:
    """Each of start and end an ISO date, and the end not before the start: checked on the
    distinct pairs of dates (a network holds few)."""
    lines, starts, ends = table.lines, table.column("start"), table.column("end")
    pairs = set(zip(starts, ends, strict=True))
    first_days: dict[str, date] = {}
    seen = {"start": {start for start, _ in pairs}, "end": {end for _, end in pairs}}
    for column, values in (("start", starts), ("end", ends)):
        wrong = set()
        for value in seen[column] - {""}:
            parsed = _parse_date(value)
            if parsed is None:
                wrong.add(value)
            else:
                first_days[value] = parsed
        problems.extend(
            Problem(
                name,
                line,
                column,
                f"{value!r} is not an ISO 8601 date",
                "write YYYY-MM-DD, YYYY-MM or YYYY",
            )
            for line, value in _where(lines, values, wrong)
        )
    backwards = {
        (start, end)
        for start, end in pairs
        if start in first_days and end in first_days and first_days[end] < first_days[start]
    }
    if backwards:
        problems.extend(
            Problem(name, line, "end", "ends before it starts", "swap or correct the dates")
            for line, start, end in zip(lines, starts, ends, strict=True)
            if (start, end) in backwards
        )


def _check_duplicates(table: Table, name: str, problems: list[Problem]) -> None:
    """Two rows of one relation (:func:`~ecosystem.schema.relation_keys`): the second is
    reported. A row without both ends is not reported, but it counts as the first."""
    sources, targets = table.column("source"), table.column("target")
    keys = relation_keys(
        sources,
        targets,
        *(table.column(column) for column in ("type", "role", "start", "end")),
    )
    if len(set(keys)) == len(keys):
        return
    seen: dict[tuple[str, ...], int] = {}
    for line, source, target, key in zip(table.lines, sources, targets, keys, strict=True):
        if source and target and key in seen:
            problems.append(
                Problem(
                    name,
                    line,
                    "-",
                    f"duplicate of the relation on line {seen[key]}",
                    "delete one of the two rows",
                )
            )
        else:
            seen.setdefault(key, line)


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
