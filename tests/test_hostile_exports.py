"""Markup in names, descriptions, roles and evidence leaves every export as the same characters:
XML stays well-formed with the markup as text (no element, attribute or entity of its own), JSON
holds it as strings, spreadsheets as plain cells, and importing the export gives it back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ecosystem.graph import load_graph
from ecosystem.interchange.exporter import export_files
from tests.helpers import BOLD, IMG, LINK, SCRIPT, write_dataset
from tests.helpers import HOSTILE_ENTITIES as ENTITIES
from tests.helpers import HOSTILE_RELATIONS as RELATIONS

MARKUP = (SCRIPT, IMG, LINK, BOLD)
# Tags a viewer of an exported file could run or follow, were the markup read as markup.
ACTIVE = {"script", "img", "a", "b", "foreignObject", "iframe"}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return load_graph(write_dataset(folder / "data", ENTITIES, RELATIONS))


def single(files: dict[str, bytes]) -> bytes:
    (content,) = files.values()
    return content


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_hold_the_markup_as_text(graph, fmt):
    root = ElementTree.fromstring(single(export_files(graph, fmt)))
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & ACTIVE
    assert not [name for e in root.iter() for name in e.attrib if name.lower().startswith("on")]
    texts = {e.text for e in root.iter() if e.text} | {
        v for e in root.iter() for v in e.attrib.values()
    }
    for markup in MARKUP:
        assert markup in texts, markup


def test_cytoscape_json_holds_the_markup_as_strings(graph):
    document = json.loads(single(export_files(graph, "cyjs")))
    names = {node["data"]["name"] for node in document["elements"]["nodes"]}
    assert set(MARKUP) <= names


def test_csv_export_holds_the_markup_as_cells(graph):
    files = export_files(graph, "csv")
    rows = list(csv.DictReader(io.StringIO(files["entities.csv"].decode("utf-8"))))
    assert set(MARKUP) <= {row["name"] for row in rows}
    evidence = {
        row["evidence"] for row in csv.DictReader(io.StringIO(files["relations.csv"].decode()))
    }
    assert f"{SCRIPT} is a partner in {IMG}" in evidence


def test_kumu_workbook_holds_the_markup_as_plain_cells(graph):
    workbook = single(export_files(graph, "kumu"))
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = " ".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/")
        )
    assert "<script>" not in sheets  # escaped inside the sheet's XML
    from openpyxl import load_workbook

    cells = {
        cell
        for row in load_workbook(io.BytesIO(workbook))["Elements"].iter_rows(values_only=True)
        for cell in row
    }
    assert set(MARKUP) <= cells


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs"])
def test_importing_the_export_gives_the_markup_back_unchanged(graph, fmt, tmp_path: Path):
    from ecosystem.interchange.importer import import_files

    name, content = next(iter(export_files(graph, fmt).items()))
    exported = tmp_path / name
    exported.write_bytes(content)
    import_files(fmt, [exported], into=tmp_path / "back")
    back = load_graph(tmp_path / "back")
    assert {data["name"] for _, data in back.nodes(data=True)} >= set(MARKUP)
