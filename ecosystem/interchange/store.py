"""Validate a whole dataset before it is written, and write files so that none is half-written.

Validation is the loader's own: the rows are written to a temporary folder and read back with
:func:`ecosystem.graph.read_dataset`, so imported data passes exactly the checks the shipped data
passes. Its problems are then told about the file and row the data was imported from, not the
temporary copy.

Writing goes to a temporary file beside the target, flushed to disk, then renamed over it
(``os.replace`` is atomic): a crash leaves the old file or the new one, never a mix.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ecosystem.errors import DataError, Problem
from ecosystem.graph import read_dataset
from ecosystem.interchange.files import Origin
from ecosystem.schema import ENTITIES_FILE, RELATIONS_FILE

_ON_LINE = re.compile(r"\bon line (\d+)")


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> tuple[bytes, list[int]]:
    """Rows as UTF-8 CSV with a header, and the line each row starts on (quoted fields may span
    lines, and a problem has to name the line the loader will report)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    lines = []
    line = 2
    for row in rows:
        lines.append(line)
        before = buffer.tell()
        writer.writerow({column: row.get(column, "") for column in columns})
        buffer.seek(before)
        line += buffer.read().count("\n")
    return buffer.getvalue().encode("utf-8"), lines


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
    with tempfile.TemporaryDirectory(prefix="ecosystem-import-") as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        try:
            read_dataset(folder)
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
    """Write every file of ``files`` (name -> bytes) into ``folder``, each replaced atomically.

    Every file is written in full before the first is renamed into place, so a failure while
    writing leaves the folder as it was.
    """
    folder.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, Path] = {}
    try:
        for name, content in files.items():
            target = folder / name
            handle, temporary_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            temporary[name] = Path(temporary_name)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            os.chmod(temporary_name, mode)
        for name, path in temporary.items():
            os.replace(path, folder / name)
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
    return [folder / name for name in files]
