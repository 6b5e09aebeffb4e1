"""Writes to a data folder: a crash at any instant leaves the old dataset or the new one, and two
imports at once both land.

The crash test runs a real import in a child process that is killed (``os._exit``, so no cleanup
runs) at its n-th file-system call, for every n until one import runs to the end: every step of
the commit, the lock and the temporary files included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecosystem.errors import EcosystemError
from ecosystem.graph import read_dataset
from ecosystem.interchange.importer import import_files
from ecosystem.schema import ENTITIES_FILE, RELATIONS_FILE, SOURCES_FILE
from ecosystem.storage import JOURNAL, LOCK, current_files, folder_lock, recover
from tests.helpers import write_dataset

ROOT = Path(__file__).resolve().parent.parent
NAMES = (ENTITIES_FILE, RELATIONS_FILE)

# Loads the package once, then for n = 1, 2, ... copies the template dataset and forks a child
# that imports into the copy and dies at its n-th file-system call; prints "n status" for each.
_KILLED_IMPORTS = """
import os, shutil, sys
from pathlib import Path
from ecosystem.interchange.importer import import_files

template, base, files = Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
NAMES = ("open", "close", "write", "fsync", "replace", "rename", "unlink", "chmod", "mkdir",
         "rmdir", "ftruncate", "utime", "fchmod", "link", "symlink")

