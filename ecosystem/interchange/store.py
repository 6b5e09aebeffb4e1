"""Validate a whole dataset before it is written, and write it so that nothing is half-written.

Validation is the loader's own: the rows are turned into the bytes of both files and checked by
:func:`ecosystem.graph.parse_dataset`, in memory, so imported data passes exactly the checks the
shipped data passes and nothing is left on disk by an import that is stopped. Problems are then
told about the file and row the data was imported from, not the generated files.

Writing is :func:`ecosystem.storage.commit`: both files change together or not at all, whatever
instant a crash comes at, under the folder's writer lock (:func:`ecosystem.storage.folder_lock`).
Cells that a spreadsheet would run as formulas are written with a guarding apostrophe, which the
loader removes (see :mod:`ecosystem.tables`): the files stay safe to open and read back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ecosystem.errors import DataError, Problem
from ecosystem.graph import parse_dataset
from ecosystem.interchange.files import Origin
from ecosystem.schema import ENTITIES_FILE, RELATIONS_FILE
from ecosystem.storage import commit, folder_lock, recover, write_bytes_atomically
from ecosystem.tables import csv_bytes

_ON_LINE = re.compile(r"\bon line (\d+)")


def validate(
    columns: tuple[Sequence[str], Sequence[str]],
    entities: Sequence[dict[str, str]],
    entity_origins: Sequence[Origin],
    relations: Sequence[dict[str, str]],
    relation_origins: Sequence[Origin],
) -> dict[str, bytes]:
    """Check the dataset with the loader; answer the bytes of both files.

    Raises :class:`DataError` whose problems name where each bad row came from.
    """
    entity_bytes, entity_lines = csv_bytes(columns[0], entities)
    relation_bytes, relation_lines = csv_bytes(columns[1], relations)
    files = {ENTITIES_FILE: entity_bytes, RELATIONS_FILE: relation_bytes}
    origins = {
        ENTITIES_FILE: dict(zip(entity_lines, entity_origins, strict=True)),
        RELATIONS_FILE: dict(zip(relation_lines, relation_origins, strict=True)),
    }
    try:
        parse_dataset(Path("."), dict(files))
    except DataError as error:
        raise DataError([_relocate(p, origins) for p in error.problems]) from None
    return files


def _relocate(problem: Problem, origins: dict[str, dict[int, Origin]]) -> Problem:
    lines = origins.get(problem.file, {})
    origin = lines.get(problem.line)
    if origin is None:
        return problem

    def elsewhere(match: re.Match) -> str:
        other = lines.get(int(match.group(1)))
        return f"at {other}" if other else match.group(0)

    message = _ON_LINE.sub(elsewhere, problem.message)
    return origin.problem(problem.column, message, problem.fix)


def write_atomically(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file of ``files`` (name -> bytes) into ``folder``: all of them or none.

    One file is replaced atomically; several are committed together under the folder's lock.
    """
    if len(files) == 1:
        ((name, content),) = files.items()
        return [write_bytes_atomically(folder / name, content)]
    with folder_lock(folder):
        recover(folder)
        return commit(folder, files)
