"""Provenance: check that each relation's evidence excerpt stands in the documents it cites.

The comparison forgives only what the schema allows to differ: runs of whitespace and words
hyphenated across a line break (``mate-\\nrias`` reads ``materias``). Everything else, case,
punctuation and quotes included, must match the document.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path

import networkx as nx

from ecosystem.graph import DOC_NAME_PATTERN, Problem
from ecosystem.schema import DOC_SEPARATOR, RELATIONS_FILE

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
    if not DOC_NAME_PATTERN.match(name):
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
