"""CSV in and out, one way for the whole code base: the strict reader and the spreadsheet guard.

Reading (:func:`parse_csv`): every field stays text, each row keeps the physical line it starts on
(quoted fields may span lines) because that is what an error message has to name, and every
problem is appended to a list rather than raised, so a caller can report all of them at once. The
work is linear in the size of the file, header included (a header of 100,000 columns is checked
in milliseconds), and one oversized field stops the reading with one message, marked as
incomplete so that callers do not report what follows as missing.

Writing (:func:`csv_bytes`): a cell that a spreadsheet would run as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP's CSV-injection advice lists) is
written with a leading apostrophe, which spreadsheets take to mean "this is text" and do not show.
:func:`unguard_cell` removes that apostrophe when such a file is read back, so a round trip gives
every value back exactly: a value that itself starts with apostrophes before one of those
characters gains one more on the way out and loses it on the way in.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ecosystem.errors import Problem

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
# In any text holding a guarded cell; a literal first character makes the search a fast scan.
_GUARD_IN_TEXT = re.compile(r"'[=+\-@\t\r]")
# Longer fields than this are refused with one clear message (the csv module's own default).
FIELD_LIMIT = 131_072
SEPARATORS = {";": "semicolons", ",": "commas", "\t": "tabs"}


def guard_cell(value: str) -> str:
    """A cell as a spreadsheet must see it: text that could run as a formula gets an apostrophe.

    >>> guard_cell('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> guard_cell("Acme")
    'Acme'
    >>> guard_cell("'=1")
    "''=1"
    """
    return "'" + value if _NEEDS_GUARD.match(value) else value


def unguard_cell(value: str) -> str:
    """What :func:`guard_cell` was given: a guarding apostrophe removed, anything else as is.

    >>> unguard_cell("'=1+1"), unguard_cell("''=1"), unguard_cell("'quoted'")
    ('=1+1', "'=1", "'quoted'")
    """
    return value[1:] if value[:1] == "'" and _GUARDED.match(value) else value


def csv_bytes(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> tuple[bytes, list[int]]:
    """Rows as UTF-8 CSV with a header, every cell guarded, and the line each row starts on
    (quoted fields may span lines, and a problem has to name the line the loader will report).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([guard_cell(column) for column in columns])
    lines = []
    line = 2
    for row in rows:
        lines.append(line)
        cells = [guard_cell(row.get(column, "")) for column in columns]
        writer.writerow(cells)
        line += 1 + sum(cell.count("\n") for cell in cells)
    return buffer.getvalue().encode("utf-8"), lines


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
            Problem(name, line, "-", "NUL byte in text", "this is not a text file: save it as CSV")
        )
        return None
    return text


