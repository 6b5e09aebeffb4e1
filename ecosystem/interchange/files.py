"""Reading foreign files safely: a size limit, one encoding, CSV rows with their lines, XML with
the line of every element and no entity declarations.

Every reader here appends :class:`~ecosystem.errors.Problem` s that name the file, the line (or
element, or sheet row) and what to do, and returns what it could read; the importer raises one
:class:`~ecosystem.errors.DataError` with all of them before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ecosystem.analysis.lookup import fold
from ecosystem.errors import Problem

DEFAULT_MAX_MB = 100
MEGABYTE = 1024 * 1024

_DOC_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
SLUG_MAX = 60


@dataclass(frozen=True)
class Origin:
    """Where an imported row came from: the file, its line (or sheet row) and the element."""

    file: str
    line: int = 0
    where: str = ""  # an element such as '<edge id="3">', or 'sheet Connections'
    unit: str = "line"  # "line" in text files, "row" in spreadsheets

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.line:
            parts.append(f"{self.unit} {self.line}")
        return " ".join(parts)

    def problem(self, column: str, message: str, fix: str) -> Problem:
        """A problem at this origin; ``column`` names the field, the element goes in front."""
        place = f"{self.where} {column}".strip() if self.where else column
        return Problem(self.file, self.line, place or "-", message, fix)


def check_file(path: Path, max_bytes: int, problems: list[Problem]) -> bool:
    """Whether ``path`` is a readable file within the size limit; else append why not.

    The size is checked before a byte is read, so a 200 MB file costs nothing.
    """
    name = path.name
    if not path.exists():
        problems.append(Problem(name, 0, "-", f"no such file in {path.parent}", "check the path"))
        return False
    if not path.is_file():
        problems.append(Problem(name, 0, "-", "is a folder, not a file", "name the file itself"))
        return False
    size = path.stat().st_size
    if size > max_bytes:
        problems.append(
            Problem(
                name,
                0,
                "-",
                f"the file is {size / MEGABYTE:.3g} MB, more than the import limit of "
                f"{max_bytes / MEGABYTE:.3g} MB",
                "split it into smaller files, or raise the limit with --max-size MB",
            )
        )
        return False
    return True


def decode(raw: bytes, name: str, problems: list[Problem]) -> str | None:
    """The text of a file that must be UTF-8 (a byte-order mark is allowed), or None.

    The problem names the line and column of the first byte that is not UTF-8.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.append(
            Problem(name, 1, "-", "the file is UTF-16, not UTF-8", "save the file as UTF-8")
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            Problem(
                name,
                line,
                f"column {column}",
                f"byte 0x{raw[error.start]:02x} is not UTF-8 (the file is in another encoding, "
                "such as Windows-1252 or Latin-1)",
                "save the file as UTF-8 (in a spreadsheet: Save As, CSV UTF-8)",
            )
        )
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(
            Problem(name, line, "-", "NUL byte in text", "this is not a text file: export again")
        )
        return None
    return text


@dataclass(frozen=True)
class CsvTable:
    """A delimited text file: its header and its rows, each with the line it starts on."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_delimited(
    text: str, name: str, delimiter: str, problems: list[Problem]
) -> CsvTable | None:
    """Parse ``text`` strictly with ``delimiter``; every field stays text, stripped.

    Rows of the wrong length and broken quoting are appended to ``problems`` with their line.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(column.strip() for column in next(reader))
    except StopIteration:
        problems.append(Problem(name, 1, "-", "the file is empty", "export it again"))
        return None
    except csv.Error as error:
        problems.append(Problem(name, 1, "-", f"malformed header: {error}", "fix the header"))
        return None
    duplicated = sorted({column for column in header if column and header.count(column) > 1})
    if duplicated:
        problems.append(
            Problem(name, 1, ", ".join(duplicated), "column named twice", "keep one of them")
        )
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                Problem(name, line, "-", f"malformed row: {error}", "check the quotes on this row")
            )
            return None
        start, line = line, reader.line_num + 1
        if not values or all(not value.strip() for value in values):
            continue
        if len(values) != len(header):
            separator = {";": "semicolons", ",": "commas", "\t": "tabs"}.get(delimiter, delimiter)
            problems.append(
                Problem(
                    name,
                    start,
                    "-",
                    f"{len(values)} fields where the header has {len(header)}",
                    f"quote fields that contain {separator}",
                )
            )
            continue
        rows.append((start, {c: v.strip() for c, v in zip(header, values, strict=True)}))
    return CsvTable(name, header, tuple(rows))


