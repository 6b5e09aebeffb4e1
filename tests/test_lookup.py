"""Entities are found by id, name or alias, whatever the case and accents."""

from __future__ import annotations

import pytest

from ecosystem.analysis.lookup import AmbiguousEntity, EntityNotFound, resolve, search
from tests.helpers import make_view

NODES = {
    "icamcyl": ("ICAMCyL", "foundation"),
    "jcyl": ("Government of Castilla y León", "government"),
    "leon": ("León", "city"),
    "province-of-leon": ("Province of León", "region"),
    "ptl": ("León Technology Park", "site"),
    "twin-a": ("Twin", "company"),
    "twin-b": ("Twin", "project"),
}
ALIASES = {"icamcyl": "ICAMCYL|ICAMCyL Foundation", "jcyl": "Junta de Castilla y León"}


@pytest.fixture
def view():
    return make_view(NODES, [("icamcyl", "jcyl", "supports")], aliases=ALIASES)


@pytest.mark.parametrize(
    "query", ["icamcyl", "ICAMCyL", "ICAMCYL", "icamcyl foundation", "  IcAmCyL  "]
)
def test_id_name_and_aliases_resolve(view, query):
    assert resolve(view, query) == "icamcyl"


def test_accents_do_not_matter(view):
    assert resolve(view, "Junta de Castilla y Leon") == "jcyl"


def test_ambiguous_name_lists_candidates(view):
    with pytest.raises(AmbiguousEntity) as caught:
        resolve(view, "twin")
    assert [c["id"] for c in caught.value.candidates] == ["twin-a", "twin-b"]
    assert "name one by its id" in str(caught.value)


def test_unknown_name_suggests_the_closest(view):
    with pytest.raises(EntityNotFound) as caught:
        resolve(view, "ICAMCL")
    assert caught.value.suggestions[0]["id"] == "icamcyl"
    assert "did you mean ICAMCyL (icamcyl)?" in str(caught.value)


def test_unknown_name_without_anything_close(view):
    with pytest.raises(EntityNotFound) as caught:
        resolve(view, "zzzzzz")
    assert caught.value.suggestions == []


def test_search_ranks_exact_then_prefix_then_word(view):
    assert [hit["id"] for hit in search(view, "leon")] == [
        "leon",
        "ptl",
        "jcyl",
        "province-of-leon",
    ]


def test_search_empty_query_finds_nothing(view):
    assert search(view, "  ") == []


def test_search_limit(view):
    assert len(search(view, "leon", limit=2)) == 2
