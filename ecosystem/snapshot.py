"""Read a dataset once: its checked rows kept in the cache, so that a restart or a command reads
the network in a fraction of the time that reading and checking the two CSV files takes.

:func:`read_network` reads both files' bytes and hashes them, as the strict loader does. When the
cache holds a snapshot for exactly those bytes, the network is built from it; else the files are
parsed and checked (:func:`ecosystem.graph.read_dataset`), and what they hold is stored as a
snapshot for the next time.

A snapshot is JSON, one list per column (nothing in it can run code), after a header line with
its key and the SHA-256 of the rest. Its key (:func:`ecosystem.cachefiles.key_of`) is the content
hash of both files, the library versions and :data:`SNAPSHOT_FORMAT`, so it is never used for
other bytes or by another version of the checks. A snapshot whose digest, key, shape or any
value's type, required column or entity or relation type does not check is ignored, and the
files are read, checked and stored again: the snapshot never makes a load fail. The digest
tells damage, not intent: like every cache file, a snapshot is only as trustworthy as the cache
folder, which ``ecosystem serve`` warns about when every user may write it
(:func:`ecosystem.cachefiles.check_cache_folder`). The documents in ``sources/`` are checked on
every read (:func:`ecosystem.sources.check_sources`), since they are not part of the two files.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

from ecosystem.cachefiles import cache_path, key_of, read_cache_file, write_file
from ecosystem.errors import DataError
from ecosystem.graph import (
    RECORD_COLUMNS,
    RECORD_ENDS,
    Dataset,
    build_graph,
    build_view,
    bulk_allocation,
    content_hash,
    entity_columns,
    filled_view,
    parse_dataset,
    read_contents,
    relation_columns,
    typed_graph,
)
from ecosystem.resources import default_data_dir
from ecosystem.schema import ENTITY_REQUIRED, ENTITY_TYPES, RELATION_REQUIRED, RELATION_TYPES
from ecosystem.sources import check_sources

# Bump when what a snapshot holds, or how it is laid out, changes.
SNAPSHOT_FORMAT = 1
KIND = "dataset"
# A snapshot holds the files' text once more, escaped for JSON (a control character takes six
# bytes), plus a header: more than this many bytes per byte of the files is not a snapshot.
MAX_GROWTH = 8

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Network:
    """A dataset read and checked: the simple ``view`` analysis runs on
    (:func:`ecosystem.graph.simple_view`), the typed graph when it was built on the way, and
    whether the rows came from a snapshot."""

    view: nx.Graph
    built: nx.MultiDiGraph | None = None
    from_snapshot: bool = False

    def typed(self) -> nx.MultiDiGraph:
        """The typed graph, one edge per relation, as :func:`ecosystem.graph.load_graph` gives."""
        return self.built if self.built is not None else typed_graph(self.view)


def read_network(
    data_dir: str | Path | None = None, *, cache: Path | None = None, use_cache: bool = True
) -> Network:
    """Read and check the dataset in ``data_dir`` (the shipped data by default), from its
    snapshot in the cache folder ``cache`` (default :func:`ecosystem.cachefiles.cache_dir`) when
    there is one for these bytes. ``use_cache=False`` neither reads nor writes a snapshot.

    Raises :class:`~ecosystem.errors.DataError` listing every problem, as
    :func:`ecosystem.graph.read_dataset` does.

    >>> network = read_network(use_cache=False)
    >>> network.view.nodes["ismc"]["type"], network.typed().nodes["ismc"]["type"]
    ('cluster', 'cluster')
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    contents, problems = read_contents(folder)
    digest = content_hash(contents)
    key = key_of(digest, KIND, snapshot=SNAPSHOT_FORMAT)
    path = cache_path(cache, KIND, key, ".json") if key and use_cache and not problems else None
    if path is not None and key is not None:
        size = sum(len(raw or b"") for raw in contents.values())
        stored = _read_snapshot(path, key, MAX_GROWTH * size + 1_000_000)
        if stored is not None:
            cited = check_sources(folder, _citations(stored))
            if cited:
                raise DataError(cited)
            view = _view_of(stored, {"data_dir": str(folder), "content_hash": digest})
            return Network(view, from_snapshot=True)
    dataset = parse_dataset(folder, contents, problems)
    view = build_view(dataset)
    if path is not None and key is not None:
        _write_snapshot(path, key, dataset)
    return Network(view)


