"""Source documents: only regular files inside the folder are read, each normalised once."""

from __future__ import annotations

import os
import shutil

import pytest

import ecosystem.sources
from ecosystem.app import create_app
from ecosystem.graph import default_data_dir, load_graph
from ecosystem.sources import find_excerpt, normalise, read_document
from tests.helpers import write_dataset


def test_a_regular_document_is_read_and_normalised(tmp_path):
    (tmp_path / "doc.txt").write_text("One  two-\nthree.", encoding="utf-8")
    assert read_document(tmp_path, "doc.txt") == "One twothree."


@pytest.mark.parametrize("name", ["../doc.txt", "sub/doc.txt", ".hidden", "", "doc.txt\x00"])
def test_names_that_leave_the_folder_are_refused(tmp_path, name):
    (tmp_path / "doc.txt").write_text("outside", encoding="utf-8")
    (tmp_path / "sources" / "sub").mkdir(parents=True)
    (tmp_path / "sources" / "sub" / "doc.txt").write_text("nested", encoding="utf-8")
    (tmp_path / "sources" / ".hidden").write_text("hidden", encoding="utf-8")
    assert read_document(tmp_path / "sources", name) is None


def test_a_symbolic_link_is_refused_wherever_it_points(tmp_path):
    (tmp_path / "real.txt").write_text("inside", encoding="utf-8")
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    (tmp_path / "inside.txt").symlink_to(tmp_path / "real.txt")
    assert read_document(tmp_path, "passwd.txt") is None
    assert read_document(tmp_path, "inside.txt") is None
    assert read_document(tmp_path, "real.txt") == "inside"


def test_a_fifo_or_a_folder_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder.txt").mkdir()
    assert read_document(tmp_path, "pipe.txt") is None
    assert read_document(tmp_path, "folder.txt") is None


def test_a_document_is_normalised_once_and_afresh_when_it_changes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        ecosystem.sources, "normalise", lambda text: calls.append(1) or normalise(text)
    )
    path = tmp_path / "doc.txt"
    path.write_text("first version", encoding="utf-8")
    for _ in range(5):
        assert read_document(tmp_path, "doc.txt") == "first version"
    assert len(calls) == 1
    path.write_text("second version, longer", encoding="utf-8")
    assert read_document(tmp_path, "doc.txt") == "second version, longer"
    assert len(calls) == 2


def test_find_excerpt_works_on_normalised_text():
    text = normalise("The Mining Cluster coordi-\nnates the PROJ project.")
    assert find_excerpt(text, "coordinates the PROJ") == (19, 39)
    assert find_excerpt(text, "nothing like it") is None
    assert find_excerpt(text, "   ") is None


def test_the_source_page_never_serves_a_link_out_of_the_folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    sources = data / "sources"
    victim = next(p for p in sorted(sources.iterdir()) if p.is_file())
    victim.unlink()
    victim.symlink_to("/etc/passwd")
    client = create_app(load_graph(data)).server.test_client()
    response = client.get(f"/source/{victim.name}")
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)
    other = next(p for p in sorted(sources.iterdir()) if p.is_file() and not p.is_symlink())
    assert client.get(f"/source/{other.name}?line=2").status_code == 200


def test_the_validator_refuses_a_linked_document(tmp_path):
    from ecosystem.sources import check_evidence

    folder = write_dataset(tmp_path / "data")
    sources = folder / "sources"
    (tmp_path / "elsewhere.txt").write_text((sources / "doc.txt").read_text(), encoding="utf-8")
    (sources / "doc.txt").unlink()
    (sources / "doc.txt").symlink_to(tmp_path / "elsewhere.txt")
    problems = check_evidence(load_graph(folder), sources)
    assert problems and all("not a regular" in p.message for p in problems)
