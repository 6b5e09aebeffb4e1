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
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from ecosystem.analysis import lookup
from ecosystem.analysis.lookup import EntityIndex, build_index
from ecosystem.cachefiles import cache_key, cache_path, read_json, size_limit, write_json

# Bump when the index's parts or how they are stored change.
INDEX_FORMAT = 1
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
    """What :func:`index_from_fields` rebuilds ``index`` from, JSON-able: each part as lists,
    the ranks as the entities in their order, without the running counts."""
    return {
        "keys": index.keys,
        "labels": index.labels,
        "order": sorted(index.rank, key=index.rank.__getitem__),
        "words": index.words,
        "postings": index.postings,
        "top": index.top,
        "grams": index.grams,
    }


def index_from_fields(fields: object, graph: nx.Graph) -> EntityIndex | None:
    """The :class:`EntityIndex` of ``graph`` that :func:`index_fields` gave ``fields``, or None
    when they are not shaped so: every part of its type, every entity one of ``graph``'s, every
    word's position in range."""
    if not isinstance(fields, dict):
        return None
    order, words = fields.get("order"), fields.get("words")
    parts: list[Any] = [fields.get(name) for name in ("keys", "labels", "postings", "top", "grams")]
    if not (isinstance(order, list) and isinstance(words, list)):
        return None
    if not all(isinstance(part, dict) for part in parts):
        return None
    keys, labels, postings, top, grams = parts
    nodes = set(graph)
    if len(order) != len(nodes) or set(order) != nodes or set(labels) != nodes:
        return None
    if not (_texts(words) and all(a < b for a, b in pairwise(words))):
        return None
    if set(postings) != set(words) or not all(map(_texts, (keys, top, grams))):
        return None
    named = (*keys.values(), *postings.values(), *top.values())
    if not all(_texts(ids) and nodes.issuperset(ids) for ids in named):
        return None
    if not all(_texts(held) for held in labels.values()):
        return None
    places = [place for held in grams.values() if isinstance(held, list) for place in held]
    if not all(isinstance(held, list) for held in grams.values()) or not _all_int(places):
        return None
    if places and not 0 <= min(places) <= max(places) < len(words):
        return None
    counts = [0]
    for word in words:
        counts.append(counts[-1] + len(postings[word]))
    return EntityIndex(
        keys={key: tuple(ids) for key, ids in keys.items()},
        labels={node: tuple(held) for node, held in labels.items()},
        rank={node: place for place, node in enumerate(order)},
        words=tuple(words),
        postings={word: tuple(ids) for word, ids in postings.items()},
        counts=tuple(counts),
        top={prefix: tuple(ids) for prefix, ids in top.items()},
        grams={gram: tuple(held) for gram, held in grams.items()},
    )


def _texts(values: object) -> bool:
    """Whether ``values`` is a list, or the keys of a dict, of text alone."""
    return isinstance(values, (list, dict)) and set(map(type, values)) <= {str}


def _all_int(values: list) -> bool:
    return set(map(type, values)) <= {int}
