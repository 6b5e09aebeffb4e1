"""The type-ahead index (:class:`~ecosystem.analysis.lookup.EntityIndex`) kept in the cache, so
a restart or a command that looks up a name reads it instead of building it again (about 1.6 s
on the H2020 network, under half of that read back).

Stored as JSON (nothing in it can run code) under the key of the network's metrics
(:func:`ecosystem.cachefiles.cache_key`) and the index's own settings; a file whose every part
does not have its type, name only the network's entities and point inside it is ignored and
the index built again and stored anew.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from ecosystem.analysis import lookup
from ecosystem.analysis.lookup import EntityIndex, build_index
from ecosystem.cachefiles import cache_key, cache_path, read_json, size_limit, write_json

# Bump when the index's parts or how they are stored change.
INDEX_FORMAT = 2
KIND = "index"

log = logging.getLogger(__name__)


def compute_index(
    view: nx.Graph, *, directory: Path | None = None, use_cache: bool = True
) -> EntityIndex:
    """:func:`~ecosystem.analysis.lookup.build_index` of ``view``, from the cache folder
    ``directory`` (default :func:`ecosystem.cachefiles.cache_dir`) when it holds it, else built
    and stored there; ``use_cache=False`` neither reads nor writes it."""
    settings = {
        name: getattr(lookup, name) for name in ("MAX_CANDIDATES", "TOP_PER_PREFIX", "GRAM_CHARS")
    }
    key = cache_key(view, KIND, format=INDEX_FORMAT, **settings) if use_cache else None
    path = cache_path(directory, KIND, key, ".json") if key else None
    if path is not None:
        # Each label is held a few times over (folded, in words, in three-letter pieces).
        text = sum(
            len(str(node)) + len(str(data.get("name", ""))) + len(str(data.get("aliases", "")))
            for node, data in view.nodes(data=True)
        )
        limit = size_limit(len(view), per_node=256) + 40 * text
        stored = read_json(path, key, lambda _: True, limit)  # checked below
        found = index_from_fields(stored, view) if stored is not None else None
        if found is not None:
            return found
        if stored is not None:
            log.warning("ignoring cache file %s: it is not the index of this network", path)
    index = build_index(view)
    if path is not None and key is not None and all(isinstance(node, str) for node in view):
        write_json(path, key, index_fields(index))
    return index


def index_fields(index: EntityIndex) -> dict:
    """What :func:`index_from_fields` rebuilds ``index`` from, JSON-able: the entities in their
    order, and every other part naming an entity by its place in that order (a number is read
    back in a fraction of the time an id takes), the postings in the words' order, without the
    running counts."""
    order = sorted(index.rank, key=index.rank.__getitem__)
    place = index.rank
    return {
        "order": order,
        "labels": [index.labels[node] for node in order],
        "keys": {key: [place[node] for node in ids] for key, ids in index.keys.items()},
        "words": index.words,
        "postings": [[place[node] for node in index.postings[word]] for word in index.words],
        "top": {prefix: [place[node] for node in ids] for prefix, ids in index.top.items()},
        "grams": index.grams,
    }


def index_from_fields(fields: object, graph: nx.Graph) -> EntityIndex | None:
    """The :class:`EntityIndex` of ``graph`` that :func:`index_fields` gave ``fields``, or None
    when they are not shaped so: every part of its type, the order holding each of ``graph``'s
    entities once, every place and word position in range."""
    if not isinstance(fields, dict):
        return None
    names = ("order", "labels", "keys", "words", "postings", "top", "grams")
    parts: list[Any] = [fields.get(name) for name in names]
    order, labels, keys, words, postings, top, grams = parts
    if not (
        _texts(order) and _texts(words) and all(isinstance(p, dict) for p in (keys, top, grams))
    ):
        return None
    if not (isinstance(labels, list) and isinstance(postings, list)):
        return None
    nodes = set(graph)
    if len(order) != len(nodes) or set(order) != nodes or len(labels) != len(order):
        return None
    if len(postings) != len(words) or not all(a < b for a, b in pairwise(words)):
        return None
    if not all(map(_texts, (keys, top, grams))) or not all(_texts(held) for held in labels):
        return None
    places = (*keys.values(), *postings, *top.values())
    positions = grams.values()
    if not all(isinstance(held, list) for held in (*places, *positions)):
        return None
    if not (
        _within(chain.from_iterable(places), len(order))
        and _within(chain.from_iterable(positions), len(words))
    ):
        return None
    node = order.__getitem__
    counts = [0]
    for held in postings:
        counts.append(counts[-1] + len(held))
    return EntityIndex(
        keys={key: tuple(map(node, held)) for key, held in keys.items()},
        labels={entity: tuple(held) for entity, held in zip(order, labels, strict=True)},
        rank={entity: place for place, entity in enumerate(order)},
        words=tuple(words),
        postings={word: tuple(map(node, held)) for word, held in zip(words, postings, strict=True)},
        counts=tuple(counts),
        top={prefix: tuple(map(node, held)) for prefix, held in top.items()},
        grams={gram: tuple(held) for gram, held in grams.items()},
    )


def _within(values: Iterable[Any], size: int) -> bool:
    """Whether every value is an ``int`` (not a ``bool``) from 0 to ``size - 1``."""
    held = list(values)
    return _all_int(held) and (not held or (min(held) >= 0 and max(held) < size))


def _texts(values: object) -> bool:
    """Whether ``values`` is a list, or the keys of a dict, of text alone."""
    return isinstance(values, (list, dict)) and set(map(type, values)) <= {str}


def _all_int(values: list) -> bool:
    return set(map(type, values)) <= {int}
