"""Shared fixtures: a tiny valid dataset written to a temporary folder, and the shipped data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecosystem.graph import default_data_dir, load_graph, simple_view
from tests.helpers import write_dataset


@pytest.fixture(scope="session", autouse=True)
def metrics_cache(tmp_path_factory) -> Path:
    """Every test, and every server a test starts, keeps computed metrics in a folder of its own,
    never in the user's cache."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("ECOSYSTEM_CACHE")
    os.environ["ECOSYSTEM_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("ECOSYSTEM_CACHE", None)
    else:
        os.environ["ECOSYSTEM_CACHE"] = before


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture(scope="session")
def shipped_graph():
    return load_graph(default_data_dir())


@pytest.fixture(scope="session")
def shipped_view(shipped_graph):
    return simple_view(shipped_graph)
