"""The type-ahead index kept in the cache: the same index as building it, refused when damaged."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecosystem.analysis.lookup import FlatLists, build_index, fold, search
from ecosystem.index_cache import compute_index, index_arrays, index_from_arrays

KEY = "the key of this network's index"


def test_the_stored_index_is_the_built_one(shipped_view, tmp_path):
    built = compute_index(shipped_view, directory=tmp_path)
    (path,) = tmp_path.glob("index-*.npz")
    read = compute_index(shipped_view, directory=tmp_path)
    assert isinstance(read.keys, FlatLists)  # read back, not built again
    assert read == built == build_index(shipped_view)
    for query in ("pizarras", "leon", "junta castilla", "tehcnology", "u"):
        assert search(shipped_view, query, index=read) == search(shipped_view, query)
    with np.load(path, allow_pickle=False) as stored:
        assert json.loads(stored["text"].tobytes())["key"]


def test_without_the_cache_nothing_is_kept(shipped_view, tmp_path):
    compute_index(shipped_view, directory=tmp_path, use_cache=False)
    assert not list(tmp_path.iterdir())


def _arrays(shipped_view) -> dict:
    return index_arrays(build_index(shipped_view), KEY)


def _texts(arrays: dict) -> dict:
    return json.loads(arrays["text"].tobytes())


def _with_texts(arrays: dict, texts: dict) -> None:
    arrays["text"] = np.frombuffer(json.dumps(texts).encode(), dtype=np.uint8)


def _place_out_of_range(arrays: dict) -> None:
    arrays["postings"] = arrays["postings"].copy()
    arrays["postings"][0] = len(_texts(arrays)["order"])


def _negative_place(arrays: dict) -> None:
    arrays["keys"] = arrays["keys"].copy()
    arrays["keys"][-1] = -1


def _places_as_floats(arrays: dict) -> None:
    arrays["keys"] = arrays["keys"].astype(np.float64)


def _starts_past_the_end(arrays: dict) -> None:
    arrays["postings_at"] = arrays["postings_at"] + 1


def _last_list_past_the_end(arrays: dict) -> None:
    starts = arrays["postings_at"].copy()
    starts[-1] += 1
    arrays["postings_at"] = starts


def _starts_going_back(arrays: dict) -> None:
    starts = arrays["labels_at"].copy()
    starts[1], starts[2] = starts[2], starts[1]
    arrays["labels_at"] = starts


def _postings_not_aligned_with_words(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["words"].pop()
    _with_texts(arrays, texts)


def _unknown_entity(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["order"][0] = "not-an-entity"
    _with_texts(arrays, texts)


def _gram_out_of_range(arrays: dict) -> None:
    arrays["grams"] = arrays["grams"].copy()
    arrays["grams"][0] = len(_texts(arrays)["words"])


def _words_unsorted(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["words"].reverse()
    _with_texts(arrays, texts)


def _entity_missing(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["order"].pop()
    _with_texts(arrays, texts)


def _label_named_twice(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["keys"][1] = texts["keys"][0]
    _with_texts(arrays, texts)


def _number_for_a_word(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["words"][0] = 3
    _with_texts(arrays, texts)


def _another_key(arrays: dict) -> None:
    texts = _texts(arrays)
    texts["key"] = "the key of another network"
    _with_texts(arrays, texts)


def _part_missing(arrays: dict) -> None:
    del arrays["top_at"]


def _texts_in_another_type(arrays: dict) -> None:
    arrays["text"] = arrays["text"].astype(np.int64)


@pytest.mark.parametrize(
    "damage",
    [
        _place_out_of_range,
        _negative_place,
        _places_as_floats,
        _starts_past_the_end,
        _last_list_past_the_end,
        _starts_going_back,
        _postings_not_aligned_with_words,
        _unknown_entity,
        _gram_out_of_range,
        _words_unsorted,
        _entity_missing,
        _label_named_twice,
        _number_for_a_word,
        _another_key,
        _part_missing,
        _texts_in_another_type,
    ],
)
def test_arrays_that_do_not_fit_the_network_are_refused(shipped_view, damage):
    arrays = _arrays(shipped_view)
    assert index_from_arrays(arrays, KEY, shipped_view) == build_index(shipped_view)
    damage(arrays)
    assert index_from_arrays(arrays, KEY, shipped_view) is None


def _rewritten(path, change) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    change(arrays)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: _rewritten(path, _words_unsorted),
        lambda path: _rewritten(path, lambda arrays: arrays.update(extra=np.zeros(3))),
        lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
        lambda path: path.write_bytes(b"not an archive"),
    ],
    ids=["not this network's", "an extra part", "cut short", "not an archive"],
)
def test_a_damaged_file_is_built_again_and_stored_anew(shipped_view, tmp_path, caplog, damage):
    compute_index(shipped_view, directory=tmp_path)
    (path,) = tmp_path.glob("index-*.npz")
    damage(path)
    assert compute_index(shipped_view, directory=tmp_path) == build_index(shipped_view)
    assert "ignoring" in caplog.text and path.name in caplog.text
    assert isinstance(compute_index(shipped_view, directory=tmp_path).keys, FlatLists)


def test_an_archive_that_unpacks_too_large_is_not_read(shipped_view, tmp_path, caplog):
    compute_index(shipped_view, directory=tmp_path)
    (path,) = tmp_path.glob("index-*.npz")
    # A member whose unpacked size is far beyond what this network's index could take, packed
    # small: refused from the archive's table of contents, before anything is unpacked.
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["grams"] = np.zeros(200_000_000, dtype=np.int8)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    assert path.stat().st_size < 2_000_000
    assert compute_index(shipped_view, directory=tmp_path) == build_index(shipped_view)
    assert "unpacks to more" in caplog.text


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
