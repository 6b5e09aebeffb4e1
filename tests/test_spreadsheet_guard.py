"""Cells a spreadsheet would run as formulas: guarded in every CSV file written, restored when
read."""

from __future__ import annotations

import csv

from hypothesis import given
from hypothesis import strategies as st

from ecosystem.cli import main
from ecosystem.graph import load_graph
from ecosystem.tables import FORMULA_START, guard_cell, unguard_cell
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, write_dataset

FORMULA = '=HYPERLINK("http://x","click")'


@given(st.text())
def test_unguard_undoes_guard_for_any_text(value):
    assert unguard_cell(guard_cell(value)) == value


@given(st.text())
def test_a_guarded_cell_never_starts_a_formula(value):
    assert not guard_cell(value).startswith(FORMULA_START)


@given(st.text(alphabet="'=+-@ab", max_size=6))
def test_round_trips_are_exact_for_apostrophes_before_formula_characters(value):
    assert unguard_cell(guard_cell(value)) == value


def hostile_dataset(folder):
    entities = [dict(row) for row in TINY_ENTITIES]
    entities[0]["name"] = FORMULA
    entities[1]["description"] = "+cmd|' /C calc'!A0"
    relations = [dict(row) for row in TINY_RELATIONS]
    relations[0]["role"] = "@SUM(1+1)"
    relations[1]["role"] = "-2+3"
    return write_dataset(folder, entities, relations)


def cells(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return [cell for row in csv.reader(stream) for cell in row]


def test_export_csv_guards_every_formula_and_reads_back_exactly(tmp_path):
    data = hostile_dataset(tmp_path / "data")
    assert main(["export", "csv", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    written = cells(tmp_path / "out" / "entities.csv") + cells(tmp_path / "out" / "relations.csv")
    assert not [cell for cell in written if cell.startswith(FORMULA_START)]
    assert "'" + FORMULA in written and "'@SUM(1+1)" in written
    again = load_graph(tmp_path / "out")
    original = load_graph(data)
    assert dict(again.nodes(data=True)) == dict(original.nodes(data=True))
    assert again.nodes["acme"]["name"] == FORMULA


def test_import_into_writes_guarded_files_that_load_exactly(tmp_path):
    data = hostile_dataset(tmp_path / "source")
    out = tmp_path / "merged"
    assert (
        main(
            [
                "import",
                "csv",
                str(data / "entities.csv"),
                str(data / "relations.csv"),
                "--into",
                str(out),
            ]
        )
        == 0
    )
    written = cells(out / "entities.csv") + cells(out / "relations.csv")
    assert not [cell for cell in written if cell.startswith(FORMULA_START)]
    graph = load_graph(out)
    assert graph.nodes["acme"]["name"] == FORMULA
    roles = sorted(data["role"] for *_, data in graph.edges(data=True))
    assert roles == ["-2+3", "@SUM(1+1)"]
