"""`ecosystem import` and `ecosystem export` on the command line: clean output, clean errors,
exit codes, and the README documents both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import openpyxl
import pytest

from ecosystem.graph import load_graph
from tests.interchange_helpers import run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interchange"
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_import_prints_the_report(tmp_path):
    code, out, err = run(
        "import", "gexf", str(FIXTURES / "gephi-0.9-v1.2.gexf"), "--into", str(tmp_path)
    )
    assert code == 0, err
    assert "entities: 5 new, 0 matched to existing ones" in out
    assert "entity 'University' -> research: 1" in out
    assert f"written: {tmp_path / 'entities.csv'}" in out
    assert load_graph(tmp_path).number_of_nodes() == 5


def test_import_dry_run_as_json_writes_nothing(tmp_path):
    code, out, _ = run(
        "import",
        "cordis",
        str(FIXTURES / "cordis-h2020" / "organization.csv"),
        str(FIXTURES / "cordis-h2020" / "project.csv"),
        "--into",
        str(tmp_path / "data"),
        "--dry-run",
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert report["dry_run"] is True
    assert (report["entities_added"], report["relations_added"]) == (10, 10)
    assert report["written"] == []
    assert not (tmp_path / "data").exists()


def test_import_default_type(tmp_path):
    code, _, _ = run(
        "import",
        "gexf",
        str(FIXTURES / "LesMiserables.gexf"),
        "--into",
        str(tmp_path),
        "--default-type",
        "person",
    )
    assert code == 0
    assert load_graph(tmp_path).nodes["valjean"]["type"] == "person"


def test_import_problem_goes_to_stderr_with_exit_2(tmp_path):
    bad = tmp_path / "bad.gexf"
    bad.write_text("<gexf><graph>", encoding="utf-8")
    code, out, err = run("import", "gexf", str(bad), "--into", str(tmp_path / "data"))
    assert code == 2
    assert out == ""
    assert "bad.gexf:1: column 14: not well-formed XML: no element found" in err
    assert "Traceback" not in err


def test_import_max_size(tmp_path):
    code, _, err = run(
        "import",
        "gexf",
        str(FIXTURES / "LesMiserables.gexf"),
        "--into",
        str(tmp_path),
        "--max-size",
        "0.01",
    )
    assert code == 2
    assert "more than the import limit of 0.01 MB" in err


def test_export_gexf_to_standard_output(tiny_dir):
    code, out, _ = run("export", "gexf", "--data", str(tiny_dir))
    assert code == 0
    assert out.startswith("<?xml")
    assert 'label="Acme Mining"' in out
    assert '<attvalue for="betweenness"' in out


def test_export_to_a_file_and_import_it_back(tiny_dir, tmp_path):
    target = tmp_path / "tiny.graphml"
    code, out, _ = run("export", "graphml", "--data", str(tiny_dir), "--out", str(target))
    assert code == 0
    assert out.strip() == f"3 entities and 2 relations written to {target}"
    code, _, _ = run("import", "graphml", str(target), "--into", str(tmp_path / "back"))
    assert code == 0
    assert set(load_graph(tmp_path / "back")) == {"acme", "cluster", "proj"}


def test_export_csv_into_a_folder(tiny_dir, tmp_path):
    code, _, _ = run("export", "csv", "--data", str(tiny_dir), "--out", str(tmp_path / "copy"))
    assert code == 0
    assert (tmp_path / "copy" / "entities.csv").read_bytes() == (
        tiny_dir / "entities.csv"
    ).read_bytes()


def test_binary_and_two_file_exports_need_out(tiny_dir):
    code, out, err = run("export", "kumu", "--data", str(tiny_dir))
    assert (code, out) == (2, "")
    assert "pass --out FILE.xlsx" in err
    code, _, err = run("export", "csv", "--data", str(tiny_dir))
    assert code == 2
    assert "pass --out FOLDER" in err


def test_readme_documents_both_commands_and_every_format():
    from ecosystem.interchange import EXPORT_FORMATS, IMPORT_FORMATS

    section = README.split("## Import and export", 1)[1]
    assert "`ecosystem import FORMAT FILES... [--into DATA_DIR]" in section
    assert "`ecosystem export FORMAT [--data DIR] [--out FILE]" in section
    for fmt in IMPORT_FORMATS:
        assert f"| `{fmt}` |" in section.split("### `ecosystem export", 1)[0]
    for fmt in EXPORT_FORMATS:
        assert f"| `{fmt}` |" in section.split("### `ecosystem export", 1)[1]
    options = ("--dry-run", "--default-type", "--max-size", "--gexf-version", "--mixed-edges")
    for option in (*options, "--json"):
        assert option in section


@pytest.mark.parametrize(("fmt", "name"), [("graphml", "d.graphml"), ("kumu", "d.xlsx")])
def test_an_export_as_of_a_date_marks_what_had_ended_and_imports_back_without_it(
    tmp_path, fmt, name
):
    target = tmp_path / name
    code, out, _ = run("export", fmt, "--as-of", "2025-06-30", "--out", str(target))
    assert code == 0
    ended = int(re.search(r"(\d+) of them ended by then", out).group(1))
    assert ended > 0
    if fmt == "graphml":
        graph = nx.read_graphml(target)
        marks = [data["past"] for *_, data in graph.edges(data=True)]
    else:
        sheet = openpyxl.load_workbook(target)["Connections"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        marks = [row[header.index("Past")] == "yes" for row in rows]
    assert sum(marks) == ended and len(marks) > ended
    code, out, _ = run(
        "import", fmt, str(target), "--into", str(tmp_path / "back"), "--dry-run", "--json"
    )
    assert code == 0
    assert json.loads(out)["not_kept"] == {}  # derived from the end dates: not data
