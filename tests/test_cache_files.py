"""Cache files that are not what they claim: each is ignored and the values recomputed, so the
server starts; the cache folder's permissions are checked."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from ecosystem.cache import (
    check_cache_folder,
    compute_communities,
    compute_layout,
    compute_metrics,
    load_metrics,
)
from ecosystem.cachefiles import read_json, write_json
from ecosystem.graph import simple_view


@pytest.fixture
def view(shipped_graph) -> nx.Graph:
    return simple_view(shipped_graph)


def stored_metrics(view: nx.Graph, folder: Path) -> tuple[Path, dict]:
    compute_metrics(view, directory=folder)
    (path,) = folder.glob("metrics-*.npz")
    with np.load(path) as stored:
        return path, dict(stored)


def rewrite(path: Path, arrays: dict) -> None:
    with path.open("wb") as stream:
        np.savez(stream, **arrays)


def meta_of(arrays: dict) -> dict:
    return json.loads(str(arrays["meta"]))


METRIC_DAMAGE = {
    "meta is a list": lambda a: {**a, "meta": np.array(json.dumps([meta_of(a)["key"]]))},
    "methods missing": lambda a: {
        **a,
        "meta": np.array(json.dumps({"key": meta_of(a)["key"]})),
    },
    "methods of the wrong shape": lambda a: {
        **a,
        "meta": np.array(
            json.dumps(
                {
                    "key": meta_of(a)["key"],
                    "methods": {m: ["networkx", "many", {}] for m in meta_of(a)["methods"]},
                }
            )
        ),
    },
    "an array missing": lambda a: {k: v for k, v in a.items() if k != "degrees"},
    "an extra array": lambda a: {**a, "extra": np.zeros(3)},
    "values of the wrong type": lambda a: {
        **a,
        **{k: v.astype(np.float32) for k, v in a.items() if k.startswith("metric_")},
    },
    "nodes of the wrong shape": lambda a: {**a, "nodes": a["nodes"].reshape(1, -1)},
}


@pytest.mark.parametrize("damage", list(METRIC_DAMAGE))
def test_a_metrics_file_with_the_right_key_and_wrong_contents_is_recomputed(view, tmp_path, damage):
    folder = tmp_path / "cache"
    path, arrays = stored_metrics(view, folder)
    expected = compute_metrics(view, directory=folder, use_cache=False).values
    rewrite(path, METRIC_DAMAGE[damage](arrays))
    assert load_metrics(view, directory=folder) is None
    again = compute_metrics(view, directory=folder)
    assert not again.from_cache and again.values == expected
    assert compute_metrics(view, directory=folder).from_cache  # rewritten whole


def test_a_metrics_file_that_unpacks_to_gigabytes_is_refused_unread(view, tmp_path):
    folder = tmp_path / "cache"
    path, arrays = stored_metrics(view, folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in arrays:  # every array this version writes, one of them a bomb
            with archive.open(f"{name}.npy", "w", force_zip64=True) as stream:
                for _ in range(200 if name == "meta" else 1):
                    stream.write(b"\0" * 1_000_000)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1_000_000
    assert load_metrics(view, directory=folder) is None


def _json_path(graph: nx.Graph, folder: Path, kind: str) -> Path:
    (path,) = folder.glob(f"{kind}-*.json")
    return path


def _planted(path: Path, result) -> None:
    stored = json.loads(path.read_text())
    path.write_text(json.dumps({"key": stored["key"], "result": result}))


LAYOUT_DAMAGE = {
    "points as text": lambda nodes: {n: ["a", "b"] for n in nodes},
    "points of three numbers": lambda nodes: {n: [1, 2, 3] for n in nodes},
    "points that are not finite": lambda nodes: {n: [float("nan"), 1] for n in nodes},
    "a list, not a mapping": lambda nodes: [[1, 2] for _ in nodes],
    "a yes for a number": lambda nodes: {n: [1, True] for n in nodes},
    "a number too large for a float": lambda nodes: {n: [1, 10**400] for n in nodes},
    "an entity's point missing": lambda nodes: {
        **{n: [1, 2] for n in nodes[1:]},
        "not-an-entity": [1, 2],
    },
    "one point a pair, not a list": lambda nodes: {
        n: {"x": 1, "y": 2} if i == 0 else [1, 2] for i, n in enumerate(nodes)
    },
}


@pytest.mark.parametrize("damage", list(LAYOUT_DAMAGE))
def test_a_layout_file_of_the_wrong_shape_is_recomputed(view, tmp_path, damage):
    folder = tmp_path / "cache"
    expected = compute_layout(view, directory=folder)
    path = _json_path(view, folder, "layout")
    _planted(path, LAYOUT_DAMAGE[damage](list(view)))
    assert compute_layout(view, directory=folder) == expected


COMMUNITY_DAMAGE = {
    "not a mapping": list,
    "communities not a list": lambda nodes: {"modularity": 0.5, "communities": "x"},
    "members not text": lambda nodes: {
        "modularity": 0.5,
        "communities": [{"id": 0, "size": 1, "label": "x", "members": [[n] for n in nodes]}],
    },
    "size that does not match": lambda nodes: {
        "modularity": 0.5,
        "communities": [{"id": 0, "size": 1, "label": "x", "members": list(nodes)}],
    },
    "label missing": lambda nodes: {
        "modularity": 0.5,
        "communities": [{"id": 0, "size": len(nodes), "members": list(nodes)}],
    },
}


@pytest.mark.parametrize("damage", list(COMMUNITY_DAMAGE))
def test_a_communities_file_of_the_wrong_shape_is_recomputed(view, tmp_path, damage):
    folder = tmp_path / "cache"
    expected = compute_communities(view, directory=folder)
    path = _json_path(view, folder, "communities")
    _planted(path, COMMUNITY_DAMAGE[damage](list(view)))
    assert compute_communities(view, directory=folder) == expected


def test_a_json_file_nested_too_deep_is_recomputed(view, tmp_path):
    folder = tmp_path / "cache"
    expected = compute_layout(view, directory=folder)
    path = _json_path(view, folder, "layout")
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert compute_layout(view, directory=folder) == expected


def test_a_fifo_in_place_of_a_cache_file_does_not_hang_the_start(view, tmp_path):
    folder = tmp_path / "cache"
    expected = compute_layout(view, directory=folder)
    path = _json_path(view, folder, "layout")
    path.unlink()
    os.mkfifo(path)
    assert compute_layout(view, directory=folder) == expected


def test_a_link_to_dev_zero_is_not_read(view, tmp_path):
    folder = tmp_path / "cache"
    path, _ = stored_metrics(view, folder)
    path.unlink()
    path.symlink_to("/dev/zero")
    assert load_metrics(view, directory=folder) is None
    layout = compute_layout(view, directory=folder)
    json_path = _json_path(view, folder, "layout")
    json_path.unlink()
    json_path.symlink_to("/dev/zero")
    assert compute_layout(view, directory=folder) == layout


def test_a_file_larger_than_the_network_can_need_is_not_read(view, tmp_path):
    folder = tmp_path / "cache"
    layout = compute_layout(view, directory=folder)
    path = _json_path(view, folder, "layout")
    with path.open("r+b") as stream:
        stream.truncate(10 * 1024**3)  # sparse: ten gigabytes of nothing
    assert compute_layout(view, directory=folder) == layout


def test_the_app_starts_on_a_damaged_cache(shipped_graph, tmp_path):
    from ecosystem.app import create_app

    folder = tmp_path / "cache"
    view = simple_view(shipped_graph)
    path, arrays = stored_metrics(view, folder)
    rewrite(path, METRIC_DAMAGE["methods of the wrong shape"](arrays))
    compute_layout(view, directory=folder)
    _planted(_json_path(view, folder, "layout"), LAYOUT_DAMAGE["points as text"](list(view)))
    compute_communities(view, directory=folder)
    _planted(
        _json_path(view, folder, "communities"),
        COMMUNITY_DAMAGE["members not text"](list(view)),
    )
    app = create_app(shipped_graph, cache=folder)
    assert app.server.test_client().get("/").status_code == 200


def test_a_world_writable_cache_folder_is_warned_about(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    assert check_cache_folder(folder) is None
    folder.chmod(0o777)
    warning = check_cache_folder(folder)
    assert warning and "every user" in warning and "chmod 700" in warning
    folder.chmod(0o1777)  # sticky, as /tmp: others cannot replace files they do not own
    assert check_cache_folder(folder) is None


def test_serve_prints_the_warning(tmp_path, monkeypatch, capsys):
    import ecosystem.server
    from ecosystem.cli import main

    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setattr(ecosystem.server, "serve", lambda build, **kwargs: build())
    assert main(["serve", "--cache", str(folder), "--port", "18000"]) == 0
    assert "can be written by every user" in capsys.readouterr().err


def test_a_result_json_cannot_hold_is_not_stored(tmp_path, caplog):
    path = tmp_path / f"communities-{1:040x}.json"
    assert not write_json(path, "k", {"modularity": float("nan")})
    assert not path.exists()
    assert f"not caching {path.name}" in caplog.text
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match=r"[Cc]ircular"):  # a mistake, not a number to skip
        write_json(path, "k", cycle)
    assert write_json(path, "k", {"modularity": 0.5})
    assert read_json(path, "k", lambda result: True, 1000) == {"modularity": 0.5}
