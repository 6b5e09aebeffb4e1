"""Import files into a dataset: read, map, merge, validate the whole result, then write.

Nothing is written unless every file reads cleanly and the merged dataset passes the loader's own
validation; the two CSV files are then replaced atomically. A dry run does everything but the
writing and reports what would change.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ecosystem.errors import DataError, Problem
from ecosystem.graph import Dataset, read_dataset
from ecosystem.interchange import kumu
from ecosystem.interchange.archive import unpack
from ecosystem.interchange.bundle import Bundle, GraphImport, Report
from ecosystem.interchange.duplicates import near_duplicates
from ecosystem.interchange.files import DEFAULT_MAX_MB, MEGABYTE, check_file
from ecosystem.interchange.formats import IMPORT_FORMATS, get
from ecosystem.interchange.merge import merge
from ecosystem.interchange.sniff import wrong_format
from ecosystem.interchange.store import validate
from ecosystem.interchange.vocabulary import DEFAULT_ENTITY_TYPE
from ecosystem.schema import ENTITIES_FILE, RELATIONS_FILE
from ecosystem.storage import check_folder, commit, folder_lock, recover

__all__ = ["IMPORT_FORMATS", "existing_dataset", "import_files", "read_files"]


def read_files(
    fmt: str,
    paths: list[Path],
    *,
    default_type: str = DEFAULT_ENTITY_TYPE,
    max_bytes: int = DEFAULT_MAX_MB * MEGABYTE,
) -> Bundle:
    """Read and map the files of one import. Raises :class:`DataError` listing every problem.

    ``.gz`` files and ``.zip`` archives are unpacked first, never beyond ``max_bytes``.
    """
    format_ = get(fmt)
    names = [path.name for path in paths]
    report = Report(fmt, names)
    problems: list[Problem] = []
    readable = [path for path in paths if check_file(path, max_bytes, problems)]
    if problems:
        raise DataError(problems)
    with tempfile.TemporaryDirectory(prefix="ecosystem-unpack-") as folder:
        readable = unpack(readable, Path(folder), max_bytes, problems, report.notes)
        if problems:
            raise DataError(problems)
        if len(readable) > format_.most_files:
            raise DataError(
                [
                    Problem(
                        ", ".join(path.name for path in readable),
                        0,
                        "-",
                        f"{len(readable)} files for one {fmt} import",
                        f"give at most {format_.most_files}; import several networks one "
                        "after another",
                    )
                ]
            )
        for path in readable:
            wrong = wrong_format(path, fmt)
            if wrong:
                problems.append(wrong)
        if problems:
            raise DataError(problems)
        entities, relations = _read(format_, readable, report, problems, default_type, max_bytes)
    if problems:
        raise DataError(problems)
    if not entities and not relations:
        raise DataError(
            [
                Problem(
                    ", ".join(names),
                    0,
                    "-",
                    "nothing to import: no entities or relations found",
                    f"check that the files are {IMPORT_FORMATS[fmt]}",
                )
            ]
        )
    report.near_duplicates = near_duplicates([item.row for item in entities])
    return Bundle(entities, relations, report)


def _read(
    format_,
    paths: list[Path],
    report: Report,
    problems: list[Problem],
    default_type: str,
    max_bytes: int,
):
    if format_.table_reader is not None:
        return format_.table_reader(paths, report, problems, default_type)
    builder = GraphImport(report, problems, default_type=default_type)
    if format_.name == "kumu":
        # A workbook is a zip archive: the size limit bounds what it unpacks to as well.
        kumu.read(paths, builder, problems, max_bytes=max_bytes)
    else:
        format_.graph_reader(paths, builder, problems)
    return builder.finish() if not problems else ([], [])


def existing_dataset(folder: Path) -> Dataset | None:
    """The dataset already in ``folder``, or None when there is none yet.

    Raises :class:`DataError` when only one of its files is there, or when it has problems of
    its own: an import never builds on a dataset that does not load.
    """
    present = [(folder / name).exists() for name in (ENTITIES_FILE, RELATIONS_FILE)]
    if folder.exists() and not folder.is_dir():
        raise DataError(
            [Problem(str(folder), 0, "-", "is a file, not a folder", "pass --into DATA_DIR")]
        )
    if not any(present):
        return None
    if not all(present):
        lacking = RELATIONS_FILE if present[0] else ENTITIES_FILE
        raise DataError(
            [
                Problem(
                    str(folder / lacking),
                    0,
                    "-",
                    "missing: the folder holds half a dataset",
                    "restore the file, or import into an empty folder",
                )
            ]
        )
    try:
        return read_dataset(folder)
    except DataError as error:
        head = Problem(
            str(folder),
            0,
            "-",
            "the dataset to import into has problems of its own",
            f"fix them first (ecosystem validate --data {folder})",
        )
        raise DataError([head, *error.problems]) from None


def import_files(
    fmt: str,
    paths: list[Path],
    into: Path,
    *,
    dry_run: bool = False,
    default_type: str = DEFAULT_ENTITY_TYPE,
    max_bytes: int = DEFAULT_MAX_MB * MEGABYTE,
) -> Report:
    """Import ``paths`` in format ``fmt`` into the dataset in ``into``; answer the report.

    Raises :class:`DataError` naming the file and line (or element) of every problem; then
    nothing has been written.
    """
    check_folder(into, write=not dry_run)
    bundle = read_files(fmt, paths, default_type=default_type, max_bytes=max_bytes)
    report = bundle.report
    report.target = str(into)
    report.dry_run = dry_run
    if dry_run:
        return _merge_and_write(bundle, into, dry_run=True)
    # Under the folder's lock: the dataset is read, merged and written by one import at a time,
    # so a second import merges into what the first wrote instead of overwriting it.
    with folder_lock(into):
        recover(into)
        return _merge_and_write(bundle, into, dry_run=False)


def _merge_and_write(bundle: Bundle, into: Path, *, dry_run: bool) -> Report:
    report = bundle.report
    merged = merge(existing_dataset(into), bundle)
    if not merged.relations:
        raise DataError(
            [
                Problem(
                    ", ".join(report.files),
                    0,
                    "-",
                    "no relations: a dataset needs at least one",
                    "import the connections (edges) too, or import into a dataset that has some",
                )
            ]
        )
    files = validate(
        (merged.entity_columns, merged.relation_columns),
        merged.entities,
        merged.entity_origins,
        merged.relations,
        merged.relation_origins,
    )
    if merged.changed and not dry_run:
        report.written = [str(path) for path in commit(into, files)]
    return report
