"""Source documents have records, validated like the other files; evidence excerpts are checked
against the documents they cite."""

from __future__ import annotations

import pytest

from ecosystem.errors import DataError
from ecosystem.graph import default_data_dir, load_graph
from ecosystem.sources import (
    catalogue,
    check_evidence,
    find_excerpt,
    locate,
    normalise,
    source_labels,
)
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, write_dataset


def test_excerpts_found_across_hyphenated_line_breaks(tiny_dir):
    assert check_evidence(load_graph(tiny_dir), tiny_dir / "sources") == []


def test_changed_excerpt_is_reported_with_its_line(tmp_path):
    altered = {**TINY_RELATIONS[1], "evidence": "The Mining Cluster leads the PROJ project."}
    folder = write_dataset(tmp_path, relations=[TINY_RELATIONS[0], altered])
    (problem,) = check_evidence(load_graph(folder), folder / "sources")
    assert str(problem).startswith("relations.csv:3: evidence: excerpt 'The Mining Cluster leads")
    assert "not found in doc.txt" in str(problem)


def test_case_matters(tmp_path):
    altered = {**TINY_RELATIONS[0], "evidence": TINY_RELATIONS[0]["evidence"].lower()}
    folder = write_dataset(tmp_path, relations=[altered, TINY_RELATIONS[1]])
    assert len(check_evidence(load_graph(folder), folder / "sources")) == 1


def test_missing_document_is_reported(tmp_path):
    moved = {**TINY_RELATIONS[0], "doc": "doc.txt|gone.txt"}
    folder = write_dataset(tmp_path, relations=[moved, TINY_RELATIONS[1]])
    (problem,) = check_evidence(load_graph(folder), folder / "sources")
    assert str(problem).startswith("relations.csv:2: doc: document 'gone.txt' not found")


def test_normalise_keeps_real_hyphens():
    assert normalise("Pb-Zn-Cu and Covid-19") == "Pb-Zn-Cu and Covid-19"


def test_find_excerpt_returns_none_when_absent():
    assert find_excerpt("some text here", "other") is None


def test_locate_returns_none_when_absent():
    assert locate("some text here", "other") is None


# --- sources.csv: one record per document ---

HEADER = "doc,title,publisher,date,language,url\n"


def _problems(folder):
    with pytest.raises(DataError) as caught:
        load_graph(folder)
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_documents_all_have_records():
    data = default_data_dir()
    records = catalogue(data)
    assert sorted(records) == sorted(path.name for path in (data / "sources").iterdir())
    assert records["004_fd79ff072601a70f.txt"]["publisher"] == "Black Cycle"
    assert records["002_91bd814a20160af1.txt"]["language"] == "es"


def test_every_recorded_title_opens_its_document():
    # The titles are the documents' own headlines, not written by us: one of their opening
    # lines (a page may open with its category before the headline).
    data = default_data_dir()
    for doc, record in catalogue(data).items():
        if record["title"]:
            text = (data / "sources" / doc).read_text(encoding="utf-8")
            opening = [line.strip() for line in text.splitlines() if line.strip()][:3]
            assert any(record["title"] in line for line in opening), doc


def test_a_record_is_read(tiny_dir):
    record = catalogue(tiny_dir)["doc.txt"]
    assert (record["title"], record["publisher"], record["date"]) == (
        "Mining news",
        "The Daily Ore",
        "2023-06",
    )
    assert source_labels(tiny_dir) == {"doc.txt": "Mining news"}


def test_an_untitled_document_is_named_by_its_opening(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "sources.csv").write_text(HEADER + "doc.txt,,,,en,\n", encoding="utf-8")
    assert source_labels(folder)["doc.txt"] == (
        "“Acme Mining is a member of the Mining Cluster. The…” (untitled)"
    )


def test_a_cited_document_without_a_record_names_the_relation(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "sources" / "other.txt").write_text("Other text.", encoding="utf-8")
    (folder / "sources.csv").write_text(HEADER + "other.txt,Other,,,en,\n", encoding="utf-8")
    assert _problems(folder) == [
        "relations.csv:2: doc: document 'doc.txt' has no record in sources.csv: add a row for "
        "doc.txt to sources.csv (title, publisher, date, language, url, as the document gives "
        "them)"
    ]


def test_no_sources_file_while_documents_are_cited(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "sources.csv").unlink()
    (problem,) = _problems(folder)
    assert problem.startswith("sources.csv:0: -: file not found in")
    assert "1 document(s) in sources/ cited by relations.csv have no record" in problem


def test_an_imported_network_needs_no_sources_file(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "sources.csv").unlink()
    for path in (folder / "sources").iterdir():
        path.unlink()  # relations cite doc.txt, a file imported from, not a document here
    assert load_graph(folder).number_of_edges() == 2


def test_a_record_of_a_missing_document(tmp_path):
    folder = write_dataset(tmp_path)
    text = HEADER + "doc.txt,T,,,en,\ngone.txt,Gone,,,en,\n"
    (folder / "sources.csv").write_text(text, encoding="utf-8")
    assert _problems(folder) == [
        "sources.csv:3: doc: no document 'gone.txt' in sources/: "
        "add the document to sources/ or delete this record"
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("doc.txt,T,,15/06/2023,en,", "sources.csv:2: date: '15/06/2023' is not an ISO 8601 date"),
        ("doc.txt,T,,2023-02-30,en,", "sources.csv:2: date: '2023-02-30' is not an ISO 8601"),
        ("doc.txt,T,,,english,", "sources.csv:2: language: 'english' is not an ISO 639-1 code"),
        ("doc.txt,T,,,EN,", "sources.csv:2: language: 'EN' is not an ISO 639-1 code"),
        ("doc.txt,T,,,xx,", "sources.csv:2: language: 'xx' is not an ISO 639-1 code"),
        ("doc.txt,T,,,en,ftp://x.org", "sources.csv:2: url: 'ftp://x.org' is not an http(s)"),
        ("doc.txt,T,,,en,javascript:alert(1)", "sources.csv:2: url: 'javascript:alert(1)' is not"),
        (",T,,,en,", "sources.csv:2: doc: empty"),
        ("../entities.csv,T,,,en,", "sources.csv:2: doc: '../entities.csv' is not a document"),
    ],
)
def test_bad_fields_name_file_line_and_column(tmp_path, row, expected):
    folder = write_dataset(tmp_path)
    (folder / "sources.csv").write_text(HEADER + row + "\n", encoding="utf-8")
    problems = _problems(folder)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_document_recorded_twice(tmp_path):
    folder = write_dataset(tmp_path)
    text = HEADER + "doc.txt,A,,,en,\ndoc.txt,B,,,en,\n"
    (folder / "sources.csv").write_text(text, encoding="utf-8")
    assert _problems(folder) == [
        "sources.csv:3: doc: second record of 'doc.txt' (first on line 2): "
        "keep one record per document"
    ]


def test_a_missing_column_in_the_header(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "sources.csv").write_text("doc,title\ndoc.txt,T\n", encoding="utf-8")
    (problem,) = _problems(folder)
    assert problem.startswith("sources.csv:1: publisher, date, language, url: missing columns")


def test_problems_of_every_file_come_together(tmp_path):
    folder = write_dataset(tmp_path, entities=[*TINY_ENTITIES, {"id": "Bad Id", "name": "x"}])
    (folder / "sources.csv").write_text(HEADER + "doc.txt,T,,,en,nope\n", encoding="utf-8")
    problems = _problems(folder)
    assert any(p.startswith("sources.csv:2: url") for p in problems)
    assert any(p.startswith("entities.csv:5: id") for p in problems)
