"""The cache folder kept under a size: the least recently used files go first, a read counts as
a use, and nothing the cache did not name is touched."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from ecosystem.cachefiles import (
    DEFAULT_LIMIT,
    LIMIT_ENV,
    CacheLimitError,
    cache_limit,
    prune,
    read_cache_file,
    write_file,
)
from ecosystem.cli import main
from ecosystem.resources import default_data_dir

DAY = 86_400


def cached(folder: Path, kind: str, number: int, size: int, age_days: float) -> Path:
    """A cache file of ``size`` bytes last used ``age_days`` ago."""
    path = folder / f"{kind}-{number:040x}.npz"
    path.write_bytes(b"x" * size)
    stamp = time.time() - age_days * DAY
    os.utime(path, (stamp, stamp))
    return path


@pytest.mark.parametrize(
    ("told", "limit"),
    [
        ("", DEFAULT_LIMIT),
        ("1048576", 1024**2),
        ("1.5M", 3 * 1024**2 // 2),
        ("2048K", 2 * 1024**2),
        ("5 M", 5 * 1024**2),
        ("500M", 500 * 1024**2),
        ("500MB", 500 * 1024**2),
        ("2g", 2 * 1024**3),
        ("4GiB", 4 * 1024**3),
        ("1" + "0" * 29 + "T", 10**29 * 1024**4),  # larger than any disk, and no overflow
        ("none", None),
    ],
)
def test_the_limit_is_read_from_the_environment(monkeypatch, told, limit):
    monkeypatch.setenv(LIMIT_ENV, told)
    assert cache_limit() == limit


@pytest.mark.parametrize("told", ["lots", "-5M", "5X", "1e9", "500IB", "9" * 400])
def test_a_limit_that_is_not_a_size_says_what_to_write(monkeypatch, told):
    monkeypatch.setenv(LIMIT_ENV, told)
    with pytest.raises(CacheLimitError, match=f"{LIMIT_ENV}=.*not a size.*500M"):
        cache_limit()


@pytest.mark.parametrize("told", ["0", "0.4", "1000", "1023K"])
def test_a_limit_too_small_to_keep_anything_points_to_no_cache(monkeypatch, told):
    monkeypatch.setenv(LIMIT_ENV, told)
    with pytest.raises(CacheLimitError, match=r"less than the 1M.*--no-cache"):
        cache_limit()


def test_the_least_recently_used_files_go_first(tmp_path):
    old = cached(tmp_path, "metrics", 1, 400, age_days=30)
    older = cached(tmp_path, "layout", 2, 400, age_days=60)
    recent = cached(tmp_path, "synergy-history", 3, 400, age_days=1)
    newest = cached(tmp_path, "dataset", 4, 400, age_days=0)
    assert prune(tmp_path, 1000) == [older, old]
    assert sorted(tmp_path.iterdir()) == sorted([recent, newest])
    assert prune(tmp_path, 1000) == []  # already under the limit
    assert prune(tmp_path, None) == []  # no limit


def test_the_file_just_written_is_kept_even_when_alone_over_the_limit(tmp_path):
    big = cached(tmp_path, "dataset", 1, 5000, age_days=90)
    other = cached(tmp_path, "metrics", 2, 10, age_days=1)
    assert prune(tmp_path, 1000, keep=big) == [other]
    assert big.exists()


def test_only_files_the_cache_names_are_counted_or_deleted(tmp_path):
    kept = [
        tmp_path / "notes.txt",
        tmp_path / "metrics-not-hex.npz",
        tmp_path / f"metrics-{1:039x}.npz",  # one digit short
        tmp_path / f"Metrics-{1:040x}.npz",
        tmp_path / f"metrics-{1:040x}.npz.tmp",
    ]
    for path in kept:
        path.write_bytes(b"y" * 5000)
        os.utime(path, (0, 0))
    folder = tmp_path / f"layout-{7:040x}.json"
    folder.mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.bin"
    outside.write_bytes(b"z" * 5000)
    link = tmp_path / f"index-{8:040x}.npz"
    link.symlink_to(outside)
    ours = cached(tmp_path, "metrics", 9, 100, age_days=5)
    assert prune(tmp_path, 0) == [ours]
    assert all(path.exists() for path in kept)
    assert folder.is_dir() and link.is_symlink() and outside.exists()


def test_a_read_marks_the_file_as_used(tmp_path):
    first = cached(tmp_path, "metrics", 1, 400, age_days=30)
    second = cached(tmp_path, "layout", 2, 400, age_days=10)
    assert read_cache_file(first, 1000) == b"x" * 400
    assert prune(tmp_path, 500) == [second]


def test_a_folder_that_cannot_be_listed_is_left_alone(tmp_path, caplog):
    assert prune(tmp_path / "missing", 0) == []
    assert "cannot list the cache folder" in caplog.text


def test_each_write_keeps_the_folder_under_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(LIMIT_ENV, "1M")
    old = cached(tmp_path, "metrics", 1, 600_000, age_days=3)
    recent = cached(tmp_path, "layout", 2, 300_000, age_days=1)
    new = tmp_path / f"dataset-{3:040x}.json"
    assert write_file(new, lambda handle: handle.write(b"n" * 500_000))
    assert not old.exists()
    assert recent.exists() and new.read_bytes() == b"n" * 500_000


def test_a_file_another_process_deleted_meanwhile_is_skipped(tmp_path, monkeypatch):
    gone = cached(tmp_path, "metrics", 1, 400, age_days=9)
    old = cached(tmp_path, "layout", 2, 400, age_days=8)
    recent = cached(tmp_path, "index", 3, 400, age_days=1)
    listed = os.scandir

    def listing_then_deleting(folder):
        entries = list(listed(folder))
        gone.unlink()  # another worker's prune, between the listing and the look at each file
        return iter(entries)

    monkeypatch.setattr("ecosystem.cachefiles.os.scandir", listing_then_deleting)
    assert prune(tmp_path, 500) == [old]
    assert sorted(tmp_path.iterdir()) == [recent]


def test_a_write_with_a_limit_that_is_not_a_size_still_writes(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(LIMIT_ENV, "lots")
    old = cached(tmp_path, "metrics", 1, 600, age_days=3)
    new = tmp_path / f"dataset-{3:040x}.json"
    assert write_file(new, lambda handle: handle.write(b"n"))
    assert old.exists() and new.exists()
    assert "not keeping the cache under a size" in caplog.text


def test_a_command_refuses_a_limit_that_is_not_a_size(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(LIMIT_ENV, "lots")
    code = main(["stats", "--cache", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"ecosystem stats: {LIMIT_ENV}='lots' is not a size" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert main(["stats", "--no-cache"]) == 0  # nothing is kept: the limit does not matter


def test_an_older_version_of_the_data_makes_room_for_the_new_one(tmp_path, monkeypatch, capsys):
    # The shipped data's files take less than the smallest limit allowed (1 MiB).
    monkeypatch.setattr("ecosystem.cachefiles.MIN_LIMIT", 0)
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    cache = tmp_path / "cache"
    assert main(["centrality", "--data", str(data), "--cache", str(cache)]) == 0
    first = {path.name for path in cache.iterdir()}
    one_version = sum(path.stat().st_size for path in cache.iterdir())
    # The data changes: a new version's files, with room for about one version.
    relations = data / "relations.csv"
    rows = relations.read_text(encoding="utf-8").splitlines(keepends=True)
    relations.write_text("".join(rows[:-1]), encoding="utf-8")
    monkeypatch.setenv(LIMIT_ENV, str(int(one_version * 1.5)))
    assert main(["centrality", "--data", str(data), "--cache", str(cache)]) == 0
    second = {path.name for path in cache.iterdir()}
    assert sum(path.stat().st_size for path in cache.iterdir()) <= one_version * 1.5
    assert first - second, "nothing of the older version was deleted"
    # The new version's files stay, and the next command reads them without writing.
    before = {path.name: path.stat().st_ino for path in cache.iterdir()}
    assert main(["centrality", "--data", str(data), "--cache", str(cache)]) == 0
    assert {path.name: path.stat().st_ino for path in cache.iterdir()} == before
    capsys.readouterr()