@dataclass(frozen=True)
class CsvTable:
    """A delimited text file: its header, its rows each with the line it starts on, and whether
    it was read to the end (a malformed row stops the reading)."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    complete: bool = True


@dataclass(frozen=True)
class CsvColumns:
    """A delimited text file held column by column: its header, the line each row starts on,
    one list of values per column of the header (each aligned with ``lines``), and whether it
    was read to the end. What :class:`CsvTable` holds, without a dict per row."""

    name: str
    header: tuple[str, ...]
    lines: list[int]
    values: list[list[str]]
    complete: bool = True

    def rows(self) -> tuple[tuple[int, dict[str, str]], ...]:
        """Each row's line and its fields by column, in the file's order."""
        header = self.header
        fields = (dict(zip(header, row, strict=True)) for row in zip(*self.values, strict=True))
        return tuple(zip(self.lines, fields, strict=True)) if header else ()


def duplicated_columns(header: Sequence[str]) -> list[str]:
    """Column names (other than empty ones) that appear more than once, sorted; linear time.

    >>> duplicated_columns(["id", "name", "id", "", ""])
    ['id']
    """
    return sorted(name for name, count in Counter(header).items() if name and count > 1)


def parse_csv(
    text: str,
    name: str,
    problems: list[Problem],
    *,
    delimiter: str = ",",
    unguard: bool = False,
) -> CsvTable | None:
    """Parse ``text`` strictly; every field stays text, stripped (and unguarded when asked).

    Returns None when the file is empty or its header is unusable. Rows of the wrong length are
    reported with their line and skipped; broken quoting or an oversized field stops the reading
    (the table is then marked incomplete). :func:`parse_columns` gives the same column by column.
    """
    columns = parse_columns(text, name, problems, delimiter=delimiter, unguard=unguard)
    if columns is None:
        return None
    return CsvTable(name, columns.header, columns.rows(), columns.complete)


def parse_columns(
    text: str,
    name: str,
    problems: list[Problem],
    *,
    delimiter: str = ",",
    unguard: bool = False,
) -> CsvColumns | None:
    """:func:`parse_csv`, the values held column by column: the same rows, lines and problems.

    Every record is what the ``csv`` module (strict) makes of it; but a line without a quote is
    one record, the fields between its delimiters, so runs of such lines are split as text, many
    times faster, and only the others go to the ``csv`` reader (:func:`_split_pieces`).
    """
    limit = csv.field_size_limit()
    if _splittable(text):
        pieces = _split_pieces(text, delimiter, limit)
    else:
        pieces = _csv_pieces(text, delimiter)
    try:
        first = next(pieces, None)
    except _Malformed as error:
        problems.append(
            Problem(name, 1, "-", f"malformed CSV header: {error.reason}", "fix the header")
        )
        return None
    if first is None:
        problems.append(Problem(name, 1, "-", "the file is empty", "add a header row"))
        return None
    header = tuple(column.strip() for column in first[1] or ())
    duplicated = duplicated_columns(header)
    if duplicated:
        shown = ", ".join(duplicated[:10]) + (
            f" and {len(duplicated) - 10} more" if len(duplicated) > 10 else ""
        )
        problems.append(Problem(name, 1, shown, "column named twice", "keep one of them"))
        return None
    width = len(header)
    lines: list[int] = []
    fields: list[str] = []  # row after row, ``width`` fields each

    def add(line: int, values: list[str]) -> None:
        if len(values) == width:
            lines.append(line)
            fields.extend(map(str.strip, values))
        elif "".join(values).strip():
            problems.append(
                Problem(
                    name,
                    line,
                    "-",
                    f"{len(values)} fields where the header has {width}",
                    f"quote fields that contain {SEPARATORS.get(delimiter, delimiter)}",
                )
            )

    def add_lines(line: int, plain: list[str]) -> None:
        counts = list(map(operator.methodcaller("count", delimiter), plain))
        # Lines of another width (a blank one too) one by one, the runs between them at once.
        odd = (
            []
            if counts.count(width - 1) == len(plain)
            else [index for index, count in enumerate(counts) if count != width - 1]
        )
        begin = 0
        for end in (*odd, len(plain)):
            if begin < end:
                lines.extend(range(line + begin, line + end))
                run = delimiter.join(plain[begin:end])
                found = run.split(delimiter)
                fields.extend(map(str.strip, found) if _padded(run, delimiter) else found)
            if end < len(plain):
                add(line + end, plain[end].split(delimiter))
            begin = end + 1

    stopped: _Malformed | None = None
    try:
        for line, record, plain in pieces:
            if plain is None:
                add(line, record or [])
            else:
                add_lines(line, plain)
    except _Malformed as stop:
        stopped = stop
    if not width:
        lines = []  # every row of the width of an empty header is blank
    values = [fields[index::width] for index in range(width)]
    if lines and "" in values[0]:  # a row of nothing but blanks is no row
        lines, values = _without_blank_rows(lines, values)
    if unguard and _GUARD_IN_TEXT.search(text):  # no cell starts with a guard the text lacks
        values = [list(map(unguard_cell, column)) for column in values]
    if stopped is not None:
        fix = (
            f"shorten the field to under {limit:,} characters"
            if "field limit" in str(stopped.reason)
            else "check the quotes on this row"
        )
        problems.append(Problem(name, stopped.line, "-", f"malformed CSV: {stopped.reason}", fix))
    return CsvColumns(name, header, lines, values, complete=stopped is None)


# Every character ``str.strip`` removes (``str.isspace``).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _padded(text: str, delimiter: str) -> bool:
    """Whether a field of ``text`` (fields joined by ``delimiter``) starts or ends with a space,
    found with a search for each kind of space the text holds (most kinds cannot be in a text
    of narrower characters, and the search says so at once).

    >>> _padded("a,b,c", ","), _padded("a, b,c", ","), _padded("a,b ", ",")
    (False, True, True)
    """
    if text[:1].isspace() or text[-1:].isspace():
        return True
    return any(
        delimiter + space in text or space + delimiter in text for space in SPACES if space in text
    )


class _Malformed(Exception):
    """A record the ``csv`` module refuses: the line it starts on, and why. It ends the reading."""

    def __init__(self, line: int, reason: csv.Error):
        super().__init__(line, reason)
        self.line, self.reason = line, reason


# A part of a file, in order: the line it starts on, and the values of one record as the ``csv``
# module read it, or (``None`` for those) a run of lines each of which is one record, the fields
# between its delimiters.
Piece = tuple[int, list[str] | None, list[str] | None]


def _csv_pieces(text: str, delimiter: str) -> Iterator[Piece]:
    """Every record of ``text`` as the ``csv`` module reads it (strict), with the line it
    starts on; raises :class:`_Malformed` at a record it refuses."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _Malformed(line, error) from None
        yield line, values, None