def _citations(stored: dict) -> Iterator[tuple[int, str]]:
    """The line and the ``doc`` field of each relation of a checked snapshot."""
    relations = stored["relations"]
    if "doc" in relations["columns"]:
        lines = relations["values"][0]
        docs = relations["values"][relations["columns"].index("doc")]
        yield from zip(lines, docs, strict=True)


def _columns(rows: list[dict]) -> list[str] | None:
    """The keys every row holds, in their order; None when the rows do not all hold the same."""
    if not rows:
        return []
    keys = list(rows[0])
    return keys if all(list(row) == keys for row in rows) else None


def snapshot_of(graph: nx.MultiDiGraph) -> dict | None:
    """What a snapshot of the typed ``graph`` (built by :func:`ecosystem.graph.build_graph`)
    holds, column by column; None when it is not shaped as a loaded graph is."""
    ids = list(graph)
    entities = [data for _, data in graph.nodes(data=True)]
    edges = sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[3].get("line", 0))
    relations = [data for *_, data in edges]
    entity_columns, relation_columns = _columns(entities), _columns(relations)
    place = {node: index for index, node in enumerate(ids)}
    if (
        entity_columns is None
        or relation_columns is None
        or (relations and relation_columns[:1] != ["line"])
        or any(key != f"r{data['line']}" for _, _, key, data in edges)
        or not all(isinstance(node, str) for node in ids)
    ):
        return None
    return {
        "entities": {
            "ids": ids,
            "columns": entity_columns,
            "values": [[data[column] for data in entities] for column in entity_columns],
        },
        "relations": {
            "source": [place[source] for source, *_ in edges],
            "target": [place[target] for _, target, *_ in edges],
            "columns": relation_columns,
            "values": [[data[column] for data in relations] for column in relation_columns],
        },
    }


def dataset_snapshot(dataset: Dataset) -> dict | None:
    """:func:`snapshot_of` the typed graph of ``dataset``
    (:func:`ecosystem.graph.build_graph`), made straight from its columns."""
    entities, relations = dataset.entity_table, dataset.relation_table
    if RECORD_COLUMNS & set(relations.columns):
        return snapshot_of(build_graph(dataset))
    ids = entities.column("id")
    entity_names, entity_values = entity_columns(entities)
    relation_names, relation_values = relation_columns(relations)
    place = {node: index for index, node in enumerate(ids)}
    return {
        "entities": {"ids": ids, "columns": entity_names, "values": entity_values},
        "relations": {
            "source": list(map(place.__getitem__, relations.column("source"))),
            "target": list(map(place.__getitem__, relations.column("target"))),
            "columns": relation_names,
            "values": relation_values,
        },
    }


def _write_snapshot(path: Path, key: str, dataset: Dataset) -> bool:
    stored = dataset_snapshot(dataset)
    if stored is None:
        log.info("not storing a snapshot of %s: its rows are not all alike", path)
        return False
    body = orjson.dumps(stored)
    header = json.dumps({"key": key, "sha256": hashlib.sha256(body).hexdigest()}).encode()

    def write(handle: Any) -> None:
        handle.write(header + b"\n")
        handle.write(body)

    return write_file(path, write)


def _read_snapshot(path: Path, key: str, limit: int) -> dict | None:
    """The snapshot stored in ``path`` under ``key``; None when it is missing, damaged, for
    another key or not shaped as :func:`snapshot_of` writes it."""
    raw = read_cache_file(path, limit)
    if raw is None:
        return None
    try:
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("key") != key:
            log.warning("ignoring snapshot %s: it was made for other data", path)
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            log.warning("ignoring snapshot %s: it is damaged (its digest does not match)", path)
            return None
        with bulk_allocation():
            stored = orjson.loads(body)
        if _fits(stored):
            return stored
    except Exception as error:  # a damaged file of any kind (RecursionError too): read the CSVs
        log.warning("ignoring unreadable snapshot %s: %s", path, error)
        return None
    log.warning("ignoring snapshot %s: it is not shaped as a snapshot is", path)
    return None


