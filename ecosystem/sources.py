"""Provenance: the record of each source document, and each relation's excerpt checked against
the documents it cites.

``sources.csv`` (beside ``entities.csv``) gives each document in ``sources/`` a record: its title,
publisher or site, date, language and original address, each taken from the document itself and
left empty where the document does not say. :func:`check_sources` holds it to the same strict
rules as the other two files; :func:`catalogue` and :func:`source_labels` give the web app and the
exports what they show. A relation imported from another tool's file (CORDIS, GEXF, ...) cites
that file, which is not in ``sources/`` and needs no record: its evidence says where it came from.

The excerpt comparison forgives only what the schema allows to differ: runs of whitespace and
words hyphenated across a line break (``mate-\\nrias`` reads ``materias``). Everything else, case,
punctuation and quotes included, must match the document.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TypedDict

import networkx as nx

from ecosystem.errors import Problem
from ecosystem.schema import (
    DOC_SEPARATOR,
    LANGUAGE_CODES,
    RELATIONS_FILE,
    SOURCE_COLUMNS,
    SOURCES_DIR,
    SOURCES_FILE,
)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_DOC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Words of an untitled document's opening that stand in for its title.
OPENING_WORDS = 10
_HYPHENATED_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Join words hyphenated across line breaks and fold whitespace.

    >>> normalise("la  mate-\\nrias primas\\n de")
    'la materias primas de'
    """
    return _WHITESPACE.sub(" ", _HYPHENATED_BREAK.sub(r"\1\2", text)).strip()


MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def read_document(documents_dir: Path, name: str) -> str | None:
    """The normalised text of document ``name`` in ``documents_dir``, or None when there is no
    such document: ``name`` must be a plain file name (no folder, no leading dot), the file a
    regular one directly inside the folder (a symbolic link is refused, wherever it points: a
    link to ``/etc/passwd`` would otherwise be served), UTF-8 and at most
    :data:`MAX_DOCUMENT_BYTES`.

    The normalised text is kept (up to 32 documents) by the file's identity and modification
    time, so a page that shows a 10 MB document reads and normalises it once, and an edited
    document is read afresh.
    """
    if not _DOC_NAME.match(name):
        return None
    path = Path(documents_dir) / name
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DOCUMENT_BYTES:
        return None
    identity = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return _document_text(identity)


