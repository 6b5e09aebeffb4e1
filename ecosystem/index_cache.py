"""The type-ahead index (:class:`~ecosystem.analysis.lookup.EntityIndex`) kept in the cache, so
a restart or a command that looks up a name reads it instead of building it again (about 1.6 s
on the H2020 network; read back in about 0.2 s).

Stored as a NumPy archive read without pickle (nothing in it can run code) under the key of the
network's metrics (:func:`ecosystem.cachefiles.cache_key`) and the index's own settings. Every
list of entities or words is held flat: one array of places and one of where each list starts,
so reading it makes no Python object per place; a part is turned back into ids when a query
asks for it (:class:`~ecosystem.analysis.lookup.FlatLists`). The texts (the entities in their
order, the folded names, the words, the prefixes and the three-letter pieces) are one JSON
member, and each entity's labels are places among the folded names. A
file whose every part does not have its type, name only the network's entities and point
inside it is ignored and the index built again and stored anew.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, cast

import networkx as nx
import numpy as np

from ecosystem.analysis import lookup
from ecosystem.analysis.lookup import EntityIndex, FlatLists, build_index
from ecosystem.cachefiles import cache_key, cache_path, read_cache_file, size_limit, write_file

# Bump when the index's parts or how they are stored change.
INDEX_FORMAT = 3
KIND = "index"
# The texts of the index (JSON), then each list of lists as its places and where each starts.
TEXTS = ("order", "keys", "words", "top", "grams")
LISTS = ("labels", "keys", "postings", "top", "grams")
MEMBERS = frozenset({"text.npy", *(f"{n}.npy" for n in LISTS), *(f"{n}_at.npy" for n in LISTS)})

log = logging.getLogger(__name__)


def compute_index(
    view: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> EntityIndex:
    """:func:`~ecosystem.analysis.lookup.build_index` of ``view``, from the cache folder
    ``directory`` (default :func:`ecosystem.cachefiles.cache_dir`) when it holds it, else built
    and stored there; ``use_cache=False`` neither reads nor writes it."""
    key, path = _where(view, directory, use_cache)
    if path is not None and key is not None:
        # Each label is held a few times over (folded, in words, in three-letter pieces).
        text = sum(
            len(str(node)) + len(str(data.get("name", ""))) + len(str(data.get("aliases", "")))
            for node, data in view.nodes(data=True)
        )
        limit = size_limit(len(view), per_node=256) + 64 * text
        found = _read(path, key, view, limit)
        if found is not None:
            return found
    index = build_index(view)
    if path is not None and key is not None and all(isinstance(node, str) for node in view):
        arrays = index_arrays(index, key)
        write_file(path, lambda handle: np.savez(handle, **arrays))
    return index


def index_is_cached(
    view: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> bool:
    """Whether the cache folder holds a file where :func:`compute_index` would read the index
    of ``view`` (whether it is sound is known only when it is read)."""
    _, path = _where(view, directory, use_cache)
    return path is not None and path.is_file()


def _where(
    view: nx.Graph, directory: Path | None, use_cache: bool
) -> tuple[str | None, Path | None]:
    settings = {
        name: getattr(lookup, name) for name in ("MAX_CANDIDATES", "TOP_PER_PREFIX", "GRAM_CHARS")
    }
    key = cache_key(view, KIND, format=INDEX_FORMAT, **settings) if use_cache else None
    return key, cache_path(directory, KIND, key, ".npz") if key else None


def _read(path: Path, key: str, view: nx.Graph, limit: int) -> EntityIndex | None:
    raw = read_cache_file(path, limit)
    if raw is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            if {member.filename for member in members} != MEMBERS:
                raise ValueError("not the arrays this version writes")
            if sum(member.file_size for member in members) > limit:
                raise ValueError("unpacks to more than an index of this network can hold")
        with np.load(io.BytesIO(raw), allow_pickle=False) as stored:
            arrays = {
                name.removesuffix(".npy"): stored[name.removesuffix(".npy")] for name in MEMBERS
            }
        found = index_from_arrays(arrays, key, view)
    except Exception as error:  # a damaged file of any kind: build the index again
        log.warning("ignoring unreadable cache file %s: %s", path, error)
        return None
    if found is None:
        log.warning("ignoring cache file %s: it is not the index of this network", path)
    return found


def index_arrays(index: EntityIndex, key: str) -> dict[str, Any]:
    """What :func:`index_from_arrays` rebuilds ``index`` from under ``key``: the texts as one
    UTF-8 JSON array of bytes (``text``), and each part that lists entities, labels or words as
    the places of its items in its order (``NAME``) with where each list starts (``NAME_at``)."""
    order = sorted(index.rank, key=index.rank.__getitem__)
    place = index.rank
    keys = list(index.keys)
    slot = {label: number for number, label in enumerate(keys)}
    words, top, grams = list(index.words), list(index.top), list(index.grams)
    texts = {"key": key, "order": order, "keys": keys, "words": words, "top": top, "grams": grams}
    encoded = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    arrays: dict[str, Any] = {"text": np.frombuffer(encoded, dtype=np.uint8)}
    lists: dict[str, Iterable[Sequence[int]]] = {
        "labels": ([slot[label] for label in index.labels[node]] for node in order),
        "keys": ([place[node] for node in index.keys[label]] for label in keys),
        "postings": ([place[node] for node in index.postings[word]] for word in words),
        "top": ([place[node] for node in index.top[prefix]] for prefix in top),
        "grams": (index.grams[gram] for gram in grams),
    }
    for name, held in lists.items():
        arrays[name], arrays[f"{name}_at"] = _flat(list(held))
    return arrays


def _flat(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(starts[-1]))
    return flat, starts


def index_from_arrays(
    arrays: Mapping[str, np.ndarray], key: str, graph: nx.Graph
) -> EntityIndex | None:
    """The :class:`EntityIndex` of ``graph`` that :func:`index_arrays` gave ``arrays`` under
    ``key``, or None when they are not shaped so: the key another's, a part missing or of
    another type, the order not holding each of ``graph``'s entities once, the words not
    sorted, a list not where its starts say or a place out of range."""
    if {f"{name}.npy" for name in arrays} != MEMBERS:
        return None
    text = arrays["text"]
    if text.dtype != np.uint8 or text.ndim != 1:
        return None
    texts = json.loads(text.tobytes().decode("utf-8"))
    if not isinstance(texts, dict) or texts.get("key") != key:
        return None
    held = [texts.get(name) for name in TEXTS]
    if not all(_texts(part) for part in held):
        return None
    order, keys, words, top, grams = cast(list[list[str]], held)
    if len(order) != len(graph) or set(order) != set(graph):
        return None
    if not all(a < b for a, b in pairwise(words)):
        return None
    # Each part: how many lists it holds, and how many things its places point into.
    shapes = {
        "labels": (len(order), len(keys)),
        "keys": (len(keys), len(order)),
        "postings": (len(words), len(order)),
        "top": (len(top), len(order)),
        "grams": (len(grams), len(words)),
    }
    for name, (count, size) in shapes.items():
        if not _lists_fit(arrays[name], arrays[f"{name}_at"], count, size):
            return None

    parts = {
        name: FlatLists(names, arrays[name], arrays[f"{name}_at"], decode)
        for name, names, decode in (
            ("keys", keys, order),
            ("labels", order, keys),
            ("postings", words, order),
            ("top", top, order),
            ("grams", grams, None),
        )
    }
    if len(parts["keys"]) != len(keys) or len(parts["top"]) != len(top):
        return None  # a text named twice
    if len(parts["grams"]) != len(grams):
        return None
    return EntityIndex(
        keys=parts["keys"],
        labels=parts["labels"],
        rank=dict(zip(order, range(len(order)), strict=True)),
        words=tuple(words),
        postings=parts["postings"],
        counts=tuple(arrays["postings_at"].tolist()),
        top=parts["top"],
        grams=parts["grams"],
    )


def _lists_fit(flat: np.ndarray, starts: np.ndarray, count: int, size: int) -> bool:
    """Whether ``starts`` cut ``flat`` into ``count`` lists and every place is below ``size``."""
    if flat.ndim != 1 or starts.ndim != 1 or flat.dtype.kind != "i" or starts.dtype.kind != "i":
        return False
    if starts.shape != (count + 1,) or starts[0] != 0 or starts[-1] != len(flat):
        return False
    if count and (np.diff(starts) < 0).any():
        return False
    return not len(flat) or (int(flat.min()) >= 0 and int(flat.max()) < size)


def _texts(values: object) -> bool:
    """Whether ``values`` is a list of text alone."""
    return isinstance(values, list) and set(map(type, values)) <= {str}