def _texts(columns: Any, names: Any, count: int) -> bool:
    return (
        isinstance(names, list)
        and all(isinstance(name, str) for name in names)
        and len(set(names)) == len(names)
        and isinstance(columns, list)
        and len(columns) == len(names)
        and all(isinstance(column, list) and len(column) == count for column in columns)
    )


def _fits(stored: Any) -> bool:
    """Whether ``stored`` has every part :func:`snapshot_of` writes, each of its type and size."""
    if not isinstance(stored, dict):
        return False
    entities, relations = stored.get("entities"), stored.get("relations")
    if not isinstance(entities, dict) or not isinstance(relations, dict):
        return False
    ids, sources, targets = entities.get("ids"), relations.get("source"), relations.get("target")
    if not isinstance(ids, list) or not isinstance(sources, list) or not isinstance(targets, list):
        return False
    count, links = len(ids), len(sources)
    names: Any = relations.get("columns")
    if (
        len(targets) != links
        or not _texts(entities.get("values"), entities.get("columns"), count)
        or not _texts(relations.get("values"), names, links)
        or "id" in entities["columns"]
        or (links and names[:1] != ["line"])
        or set(names) & set(RECORD_ENDS)
    ):
        return False
    lines, *texts = relations["values"] if links else [[]]
    return (
        _all_of(str, ids)
        and len(set(ids)) == count
        and _all_of(int, sources)
        and _all_of(int, targets)
        and (not links or (min(sources + targets) >= 0 and max(sources + targets) < count))
        and _all_of(int, lines)
        and all(first < second for first, second in pairwise(lines))
        and all(_all_of(str, column) for column in (*entities["values"], *texts))
        and _in_vocabulary(entities, relations)
    )


def _in_vocabulary(entities: dict, relations: dict) -> bool:
    """Whether the required columns are there and every type is one the schema names: what
    the code downstream relies on, checked in a few set operations."""
    entity_columns, relation_columns = entities["columns"], relations["columns"]
    if not set(ENTITY_REQUIRED) - {"id"} <= set(entity_columns):
        return False
    if relations["source"] and not set(RELATION_REQUIRED) - set(RECORD_ENDS) <= set(
        relation_columns
    ):
        return False
    kinds = entities["values"][entity_columns.index("type")]
    relation_kinds = (
        relations["values"][relation_columns.index("type")] if relations["source"] else []
    )
    return set(kinds) <= set(ENTITY_TYPES) and set(relation_kinds) <= set(RELATION_TYPES)


def _all_of(kind: type, values: list) -> bool:
    """Whether every value is exactly of ``kind`` (``bool`` is not an ``int`` here)."""
    return set(map(type, values)) <= {kind}


def _view_of(stored: dict, attributes: dict) -> nx.Graph:
    """The simple view of a checked snapshot, with graph ``attributes``."""
    entities, relations = stored["entities"], stored["relations"]
    ids = entities["ids"]
    columns = relations["columns"]
    names = ("source", "target", "key", *columns)
    with bulk_allocation():
        rows = zip(*entities["values"], strict=True) if entities["columns"] else [()] * len(ids)
        nodes = zip(
            ids, (dict(zip(entities["columns"], row, strict=True)) for row in rows), strict=True
        )
        values = relations["values"]
        sources = list(map(ids.__getitem__, relations["source"]))
        targets = list(map(ids.__getitem__, relations["target"]))
        keys = [f"r{line}" for line in values[0]] if values else []
        fields = zip(sources, targets, keys, *values, strict=True)
        records = map(dict, map(zip, repeat(names), fields))
        kinds = values[columns.index("type")] if sources else []
        return filled_view(attributes, nodes, zip(sources, targets, kinds, records, strict=True))