def missing_columns(
    table: CsvTable, required: tuple[str, ...], problems: list[Problem], what: str
) -> bool:
    """Append a problem and answer True when the header lacks a required column."""
    missing = [column for column in required if column not in table.header]
    if missing:
        problems.append(
            Problem(
                table.name,
                1,
                ", ".join(missing),
                f"missing column{'s' if len(missing) > 1 else ''} of {what} "
                f"(the header is {', '.join(table.header)[:200]})",
                "use the file as the tool exported it, with its header row",
            )
        )
    return bool(missing)


class _Refused(Exception):
    def __init__(self, line: int, what: str):
        self.line = line
        self.what = what


@dataclass(frozen=True)
class XmlDocument:
    """A parsed XML file and the line each element starts on."""

    name: str
    root: ET.Element
    lines: dict[ET.Element, int]

    def line(self, element: ET.Element) -> int:
        return self.lines.get(element, 0)


def local(tag: str) -> str:
    """An element or attribute name without its namespace: ``{http://gexf.net/1.3}node`` -> node."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(raw: bytes, name: str, tool: str, problems: list[Problem]) -> XmlDocument | None:
    """Parse XML with expat, recording each element's line; refuse entity declarations.

    Entities are how XML reads other files or expands a few bytes into gigabytes; none of the
    formats read here needs them, so a document that declares one is refused (as defusedxml
    does) rather than parsed. A broken document is reported with the parser's line and column.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def qualified(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(
            qualified(tag), {qualified(key): value for key, value in attributes.items()}
        )
        lines[element] = parser.CurrentLineNumber

    def refuse_entity(*_args) -> None:
        raise _Refused(parser.CurrentLineNumber, "an entity declaration (<!ENTITY>)")

    def refuse_external(*_args) -> int:
        raise _Refused(parser.CurrentLineNumber, "a reference to an external entity")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(qualified(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as error:
        problems.append(
            Problem(
                name,
                error.lineno,
                f"column {error.offset + 1}",
                f"not well-formed XML: {expat.ErrorString(error.code)}",
                f"the file is damaged or cut short: export it again from {tool}",
            )
        )
        return None
    except _Refused as refused:
        problems.append(
            Problem(
                name,
                refused.line,
                "<!DOCTYPE>",
                f"the document contains {refused.what}, which is never accepted",
                f"remove the DOCTYPE section, or export the file again from {tool}",
            )
        )
        return None
    return XmlDocument(name, builder.close(), lines)


def describe(element: ET.Element) -> str:
    """How a problem names an element: ``<edge id="12">``."""
    ident = element.get("id")
    return (
        f'<{local(element.tag)} id="{ident}">' if ident is not None else f"<{local(element.tag)}>"
    )


def slugify(text: str, *, max_length: int = SLUG_MAX) -> str:
    """A slug id from a name: folded, hyphenated, at most ``max_length`` characters.

    >>> slugify("Universidad de León (ULE)")
    'universidad-de-leon-ule'
    >>> slugify("MINE.THE.GAP")
    'mine-the-gap'
    >>> slugify("Agencia de Innovación y Financiación Empresarial de Castilla y León")
    'agencia-de-innovacion-y-financiacion-empresarial-de-castilla'
    >>> slugify("東京")
    ''
    """
    slug = "-".join(fold(text).split())
    if len(slug) > max_length:
        cut = slug[:max_length]
        whole_word = slug[max_length] == "-"
        slug = cut if whole_word or "-" not in cut else cut.rsplit("-", 1)[0]
    return slug


def doc_name(file_name: str) -> str:
    """A file name as ``doc`` accepts it: letters, digits, dots, hyphens and underscores.

    >>> doc_name("Les Misérables (2).gexf")
    'Les_Miserables_2_.gexf'
    """
    decomposed = unicodedata.normalize("NFKD", file_name)
    ascii_name = "".join(char for char in decomposed if not unicodedata.combining(char))
    cleaned = _DOC_UNSAFE.sub("_", ascii_name).lstrip("._-")
    return cleaned or "imported"
