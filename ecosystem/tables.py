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
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ecosystem.errors import Problem

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
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
    (the table is then marked incomplete).
    """
    limit = csv.field_size_limit()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(column.strip() for column in next(reader))
    except StopIteration:
        problems.append(Problem(name, 1, "-", "the file is empty", "add a header row"))
        return None
    except csv.Error as error:
        problems.append(Problem(name, 1, "-", f"malformed CSV header: {error}", "fix the header"))
        return None
    duplicated = duplicated_columns(header)
    if duplicated:
        shown = ", ".join(duplicated[:10]) + (
            f" and {len(duplicated) - 10} more" if len(duplicated) > 10 else ""
        )
        problems.append(Problem(name, 1, shown, "column named twice", "keep one of them"))
        return None
    width = len(header)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            fix = (
                f"shorten the field to under {limit:,} characters"
                if "field limit" in str(error)
                else "check the quotes on this row"
            )
            problems.append(Problem(name, line, "-", f"malformed CSV: {error}", fix))
            return CsvTable(name, header, tuple(rows), complete=False)
        start, line = line, reader.line_num + 1
        if not "".join(values).strip():
            continue
        if len(values) != width:
            problems.append(
                Problem(
                    name,
                    start,
                    "-",
                    f"{len(values)} fields where the header has {width}",
                    f"quote fields that contain {SEPARATORS.get(delimiter, delimiter)}",
                )
            )
            continue
        if unguard:
            fields = {c: unguard_cell(v.strip()) for c, v in zip(header, values, strict=True)}
        else:
            fields = {c: v.strip() for c, v in zip(header, values, strict=True)}
        rows.append((start, fields))
    return CsvTable(name, header, tuple(rows))
