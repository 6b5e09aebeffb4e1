"""Provenance: check that each relation's evidence excerpt stands in the documents it cites.

The comparison forgives only what the schema allows to differ: runs of whitespace and words
hyphenated across a line break (``mate-\\nrias`` reads ``materias``). Everything else, case,
punctuation and quotes included, must match the document.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import networkx as nx

from ecosystem.graph import Problem
from ecosystem.schema import DOC_SEPARATOR, RELATIONS_FILE

_HYPHENATED_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Join words hyphenated across line breaks and fold whitespace.

    >>> normalise("la  mate-\\nrias primas\\n de")
    'la materias primas de'
    """
    return _WHITESPACE.sub(" ", _HYPHENATED_BREAK.sub(r"\1\2", text)).strip()


@lru_cache(maxsize=64)
def _document_text(path: Path, mtime_ns: int) -> str:
    return normalise(path.read_text(encoding="utf-8"))


def read_document(documents_dir: Path, name: str) -> str | None:
    """The normalised text of one document, or None when it cannot be read as UTF-8 text."""
    path = documents_dir / name
    try:
        return _document_text(path, path.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError):
        return None


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
                        f"document {name!r} not found or not UTF-8 text in {documents_dir}",
                        "add the document there or correct the file name",
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
