"""The collaboration history kept in the cache: the same history as working it out, read back
without working it out again, and refused (then worked out and stored anew) when damaged."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ecosystem import history_cache
from ecosystem.analysis.ranker.history import UNDATED, History
from ecosystem.analysis.synergy import history as synergy_history_module
from ecosystem.analysis.synergy import prepare, synergy_candidates
from ecosystem.analysis.synergy.history import history_from_view
from ecosystem.graph import load_graph, simple_view
from ecosystem.history_cache import read_history, synergy_history
from tests.helpers import write_dataset


def _same(first: History, second: History) -> bool:
    for part in dataclasses.fields(History):
        a, b = getattr(first, part.name), getattr(second, part.name)
        if isinstance(a, np.ndarray):
            if not (
                a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
            ):
                return False
        elif a != b:
            return False
    return True


def _counting(monkeypatch) -> list[int]:
    """Counts the histories worked out from a view from now on."""
    made: list[int] = []
    real = synergy_history_module.history_from_view

    def counted(view):
        made.append(1)
        return real(view)

    monkeypatch.setattr(synergy_history_module, "history_from_view", counted)
    return made


def _only_file(folder: Path) -> Path:
    (path,) = folder.glob("synergy-history-*.npz")
    return path


def test_the_stored_history_is_the_worked_out_one(shipped_view, tmp_path, monkeypatch):
    made = _counting(monkeypatch)
    history_of = synergy_history(shipped_view, directory=tmp_path)
    first = history_of(shipped_view, None)
    path = _only_file(tmp_path)
    again = synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    assert made == [1]  # read back, not worked out again
    assert _same(again, first) and _same(again, history_from_view(shipped_view))
    assert again.venue_context.shape[1] == 2 and len(again.contexts) > 0
    assert json.loads(str(np.load(path, allow_pickle=False)["meta"]))["key"]


def test_suggestions_from_the_stored_history_are_the_same(shipped_view, tmp_path):
    history_of = synergy_history(shipped_view, directory=tmp_path)
    prepare(shipped_view, history_of=history_of)  # stores it
    cached = prepare(shipped_view, history_of=history_of)
    fresh = prepare(shipped_view)
    for entity in ("ismc", "pizarras-la-bana"):
        assert synergy_candidates(shipped_view, entity, synergy=cached) == synergy_candidates(
            shipped_view, entity, synergy=fresh
        )


def test_without_the_cache_nothing_is_kept(shipped_view, tmp_path):
    synergy_history(shipped_view, directory=tmp_path, use_cache=False)(shipped_view, None)
    assert not list(tmp_path.iterdir())


def test_each_date_has_its_own_history_with_nothing_after_it(shipped_view, tmp_path):
    history_of = synergy_history(shipped_view, directory=tmp_path)
    whole = prepare(shipped_view, history_of=history_of)
    early = prepare(shipped_view, as_of="2023-06-30", history_of=history_of)
    assert len(list(tmp_path.glob("synergy-history-*.npz"))) == 2
    cut = early.history.day[early.history.day != UNDATED]
    assert cut.size and cut.max() <= date(2023, 6, 30).toordinal()
    assert early.history.day.size < whole.history.day.size
    # Read back under its own date, the same as working it out again.
    again = prepare(shipped_view, as_of="2023-06-30", history_of=history_of)
    assert _same(again.history, prepare(shipped_view, as_of="2023-06-30").history)


def _rewrite(path: Path, change) -> None:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    change(arrays)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def _actor_out_of_range(arrays):
    arrays["actor"] = arrays["actor"].copy()
    arrays["actor"][0] = len(arrays["actors"])


def _negative_venue(arrays):
    arrays["venue"] = arrays["venue"].copy()
    arrays["venue"][0] = -1


def _context_out_of_range(arrays):
    arrays["venue_context"] = arrays["venue_context"].copy()
    arrays["venue_context"][0, 1] = len(arrays["contexts"])


def _unknown_actor(arrays):
    arrays["actors"] = np.array(["not-an-entity", *arrays["actors"][1:].tolist()])


def _actor_missing(arrays):
    arrays["actors"] = arrays["actors"][1:]
    arrays["actor_type"] = arrays["actor_type"][1:]
    arrays["actor_country"] = arrays["actor_country"][1:]


def _another_country(arrays):
    arrays["actor_country"] = np.array(["XX", *arrays["actor_country"][1:].tolist()])


def _another_type(arrays):
    first = "platform" if arrays["venue_kind"][0] == "event" else "event"
    arrays["venue_kind"] = np.array([first, *arrays["venue_kind"][1:].tolist()])


def _numbers_as_text(arrays):
    arrays["day"] = arrays["day"].astype(str)


def _columns_not_aligned(arrays):
    arrays["amount"] = arrays["amount"][1:]


def _other_data(arrays):
    arrays["meta"] = np.array(json.dumps({"key": "another network", "format": 1}))


def _part_missing(arrays):
    del arrays["coordinator"]


def _ends_not_aligned(arrays):
    arrays["venue_end"] = arrays["venue_end"][1:]


def _ends_as_fractions(arrays):
    arrays["venue_end"] = arrays["venue_end"].astype(np.float64)


def _end_before_any_day(arrays):
    arrays["venue_end"] = arrays["venue_end"].copy()
    arrays["venue_end"][0] = -7


@pytest.mark.parametrize(
    "damage",
    [
        _actor_out_of_range,
        _negative_venue,
        _context_out_of_range,
        _unknown_actor,
        _actor_missing,
        _another_country,
        _another_type,
        _numbers_as_text,
        _columns_not_aligned,
        _other_data,
        _part_missing,
        _ends_not_aligned,
        _ends_as_fractions,
        _end_before_any_day,
    ],
)
def test_a_damaged_history_is_worked_out_again_and_stored_anew(
    shipped_view, tmp_path, monkeypatch, caplog, damage
):
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    path = _only_file(tmp_path)
    _rewrite(path, damage)
    made = _counting(monkeypatch)
    found = synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    assert made == [1] and "ignoring" in caplog.text
    assert _same(found, history_from_view(shipped_view))
    # Stored anew: the next read needs no work.
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    assert made == [1]


def test_a_file_that_would_run_code_is_never_unpickled(shipped_view, tmp_path, monkeypatch):
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    path = _only_file(tmp_path)
    _rewrite(path, lambda arrays: arrays.update(actors=np.array([object()], dtype=object)))
    made = _counting(monkeypatch)
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    assert made == [1]


@pytest.mark.parametrize("cut", [0, 10, 100])
def test_a_truncated_file_is_refused(shipped_view, tmp_path, cut):
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    path = _only_file(tmp_path)
    key = json.loads(str(np.load(path, allow_pickle=False)["meta"]))["key"]
    path.write_bytes(path.read_bytes()[:cut])
    assert read_history(path, key, shipped_view) is None


def test_a_file_that_unpacks_to_more_than_its_bound_is_refused(shipped_view, tmp_path):
    synergy_history(shipped_view, directory=tmp_path)(shipped_view, None)
    path = _only_file(tmp_path)
    key = json.loads(str(np.load(path, allow_pickle=False)["meta"]))["key"]
    bound = history_cache.size_bound(shipped_view)
    assert path.stat().st_size < bound  # the history as written fits
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # Deflated to a few kilobytes; unpacked, more than a history of this network may hold.
        archive.writestr("meta.npy", b"\0" * (bound + 1))
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000 < bound
    assert read_history(path, key, shipped_view) is None


def test_the_bound_holds_a_history_of_long_ids_and_direct_relations(tmp_path):
    # Texts are stored at the width of the longest: long ids widen every one of them, and a
    # direct relation's venue is named after both its ends.
    long = "x" * 5000
    members = [f"{long}{n}" for n in range(30)]
    entities = [
        {"id": member, "name": f"Acme {n}", "type": "company", "country": "ES"}
        for n, member in enumerate(members)
    ] + [{"id": "cluster", "name": "Mining Cluster", "type": "cluster", "country": "ES"}]
    relations = [
        {
            "source": member,
            "target": "cluster",
            "type": "member_of",
            "evidence": f"Acme {n} is a member of the Mining Cluster.",
            "doc": "doc.txt",
        }
        for n, member in enumerate(members)
    ]
    document = "".join(f"Acme {n} is a member of the Mining Cluster.\n" for n in range(30))
    folder = write_dataset(tmp_path / "data", entities, relations, document=document)
    view = simple_view(load_graph(folder))
    made = synergy_history(view, directory=tmp_path / "cache")(view, None)
    assert made.venue_kind.count("relation") == 30
    path = _only_file(tmp_path / "cache")
    assert 1_000_000 < path.stat().st_size <= history_cache.size_bound(view)
    key = json.loads(str(np.load(path, allow_pickle=False)["meta"]))["key"]
    found = read_history(path, key, view)
    assert found is not None and _same(found, made)
