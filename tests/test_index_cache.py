"""The type-ahead index kept in the cache: the same index as building it, refused when damaged."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecosystem.analysis.lookup import build_index, fold, search
from ecosystem.index_cache import compute_index, index_fields, index_from_fields


def test_the_stored_index_is_the_built_one(shipped_view, tmp_path):
    built = compute_index(shipped_view, directory=tmp_path)
    (path,) = tmp_path.glob("index-*.json")
    read = compute_index(shipped_view, directory=tmp_path)
    assert read == built == build_index(shipped_view)
    assert search(shipped_view, "pizarras", index=read) == search(shipped_view, "pizarras")
    assert json.loads(path.read_text(encoding="utf-8"))["key"]


def test_without_the_cache_nothing_is_kept(shipped_view, tmp_path):
    compute_index(shipped_view, directory=tmp_path, use_cache=False)
    assert not list(tmp_path.iterdir())


def _fields(shipped_view) -> dict:
    return json.loads(json.dumps(index_fields(build_index(shipped_view))))


def _place_out_of_range(fields: dict) -> None:
    fields["postings"][0] = [len(fields["order"])]


def _id_for_a_place(fields: dict) -> None:
    fields["keys"][next(iter(fields["keys"]))] = [fields["order"][0]]


def _yes_for_a_place(fields: dict) -> None:
    fields["keys"][next(iter(fields["keys"]))] = [True]


def _postings_not_aligned_with_words(fields: dict) -> None:
    fields["postings"].pop()


def _unknown_entity(fields: dict) -> None:
    fields["order"][0] = "not-an-entity"


def _gram_out_of_range(fields: dict) -> None:
    fields["grams"][next(iter(fields["grams"]))] = [len(fields["words"])]


def _words_unsorted(fields: dict) -> None:
    fields["words"].reverse()


def _entity_missing(fields: dict) -> None:
    fields["order"].pop()


def _number_for_a_label(fields: dict) -> None:
    fields["labels"][0] = [3]


def _part_missing(fields: dict) -> None:
    del fields["top"]


@pytest.mark.parametrize(
    "damage",
    [
        _place_out_of_range,
        _id_for_a_place,
        _yes_for_a_place,
        _postings_not_aligned_with_words,
        _unknown_entity,
        _gram_out_of_range,
        _words_unsorted,
        _entity_missing,
        _number_for_a_label,
        _part_missing,
    ],
)
def test_fields_that_do_not_fit_the_network_are_refused(shipped_view, damage):
    fields = _fields(shipped_view)
    assert index_from_fields(fields, shipped_view) == build_index(shipped_view)
    damage(fields)
    assert index_from_fields(fields, shipped_view) is None


def test_a_damaged_file_is_built_again_and_stored_anew(shipped_view, tmp_path, caplog):
    compute_index(shipped_view, directory=tmp_path)
    (path,) = tmp_path.glob("index-*.json")
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["result"]["words"].reverse()
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert compute_index(shipped_view, directory=tmp_path) == build_index(shipped_view)
    assert "not the index of this network" in caplog.text
    assert index_from_fields(json.loads(path.read_text())["result"], shipped_view) is not None


def test_exact_matches_answer_as_the_index_keys(shipped_view):
    from ecosystem.analysis.lookup import exact_matches

    keys = build_index(shipped_view).keys
    texts = [
        text
        for node, data in shipped_view.nodes(data=True)
        for text in (node, data["name"], data["name"].upper(), f" {data['name']}!")
    ]
    texts += ["no such entity", "", "   ", "León", "LEON", "Junta de Castilla y Leon"]
    found = exact_matches(shipped_view, texts)
    assert found == {text: keys.get(fold(text), ()) for text in texts}
    assert sum(1 for ids in found.values() if ids) > len(shipped_view)


@given(
    names=st.lists(st.text(alphabet="aAéÉ-. ńb1", min_size=0, max_size=8), min_size=1, max_size=6),
    query=st.text(alphabet="aAéÉ-. ńb1", min_size=0, max_size=8),
)
def test_exact_matches_miss_no_name_that_folds_alike(names, query):
    from ecosystem.analysis.lookup import exact_matches

    graph = nx.Graph()
    for number, name in enumerate(names):
        graph.add_node(f"e{number}", name=name, aliases="|".join(reversed(names[:number])))
    keys = build_index(graph).keys
    assert exact_matches(graph, [query]) == {query: keys.get(fold(query), ())}


def test_a_command_resolves_an_exact_name_without_the_index(monkeypatch, capsys):
    from ecosystem import index_cache
    from ecosystem.cli import main

    monkeypatch.setattr(index_cache, "compute_index", lambda *a, **k: pytest.fail("index read"))
    assert main(["path", "Junta de Castilla y León", "ismc", "--no-cache"]) == 0
    assert capsys.readouterr().out.startswith("Path 1: Junta de Castilla y León → ")
    monkeypatch.undo()
    assert main(["path", "Junta de Castilla y Lion", "ismc", "--no-cache"]) == 2
    assert "did you mean Junta de Castilla y León" in capsys.readouterr().err
