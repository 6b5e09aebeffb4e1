"""The H2020 converter on a hand-made excerpt (tests/fixtures/h2020/): ten participations in four
projects, with the source's quirks: a missing contribution (NA), a missing start date, a project
that ends before it starts, Namibia (country code NA), the EU codes UK and EL, a name damaged by
a wrong encoding, a name with a comma and quotes, organisations without a name."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from benchmarks import h2020
from ecosystem.cli import main
from ecosystem.graph import load_graph, simple_view

FIXTURES = Path(__file__).parent / "fixtures" / "h2020"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The excerpt laid out as the shared folder is: the two tables gzipped."""
    folder = tmp_path / "cordis"
    folder.mkdir()
    shutil.copy(FIXTURES / "organisations.csv", folder)
    for name in ("h2020.csv", "programme_parts.csv"):
        (folder / f"{name}.gz").write_bytes(gzip.compress((FIXTURES / name).read_bytes()))
    return folder


@pytest.fixture
def rows(source: Path):
    return h2020.convert(source, names={"BE": "Belgium", "GB": "United Kingdom"})


@pytest.fixture
def graph(rows, tmp_path: Path) -> nx.MultiDiGraph:
    return load_graph(h2020.write_dataset(*rows, tmp_path / "out"))


def entity(rows, entity_id: str) -> dict:
    (found,) = [row for row in rows[0] if row["id"] == entity_id]
    return found


def test_the_files_pass_the_strict_loader(graph):
    # 8 organisations, 4 projects, 6 countries; 10 participations and 8 locations.
    assert graph.number_of_nodes() == 8 + 4 + 6
    assert graph.number_of_edges() == 10 + 8


def test_ids_and_types_follow_the_activity_type(rows):
    types = {row["id"]: row["type"] for row in rows[0]}
    assert types["org-998616262"] == "company"  # PRC
    assert types["org-999854661"] == "research"  # HES
    assert types["org-933333333"] == "research"  # REC
    assert types["org-922222222"] == "government"  # PUB
    assert types["org-911111111"] == "association"  # OTH
    assert types["proj-221856"] == "project"
    assert types["country-be"] == "country"


def test_roles_and_contributions_stay_on_the_relation(graph):
    edges = {(s, t): d for s, t, d in graph.edges(data=True)}
    coordinator = edges["org-984516342", "proj-221856"]
    assert (coordinator["type"], coordinator["role"]) == ("coordinates", "coordinator")
    assert coordinator["amount_eur"] == "376750"
    partner = edges["org-911111111", "proj-221856"]
    assert (partner["type"], partner["role"], partner["amount_eur"]) == (
        "partner_in",
        "partner",
        "",
    )
    assert edges["org-999854661", "proj-221856"]["amount_eur"] == "225625.5"
    assert edges["org-998616262", "country-be"]["type"] == "located_in"


def test_dates_that_cannot_be_read_or_run_backwards_are_left_empty(graph):
    edges = {(s, t): d for s, t, d in graph.edges(data=True)}
    assert (
        edges["org-998616262", "proj-221856"]["start"],
        edges["org-998616262", "proj-221856"]["end"],
    ) == (
        "2019-05-01",
        "2022-04-30",
    )
    assert edges["org-933333333", "proj-200002"]["start"] == ""
    assert edges["org-933333333", "proj-200002"]["end"] == "2020-06-30"
    assert (
        edges["org-944444444", "proj-200003"]["start"],
        edges["org-944444444", "proj-200003"]["end"],
    ) == ("", "")


def test_evidence_names_the_source_line(graph):
    lines = (FIXTURES / "h2020.csv").read_text(encoding="utf-8").splitlines()
    for source, target, data in graph.edges(data=True):
        assert data["doc"] == "h2020.csv.gz"
        assert len(data["evidence"]) >= 20
        number = int(data["evidence"].rsplit("line ", 1)[1].rstrip(")"))
        row = lines[number - 1].split(",")
        assert source == f"org-{row[2]}"
        if data["type"] != "located_in":
            assert target == f"proj-{row[0]}"
            assert f"{row[1]} in project {row[0]}" in data["evidence"]


def test_names_come_from_organisations_where_known(rows):
    assert (
        entity(rows, "org-984516342")["name"]
        == 'EMPRESA MUNICIPAL DE TRANSPORTES DE MADRID, "EMT" SA'
    )
    assert entity(rows, "org-984516342")["aliases"] == "EMT|PIC 984516342"
    assert entity(rows, "org-999854661")["description"].endswith("in Plymouth.")
    assert entity(rows, "org-911111111")["name"] == "Organisation PIC 911111111"
    assert entity(rows, "org-911111111")["aliases"] == "PIC 911111111"


