"""Bad input: each failure mode gets one clear problem naming the file and the line (or element,
or sheet row) and what to do; nothing is written to the data folder unless the whole import
succeeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecosystem.errors import DataError
from ecosystem.interchange import import_files
from ecosystem.interchange.store import write_atomically
from ecosystem.storage import StorageError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interchange"
GEXF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
)


def problems(fmt: str, files: list[Path], into: Path, **options) -> list[str]:
    """The problems an import raises, as text; the import must fail."""
    with pytest.raises(DataError) as caught:
        import_files(fmt, files, into, **options)
    return [str(problem) for problem in caught.value.problems]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_cordis_with_the_wrong_delimiter(tmp_path):
    text = (FIXTURES / "cordis-h2020" / "organization.csv").read_text(encoding="utf-8")
    path = write(tmp_path / "organization.csv", text.replace(";", ","))
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem.startswith("organization.csv:1: -: the header has no ';'")
    assert "looks comma-separated" in problem
    assert "save it again with ';' as the separator" in problem


def test_cordis_missing_header_columns(tmp_path):
    path = write(tmp_path / "organization.csv", "projectID;organisationID;name\n1;2;Acme\n")
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem.startswith("organization.csv:1: projectAcronym, role: missing columns")


def test_cordis_header_row_missing_altogether(tmp_path):
    path = write(tmp_path / "organization.csv", "900001;MTG;999453372;UNIVERSIDAD DE LEON\n")
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem.startswith("organization.csv:1: -: neither a CORDIS organization.csv")


def test_cordis_row_with_a_bad_amount_names_line_and_column(tmp_path):
    text = (FIXTURES / "cordis-h2020" / "organization.csv").read_text(encoding="utf-8")
    path = write(tmp_path / "organization.csv", text.replace(";310000;", ";310 000 EUR;", 1))
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem.startswith("organization.csv:3: ecContribution: '310 000 EUR' is not an amount")


def test_cordis_duplicate_project_ids(tmp_path):
    lines = (FIXTURES / "cordis-h2020" / "project.csv").read_text(encoding="utf-8").splitlines()
    path = write(tmp_path / "project.csv", "\n".join([*lines, lines[-1]]) + "\n")
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem.startswith("project.csv:5: id: duplicate project id 900002 (first on line 4)")


def test_broken_xml_names_line_and_column(tmp_path):
    path = write(
        tmp_path / "broken.gexf",
        GEXF_HEAD + '<graph>\n<nodes>\n<node id="a" label="A">\n</nodes>\n</graph>\n</gexf>\n',
    )
    (problem,) = problems("gexf", [path], tmp_path / "data")
    assert problem.startswith("broken.gexf:6: column 3: not well-formed XML: mismatched tag")
    assert "export it again from Gephi" in problem


def test_xml_cut_short(tmp_path):
    full = (FIXTURES / "gephi-0.9-v1.2.gexf").read_text(encoding="utf-8")
    path = write(tmp_path / "cut.gexf", full[: len(full) // 2])
    (problem,) = problems("gexf", [path], tmp_path / "data")
    assert problem.startswith("cut.gexf:")
    assert "not well-formed XML" in problem


def test_xml_entities_are_refused_not_expanded(tmp_path):
    secret = write(tmp_path / "secret.txt", "top secret")
    path = write(
        tmp_path / "evil.graphml",
        '<?xml version="1.0"?>\n<!DOCTYPE graphml [\n'
        f'<!ENTITY leak SYSTEM "file://{secret}">\n]>\n'
        '<graphml><graph><node id="a"><data key="d0">&leak;</data></node></graph></graphml>\n',
    )
    (problem,) = problems("graphml", [path], tmp_path / "data")
    assert problem.startswith("evil.graphml:3: <!DOCTYPE>: the document contains an entity")
    assert not (tmp_path / "data").exists()


def test_billion_laughs_is_refused(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">\n' for i in range(1, 9))
    path = write(
        tmp_path / "laughs.gexf",
        '<?xml version="1.0"?>\n<!DOCTYPE gexf [\n<!ENTITY l0 "lol">\n'
        f"{lol}]>\n<gexf>&l8;</gexf>\n",
    )
    (problem,) = problems("gexf", [path], tmp_path / "data")
    assert problem.startswith("laughs.gexf:3: <!DOCTYPE>")


def test_duplicate_node_ids_in_gexf_name_both_elements(tmp_path):
    path = write(
        tmp_path / "dup.gexf",
        GEXF_HEAD
        + '<graph>\n<nodes>\n<node id="a" label="A"/>\n<node id="a" label="B"/>\n'
        + '</nodes>\n<edges>\n<edge id="0" source="a" target="zz"/>\n</edges>\n</graph>\n</gexf>\n',
    )
    found = problems("gexf", [path], tmp_path / "data")
    assert found == [
        "dup.gexf:6: <node id=\"a\"> id: duplicate id 'a' (first at line 5): "
        "give each node its own id",
        "dup.gexf:9: <edge id=\"0\"> target: 'zz' is not the id of any node in the file: "
        "link only nodes that the file defines",
    ]


def test_duplicate_labels_in_kumu_name_the_sheet_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Elements"
    for row in (["Label", "Type"], ["Acme", "Company"], ["Acme", "Company"]):
        book.active.append(row)
    book.save(tmp_path / "map.xlsx")
    (problem,) = problems("kumu", [tmp_path / "map.xlsx"], tmp_path / "data")
    assert problem.startswith("map.xlsx:3: sheet Elements Label: duplicate label 'Acme'")
    assert "add an ID column" in problem


def test_duplicate_ids_in_a_csv_pair(tmp_path):
    path = write(
        tmp_path / "entities.csv", "id,name,type\nacme,Acme,company\nacme,Acme 2,company\n"
    )
    (problem,) = problems("csv", [path], tmp_path / "data")
    assert problem.startswith("entities.csv:3: id: duplicate id 'acme' (first on line 2)")


def test_duplicate_ids_in_cyjs_name_the_element(tmp_path):
    path = write(
        tmp_path / "dup.cyjs",
        '{"elements": {"nodes": [{"data": {"id": "a"}}, {"data": {"id": "a"}}], "edges": []}}',
    )
    (problem,) = problems("cyjs", [path], tmp_path / "data")
    assert problem.startswith("dup.cyjs:0: elements.nodes[1] (id 'a') id: duplicate id 'a'")


def test_broken_json_names_line_and_column(tmp_path):
    path = write(
        tmp_path / "bad.cyjs",
        '{"elements": {"nodes": [\n {"data": {"id": "a"}},\n {"data": {"id": "b"}\n]}}\n',
    )
    (problem,) = problems("cyjs", [path], tmp_path / "data")
    assert problem.startswith("bad.cyjs:4: column 1: not valid JSON")


def test_json_that_is_not_cytoscape(tmp_path):
    path = write(tmp_path / "other.json", '{"nodes": []}')
    (problem,) = problems("cyjs", [path], tmp_path / "data")
    assert problem.startswith("other.json:1: elements: no 'elements'")


def test_unknown_encoding_names_the_line_of_the_first_bad_byte(tmp_path):
    path = write(
        tmp_path / "elements.csv", "Label,Type\nAcme,company\nLe\xf3n,city\n".encode("cp1252")
    )
    (problem,) = problems("kumu", [path], tmp_path / "data")
    assert problem.startswith("elements.csv:3: column 3: byte 0xf3 is not UTF-8")
    assert "save the file as UTF-8" in problem


def test_utf16_is_named(tmp_path):
    path = write(tmp_path / "organization.csv", "projectID;name\n1;x\n".encode("utf-16"))
    (problem,) = problems("cordis", [path], tmp_path / "data")
    assert problem == (
        "organization.csv:1: -: the file is UTF-16, not UTF-8: save the file as UTF-8"
    )


def test_a_200_mb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.gexf"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    (problem,) = problems("gexf", [path], tmp_path / "data")
    assert problem.startswith(
        "huge.gexf:0: -: the file is 200 MB, more than the import limit of 100 MB"
    )
    assert "--max-size" in problem


def test_the_size_limit_is_configurable(tmp_path):
    (problem,) = problems(
        "gexf", [FIXTURES / "LesMiserables.gexf"], tmp_path / "data", max_bytes=10_000
    )
    assert "the file is 0.016 MB, more than the import limit of 0.00954 MB" in problem


def test_a_missing_file(tmp_path):
    (problem,) = problems("gexf", [tmp_path / "nowhere.gexf"], tmp_path / "data")
    assert problem.startswith("nowhere.gexf:0: -: no such file")


def test_corrupt_workbook(tmp_path):
    path = write(tmp_path / "map.xlsx", b"PK\x03\x04 this is no workbook")
    (problem,) = problems("kumu", [path], tmp_path / "data")
    assert problem.startswith("map.xlsx:0: -: not a readable .xlsx workbook")


def test_workbook_without_kumu_sheets(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["Name", "Kind"])
    book.save(tmp_path / "map.xlsx")
    (problem,) = problems("kumu", [tmp_path / "map.xlsx"], tmp_path / "data")
    assert problem.startswith("map.xlsx:0: -: no Elements or Connections sheet")
    assert "'Sheet1'" in problem


def test_graphml_data_with_an_undeclared_key(tmp_path):
    path = write(
        tmp_path / "g.graphml",
        '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        '<graph edgedefault="directed">\n<node id="a">\n<data key="d9">x</data>\n</node>\n'
        "</graph>\n</graphml>\n",
    )
    (problem,) = problems("graphml", [path], tmp_path / "data")
    assert problem.startswith('g.graphml:4: <node id="a"> <data key="d9">: the key is not declared')


def test_a_file_of_another_format(tmp_path):
    (problem,) = problems("gexf", [FIXTURES / "gephi.graphml"], tmp_path / "data")
    # Named for what it is, with the command that reads it, not as a broken header.
    assert problem == (
        "gephi.graphml:0: -: this is a GraphML file, not what the gexf format reads: "
        "import it as graphml: ecosystem import graphml 'gephi.graphml'"
    )


def test_invalid_values_are_reported_at_the_row_they_came_from(tmp_path):
    elements = write(
        tmp_path / "in" / "elements.csv", "Label,Country,URL\nAcme,Spain,\nBeta,ES,ftp://x\n"
    )
    connections = write(
        tmp_path / "in" / "connections.csv", "From,To,Start\nAcme,Beta,2024-13-45\n"
    )
    found = problems("kumu", [elements, connections], tmp_path / "data")
    # "Spain" is a country written out: mapped to ES, not a problem.
    assert found == [
        "elements.csv:3: url: 'ftp://x' is not an http(s) address: "
        "use an address starting with https:// or leave it empty",
        "connections.csv:2: start: '2024-13-45' is not an ISO 8601 date: "
        "write YYYY-MM-DD, YYYY-MM or YYYY",
    ]
    assert not (tmp_path / "data").exists()


def test_nothing_is_written_when_any_file_fails(tiny_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in tiny_dir.glob("*.csv")}
    good = FIXTURES / "kumu" / "elements.csv"
    bad = write(tmp_path / "connections.csv", b"From,To\nAcme,Le\xf3n\n")
    problems("kumu", [good, bad], tiny_dir)
    assert {p.name: p.read_bytes() for p in tiny_dir.glob("*.csv")} == before
    assert sorted(p.name for p in tiny_dir.iterdir()) == [
        "entities.csv",
        "relations.csv",
        "sources",
        "sources.csv",
    ]


def test_an_import_into_a_broken_dataset_is_refused(tmp_path):
    from tests.helpers import write_dataset

    folder = write_dataset(tmp_path / "data", entities="id,name\nacme,Acme\n")
    found = problems("gexf", [FIXTURES / "LesMiserables.gexf"], folder)
    assert "the dataset to import into has problems of its own" in found[0]
    assert any(p.startswith("entities.csv:1: type: missing column") for p in found)


def test_an_import_into_half_a_dataset_is_refused(tmp_path):
    write(tmp_path / "data" / "entities.csv", "id,name,type\nacme,Acme,company\n")
    (problem,) = problems("gexf", [FIXTURES / "LesMiserables.gexf"], tmp_path / "data")
    assert "relations.csv:0: -: missing: the folder holds half a dataset" in problem


def test_elements_without_connections_make_no_dataset(tmp_path):
    path = write(tmp_path / "elements.csv", "Label,Type\nAcme,company\n")
    (problem,) = problems("kumu", [path], tmp_path / "data")
    assert problem.startswith("elements.csv:0: -: no relations: a dataset needs at least one")


def test_too_many_files_for_a_graph_format(tmp_path):
    files = [FIXTURES / "LesMiserables.gexf", FIXTURES / "gephi-0.9-v1.2.gexf"]
    (problem,) = problems("gexf", files, tmp_path / "data")
    assert "2 files for one gexf import" in problem


def test_an_interrupted_write_leaves_the_old_files(tmp_path, monkeypatch):
    (tmp_path / "entities.csv").write_text("old entities")
    (tmp_path / "relations.csv").write_text("old relations")
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StorageError, match="disk full"):
        write_atomically(tmp_path, {"entities.csv": b"new", "relations.csv": b"new"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / "entities.csv").read_text() == "old entities"
    assert (tmp_path / "relations.csv").read_text() == "old relations"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".ecosystem.lock", "entities.csv", "relations.csv"]
    assert calls  # the rename was reached: both temporary files had been written
