"""CORDIS bulk files, Horizon 2020 and Horizon Europe headers, into an empty dataset and merged
into a copy of the shipped one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecosystem.graph import default_data_dir, load_graph
from ecosystem.interchange import import_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "interchange"
H2020 = [FIXTURES / "cordis-h2020" / "organization.csv", FIXTURES / "cordis-h2020" / "project.csv"]
HORIZON_EUROPE = [
    FIXTURES / "cordis-horizon-europe" / "project.csv",  # order does not matter
    FIXTURES / "cordis-horizon-europe" / "organization.csv",
]


@pytest.fixture
def h2020(tmp_path):
    report = import_files("cordis", H2020, tmp_path)
    return report, load_graph(tmp_path)


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    return Path(shutil.copytree(default_data_dir(), tmp_path / "data"))


def edge(graph, source, target):
    (data,) = graph.get_edge_data(source, target).values()
    return data


def test_organisations_by_pic_typed_by_activity(h2020):
    report, graph = h2020
    ule = graph.nodes["universidad-de-leon"]
    assert (ule["name"], ule["type"], ule["country"]) == ("UNIVERSIDAD DE LEON", "research", "ES")
    assert ule["aliases"] == "ULE|PIC 999453372"
    assert ule["url"] == "http://www.unileon.es"
    assert graph.nodes["xeridia-s-l"]["type"] == "company"
    assert graph.nodes["xeridia-s-l"]["url"] == "http://www.xeridia.com"  # "www.xeridia.com"
    assert "(SME)" in graph.nodes["xeridia-s-l"]["description"]
    # One entity per PIC, however many projects it takes part in.
    assert sum(1 for _, d in graph.nodes(data=True) if "PIC 999453372" in d["aliases"]) == 1
    assert report.mappings[("entity", "HES", "research", "synonym")] == 2


def test_cordis_country_codes_become_iso(h2020):
    _, graph = h2020
    countries = {d["name"][:20]: d["country"] for _, d in graph.nodes(data=True) if d["country"]}
    assert countries["THE INSTITUTE OF MAT"] == "GB"
    assert countries["ELLINIKI LEFKOLITHI "] == "GR"


def test_projects_with_title_dates_and_contribution(h2020):
    _, graph = h2020
    project = graph.nodes["mine-the-gap"]
    assert (project["name"], project["type"]) == ("MINE.THE.GAP", "project")
    assert "CORDIS 900001" in project["aliases"].split("|")
    assert project["url"] == "https://cordis.europa.eu/project/id/900001"
    assert project["description"].startswith("Bridging the gap")
    funds = edge(graph, "horizon-2020", "mine-the-gap")
    assert (funds["type"], funds["amount_eur"]) == ("funds", "2997850")
    assert (funds["start"], funds["end"]) == ("2020-06-01", "2023-05-31")
    assert graph.nodes["horizon-2020"]["aliases"] == "H2020"


def test_participation_roles_and_contributions(h2020):
    _, graph = h2020
    coordinator = edge(graph, "international-center-for-raw-materials-and-advanced", "mine-the-gap")
    assert (coordinator["type"], coordinator["role"]) == ("coordinates", "coordinator")
    assert coordinator["amount_eur"] == "1250000"
    roles = {
        d["role"]: (d["type"], d["amount_eur"])
        for s, t, d in graph.edges(data=True)
        if t == "mine-the-gap" and s != "horizon-2020"
    }
    assert roles == {
        "coordinator": ("coordinates", "1250000"),
        "participant": ("partner_in", "284750.5"),  # the last of two participants
        "partner": ("partner_in", ""),
        "third party": ("partner_in", "45000"),
    }


def test_every_relation_names_its_file_and_line(h2020):
    _, graph = h2020
    ule = edge(graph, "universidad-de-leon", "mine-the-gap")
    assert ule["evidence"] == (
        "Imported from organization.csv line 3: UNIVERSIDAD DE LEON is participant in "
        "MINE.THE.GAP (CORDIS project 900001), EU contribution 310000 EUR"
    )
    assert ule["doc"] == "organization.csv"
    assert edge(graph, "horizon-2020", "rawsupply")["evidence"].startswith(
        "Imported from project.csv line 4: Horizon 2020 funds RAWSUPPLY"
    )  # line 4: the objective of the project on line 2 spans two lines


def test_horizon_europe_headers_bom_and_decimal_commas(tmp_path):
    report = import_files("cordis", HORIZON_EUROPE, tmp_path)
    graph = load_graph(tmp_path)
    assert graph.nodes["horizon-europe"]["aliases"] == "HORIZON"
    assert edge(graph, "horizon-europe", "resilex")["amount_eur"] == "10499987.5"
    igme = edge(graph, "instituto-geologico-y-minero-de-espana", "resilex")
    assert (igme["type"], igme["amount_eur"]) == ("coordinates", "2100000.25")
    miro = edge(graph, "mineral-industry-research-organisation", "resilex")
    assert (miro["role"], miro["amount_eur"]) == ("associated partner", "")
    agency = graph.nodes["agencia-de-innovacion-y-financiacion-empresarial-de-castilla"]
    assert agency["type"] == "government"
    assert report.entities_added == 6


def test_a_later_import_matches_organisations_by_pic(tmp_path):
    import_files("cordis", H2020, tmp_path)
    report = import_files("cordis", HORIZON_EUROPE, tmp_path)
    (match,) = [m for m in report.matched if m["id"] == "universidad-de-leon"]
    assert match["by"] == "PIC"
    graph = load_graph(tmp_path)
    projects = {t for s, t in graph.out_edges("universidad-de-leon")}
    assert projects == {"mine-the-gap", "rawsupply", "resilex"}


def test_merge_into_shipped_data_matches_and_reports(shipped_copy):
    report = import_files("cordis", H2020, shipped_copy)
    matched = {m["id"]: m["by"] for m in report.matched}
    assert matched == {
        "mine-the-gap": "id",
        "horizon-2020": "id",
        "icamcyl": "normalised name",  # its long name is among ICAMCyL's aliases
        "pizarras-la-bana": "normalised name",  # "PIZARRAS LA BAÑA SA"
    }
    graph = load_graph(shipped_copy)
    assert "PIZARRAS LA BAÑA SA" in graph.nodes["pizarras-la-bana"]["aliases"].split("|")
    assert "PIC 923000002" in graph.nodes["pizarras-la-bana"]["aliases"].split("|")
    assert graph.nodes["pizarras-la-bana"]["type"] == "company"  # the existing row wins
    imported = [
        d
        for d in graph.get_edge_data("icamcyl", "mine-the-gap").values()
        if d["doc"] == "organization.csv"
    ]
    assert [(d["type"], d["role"]) for d in imported] == [("coordinates", "coordinator")]
    assert not any(node.startswith("international-center") for node in graph)


def test_dry_run_reports_and_writes_nothing(shipped_copy):
    before = {p.name: p.read_bytes() for p in shipped_copy.glob("*.csv")}
    report = import_files("cordis", H2020, shipped_copy, dry_run=True)
    assert report.dry_run
    assert report.entities_added == 6
    assert report.relations_added == 10
    assert "dry run: nothing written" in report.lines()
    assert {p.name: p.read_bytes() for p in shipped_copy.glob("*.csv")} == before


def test_project_file_alone_imports_projects_and_funding(tmp_path):
    report = import_files("cordis", [H2020[1]], tmp_path)
    graph = load_graph(tmp_path)
    assert set(graph) == {"mine-the-gap", "rawsupply", "horizon-2020"}
    assert any("no organization.csv" in note for note in report.notes)