def test_names_damaged_by_a_wrong_encoding_are_repaired(rows):
    assert entity(rows, "org-938626030")["aliases"].startswith("Bernhard Jöckel|")


def test_organisations_in_no_project_are_left_out(rows):
    assert not [row for row in rows[0] if row["id"] == "org-955555555"]


def test_countries_keep_the_cordis_code_in_the_id_and_iso_in_the_column(rows):
    uk = entity(rows, "country-uk")
    assert (uk["name"], uk["country"], uk["aliases"]) == ("United Kingdom", "GB", "UK")
    assert entity(rows, "org-999854661")["country"] == "GB"
    assert entity(rows, "country-el")["country"] == "GR"


def test_namibia_is_a_country_not_a_missing_value(rows):
    namibia = entity(rows, "country-na")
    assert namibia["country"] == "NA"
    assert namibia["name"] == "NA"  # no name table given for it


def test_projects_carry_their_programme_parts_and_dates(rows):
    project = entity(rows, "proj-200001")
    assert project["name"] == "H2020 project 200001"
    assert "programme part LEIT-ICT, SC6" in project["description"]
    assert "2016-01-01 to 2018-12-31" in project["description"]


def test_conversion_is_the_same_every_run(source):
    assert h2020.convert(source, names={}) == h2020.convert(source, names={})


# The slice.


def test_slice_is_connected_and_the_size_asked(rows, tmp_path):
    entities, relations = h2020.slice_rows(*rows, 8, seed=1)
    assert len(entities) == 8
    view = simple_view(load_graph(h2020.write_dataset(entities, relations, tmp_path / "s")))
    assert nx.is_connected(view)
    assert "org-999854661" in view  # the organisation with the most relations starts it


def test_slice_keeps_every_relation_among_its_entities(rows):
    entities, relations = h2020.slice_rows(*rows, 8, seed=1)
    kept = {row["id"] for row in entities}
    expected = [r for r in rows[1] if r["source"] in kept and r["target"] in kept]
    assert relations == expected


def test_slice_is_seeded(rows):
    assert h2020.slice_rows(*rows, 8, seed=3) == h2020.slice_rows(*rows, 8, seed=3)


def test_slice_larger_than_the_network_is_the_network(rows):
    entities, relations = h2020.slice_rows(*rows, 1000)
    assert (len(entities), len(relations)) == (len(rows[0]), len(rows[1]))


def test_build_writes_both_datasets(source, tmp_path):
    folders = h2020.build(source, tmp_path / "data", slice_size=6)
    assert set(folders) == {"full", "slice"}
    assert load_graph(folders["slice"]).number_of_nodes() == 6


# --- the network as of a date, on H2020 data ------------------------------------------------------

# The shared H2020 datasets: where $ECOSYSTEM_H2020 says, where `python -m benchmarks.h2020` writes
# them by default (CI builds them there), or the folder the team shares.
H2020_FOLDERS = [
    *([Path(os.environ["ECOSYSTEM_H2020"])] if os.environ.get("ECOSYSTEM_H2020") else []),
    h2020.DEFAULT_OUT,
    Path("/work/h2020"),
]


def h2020_dataset(name: str) -> Path:
    for folder in H2020_FOLDERS:
        if (folder / name / "relations.csv").is_file():
            return folder / name
    pytest.skip(f"no {name} dataset in {', '.join(map(str, H2020_FOLDERS))}")


def later_than(folder: Path, day: date) -> int:
    """Relations of ``folder`` whose start (its first day) is after ``day``, read with csv."""
    count = 0
    with open(folder / "relations.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["start"]:
                parts = [int(part) for part in row["start"].split("-")] + [1, 1]
                count += date(parts[0], parts[1], parts[2]) > day
    return count


def stats(*argv: str) -> dict:
    out = io.StringIO()
    assert main(["stats", *argv, "--json"], out=out, err=io.StringIO()) == 0
    return json.loads(out.getvalue())


def test_stats_as_of_on_the_excerpt_leaves_out_exactly_the_later_relations(rows, tmp_path):
    folder = h2020.write_dataset(*rows, tmp_path / "out")
    later = later_than(folder, date(2016, 12, 31))
    assert later > 0
    whole, dated = stats("--data", str(folder)), stats("--data", str(folder), "--as-of", "2016")
    assert dated["relations"] == whole["relations"] - later


def test_stats_as_of_on_the_slice_leaves_out_exactly_the_later_relations():
    folder = h2020_dataset("h2020-slice")
    later = later_than(folder, date(2016, 12, 31))
    whole = stats("--data", str(folder))
    dated = stats("--data", str(folder), "--as-of", "2016-12-31")
    assert dated["as_of"] == "2016-12-31"
    assert 0 < later < whole["relations"]
    assert dated["relations"] == whole["relations"] - later
