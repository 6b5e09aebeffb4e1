"""The checked dataset kept in the cache: the same network as reading the files, used only for
the same bytes, checked when read and rebuilt when damaged."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from ecosystem.cli import main
from ecosystem.errors import DataError
from ecosystem.graph import (
    build_graph,
    default_data_dir,
    load_graph,
    merged_view,
    read_dataset,
    simple_view,
    typed_graph,
)
from ecosystem.schema import RELATION_COLUMNS
from ecosystem.snapshot import dataset_snapshot, read_network, snapshot_of
from tests.helpers import TINY_RELATIONS, csv_text, write_dataset


def _copy_shipped(folder: Path) -> Path:
    shutil.copytree(default_data_dir(), folder)
    return folder


def _snapshots(cache: Path) -> list[Path]:
    return sorted(cache.glob("dataset-*.json"))


def _same_view(first: nx.Graph, second: nx.Graph) -> None:
    """Equal in everything analysis and drawing see, order included."""
    assert first.graph == second.graph
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))
    assert [list(first.adj[node]) for node in first] == [list(second.adj[node]) for node in second]


def test_a_snapshot_gives_the_network_the_files_give(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    fresh = read_network(data, cache=cache)
    assert not fresh.from_snapshot and len(_snapshots(cache)) == 1
    again = read_network(data, cache=cache)
    assert again.from_snapshot
    expected = simple_view(load_graph(data))
    _same_view(again.view, expected)
    _same_view(fresh.view, expected)
    typed, loaded = again.typed(), load_graph(data)
    assert typed.graph == loaded.graph
    assert list(typed.nodes(data=True)) == list(loaded.nodes(data=True))
    assert list(typed.edges(keys=True, data=True)) == list(loaded.edges(keys=True, data=True))


def test_the_snapshot_is_json_with_its_digest(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    read_network(data, cache=cache)
    head, _, body = _snapshots(cache)[0].read_bytes().partition(b"\n")
    header = json.loads(head)
    assert header["sha256"] == hashlib.sha256(body).hexdigest()
    stored = json.loads(body)
    assert stored["entities"]["ids"] == list(load_graph(data))


def test_changed_files_are_read_again(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    read_network(data, cache=cache)
    relations = data / "relations.csv"
    relations.write_bytes(relations.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[0] + b"\n")
    changed = read_network(data, cache=cache)
    assert not changed.from_snapshot
    assert changed.view.graph["content_hash"] == load_graph(data).graph["content_hash"]
    assert len(_snapshots(cache)) == 2


def _damage(path: Path, change) -> None:
    path.write_bytes(change(path.read_bytes()))


def _with_body(raw: bytes, edit) -> bytes:
    """The snapshot with its body changed by ``edit`` and its digest made to match again."""
    head, _, body = raw.partition(b"\n")
    stored = edit(json.loads(body))
    new_body = json.dumps(stored).encode()
    header = {**json.loads(head), "sha256": hashlib.sha256(new_body).hexdigest()}
    return json.dumps(header).encode() + b"\n" + new_body


def _number_an_id(stored: dict) -> dict:
    stored["entities"]["ids"][0] = 7
    return stored


def _end_out_of_range(stored: dict) -> dict:
    stored["relations"]["source"][0] = len(stored["entities"]["ids"])
    return stored


def _short_column(stored: dict) -> dict:
    stored["relations"]["values"][-1].pop()
    return stored


def _lines_out_of_order(stored: dict) -> dict:
    lines = stored["relations"]["values"][0]
    lines[0], lines[1] = lines[1], lines[0]
    return stored


def _unknown_relation_type(stored: dict) -> dict:
    relations = stored["relations"]
    relations["values"][relations["columns"].index("type")][0] = "befriends"
    return stored


def _unknown_entity_type(stored: dict) -> dict:
    entities = stored["entities"]
    entities["values"][entities["columns"].index("type")][0] = "planet"
    return stored


def _no_evidence_column(stored: dict) -> dict:
    relations = stored["relations"]
    place = relations["columns"].index("evidence")
    del relations["columns"][place], relations["values"][place]
    return stored


def _boolean_line(stored: dict) -> dict:
    stored["relations"]["values"][0][0] = True
    return stored


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw.replace(b"ismc", b"isnc", 1), id="a byte changed"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"not json\n" + raw, id="no header"),
        pytest.param(
            lambda raw: raw.replace(b'"key": "', b'"key": "0', 1), id="another data's key"
        ),
        pytest.param(lambda raw: _with_body(raw, _number_an_id), id="an id that is a number"),
        pytest.param(lambda raw: _with_body(raw, _end_out_of_range), id="an end out of range"),
        pytest.param(lambda raw: _with_body(raw, _short_column), id="a short column"),
        pytest.param(lambda raw: _with_body(raw, _lines_out_of_order), id="lines out of order"),
        pytest.param(lambda raw: _with_body(raw, _boolean_line), id="a line that is true"),
        pytest.param(lambda raw: _with_body(raw, lambda _: [1, 2]), id="a list"),
        pytest.param(lambda raw: _with_body(raw, _unknown_relation_type), id="a relation type"),
        pytest.param(lambda raw: _with_body(raw, _unknown_entity_type), id="an entity type"),
        pytest.param(lambda raw: _with_body(raw, _no_evidence_column), id="no evidence column"),
    ],
)
def test_a_damaged_snapshot_is_ignored_and_written_anew(tmp_path, change, caplog):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    read_network(data, cache=cache)
    (path,) = _snapshots(cache)
    _damage(path, change)
    read = read_network(data, cache=cache)
    assert not read.from_snapshot
    assert "snapshot" in caplog.text
    _same_view(read.view, simple_view(load_graph(data)))
    assert read_network(data, cache=cache).from_snapshot  # written anew


def test_a_snapshot_that_is_not_a_regular_file_is_ignored(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    read_network(data, cache=cache)
    (path,) = _snapshots(cache)
    path.unlink()
    path.mkdir()
    assert not read_network(data, cache=cache).from_snapshot


def test_sources_are_checked_even_from_a_snapshot(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    read_network(data, cache=cache)
    catalogue = data / "sources.csv"
    header, first, *rest = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue.write_text(header + "".join(rest), encoding="utf-8")
    doc = first.split(",", 1)[0]
    with pytest.raises(DataError) as raised:
        read_network(data, cache=cache)
    assert f"document {doc!r} has no record in sources.csv" in str(raised.value)
    assert "relations.csv" in str(raised.value)


def test_without_the_cache_nothing_is_kept(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    assert not read_network(data, cache=cache, use_cache=False).from_snapshot
    assert not cache.exists()


def test_bad_files_are_refused_as_the_loader_refuses_them(tmp_path):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    (data / "entities.csv").write_text("id,name\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        read_network(data, cache=cache)
    assert "entities.csv" in str(raised.value)
    assert not _snapshots(cache)


def test_the_merged_view_keeps_records_and_shares_each_link(tmp_path):
    nodes = [("a", {"name": "A"}), ("b", {"name": "B"}), ("c", {"name": "C"})]
    records = [
        {"source": "b", "target": "a", "key": "r2", "line": 2, "type": "partner_in"},
        {"source": "a", "target": "b", "key": "r3", "line": 3, "type": "member_of"},
        {"source": "c", "target": "a", "key": "r4", "line": 4, "type": "partner_in"},
    ]
    view = merged_view({"content_hash": "x"}, nodes, records)
    assert list(view.edges) == [("a", "b"), ("a", "c")]
    assert list(view.adj["b"]) == ["a"] and list(view.adj["c"]) == ["a"]
    assert view.adj["a"]["b"] is view.adj["b"]["a"]
    assert view.edges["a", "b"]["relations"][1] is records[1]
    assert view.edges["a", "b"]["types"] == ["member_of", "partner_in"]
    assert view.edges["a", "b"]["weight"] == 2
    nodes[0][1]["name"] = "changed"
    assert view.nodes["a"]["name"] == "A"  # attributes are copied
    typed = typed_graph(view)
    assert typed.edges["b", "a", "r2"] == {"line": 2, "type": "partner_in"}
    assert sorted(typed.edges(keys=True), key=lambda edge: edge[2]) == [
        ("b", "a", "r2"),
        ("a", "b", "r3"),
        ("c", "a", "r4"),
    ]


def test_commands_read_the_snapshot_and_say_the_same(tmp_path, capsys):
    data, cache = _copy_shipped(tmp_path / "data"), tmp_path / "cache"
    args = ["--data", str(data), "--cache", str(cache)]
    outputs = []
    for _ in range(2):
        assert main(["stats", *args]) == 0
        assert main(["path", "ismc", "icamcyl", *args]) == 0
        outputs.append(capsys.readouterr().out)
    assert len(_snapshots(cache)) == 1
    assert outputs[0] == outputs[1]
    assert main(["stats", "--data", str(data), "--no-cache"]) == 0
    assert capsys.readouterr().out == outputs[0].split("Path 1")[0]


@pytest.mark.parametrize("extra", [[], ["note"], ["line"]])
def test_the_snapshot_made_from_the_rows_is_the_one_of_the_typed_graph(tmp_path, extra):
    rows = [{**row, "note": "n", "line": "7"} for row in TINY_RELATIONS]
    folder = write_dataset(tmp_path, relations=csv_text([*RELATION_COLUMNS, *extra], rows))
    dataset = read_dataset(folder)
    assert dataset_snapshot(dataset) == snapshot_of(build_graph(dataset))


def test_a_network_read_cold_builds_its_typed_graph_only_when_asked(tmp_path, monkeypatch):
    import ecosystem.snapshot

    data = _copy_shipped(tmp_path / "data")
    built = []
    monkeypatch.setattr(
        ecosystem.snapshot, "typed_graph", lambda view: built.append(view) or typed_graph(view)
    )
    network = read_network(data, use_cache=False)
    assert network.built is None and built == []
    loaded = load_graph(data)
    assert list(network.typed().edges(keys=True, data=True)) == list(
        loaded.edges(keys=True, data=True)
    )
    assert built == [network.view]
