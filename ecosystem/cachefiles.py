"""The cache's files: where they live, how they are keyed, read guarded and written whole.

A cached result depends only on the data and on how it is computed, so its key is the data's
content hash (``graph.graph["content_hash"]``, set by :func:`ecosystem.graph.build_graph`) plus
every option that changes it (:func:`ecosystem.settings.fingerprint`) and the library versions.
The folder is ``$ECOSYSTEM_CACHE``, else ``~/.cache/ecosystem``.

Nothing stored can run code: arrays are NumPy files read with ``allow_pickle=False``, the rest
JSON. A file is written to a temporary name and moved into place (``os.replace``), so a reader
sees a whole file or none, even with several workers writing at once. A file is read only when it
is a regular file (never a FIFO, a device or a link to one) no larger than a file of its kind can
be; whoever reads it checks every part's shape and type before using it, and a file that does
not fit is ignored and recomputed: the cache never makes a load fail.

The folder is kept under a size (:func:`cache_limit`, 2 GiB unless ``$ECOSYSTEM_CACHE_LIMIT``
says otherwise): each write deletes the least recently used cache files beyond it
(:func:`prune`), a read marking its file as used. Only files named as the cache names them are
counted or deleted; a file deleted while another process reads it is computed again there.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import stat
import zipfile
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from ecosystem.errors import EcosystemError
from ecosystem.storage import StorageError, write_atomically

CACHE_ENV = "ECOSYSTEM_CACHE"
LIMIT_ENV = "ECOSYSTEM_CACHE_LIMIT"
DEFAULT_LIMIT = 2 * 1024**3  # about twenty versions of the whole H2020 network's files
MIN_LIMIT = 1024**2
UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
# What cache_path names: the kind, then 40 hex digits of the key.
CACHE_FILE = re.compile(r"[a-z]+(?:-[a-z]+)*-[0-9a-f]{40}\.(?:json|npz)")
# Bump when the stored layout or the meaning of a stored number changes.
FORMAT = 1

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where cached results go: ``$ECOSYSTEM_CACHE``, else ``~/.cache/ecosystem``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "ecosystem"


class CacheLimitError(EcosystemError):
    """``$ECOSYSTEM_CACHE_LIMIT`` is not a size the cache can keep to."""


def cache_limit() -> int | None:
    """The most bytes the cache folder's files may take: ``$ECOSYSTEM_CACHE_LIMIT`` (a number
    of bytes, or of KiB, MiB, GiB or TiB with ``K``, ``M``, ``G`` or ``T`` after it, at least
    1 MiB; ``none`` for no limit), else 2 GiB.

    Raises :class:`CacheLimitError`, saying what to write, when the variable is not such a size.
    """
    told = os.environ.get(LIMIT_ENV, "").strip()
    if not told:
        return DEFAULT_LIMIT
    if told.lower() == "none":
        return None
    found = re.fullmatch(r"(\d{1,30}(?:\.\d{1,9})?) ?(?:([KMGT])(?:I?B)?|B)?", told.upper())
    if found is None:
        raise CacheLimitError(
            f"{LIMIT_ENV}={told!r} is not a size: write a number of bytes, or one with K, M, G "
            "or T after it (500M, 4G), or none for no limit"
        )
    limit = int(Decimal(found.group(1)) * UNITS[found.group(2) or ""])
    if limit < MIN_LIMIT:
        raise CacheLimitError(
            f"{LIMIT_ENV}={told!r} is less than the 1M the cache needs to keep anything: "
            "write a larger size (500M, 4G), or use --no-cache to keep nothing"
        )
    return limit


def prune(folder: Path, limit: int | None, *, keep: Path | None = None) -> list[Path]:
    """Delete the least recently used cache files of ``folder`` (the oldest modification time
    first: a read renews it, :func:`read_cache_file`) until those left take at most ``limit``
    bytes (None: no limit), never ``keep``; the files deleted. Only the files named as
    :func:`cache_path` names them are counted or deleted. A file that cannot be deleted (or
    that another process deleted first) is skipped."""
    if limit is None:
        return []
    try:
        entries = [entry for entry in os.scandir(folder) if CACHE_FILE.fullmatch(entry.name)]
    except OSError as error:
        log.warning("cannot list the cache folder %s: %s", folder, error.strerror or error)
        return []
    files = []
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False):
                files.append((entry.stat(follow_symlinks=False), Path(entry.path)))
        except OSError:  # deleted since it was listed (another process pruning), or unreadable
            continue
    total = sum(info.st_size for info, _ in files)
    deleted = []
    for info, path in sorted(files, key=lambda file: (file[0].st_mtime_ns, file[1].name)):
        if total <= limit:
            break
        if keep is not None and path.name == keep.name:
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("cannot delete the cache file %s: %s", path, error.strerror or error)
            continue
        total -= info.st_size
        deleted.append(path)
    if deleted:
        log.info(
            "cache: deleted %d least recently used file(s) to stay under %s bytes",
            len(deleted),
            f"{limit:,}",
        )
    return deleted


def _versions() -> dict[str, str]:
    found = {}
    for package in ("ecosystem", "networkx", "igraph", "scipy", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found


def key_of(content_hash: Any, kind: str, **settings: Any) -> str | None:
    """The hex key of ``kind`` results for data of ``content_hash`` with ``settings``; None when
    there is no content hash (a graph built by hand rather than loaded from files)."""
    if not isinstance(content_hash, str) or not content_hash:
        return None
    described = {
        "format": FORMAT,
        "kind": kind,
        "content_hash": content_hash,
        "versions": _versions(),
        **settings,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def cache_key(graph: Any, kind: str, **options: Any) -> str | None:
    """The hex key of ``kind`` results for ``graph`` with ``options``; None when the graph has no
    ``content_hash`` (built by hand rather than loaded from files), which is never cached."""
    return key_of(
        graph.graph.get("content_hash"),
        kind,
        nodes=graph.number_of_nodes(),
        ends=link_ends(graph),
        **options,
    )


def link_ends(graph: Any) -> int:
    """How many link ends ``graph`` holds, as part of a cache key: each link counted at both of
    its entities (a loop once, as its entity's adjacency holds it once), so that adding or
    removing a link changes it. For a simple graph it is the sum of its adjacency dicts' sizes:
    1.5 ms on H2020, where counting the links (the loops found one by one) takes 17 ms, six
    times at a start. Other graphs count their edges.

    >>> import networkx as nx
    >>> link_ends(nx.Graph([(1, 2), (2, 3), (3, 3)])), link_ends(nx.MultiGraph([(1, 2), (1, 2)]))
    (5, 2)
    """
    if graph.is_multigraph() or graph.is_directed():
        return graph.number_of_edges()
    return sum(map(len, graph._adj.values()))


def cache_path(directory: Path | None, kind: str, key: str, suffix: str) -> Path:
    """The file of ``kind`` results keyed ``key`` in ``directory`` (default :func:`cache_dir`)."""
    return (directory or cache_dir()) / f"{kind}-{key[:40]}{suffix}"


def size_limit(count: int, *, per_node: int) -> int:
    """The most bytes a cache file of ``count`` entities can take: a megabyte, ``per_node`` each."""
    return 1_000_000 + per_node * count


def read_cache_file(path: Path, limit: int) -> bytes | None:
    """The bytes of a cache file, or None when it is missing, not a regular file (a FIFO, a
    device, a link to one) or larger than ``limit``."""
    from ecosystem.graph import read_regular_file

    try:
        raw = read_regular_file(path, limit=limit)
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("ignoring cache file %s: %s", path, error.strerror or error)
        return None
    _mark_used(path)
    return raw


def _mark_used(path: Path) -> None:
    """Renew ``path``'s modification time, which :func:`prune` reads as its last use (a folder
    that cannot be written keeps the old one)."""
    with contextlib.suppress(OSError):
        os.utime(path, follow_symlinks=False)


def read_json(path: Path, key: str | None, fits: Callable[[Any], bool], limit: int) -> Any:
    """The ``result`` stored in the JSON cache file ``path`` under ``key``, or None when the file
    is missing, damaged, for another key, or ``fits`` refuses what it holds."""
    raw = read_cache_file(path, limit)
    if raw is None:
        return None
    try:
        stored = orjson.loads(raw)
        ok = isinstance(stored, dict) and stored.get("key") == key and fits(stored.get("result"))
    except Exception as error:  # a damaged file of any kind (RecursionError too): recompute
        log.warning("ignoring unreadable cache file %s: %s", path, error)
        return None
    if not ok:
        log.warning("ignoring cache file %s: it does not fit this graph", path)
        return None
    return stored["result"]


def write_json(path: Path, key: str, result: Any) -> bool:
    """Store ``result`` under ``key`` as :func:`read_json` reads it back; False, with a warning,
    when it holds a number JSON cannot write (NaN or an infinity, which :func:`read_json`
    would refuse at every start): nothing is stored, and the result is computed again next
    time."""
    stored = {"key": key, "result": result}
    try:
        text = json.dumps(stored, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as error:
        json.dumps(stored, allow_nan=True)  # anything else wrong (a cycle) is raised from here
        log.warning("not caching %s: %s", path.name, error)
        return False
    return write_file(path, lambda handle: handle.write(text.encode("utf-8")))


def npz(raw: bytes, limit: int) -> Any:
    """Arrays of an ``.npz`` already read into memory, refused when they unpack to more than
    ``limit`` bytes; read without pickle."""
    import numpy as np

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if sum(member.file_size for member in archive.infolist()) > limit:
            raise ValueError("unpacks to more than a cache file of this kind can hold")
    return np.load(io.BytesIO(raw), allow_pickle=False)


def write_file(path: Path, write: Callable[[Any], None]) -> bool:
    """Write the file atomically (:func:`ecosystem.storage.write_atomically`), then keep the
    folder under :func:`cache_limit` (:func:`prune`); False, with a warning, when the folder
    cannot be written: the cache never makes a load fail."""
    try:
        write_atomically(path, write)
    except StorageError as error:
        log.warning("cannot write the cache: %s", error)
        return False
    try:
        limit = cache_limit()
    except CacheLimitError as error:
        log.warning("not keeping the cache under a size: %s", error)
        return True
    prune(path.parent, limit, keep=path)
    return True


def check_cache_folder(directory: Path | None = None) -> str | None:
    """A warning when the cache folder can be written by anyone (another user could then plant
    files in it), else None."""
    folder = directory or cache_dir()
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if (
        stat.S_ISDIR(info.st_mode)
        and info.st_mode & stat.S_IWOTH
        and not info.st_mode & stat.S_ISVTX
    ):
        return (
            f"the cache folder {folder} can be written by every user of this machine; "
            f"make it private (chmod 700 {folder}) or pass --cache DIR"
        )
    return None
