"""Reading foreign files safely: a size limit, one encoding, CSV rows with their lines, XML with
the line of every element and no entity declarations.

Every reader here appends :class:`~ecosystem.errors.Problem` s that name the file, the line (or
element, or sheet row) and what to do, and returns what it could read; the importer raises one
:class:`~ecosystem.errors.DataError` with all of them before anything is written.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ecosystem.analysis.lookup import fold
from ecosystem.errors import Problem
from ecosystem.interchange.formats import DEFAULT_MAX_MB
from ecosystem.tables import CsvTable, decode, parse_csv

__all__ = ["DEFAULT_MAX_MB", "CsvTable", "decode"]

MEGABYTE = 1024 * 1024
# Deeper than any network file needs (GEXF's nested nodes, yEd's groups go a few levels down);
# deeper documents are refused before anything walks them, and the readers' recursion over nested
# nodes (one level per two elements) stays well inside Python's limit of 1,000 frames.
MAX_XML_DEPTH = 1000
MAX_JSON_DEPTH = 64
# A workbook member that unpacks to more than this many times its packed size is a bomb, not a
# spreadsheet (sheet XML packs 5 to 30 times; a repeated cell of 100 MB packs 1,000 times).
MAX_PACKING_RATIO = 200

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
    try:
        info = path.stat()
    except OSError as error:
        problems.append(
            Problem(name, 0, "-", f"cannot read: {error.strerror or error}", "check the path")
        )
        return False
    if stat.S_ISDIR(info.st_mode):
        problems.append(Problem(name, 0, "-", "is a folder, not a file", "name the file itself"))
        return False
    if not stat.S_ISREG(info.st_mode):
        problems.append(
            Problem(
                name, 0, "-", "not a regular file (a pipe, a device or a socket)", "name a file"
            )
        )
        return False
    size = info.st_size
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


def read_delimited(
    text: str, name: str, delimiter: str, problems: list[Problem]
) -> CsvTable | None:
    """Parse ``text`` strictly with ``delimiter`` (:func:`ecosystem.tables.parse_csv`); every
    field stays text, stripped. A file whose reading stopped at a broken row gives None."""
    table = parse_csv(text, name, problems, delimiter=delimiter)
    return table if table is not None and table.complete else None


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
    depth = 0

    def qualified(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(
                parser.CurrentLineNumber, f"elements nested more than {MAX_XML_DEPTH} deep"
            )
        element = builder.start(
            qualified(tag), {qualified(key): value for key, value in attributes.items()}
        )
        lines[element] = parser.CurrentLineNumber

    def refuse_entity(*_args) -> None:
        raise _Refused(parser.CurrentLineNumber, "an entity declaration (<!ENTITY>)")

    def refuse_external(*_args) -> int:
        raise _Refused(parser.CurrentLineNumber, "a reference to an external entity")

    parser.StartElementHandler = start

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(qualified(tag))

    parser.EndElementHandler = end
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
        nested = refused.what.startswith("elements nested")
        problems.append(
            Problem(
                name,
                refused.line,
                "-" if nested else "<!DOCTYPE>",
                f"the document contains {refused.what}, which is never accepted",
                f"export the file again from {tool}"
                if nested
                else f"remove the DOCTYPE section, or export the file again from {tool}",
            )
        )
        return None
    return XmlDocument(name, builder.close(), lines)


def check_workbook(path: Path, max_bytes: int, tool: str, problems: list[Problem]) -> bool:
    """Whether the ``.xlsx`` at ``path`` may be opened: a zip archive whose members unpack to at
    most ``max_bytes`` in all (the import's size limit applies to what is unpacked, not only to
    the file), none packed suspiciously tightly, and whose XML declares no DOCTYPE. Else append
    why not and answer False.
    """
    name = path.name

    def refuse(message: str, fix: str) -> bool:
        problems.append(Problem(name, 0, "-", message, fix))
        return False

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > max_bytes:
                return refuse(
                    f"the workbook unpacks to {unpacked / MEGABYTE:.3g} MB, more than the import "
                    f"limit of {max_bytes / MEGABYTE:.3g} MB",
                    "split it into smaller workbooks, or raise the limit with --max-size MB",
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > MEGABYTE and ratio > MAX_PACKING_RATIO:
                    return refuse(
                        f"{member.filename} unpacks {ratio:.0f} times its packed size "
                        f"({member.file_size / MEGABYTE:.3g} MB): not a spreadsheet's contents",
                        f"save the workbook again from {tool}",
                    )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        head = stream.read(4096)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        return refuse(
                            f"{member.filename} declares a DOCTYPE, which is never accepted",
                            f"save the workbook again from {tool}",
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as error:
        return refuse(
            f"not a readable .xlsx workbook ({type(error).__name__}: the file is damaged or cut "
            "short)",
            "save it from the spreadsheet as an Excel workbook (.xlsx)",
        )
    return True


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
