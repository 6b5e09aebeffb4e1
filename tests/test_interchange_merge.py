"""Merging imported rows into a dataset: the same organisation under another spelling is matched
and reported, never silently duplicated; near misses are reported and kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosystem.graph import load_graph
from ecosystem.interchange import import_files
from ecosystem.interchange.merge import compatible, name_key, registry_keys
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, write_dataset


def kumu_files(folder: Path, elements: str, connections: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "elements.csv").write_text(elements, encoding="utf-8")
    (folder / "connections.csv").write_text(connections, encoding="utf-8")
    return [folder / "elements.csv", folder / "connections.csv"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("PIZARRAS LA BAÑA, S.A.", "Pizarras la Baña"),
        ("Acme Mining GmbH & Co. KG", "ACME MINING"),
        ("Xeridia S.L.U.", "xeridia"),
        ("Minera del Bierzo Sociedad Anónima", "Minera del Bierzo"),
        ("MINE.THE.GAP", "Mine the Gap"),
    ],
)
def test_normalised_names_agree(first, second):
    assert name_key(first) == name_key(second)


def test_normalised_names_keep_what_tells_apart():
    assert name_key("Universidad de León") != name_key("Universidad de Burgos")
    assert name_key("SA") == "sa"  # a name that is only a legal form stays a name


def test_registry_keys_from_aliases():
    assert registry_keys("ULE|PIC 999453372|cordis 900001") == ("pic:999453372", "cordis:900001")


def test_organisation_types_are_compatible_places_are_not():
    assert compatible("foundation", "association")
    assert not compatible("city", "region")
    assert not compatible("company", "city")


def test_another_spelling_is_matched_and_reported(tiny_dir, tmp_path):
    files = kumu_files(
        tmp_path / "in",
        "Label,Type,Country\nACME MINING S.L.,Company,\nNew Partner,Company,FR\n",
        "From,To,Type\nNew Partner,ACME MINING S.L.,collaboration\n",
    )
    report = import_files("kumu", files, tiny_dir)
    (match,) = report.matched
    assert (match["id"], match["by"]) == ("acme", "normalised name")
    assert match["origin"] == "elements.csv line 2"
    assert "alias 'ACME MINING S.L.'" in match["added"]
    assert "ACME MINING S.L. (elements.csv line 2) = acme (Acme Mining), by normalised name" in (
        "\n".join(report.lines())
    )
    graph = load_graph(tiny_dir)
    assert graph.number_of_nodes() == 4
    assert graph.nodes["acme"]["aliases"] == "ACME MINING S.L."
    assert graph.nodes["acme"]["country"] == "ES"  # the existing row wins
    assert graph.has_edge("new-partner", "acme")


def test_match_by_alias(tiny_dir, tmp_path):
    files = kumu_files(
        tmp_path / "in", "Label,Type\nThe Cluster,cluster\n", "From,To\nX,The Cluster\n"
    )
    report = import_files("kumu", files, tiny_dir)
    assert [(m["id"], m["by"]) for m in report.matched] == [("cluster", "normalised name")]


def test_same_name_other_kind_is_kept_apart_and_reported(tiny_dir, tmp_path):
    files = kumu_files(
        tmp_path / "in",
        "Label,Type\nAcme Mining,city\n",
        "From,To,Type\nAcme Mining,PROJ,part of\n",
    )
    report = import_files("kumu", files, tiny_dir)
    (apart,) = report.kept_apart
    assert apart["like"] == "Acme Mining (acme, company)"
    assert apart["why"] == "same name, another kind of entity"
    graph = load_graph(tiny_dir)
    assert graph.nodes["acme-mining"]["type"] == "city"
    assert "possible duplicates, kept apart: 1" in report.lines()


def test_an_id_taken_by_another_entity_gets_a_new_one(tiny_dir, tmp_path):
    files = kumu_files(
        tmp_path / "in",
        "ID,Label,Type\nproj,Proj Street,site\n",
        "From,To,Type\nacme,proj,located in\n",
    )
    report = import_files("kumu", files, tiny_dir)
    graph = load_graph(tiny_dir)
    assert graph.nodes["proj-2"]["name"] == "Proj Street"
    assert graph.nodes["proj"]["name"] == "PROJ"
    assert graph.has_edge("acme", "proj-2")
    assert any("imported as proj-2" in note for note in report.notes)


def test_relations_already_present_are_not_added_again(tmp_path):
    folder = write_dataset(tmp_path / "data")
    relations = [dict(TINY_RELATIONS[0])]
    other = write_dataset(tmp_path / "other", entities=TINY_ENTITIES, relations=relations)
    report = import_files("csv", [other / "entities.csv", other / "relations.csv"], folder)
    assert (report.relations_added, report.relations_present) == (0, 1)
    assert report.written == []
    assert "nothing to change" in report.lines()


def test_collaborations_match_whichever_way_round(tiny_dir, tmp_path):
    files = kumu_files(
        tmp_path / "in", "ID,Label,Type\n", "From,To,Type\nproj,acme,collaborates_with\n"
    )
    import_files("kumu", files, tiny_dir)
    files = kumu_files(
        tmp_path / "in2", "ID,Label,Type\n", "From,To,Type\nacme,proj,collaborates_with\n"
    )
    report = import_files("kumu", files, tiny_dir)
    assert (report.relations_added, report.relations_present) == (0, 1)


def test_imported_rows_are_not_merged_with_each_other(tmp_path):
    files = kumu_files(
        tmp_path / "in",
        "ID,Label,Type\nacme-es,Acme,company\nacme-fr,ACME,company\n",
        "From,To\nacme-es,acme-fr\n",
    )
    report = import_files("kumu", files, tmp_path / "data")
    assert report.entities_added == 2
    assert report.matched == []
