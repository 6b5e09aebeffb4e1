"""Writing files so that a crash at any instant leaves the old contents or the new, never a mix.

One file: :func:`write_atomically` writes a temporary file beside the target, flushes it to disk
and renames it over the target (``os.replace`` is atomic on POSIX), then syncs the folder so the
rename itself survives a power cut.

Several files that must change together (a dataset's ``entities.csv`` and ``relations.csv``):
:func:`commit` is a small journal protocol.

1. Every new file is written in full to a hidden temporary file in the folder and synced.
2. A journal, ``.ecosystem-commit.json``, naming each target, its temporary file and the SHA-256
   of its new contents, is written atomically. From this instant the commit has happened.
3. Each temporary file is renamed over its target.
4. The journal is deleted.

A crash before step 2 leaves the old files and some temporary files, which nothing refers to; a
crash after it leaves a journal that says exactly what the new files are. :func:`recover` (run by
every writer under the folder's lock before it reads) finishes a commit whose journal is there and
deletes temporary files that no journal names. :func:`current_files` lets a reader see the new
dataset whole while a commit is unfinished, without writing: the app only reads its data folder.

Writers of one folder take its lock (:func:`folder_lock`, a ``filelock`` lock file), so two
imports never interleave; the second waits, then re-reads what the first wrote.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ecosystem.errors import EcosystemError

JOURNAL = ".ecosystem-commit.json"
LOCK = ".ecosystem.lock"
TEMPORARY_PREFIX = ".ecosystem-"
TEMPORARY_SUFFIX = ".tmp"
LOCK_WAIT_SECONDS = 30.0


class StorageError(EcosystemError):
    """A file or folder cannot be written or read; the message says which and what to do."""


def describe_os_error(error: OSError, path: Path | str, doing: str) -> str:
    """A one-line message for an OS error: what was being done, where, why, and what to do."""
    reason = error.strerror or str(error)
    fixes = {
        errno.EACCES: "check the folder's permissions, or choose another folder",
        errno.EPERM: "check the folder's permissions, or choose another folder",
        errno.EROFS: "the file system is read-only: choose another folder",
        errno.ENOSPC: "free some disk space, or choose another folder",
        errno.EDQUOT: "free some disk space, or choose another folder",
        errno.ELOOP: "the path runs through a symbolic link loop: fix the link",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENAMETOOLONG: "use a shorter path",
    }
    fix = fixes.get(error.errno or 0, "check the path")
    return f"cannot {doing} {path}: {reason}; {fix}"


def check_folder(folder: Path, *, write: bool) -> None:
    """Raise :class:`StorageError` unless ``folder`` can be read (and written, when asked).

    A folder that does not exist yet passes: it is created when first written. A symbolic link
    loop, a file in its place, a folder that cannot be listed or written all fail, with a
    message that says which.
    """
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageError(describe_os_error(error, folder, "use the folder")) from None
    if not stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{folder} is a file, not a folder; name a folder")
    try:
        os.listdir(folder)
    except OSError as error:
        raise StorageError(describe_os_error(error, folder, "read the folder")) from None
    if write and not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(
            f"cannot write to {folder}: permission denied; check the folder's permissions, "
            "or choose another folder"
        )


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some file systems cannot open a folder; the rename is still atomic
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_temporary(folder: Path, name: str, write: Callable[[IO[bytes]], Any]) -> Path:
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix=f"{TEMPORARY_PREFIX}{name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def _mode_of(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Write ``path`` through ``write(stream)``, atomically: readers see the old file or the new.

    Keeps the target's permissions. Raises :class:`StorageError` with a clear message when the
    folder cannot be written (read-only, full disk, no such folder); no temporary file is left.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = _write_temporary(folder, path.name, write)
        try:
            os.chmod(temporary, _mode_of(path))
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(folder)
    except OSError as error:
        raise StorageError(describe_os_error(error, path, "write")) from None
    return path


def write_bytes_atomically(path: Path, content: bytes) -> Path:
    """:func:`write_atomically` for bytes at hand."""
    return write_atomically(path, _writer(content))


def _writer(content: bytes) -> Callable[[IO[bytes]], Any]:
    return lambda stream: stream.write(content)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def commit(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Replace the files ``files`` (name -> bytes) of ``folder`` together (see the module text).

    The caller holds :func:`folder_lock`. Raises :class:`StorageError` when the folder cannot
    be written; then the old files are untouched and no temporary file is left.
    """
    temporary: dict[str, Path] = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = _write_temporary(folder, name, _writer(content))
            temporary[name] = path
            os.chmod(path, _mode_of(folder / name))
        _sync_folder(folder)
        journal = {
            "files": {
                name: {"temporary": path.name, "sha256": hashlib.sha256(files[name]).hexdigest()}
                for name, path in temporary.items()
            }
        }
        write_bytes_atomically(folder / JOURNAL, json.dumps(journal).encode())
    except (OSError, StorageError) as error:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        if isinstance(error, StorageError):
            raise
        raise StorageError(describe_os_error(error, folder, "write to")) from None
    # Committed: from here on a crash is finished by the next writer's recover().
    try:
        _finish(folder, journal)
    except OSError as error:
        message = describe_os_error(error, folder, "put the new files in place in")
        raise StorageError(
            f"{message} (the new dataset is committed: readers see it, and the next import "
            "finishes putting it in place)"
        ) from None
    return [folder / name for name in files]


