"""Evidence excerpts are checked against the documents they cite."""

from __future__ import annotations

from ecosystem.graph import load_graph
from ecosystem.sources import check_evidence, find_excerpt, normalise
from tests.helpers import TINY_RELATIONS, write_dataset


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
