"""Reading CSV column by column gives what reading it row by row with the csv module gives:
the same header, rows, lines, problems and completeness, on any text."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import tables
from ecosystem.errors import Problem
from ecosystem.tables import parse_columns, parse_csv, unguard_cell


def row_by_row(text: str, delimiter: str = ",", unguard: bool = False):
    """The strict reader one row at a time: what parse_csv is held to."""
    problems: list[Problem] = []
    limit = csv.field_size_limit()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(column.strip() for column in next(reader))
    except StopIteration:
        return None, [Problem("t.csv", 1, "-", "the file is empty", "add a header row")]
    except csv.Error as error:
        return None, [Problem("t.csv", 1, "-", f"malformed CSV header: {error}", "fix the header")]
    if tables.duplicated_columns(header):
        return None, "duplicated"
    rows = []
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return (header, rows, True), problems
        except csv.Error as error:
            fix = (
                f"shorten the field to under {limit:,} characters"
                if "field limit" in str(error)
                else "check the quotes on this row"
            )
            problems.append(Problem("t.csv", line, "-", f"malformed CSV: {error}", fix))
            return (header, rows, False), problems
        start, line = line, reader.line_num + 1
        if not "".join(values).strip():
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    "t.csv",
                    start,
                    "-",
                    f"{len(values)} fields where the header has {len(header)}",
                    f"quote fields that contain {tables.SEPARATORS.get(delimiter, delimiter)}",
                )
            )
            continue
        cells = [value.strip() for value in values]
        if unguard:
            cells = [unguard_cell(cell) for cell in cells]
        rows.append((start, dict(zip(header, cells, strict=True))))


def columns_read(text: str, delimiter: str = ",", unguard: bool = False):
    problems: list[Problem] = []
    table = parse_csv(text, "t.csv", problems, delimiter=delimiter, unguard=unguard)
    if table is None:
        return None, "duplicated" if problems and "named twice" in problems[0].message else problems
    return (table.header, list(table.rows), table.complete), problems


# Characters that matter to a CSV reader, and a few that do not.
TEXTS = st.text(alphabet=list("ab ,;\"'=\n\r\t-\xa0\u2003é"), max_size=60)


@settings(max_examples=1500, deadline=None)
@given(TEXTS, st.sampled_from([",", ";"]), st.booleans())
def test_any_text_reads_as_the_csv_module_reads_it(text, delimiter, unguard):
    assert columns_read(text, delimiter, unguard) == row_by_row(text, delimiter, unguard)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "\n\nid,name\n",
        "id,name\na,b",
        "id,name\na,b\n\n,\n  ,  \nc,d\n",
        'id,name\na,"two\nlines"\nb,c\n',
        'id,name\na,"two\r\nlines"\r\nb,c\r\n',
        'id,name\na,"open\nb,c\n',
        'id,name\na,"x"y\nb,c\n',
        "id,name\na,b,c\nd\n",
        "id,name\r\na ,\tb\r\n",
        "id,name\ra,b\rc,d\r",
        "id,name\na,'=1\nb,''=2\n",
        "id\n\n\na\n",
    ],
)
def test_edge_cases_read_as_the_csv_module_reads_them(text):
    assert columns_read(text, unguard=True) == row_by_row(text, unguard=True)


def test_every_kind_of_space_is_one_stripping_removes():
    every = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(tables.SPACES) == every


@pytest.mark.parametrize("space", tables.SPACES.replace("\n", "").replace("\r", ""))
def test_a_field_padded_with_any_space_is_stripped(space):
    text = f"id,name\na,b{space}\n{space}c,d\ne,{space}f{space}\n"
    assert columns_read(text) == row_by_row(text)
    assert [fields["name"] for _, fields in columns_read(text)[0][1]] == ["b", "d", "f"]


def test_a_field_over_the_limit_stops_the_reading_on_its_line():
    text = "id,name\na,b\nc," + "x" * (csv.field_size_limit() + 1) + "\nd,e\n"
    expected = row_by_row(text)
    assert columns_read(text) == expected
    assert expected[1][0].line == 3 and "field larger than field limit" in expected[1][0].message


def test_quoted_lines_go_to_the_csv_reader_the_others_are_split(monkeypatch):
    text = 'id,name\na,b\nc,"d, e"\nf,g\n'
    read: list[str] = []
    real = tables.csv.reader

    def spy(lines, **options):
        def recorded():
            for line in lines:
                read.append(line)
                yield line

        return real(recorded(), **options)

    monkeypatch.setattr(tables.csv, "reader", spy)
    columns = parse_columns(text, "t.csv", [])
    assert columns is not None
    assert columns.lines == [2, 3, 4]
    assert columns.values == [["a", "c", "f"], ["b", "d, e", "g"]]
    assert read == ["id,name\n", 'c,"d, e"\n']
