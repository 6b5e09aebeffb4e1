"""Names that look like another entity's because of invisible characters: the validator warns."""

from __future__ import annotations

import pytest

from ecosystem.checks import name_warnings, visible_form
from ecosystem.cli import main
from ecosystem.graph import read_dataset
from tests.helpers import TINY_ENTITIES, write_dataset


def dataset_with(tmp_path, name: str, aliases: str = ""):
    entities = [dict(row) for row in TINY_ENTITIES]
    entities.append({"id": "twin", "name": name, "type": "company", "aliases": aliases})
    return write_dataset(tmp_path / "data", entities)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Acme\u200b Mining", "U+200B"),  # zero-width space
        ("Ac\u200dme Mining", "U+200D"),  # zero-width joiner
        ("\ufeffAcme Mining", "U+FEFF"),  # zero-width no-break space
        ("Acme Mi\u00adning", "U+00AD"),  # soft hyphen
        ("\u202eAcme Mining", "U+202E"),  # right-to-left override
        ("\u2066Acme Mining\u2069", "U+2066"),  # left-to-right isolate
        ("Acme\u200f Mining", "U+200F"),  # right-to-left mark
    ],
)
def test_invisible_characters_in_a_name_are_warned_about(tmp_path, name, code):
    warnings = name_warnings(read_dataset(dataset_with(tmp_path, name)))
    (warning,) = warnings
    assert warning.column == "name" and warning.line == 5
    assert code in warning.message
    assert "looks the same as 'acme' (line 2)" in warning.message


def test_aliases_are_checked_too(tmp_path):
    warnings = name_warnings(read_dataset(dataset_with(tmp_path, "Twin", "T\u200bW")))
    assert [(w.column, w.line) for w in warnings] == [("aliases", 5)]


def test_ordinary_names_in_any_script_are_not_warned_about(tmp_path):
    folder = dataset_with(tmp_path, "Junta de Castilla y León — 東京 Ελλάδα")
    assert name_warnings(read_dataset(folder)) == []


def test_validate_prints_the_warnings_and_still_passes(tmp_path, capsys):
    folder = dataset_with(tmp_path, "Acme\u200b Mining")
    assert main(["validate", "--data", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "warning: entities.csv:5: name: invisible character U+200B ZERO WIDTH SPACE" in (
        captured.err
    )
    assert "are valid" in captured.out


def test_the_visible_form_folds_what_a_reader_cannot_see():
    assert visible_form("Acme\u200b Mining") == visible_form("ACME MINING")
    assert visible_form("ﬁnance") == visible_form("finance")  # compatibility ligature
