"""The shipped dataset: it loads, it is traceable, and it says what the sources say."""

from __future__ import annotations

from collections import Counter

import pytest

from ecosystem.analysis.paths import collaboration_paths
from ecosystem.analysis.synergy import synergy_candidates
from ecosystem.graph import default_data_dir
from ecosystem.schema import ENTITY_TYPES
from ecosystem.sources import check_evidence


def relations_between(graph, source, target, kind):
    return [
        d for d in graph.get_edge_data(source, target, default={}).values() if d["type"] == kind
    ]


def test_size_is_well_beyond_the_obvious(shipped_graph):
    assert shipped_graph.number_of_nodes() > 120
    assert shipped_graph.number_of_edges() > 250


def test_every_evidence_excerpt_is_in_its_document(shipped_graph):
    assert check_evidence(shipped_graph, default_data_dir() / "sources") == []


def test_every_entity_takes_part_in_a_relation(shipped_graph):
    assert [node for node in shipped_graph if shipped_graph.degree(node) == 0] == []


def test_the_network_is_one_component(shipped_view):
    import networkx as nx

    assert nx.number_connected_components(shipped_view) == 1


@pytest.mark.parametrize(
    "entity_type",
    [
        "cluster",
        "foundation",
        "eu_institution",
        "eu_directorate",
        "platform",
        "programme",
        "project",
        "region",
        "country",
        "city",
        "government",
        "company",
        "media",
        "person",
        "event",
    ],
)
def test_every_kind_of_stakeholder_is_present(shipped_graph, entity_type):
    counts = Counter(data["type"] for _, data in shipped_graph.nodes(data=True))
    assert counts[entity_type] >= 1
    assert set(counts) <= set(ENTITY_TYPES)


def test_foundation_funds_the_cluster(shipped_graph):
    # The source says "has funded", not "founded".
    (relation,) = relations_between(shipped_graph, "icamcyl", "ismc", "funds")
    assert "Iberian Sustainable Mining Cluster (ISMC)" in relation["evidence"]
    assert relation["doc"] == "004_fd79ff072601a70f.txt"


def test_icamcyl_coordinates_mine_the_gap(shipped_graph):
    (relation,) = relations_between(shipped_graph, "icamcyl", "mine-the-gap", "coordinates")
    assert "coordinates and manages the project" in relation["evidence"]


def test_batmass_funding_amount_from_i3(shipped_graph):
    (relation,) = relations_between(shipped_graph, "i3", "batmass", "funds")
    assert float(relation["amount_eur"]) == pytest.approx(9_765_017.65)


def test_spanish_page_relations_cite_it(shipped_graph):
    spanish = [d for *_, d in shipped_graph.edges(data=True) if "002_" in d["doc"]]
    assert spanish
    assert any("Lombardía" in d["evidence"] for d in spanish)


def test_spanish_names_are_aliases(shipped_graph):
    aliases = shipped_graph.nodes["junta-de-castilla-y-leon"]["aliases"].split("|")
    assert "Government of Castilla y León" in aliases


def test_path_from_pizarras_to_dg_grow_is_explained(shipped_view):
    best = collaboration_paths(shipped_view, "Pizarras la Baña", "DG GROW", k=1)["paths"][0]
    assert best["nodes"][0] == "pizarras-la-bana"
    assert best["nodes"][-1] == "dg-grow"
    for step in best["steps"]:
        assert step["relations"]
        for relation in step["relations"]:
            assert relation["evidence"] and relation["docs"] and relation["sentence"]


def test_default_paths_avoid_the_commission_when_a_concrete_path_exists(shipped_view):
    paths = collaboration_paths(shipped_view, "pizarras-la-bana", "dg-grow", k=1)["paths"]
    assert "european-commission" not in paths[0]["nodes"]


def test_synergy_for_the_cluster_names_companies_with_reasons(shipped_view):
    result = synergy_candidates(shipped_view, "ismc", types=["company"], top=5)
    assert result["candidates"]
    for candidate in result["candidates"]:
        assert candidate["type"] == "company"
        assert candidate["reason"]
        assert candidate["path"]["steps"]
