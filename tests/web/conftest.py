"""The web layer's unit tests run on a small hand-built network whose answers are known."""

from __future__ import annotations

import pytest

from ecosystem.explorer import build_model
from tests.helpers import TOWN_EDGES, TOWN_NODES, make_graph


@pytest.fixture(scope="session")
def town():
    graph = make_graph(TOWN_NODES, TOWN_EDGES)
    for node, country in (("acme", "ES"), ("bolt", "ES"), ("core", "PT"), ("lab", "PT")):
        graph.nodes[node]["country"] = country
    return build_model(graph, use_cache=False)


# Dates for some of the town's relations: the first project from March 2019, the second from
# May 2020 to February 2021 (its partner from September 2020); the rest undated.
TOWN_DATES = {
    ("acme", "p1"): ("2019-03", ""),
    ("lab", "p2"): ("2020-05", "2021-02"),
    ("core", "p2"): ("2020-09", ""),
}


def dated_town_graph():
    graph = make_graph(TOWN_NODES, TOWN_EDGES)
    for node, country in (("acme", "ES"), ("bolt", "ES"), ("core", "PT"), ("lab", "PT")):
        graph.nodes[node]["country"] = country
    for source, target, data in graph.edges(data=True):
        data["start"], data["end"] = TOWN_DATES.get((source, target), ("", ""))
    return graph


@pytest.fixture(scope="session")
def dated_town():
    return build_model(dated_town_graph(), use_cache=False)
