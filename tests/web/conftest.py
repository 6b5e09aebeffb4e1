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