def _read_journal(folder: Path) -> dict | None:
    path = folder / JOURNAL
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > 1_000_000:
            return None
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = journal.get("files") if isinstance(journal, dict) else None
    if not isinstance(entries, dict) or not all(
        isinstance(name, str)
        and "/" not in name
        and isinstance(entry, dict)
        and isinstance(entry.get("temporary"), str)
        and "/" not in entry["temporary"]
        and isinstance(entry.get("sha256"), str)
        for name, entry in entries.items()
    ):
        return None
    return journal


def _finish(folder: Path, journal: dict) -> None:
    for name, entry in journal["files"].items():
        temporary = folder / entry["temporary"]
        if _digest(temporary) == entry["sha256"]:
            os.replace(temporary, folder / name)
    _sync_folder(folder)
    (folder / JOURNAL).unlink(missing_ok=True)
    _sync_folder(folder)


def recover(folder: Path) -> None:
    """Finish an interrupted commit in ``folder``, or clean up after one that never happened.

    Run by a writer holding :func:`folder_lock`, before it reads the folder.
    """
    if not folder.is_dir():
        return
    try:
        journal = _read_journal(folder)
        if journal is not None:
            _finish(folder, journal)
        else:
            (folder / JOURNAL).unlink(missing_ok=True)
        for path in folder.iterdir():
            if path.name.startswith(TEMPORARY_PREFIX) and path.name.endswith(TEMPORARY_SUFFIX):
                path.unlink(missing_ok=True)
    except OSError as error:
        raise StorageError(describe_os_error(error, folder, "finish the last write to")) from None


def current_files(folder: Path, names: tuple[str, ...]) -> dict[str, Path]:
    """Where each of ``names`` is read from in ``folder``, as the last commit left it.

    Normally the files themselves. While a commit is unfinished (its journal is there), the
    new contents: the temporary file not yet renamed, else the target already replaced. A
    reader thus sees the old dataset or the new one, never a mix, and writes nothing.
    """
    paths = {name: folder / name for name in names}
    journal = _read_journal(folder)
    if journal is None:
        return paths
    for name in names:
        entry = journal["files"].get(name)
        if entry is None:
            continue
        temporary = folder / entry["temporary"]
        if temporary.is_file():
            paths[name] = temporary
    return paths


@contextlib.contextmanager
def folder_lock(folder: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold ``folder``'s writer lock; wait up to ``wait`` seconds (default
    :data:`LOCK_WAIT_SECONDS`) for another writer to finish.

    Raises :class:`StorageError` when another writer still holds it after that, or when the
    folder cannot be written.
    """
    from filelock import FileLock, Timeout

    wait = LOCK_WAIT_SECONDS if wait is None else wait
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / LOCK, timeout=wait)
        lock.acquire()
    except Timeout:
        raise StorageError(
            f"another import into {folder} has been running for {wait:.0f} s; "
            "try again when it ends"
        ) from None
    except OSError as error:
        raise StorageError(describe_os_error(error, folder, "write to")) from None
    try:
        yield
    except BaseException:
        if created:  # a failed first write leaves no empty folder behind
            (folder / LOCK).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        lock.release()
