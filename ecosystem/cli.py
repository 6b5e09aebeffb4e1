"""The ``ecosystem`` command line: parse, load, call the pure functions, print.

Every command takes ``--data DIR`` (the shipped data by default). Problems the user can fix go to
stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ecosystem.errors import DataError, EcosystemError

EXIT_OK = 0
EXIT_PROBLEM = 2


def _data_dir(value: str) -> Path:
    return Path(value)


def build_parser() -> argparse.ArgumentParser:
    from ecosystem import __version__
    from ecosystem.graph import default_data_dir

    parser = argparse.ArgumentParser(
        prog="ecosystem", description="Explore a stakeholder and ecosystem network."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=_data_dir,
        default=default_data_dir(),
        metavar="DIR",
        help="folder with entities.csv and relations.csv (default: the shipped data)",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON for machines")

    validate = commands.add_parser(
        "validate", parents=[common], help="check the data files and list every problem"
    )
    validate.add_argument(
        "--documents",
        type=Path,
        metavar="DIR",
        help="also check that every evidence excerpt stands in the document it cites",
    )
    validate.set_defaults(handler=cmd_validate)

    stats = commands.add_parser(
        "stats", parents=[common, as_json], help="counts, components, density, best connected"
    )
    stats.add_argument("--top", type=int, default=5, help="how many best-connected entities")
    stats.set_defaults(handler=cmd_stats)
    return parser


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.graph import load_graph
    from ecosystem.sources import check_evidence

    graph = load_graph(args.data)
    if args.documents is not None:
        problems = check_evidence(graph, args.documents)
        if problems:
            raise DataError(problems)
    checked = f", every evidence excerpt found in {args.documents}" if args.documents else ""
    print(
        f"{args.data}: {graph.number_of_nodes()} entities and "
        f"{graph.number_of_edges()} relations are valid{checked}",
        file=out,
    )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.summary import network_summary
    from ecosystem.graph import load_graph

    summary = network_summary(load_graph(args.data), top=args.top)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"{summary['entities']} entities, {summary['relations']} relations "
        f"({summary['links']} linked pairs), {summary['components']} component(s), "
        f"largest {summary['largest_component']}, {summary['isolated']} isolated, "
        f"density {summary['density']:.4f}",
        file=out,
    )
    print(file=out)
    print(format_table(["entity type", "count"], summary["entity_types"].items()), file=out)
    print(file=out)
    print(format_table(["relation type", "count"], summary["relation_types"].items()), file=out)
    print(file=out)
    print("Best connected", file=out)
    rows = [(e["name"], e["type"], e["degree"]) for e in summary["best_connected"]]
    print(format_table(["entity", "type", "degree"], rows), file=out)
    return EXIT_OK


def format_table(header: Sequence[str], rows) -> str:
    """A plain text table, numbers right-aligned.

    >>> print(format_table(["name", "n"], [("a", 1), ("bcd", 22)]))
    name   n
    ----  --
    a      1
    bcd   22
    """
    rows = [tuple(row) for row in rows]
    cells = [list(map(str, header)), *([str(value) for value in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [
        bool(rows) and all(isinstance(row[i], int | float) for row in rows)
        for i in range(len(header))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join(
        [line(cells[0]), line(["-" * width for width in widths]), *map(line, cells[1:])]
    )


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        return handler(args, out)
    except EcosystemError as error:
        print(f"ecosystem {args.command}: {error}", file=err)
        return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
