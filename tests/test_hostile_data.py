"""Broken and hostile data files: the loader gives a whole graph or one DataError, nothing else.

Hypothesis generates the files: random bytes, other encodings, missing and extra columns, quotes
and newlines inside fields, duplicate and dangling ids, huge fields, BOMs and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem.errors import DataError
from ecosystem.graph import load_graph
from ecosystem.schema import ENTITY_COLUMNS, ENTITY_TYPES, RELATION_COLUMNS, RELATION_TYPES

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IDS = st.sampled_from(["acme", "cluster", "proj", "na", "NA", "", "a b", "ghost", "x" * 300])
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            '<script>alert("x")</script>',
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            'quote " inside',
            "comma, inside",
            "new\nline",
            "carriage\r\nreturn",
            "\ufeffbom",
            '=HYPERLINK("x")',
            "x" * 5000,
        ]
    ),
)


def _entity_rows():
    return st.lists(
        st.fixed_dictionaries(
            {
                "id": IDS,
                "name": NASTY_TEXT,
                "type": st.one_of(st.sampled_from(sorted(ENTITY_TYPES)), st.text(max_size=8)),
                "aliases": NASTY_TEXT,
                "country": st.sampled_from(["ES", "", "Spain", "es"]),
                "description": NASTY_TEXT,
                "url": st.sampled_from(["", "https://example.org", "javascript:alert(1)"]),
            }
        ),
        max_size=6,
    )


def _relation_rows():
    return st.lists(
        st.fixed_dictionaries(
            {
                "source": IDS,
                "target": IDS,
                "type": st.one_of(st.sampled_from(sorted(RELATION_TYPES)), st.text(max_size=8)),
                "role": NASTY_TEXT,
                "start": st.sampled_from(["", "2023", "2023-02-30", "yesterday"]),
                "end": st.sampled_from(["", "2024-01", "2022"]),
                "amount_eur": st.sampled_from(["", "10", "1e6", "-5", "10.5"]),
                "evidence": NASTY_TEXT,
                "doc": st.sampled_from(["doc.txt", "", "../x", "a.txt|b.txt"]),
            }
        ),
        max_size=6,
    )


def _columns(all_columns):
    return st.lists(st.sampled_from([*all_columns, "extra"]), unique=True, min_size=0).map(
        lambda chosen: chosen or list(all_columns)
    )


def _csv_bytes(columns, rows, *, crlf: bool, bom: bool, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n" if crlf else "\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "x") for column in columns})
    data = buffer.getvalue().encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def _data_rows(raw: bytes) -> int | None:
    """Rows an independent reader finds, or None when the file is not readable text CSV."""
    try:
        text = raw.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def _check(entities: bytes, relations: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "entities.csv").write_bytes(entities)
        (base / "relations.csv").write_bytes(relations)
        try:
            graph = load_graph(base)
        except DataError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.file in ("entities.csv", "relations.csv", str(base))
                assert problem.line >= 0
                assert problem.column
                assert problem.fix
            return
        # Loaded: then wholly, every row of both files.
        assert isinstance(graph, nx.MultiDiGraph)
        assert graph.number_of_nodes() == _data_rows(entities)
        assert graph.number_of_edges() == _data_rows(relations)


@SETTINGS
@given(st.binary(max_size=400), st.binary(max_size=400))
def test_random_bytes(entities, relations):
    _check(entities, relations)


@SETTINGS
@given(
    _columns(ENTITY_COLUMNS),
    _entity_rows(),
    _columns(RELATION_COLUMNS),
    _relation_rows(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["utf-8", "latin-1", "utf-16", "cp1252"]),
)
def test_generated_files(entity_columns, entities, relation_columns, relations, crlf, bom, enc):
    _check(
        _csv_bytes(entity_columns, entities, crlf=crlf, bom=bom, encoding=enc),
        _csv_bytes(relation_columns, relations, crlf=crlf, bom=bom, encoding="utf-8"),
    )


@SETTINGS
@given(
    st.lists(st.sampled_from(["acme", "cluster", "proj"]), min_size=1, max_size=5),
    st.lists(
        st.tuples(
            st.sampled_from(["acme", "cluster", "proj", "ghost"]),
            st.sampled_from(["acme", "cluster", "proj", "ghost"]),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_duplicate_and_dangling_ids(ids, pairs):
    entities = [{"id": i, "name": i.title(), "type": "company"} for i in ids]
    relations = [
        {"source": s, "target": t, "type": "supports", "evidence": "x" * 25, "doc": "d.txt"}
        for s, t in pairs
    ]
    _check(
        _csv_bytes(list(ENTITY_COLUMNS), entities, crlf=False, bom=False, encoding="utf-8"),
        _csv_bytes(list(RELATION_COLUMNS), relations, crlf=False, bom=False, encoding="utf-8"),
    )


def test_a_huge_field_loads_or_fails_cleanly():
    entities = [
        {"id": "acme", "name": "A" * 2_000_000, "type": "company"},
        {"id": "b", "name": "B", "type": "company"},
    ]
    relations = [
        {"source": "acme", "target": "b", "type": "supports", "evidence": "e" * 30, "doc": "d.txt"}
    ]
    _check(
        _csv_bytes(list(ENTITY_COLUMNS), entities, crlf=False, bom=False, encoding="utf-8"),
        _csv_bytes(list(RELATION_COLUMNS), relations, crlf=False, bom=False, encoding="utf-8"),
    )