def _splittable(text: str) -> bool:
    """Whether ``text`` breaks lines only at ``\\n`` (a carriage return only before one) and
    holds no NUL, so that its physical lines are its ``split("\\n")``, as the ``csv`` module
    counts them."""
    return "\x00" not in text and ("\r" not in text or text.count("\r") == text.count("\r\n"))


def _split_pieces(text: str, delimiter: str, limit: int) -> Iterator[Piece]:
    """:func:`_csv_pieces` of a :func:`_splittable` text, runs of plain lines left whole.

    A line holding no quote and no more characters than the field limit is one record, its
    fields what lies between the delimiters (a carriage return ending the line stays on the
    last field, where stripping removes it; an empty line is one empty field rather than none:
    both are blank either way). The header and every other line go to one ``csv`` reader, which
    takes as many lines as a quoted field spans.
    """
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    count = len(lines)
    position = 0

    def physical() -> Iterator[str]:
        nonlocal position
        while position < count:
            line = lines[position]
            position += 1
            yield line + "\n" if position < count or ends_with_newline else line

    reader = csv.reader(physical(), delimiter=delimiter, strict=True)
    if '"' in text or max(map(len, lines), default=0) > limit:
        special = [index for index, line in enumerate(lines) if '"' in line or len(line) > limit]
    else:
        special = []
    done = 0  # lines[:done] are read
    for index in (0, *special) if count else ():
        if index < done:
            continue  # inside a quoted field that an earlier record spans
        if done < index:
            yield done + 1, None, lines[done:index]
        position = index
        try:
            values = next(reader)
        except csv.Error as error:
            raise _Malformed(index + 1, error) from None
        yield index + 1, values, None
        done = position
    if done < count:
        yield done + 1, None, lines[done:]


def _without_blank_rows(
    lines: list[int], values: list[list[str]]
) -> tuple[list[int], list[list[str]]]:
    """``lines`` and the columns ``values`` (stripped) without the rows whose every field is
    empty."""
    blank = {
        index
        for index, first in enumerate(values[0])
        if not first and not any(column[index] for column in values)
    }
    if not blank:
        return lines, values
    kept = [index for index in range(len(lines)) if index not in blank]
    return [lines[index] for index in kept], [[column[i] for i in kept] for column in values]
