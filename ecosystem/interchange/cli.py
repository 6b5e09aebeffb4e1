"""The ``ecosystem import`` and ``ecosystem export`` commands.

:func:`register` adds both to the main parser (``ecosystem.cli.build_parser``); the handlers
follow its convention: ``handler(args, out) -> int``, user-fixable problems raised as
:class:`~ecosystem.errors.EcosystemError`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from ecosystem.errors import EcosystemError

EXIT_OK = 0


class ExportUsageError(EcosystemError):
    """The export cannot go where it was asked to."""


def _megabytes(value: str) -> int:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {value}")
    return int(number * 1024 * 1024)


def register(commands, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser) -> None:
    """Add ``import`` and ``export`` to the subparsers ``commands``.

    ``common`` is the parent parser holding ``--data DIR``; ``as_json`` the one with ``--json``.
    """
    _add_import(commands, as_json)
    _add_export(commands, common)


def _add_import(commands, as_json: argparse.ArgumentParser) -> None:

    from ecosystem.interchange.formats import (
        DEFAULT_ENTITY_TYPE,
        DEFAULT_MAX_MB,
        FORMATS,
        IMPORT_FORMATS,
    )
    from ecosystem.resources import default_data_dir
    from ecosystem.schema import ENTITY_TYPES

    formats = "; ".join(f"{name}: {what}" for name, what in IMPORT_FORMATS.items())
    importer = commands.add_parser(
        "import",
        parents=[as_json],
        help="read "
        + ", ".join(FORMATS[name].label for name in IMPORT_FORMATS)
        + " files into a dataset",
        description=f"Import files into a dataset (.gz and .zip read as the file they hold). "
        f"Formats: {formats}.",
    )
    importer.add_argument(
        "format",
        choices=list(IMPORT_FORMATS),
        metavar="FORMAT",
        help=f"one of {', '.join(IMPORT_FORMATS)}",
    )
    importer.add_argument("files", nargs="+", type=Path, metavar="FILES", help="the files to read")
    importer.add_argument(
        "--into",
        type=Path,
        default=default_data_dir(),
        metavar="DATA_DIR",
        help="the dataset to merge into, created if empty (default: the shipped data)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    importer.add_argument(
        "--default-type",
        choices=list(ENTITY_TYPES),
        default=DEFAULT_ENTITY_TYPE,
        metavar="T",
        help=f"type of entities whose type matches none (default: {DEFAULT_ENTITY_TYPE})",
    )
    importer.add_argument(
        "--max-size",
        type=_megabytes,
        default=DEFAULT_MAX_MB * 1024 * 1024,
        metavar="MB",
        help=f"refuse larger files (default: {DEFAULT_MAX_MB})",
    )
    importer.set_defaults(handler=cmd_import)


def _add_export(commands, common: argparse.ArgumentParser) -> None:
    from ecosystem.interchange.formats import EXPORT_FORMATS, FORMATS, MIXED_EDGE_FORMATS

    exporter = commands.add_parser(
        "export",
        parents=[common],
        help="write the network as " + ", ".join(FORMATS[name].label for name in EXPORT_FORMATS),
        description="Export the dataset. Formats: "
        + "; ".join(f"{name}: {what}" for name, what in EXPORT_FORMATS.items())
        + ".",
    )
    exporter.add_argument(
        "format",
        choices=list(EXPORT_FORMATS),
        metavar="FORMAT",
        help=f"one of {', '.join(EXPORT_FORMATS)}",
    )
    exporter.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write (a folder for csv); default: standard output (text formats only)",
    )
    exporter.add_argument(
        "--gexf-version",
        choices=("1.2", "1.3"),
        default="1.3",
        help="GEXF version (1.2 for Gephi before 0.9.3; default: %(default)s)",
    )
    exporter.add_argument(
        "--mixed-edges",
        action="store_true",
        help=f"{' and '.join(MIXED_EDGE_FORMATS)} only: write relations without direction "
        "(collaborates_with) as undirected edges of a mixed graph, as the two formats define "
        "one (Gephi reads them as undirected; networkx refuses such a file). Default: a directed "
        "graph that every reader opens, each edge with a 'directed' attribute, false for those "
        "relations",
    )
    from ecosystem.cli.support import add_as_of

    add_as_of(exporter)
    exporter.set_defaults(handler=cmd_export)


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.interchange.importer import import_files

    report = import_files(
        args.format,
        args.files,
        args.into,
        dry_run=args.dry_run,
        default_type=args.default_type,
        max_bytes=args.max_size,
    )
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), file=out)
    else:
        print("\n".join(report.lines()), file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.cli.support import as_of_line, dated
    from ecosystem.graph import load_graph
    from ecosystem.interchange.exporter import export_files, export_graph
    from ecosystem.interchange.formats import FORMATS, MIXED_EDGE_FORMATS

    if args.mixed_edges and args.format not in MIXED_EDGE_FORMATS:
        raise ExportUsageError(
            f"--mixed-edges applies to {' and '.join(MIXED_EDGE_FORMATS)} only, not "
            f"{args.format}: leave it out"
        )
    graph = dated(load_graph(args.data), args)
    if args.out is None:
        if args.format == "csv":
            raise ExportUsageError("csv writes two files: pass --out FOLDER")
        if FORMATS[args.format].binary:
            raise ExportUsageError(f"{args.format} is a binary workbook: pass --out FILE.xlsx")
        files = export_files(
            graph, args.format, gexf_version=args.gexf_version, mixed_edges=args.mixed_edges
        )
        (content,) = files.values()
        out.write(content.decode("utf-8"))
        if args.as_of:
            print(f"ecosystem export: {as_of_line(graph)}", file=sys.stderr)
        return EXIT_OK
    paths = export_graph(
        graph,
        args.format,
        args.out,
        gexf_version=args.gexf_version,
        mixed_edges=args.mixed_edges,
    )
    print(
        f"{graph.number_of_nodes()} entities and {graph.number_of_edges()} relations written "
        f"to {', '.join(map(str, paths))}",
        file=out,
    )
    if args.as_of:
        print(as_of_line(graph), file=out)
    return EXIT_OK