@lru_cache(maxsize=32)
def _document_text(identity: tuple) -> str | None:
    path = identity[0]
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != identity[1:3]:
            return None  # replaced between the look and the open
        with open(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        return normalise(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def find_excerpt(text: str, excerpt: str) -> tuple[int, int] | None:
    """Where ``excerpt`` stands in ``text``, which :func:`read_document` has already normalised.

    >>> find_excerpt("One two three.", "two\\n three")
    (4, 13)
    """
    needle = normalise(excerpt)
    start = text.find(needle) if needle else -1
    return None if start < 0 else (start, start + len(needle))


def check_evidence(graph: nx.MultiDiGraph, documents_dir: str | Path) -> list[Problem]:
    """Every relation whose excerpt is not found in each document its ``doc`` names.

    Problems name ``relations.csv``, the relation's line and the ``evidence`` or ``doc`` column.
    """
    documents_dir = Path(documents_dir)
    problems: list[Problem] = []
    for _source, _target, data in sorted(graph.edges(data=True), key=lambda e: e[2]["line"]):
        excerpt = normalise(data["evidence"])
        for name in data["doc"].split(DOC_SEPARATOR):
            text = read_document(documents_dir, name)
            if text is None:
                problems.append(
                    Problem(
                        RELATIONS_FILE,
                        data["line"],
                        "doc",
                        f"document {name!r} not found in {documents_dir}, or not a regular "
                        "UTF-8 text file there",
                        "add the document there (a file, not a link) or correct the file name",
                    )
                )
            elif excerpt not in text:
                problems.append(
                    Problem(
                        RELATIONS_FILE,
                        data["line"],
                        "evidence",
                        f"excerpt {_shorten(excerpt)!r} not found in {name}",
                        "copy the sentence verbatim from the document",
                    )
                )
    return problems


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def locate(text: str, excerpt: str) -> tuple[int, int] | None:
    """Where ``excerpt`` stands in ``text`` (both normalised), as a (start, end) pair, or None.

    >>> locate("One  two\\nthree.", "two three")
    (4, 13)
    """
    haystack, needle = normalise(text), normalise(excerpt)
    start = haystack.find(needle)
    return None if start < 0 or not needle else (start, start + len(needle))


class SourceRecord(TypedDict):
    """One row of ``sources.csv``: every column as text, and the line it starts on."""

    doc: str
    title: str
    publisher: str
    date: str
    language: str
    url: str
    line: int


def read_catalogue(data_dir: Path, problems: list[Problem]) -> dict[str, SourceRecord]:
    """The records of ``data_dir/sources.csv`` by document name, read strictly; what is wrong
    is appended to ``problems`` (the file, the line, the column and what to do)."""
    from ecosystem import graph  # graph.py calls check_sources: imported when first used

    table = graph.read_table(data_dir / SOURCES_FILE, SOURCE_COLUMNS, problems)
    present = _documents_in(data_dir / SOURCES_DIR)
    records: dict[str, SourceRecord] = {}
    for row in table.rows:
        record = SourceRecord(
            doc=row["doc"],
            title=row["title"],
            publisher=row["publisher"],
            date=row["date"],
            language=row["language"],
            url=row["url"],
            line=row.line,
        )
        for column, message, fix in _record_problems(record, records, present):
            problems.append(Problem(SOURCES_FILE, row.line, column, message, fix))
        if record["doc"] and record["doc"] not in records:
            records[record["doc"]] = record
    return records


def _record_problems(
    record: SourceRecord, earlier: Mapping[str, SourceRecord], present: set[str]
) -> Iterable[tuple[str, str, str]]:
    doc = record["doc"]
    if not doc:
        yield "doc", "empty", "name the document's file in sources/"
    elif not _DOC_NAME.match(doc):
        yield "doc", f"{doc[:60]!r} is not a document file name", "name a file in sources/"
    elif doc in earlier:
        yield (
            "doc",
            f"second record of {doc!r} (first on line {earlier[doc]['line']})",
            "keep one record per document",
        )
    elif doc not in present:
        yield (
            "doc",
            f"no document {doc!r} in {SOURCES_DIR}/",
            f"add the document to {SOURCES_DIR}/ or delete this record",
        )
    if record["date"] and not _is_iso_date(record["date"]):
        yield (
            "date",
            f"{record['date'][:30]!r} is not an ISO 8601 date",
            ("write YYYY-MM-DD, YYYY-MM or YYYY, or leave it empty"),
        )
    if record["language"] and record["language"] not in LANGUAGE_CODES:
        yield (
            "language",
            f"{record['language'][:30]!r} is not an ISO 639-1 code",
            ("use two lowercase letters such as en or es"),
        )
    if record["url"] and not _URL.match(record["url"]):
        yield (
            "url",
            f"{record['url'][:60]!r} is not an http(s) address",
            ("use an address starting with https:// or leave it empty"),
        )


def _is_iso_date(value: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a day the calendar has.

    >>> [_is_iso_date(v) for v in ("2023", "2023-06", "2023-06-15", "2023-02-30", "15/06/2023")]
    [True, True, True, False, False]
    """
    match = _DATE.match(value)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _documents_in(folder: Path) -> set[str]:
    try:
        return {path.name for path in folder.iterdir() if path.is_file()}
    except OSError:
        return set()


def check_sources(data_dir: str | Path, citations: Iterable[tuple[int, str]]) -> list[Problem]:
    """Every problem of ``sources.csv`` and of the documents in ``sources/`` that relations cite
    without a record; ``citations`` are the line and the ``doc`` field of each row of
    ``relations.csv``.

    A dataset whose relations cite no document in ``sources/`` (an imported network) needs no
    ``sources.csv``; when the file is there it is checked all the same.
    """
    data_dir = Path(data_dir)
    present = _documents_in(data_dir / SOURCES_DIR)
    cited: dict[str, int] = {}
    for line, field in citations if present else ():
        for doc in field.split(DOC_SEPARATOR):
            if doc in present:
                cited.setdefault(doc, line)
    problems: list[Problem] = []
    if not (data_dir / SOURCES_FILE).exists():
        if cited:
            problems.append(
                Problem(
                    SOURCES_FILE,
                    0,
                    "-",
                    f"file not found in {data_dir}: {len(cited)} document(s) in {SOURCES_DIR}/ "
                    "cited by relations.csv have no record",
                    f"create it with the header {','.join(SOURCE_COLUMNS)} and one row per "
                    "document",
                )
            )
        return problems
    records = read_catalogue(data_dir, problems)
    if problems and not records:
        return problems  # an unreadable file: every citation would repeat it
    for doc, line in sorted(cited.items(), key=lambda item: item[1]):
        if doc not in records:
            problems.append(
                Problem(
                    RELATIONS_FILE,
                    line,
                    "doc",
                    f"document {doc!r} has no record in {SOURCES_FILE}",
                    f"add a row for {doc} to {SOURCES_FILE} (title, publisher, date, language, "
                    "url, as the document gives them)",
                )
            )
    return problems


def catalogue(data_dir: str | Path) -> Mapping[str, SourceRecord]:
    """The records of ``data_dir/sources.csv`` by document (empty when there is none or it does
    not pass :func:`check_sources`; loading the data has reported why)."""
    path = Path(data_dir) / SOURCES_FILE
    try:
        return _catalogue_at(path, path.stat().st_mtime_ns)[0]
    except OSError:
        return MappingProxyType({})


def source_labels(data_dir: str | Path) -> Mapping[str, str]:
    """What names each recorded document on screen: its title, or for a document without one
    the words it opens with, quoted.

    >>> from ecosystem.graph import default_data_dir
    >>> source_labels(default_data_dir())["004_fd79ff072601a70f.txt"]
    'Zoom on our partner : ICAMCyL'
    """
    path = Path(data_dir) / SOURCES_FILE
    try:
        return _catalogue_at(path, path.stat().st_mtime_ns)[1]
    except OSError:
        return MappingProxyType({})


@lru_cache(maxsize=8)
def _catalogue_at(
    path: Path, mtime_ns: int
) -> tuple[Mapping[str, SourceRecord], Mapping[str, str]]:
    problems: list[Problem] = []
    records = read_catalogue(path.parent, problems)
    if problems:
        records = {}
    labels = {}
    for doc, record in records.items():
        labels[doc] = record["title"] or _opening(path.parent / SOURCES_DIR, doc)
    return MappingProxyType(records), MappingProxyType(labels)


def _opening(documents_dir: Path, doc: str) -> str:
    text = read_document(documents_dir, doc) or ""
    words = text.split()
    if not words:
        return doc
    opening = " ".join(words[:OPENING_WORDS])
    return f"“{opening}{'…' if len(words) > OPENING_WORDS else ''}” (untitled)"
