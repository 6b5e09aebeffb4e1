"""Entities are found by id, name or alias, whatever the case and accents."""

from __future__ import annotations

import pytest

from ecosystem.analysis import lookup
from ecosystem.analysis.lookup import (
    AmbiguousEntity,
    EntityNotFound,
    build_index,
    resolve,
    search,
)
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


def test_search_ranks_exact_then_by_importance(view):
    # León names the city exactly; the other three have "León" as a word, and the government
    # (one link) goes before the park and the province (none), which go by name.
    assert [hit["id"] for hit in search(view, "leon")] == [
        "leon",
        "jcyl",
        "ptl",
        "province-of-leon",
    ]


def test_search_forgives_a_typo(view):
    hits = search(view, "icamcil")
    assert [hit["id"] for hit in hits] == ["icamcyl"]
    assert hits[0]["rank"] == 3


def test_search_forgives_two_letters_swapped(view):
    assert [hit["id"] for hit in search(view, "icamcly")] == ["icamcyl"]


def test_search_finds_a_word_inside_a_word(view):
    assert [hit["id"] for hit in search(view, "camcyl")] == ["icamcyl"]


def test_search_needs_every_word(view):
    assert [hit["id"] for hit in search(view, "leon park")] == ["ptl"]
    assert search(view, "leon harbour") == []


def test_short_words_are_not_guessed(view):
    # one edit of "lyon" would reach "leon": four letters are too few to guess from
    assert search(view, "lyon") == []


def test_results_stay_in_order_while_typing():
    nodes = {f"org-{i}": (f"Oxford Company {i}", "company") for i in range(12)}
    nodes["uni"] = ("The Chancellor, Masters and Scholars of the University of Oxford", "research")
    edges = [("uni", f"org-{i}", "collaborates_with") for i in range(12)]
    view = make_view(nodes, edges)
    firsts = [search(view, typed, limit=5)[0]["id"] for typed in ("ox", "oxf", "oxfo", "oxford")]
    assert firsts == ["uni"] * 4
    assert search(view, "oxford university")[0]["id"] == "uni"


def test_importance_can_be_given():
    view = make_view({"a": ("Alpha Mining", "company"), "b": ("Alpha Metals", "company")}, [])
    index = build_index(view, importance={"a": 0.1, "b": 0.9})
    assert [hit["id"] for hit in search(view, "alpha", index=index)] == ["b", "a"]


def test_a_common_prefix_answers_from_the_most_important(monkeypatch):
    monkeypatch.setattr(lookup, "MAX_CANDIDATES", 5)
    nodes = {f"n{i}": (f"Node {i}", "company") for i in range(30)}
    edges = [("n29", f"n{i}", "collaborates_with") for i in range(10)]
    edges += [("n28", f"n{i}", "collaborates_with") for i in range(5)]
    view = make_view(nodes, edges)
    index = build_index(view)
    assert "n" in index.top and len(index.top["n"]) <= lookup.TOP_PER_PREFIX
    assert [hit["id"] for hit in search(view, "n", limit=2, index=index)] == ["n29", "n28"]


def test_a_huge_name_is_indexed_in_bounded_pieces():
    view = make_view({"long": ("x" * 10_000, "company"), "a": ("Acme", "company")}, [])
    index = build_index(view)
    assert len(index.grams) < 10
    assert [hit["id"] for hit in search(view, "x" * 30, index=index)] == ["long"]


def test_search_empty_query_finds_nothing(view):
    assert search(view, "  ") == []


def test_search_limit(view):
    assert len(search(view, "leon", limit=2)) == 2
