"""Import files into a dataset: read, map, merge, validate the whole result, then write.

Nothing is written unless every file reads cleanly and the merged dataset passes the loader's own
validation; the two CSV files are then replaced atomically. A dry run does everything but the
writing and reports what would change.
"""

from __future__ import annotations

from pathlib import Path

from ecosystem.errors import DataError, Problem
from ecosystem.graph import Dataset, read_dataset
from ecosystem.interchange import cordis, csvpair, cyjs, gexf, graphml, kumu
from ecosystem.interchange.bundle import Bundle, GraphImport, Report
from ecosystem.interchange.files import DEFAULT_MAX_MB, MEGABYTE, check_file
from ecosystem.interchange.merge import merge
from ecosystem.interchange.store import validate, write_atomically
from ecosystem.interchange.vocabulary import DEFAULT_ENTITY_TYPE
from ecosystem.schema import ENTITIES_FILE, RELATIONS_FILE

IMPORT_FORMATS: dict[str, str] = {
    "cordis": "CORDIS bulk files organization.csv and project.csv (Horizon 2020, Horizon Europe)",
    "kumu": "a Kumu workbook (.xlsx, sheets Elements and Connections) or its two CSV files",
    "gexf": "a GEXF file from Gephi (versions 1.1 to 1.3)",
    "graphml": "a GraphML file from Gephi, Cytoscape, yEd or networkx",
    "cyjs": "a Cytoscape.js JSON file (.cyjs) from Cytoscape or Cytoscape.js",
    "csv": "entities.csv and/or relations.csv of another ecosystem dataset",
}
_GRAPH_READERS = {"gexf": gexf.read, "graphml": graphml.read, "cyjs": cyjs.read}
_MOST_FILES = {"cordis": 2, "kumu": 2, "csv": 2, "gexf": 1, "graphml": 1, "cyjs": 1}


def read_files(
    fmt: str,
    paths: list[Path],
    *,
    default_type: str = DEFAULT_ENTITY_TYPE,
    max_bytes: int = DEFAULT_MAX_MB * MEGABYTE,
) -> Bundle:
    """Read and map the files of one import. Raises :class:`DataError` listing every problem."""
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}: use one of {', '.join(IMPORT_FORMATS)}")
    names = [path.name for path in paths]
    report = Report(fmt, names)
    problems: list[Problem] = []
    if len(paths) > _MOST_FILES[fmt]:
        problems.append(
            Problem(
                ", ".join(names),
                0,
                "-",
                f"{len(paths)} files for one {fmt} import",
                f"give at most {_MOST_FILES[fmt]}; import several networks one after another",
            )
        )
        raise DataError(problems)
    readable = [path for path in paths if check_file(path, max_bytes, problems)]
    if problems:
        raise DataError(problems)
    if fmt == "cordis":
        entities, relations = cordis.read(readable, report, problems, default_type=default_type)
    elif fmt == "csv":
        entities, relations = csvpair.read(readable, report, problems)
    else:
        builder = GraphImport(report, problems, default_type=default_type)
        if fmt == "kumu":
            kumu.read(readable, builder, problems)
        else:
            _GRAPH_READERS[fmt](readable[0], builder, problems)
        entities, relations = builder.finish() if not problems else ([], [])
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
    return Bundle(entities, relations, report)


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
    bundle = read_files(fmt, paths, default_type=default_type, max_bytes=max_bytes)
    report = bundle.report
    report.target = str(into)
    report.dry_run = dry_run
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
        report.written = [str(path) for path in write_atomically(into, files)]
    return report