def crash_at(kill_at):
    calls = 0
    def counted(real):
        def call(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == kill_at:
                os._exit(9)
            return real(*args, **kwargs)
        return call
    for name in NAMES:
        if hasattr(os, name):
            setattr(os, name, counted(getattr(os, name)))

for kill_at in range(1, 1000):
    folder = base / f"run{kill_at}"
    shutil.copytree(template, folder)
    child = os.fork()
    if child == 0:
        crash_at(kill_at)
        import_files("kumu", files, folder)
        os._exit(0)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    print(kill_at, code, flush=True)
    if code != 9:
        break
"""

_WAITING_IMPORT = """
import sys, time
from pathlib import Path
from ecosystem.interchange import importer

folder, go, files = Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
real_merge = importer.merge

def waiting_merge(existing, bundle):
    (go.parent / "reading").write_text("")   # the dataset on disk has been read
    while not go.exists():
        time.sleep(0.05)
    return real_merge(existing, bundle)

importer.merge = waiting_merge
importer.import_files("kumu", files, folder)
"""


def kumu_files(folder: Path, label: str) -> list[Path]:
    """A Kumu CSV pair adding one company linked to Acme Mining."""
    folder.mkdir(parents=True, exist_ok=True)
    elements = folder / "elements.csv"
    elements.write_text(f"Label,Type\n{label},company\n", encoding="utf-8")
    connections = folder / "connections.csv"
    connections.write_text(
        f"From,To,Type\n{label},Acme Mining,collaborates with\n", encoding="utf-8"
    )
    return [elements, connections]


def seen(folder: Path) -> tuple[bytes, bytes]:
    """The dataset as a reader sees it."""
    paths = current_files(folder, NAMES)
    return tuple(paths[name].read_bytes() for name in NAMES)  # type: ignore[return-value]


def on_disk(folder: Path) -> tuple[bytes, bytes]:
    return tuple((folder / name).read_bytes() for name in NAMES)  # type: ignore[return-value]


def run(script: str, *args: object, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,
    )


def test_a_crash_at_any_step_leaves_the_old_dataset_or_the_new(tmp_path):
    files = kumu_files(tmp_path / "in", "Alpha Minerals")
    template = write_dataset(tmp_path / "template")
    old = on_disk(template)
    finished = tmp_path / "finished"
    shutil.copytree(template, finished)
    import_files("kumu", files, finished)
    new = on_disk(finished)
    assert new != old

    child = run(_KILLED_IMPORTS, template, tmp_path, *files)
    out, err = child.communicate(timeout=300)
    runs = [tuple(map(int, line.split())) for line in out.decode().splitlines()]
    assert runs and runs[-1][1] == 0, err.decode()  # the last one ran to its end
    assert all(code == 9 for _, code in runs[:-1])
    outcomes = []
    for kill_at, _ in runs:
        folder = tmp_path / f"run{kill_at}"
        # A reader, before anyone cleans up, sees one dataset whole, and it loads.
        before = seen(folder)
        assert before in (old, new), f"a mix after a crash at call {kill_at}"
        read_dataset(folder)
        # The next writer finishes the commit or cleans up after it, to the same dataset.
        with folder_lock(folder):
            recover(folder)
        assert on_disk(folder) == before
        left = {path.name for path in folder.iterdir()} - {*NAMES, SOURCES_FILE, "sources", LOCK}
        assert not left, f"left behind after a crash at call {kill_at}: {left}"
        outcomes.append(before == new)
    assert outcomes[-1] is True  # the last run was not killed: the new dataset
    assert outcomes.count(False) >= 5  # early crashes keep the old one...
    assert outcomes.count(True) >= 2  # ...crashes after the journal give the new one
    assert outcomes == sorted(outcomes)  # once committed, always committed


def test_an_unfinished_commit_is_seen_whole_by_a_read_only_reader(tmp_path):
    folder = write_dataset(tmp_path / "data")
    old = on_disk(folder)
    # As a crash between the two renames leaves it: the journal, one file replaced.
    import_files("kumu", kumu_files(tmp_path / "in", "Beta Metals"), tmp_path / "copy")
    shutil.copytree(folder, tmp_path / "staged")
    import_files("kumu", kumu_files(tmp_path / "in", "Beta Metals"), tmp_path / "staged")
    new = on_disk(tmp_path / "staged")
    (folder / ".ecosystem-relations.csv.x.tmp").write_bytes(new[1])
    (folder / ENTITIES_FILE).write_bytes(new[0])
    import hashlib
    import json

    (folder / JOURNAL).write_text(
        json.dumps(
            {
                "files": {
                    RELATIONS_FILE: {
                        "temporary": ".ecosystem-relations.csv.x.tmp",
                        "sha256": hashlib.sha256(new[1]).hexdigest(),
                    },
                    ENTITIES_FILE: {
                        "temporary": ".ecosystem-entities.csv.gone.tmp",
                        "sha256": hashlib.sha256(new[0]).hexdigest(),
                    },
                }
            }
        )
    )
    assert on_disk(folder) != old and on_disk(folder) != new  # the files alone are a mix
    assert seen(folder) == new
    assert len(read_dataset(folder).entities) == 4
    with folder_lock(folder):
        recover(folder)
    assert on_disk(folder) == new and not (folder / JOURNAL).exists()


def test_two_imports_at_once_both_land(tmp_path):
    folder = write_dataset(tmp_path / "data")
    go = tmp_path / "go"
    first = run(_WAITING_IMPORT, folder, go, *kumu_files(tmp_path / "a", "Alpha Minerals"))
    deadline = time.monotonic() + 30
    while not (tmp_path / "reading").exists():
        assert time.monotonic() < deadline and first.poll() is None, first.communicate()
        time.sleep(0.05)
    # The first import has read the dataset and holds the lock; the second starts now.
    second = run(
        _WAITING_IMPORT, folder, tmp_path / "always", *kumu_files(tmp_path / "b", "Beta Metals")
    )
    (tmp_path / "always").write_text("")
    time.sleep(1.5)
    assert second.poll() is None  # it waits for the lock instead of reading a stale dataset
    go.write_text("")
    for child in (first, second):
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err.decode()
    dataset = read_dataset(folder)
    names = {row["name"] for row in dataset.entities}
    assert {"Alpha Minerals", "Beta Metals"} <= names
    ends = {(row["source"], row["target"]) for row in dataset.relations}
    ids = {row["name"]: row["id"] for row in dataset.entities}
    assert (ids["Alpha Minerals"], "acme") in ends or ("acme", ids["Alpha Minerals"]) in ends
    assert (ids["Beta Metals"], "acme") in ends or ("acme", ids["Beta Metals"]) in ends
    assert len(dataset.relations) == 4


def test_a_second_writer_that_waits_too_long_is_refused_clearly(tmp_path, monkeypatch):
    import ecosystem.storage

    folder = write_dataset(tmp_path / "data")
    before = on_disk(folder)
    monkeypatch.setattr(ecosystem.storage, "LOCK_WAIT_SECONDS", 0.5)
    holder = run(
        "import sys, time\nfrom pathlib import Path\nfrom ecosystem.storage import folder_lock\n"
        "with folder_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(20)\n",
        folder,
    )
    assert holder.stdout.readline().strip() == b"held"
    try:
        with pytest.raises(EcosystemError, match=r"another import into .* has been running"):
            import_files("kumu", kumu_files(tmp_path / "in", "Gamma Ores"), folder)
    finally:
        holder.kill()
        holder.communicate()
    assert on_disk(folder) == before


def test_a_killed_import_leaves_no_temporary_files_once_the_next_one_runs(tmp_path):
    folder = write_dataset(tmp_path / "data")
    (folder / ".ecosystem-entities.csv.abc.tmp").write_bytes(b"x" * 1_000_000)
    import_files("kumu", kumu_files(tmp_path / "in", "Delta Mines"), folder)
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert os.listdir(folder)
