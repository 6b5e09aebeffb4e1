"""`ecosystem validate` and `ecosystem stats`: is the data sound, and what does it hold."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ecosystem.cli.support import (
    EXIT_OK,
    _load_view,
    add_as_of,
    add_cache,
    as_of_fields,
    as_of_line,
    format_table,
)
from ecosystem.errors import DataError


def register(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
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
    add_as_of(stats)
    add_cache(stats)
    stats.set_defaults(handler=cmd_stats)


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.checks import name_warnings
    from ecosystem.graph import build_graph, read_dataset
    from ecosystem.sources import check_evidence

    dataset = read_dataset(args.data)
    graph = build_graph(dataset)
    for warning in name_warnings(dataset):
        print(f"warning: {warning}", file=sys.stderr)
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
    from ecosystem.interchange.duplicates import near_duplicate_lines

    for line in near_duplicate_lines(graph):
        print(line, file=out)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.summary import network_summary

    graph = _load_view(args.data, args)
    counted = None
    if not args.as_of and not args.no_cache:
        # The relations by type, as the explorer counts them at its start: kept in the cache.
        from ecosystem.cache import compute_tallies

        counted = compute_tallies(graph, directory=args.cache).relations
    summary = network_summary(graph, top=args.top, relation_counts=counted)
    if args.json:
        print(
            json.dumps({**as_of_fields(graph), **summary}, indent=2, ensure_ascii=False), file=out
        )
        return EXIT_OK
    if args.as_of:
        print(as_of_line(graph), file=out)
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
