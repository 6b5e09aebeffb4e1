"""What the import and export tests share: the two commands run as the CLI runs them, and a
graph's entities and relations as comparable values."""

from __future__ import annotations

import argparse
import io
from collections import Counter
from pathlib import Path

import networkx as nx

from ecosystem.errors import EcosystemError
from ecosystem.graph import default_data_dir
from ecosystem.interchange.cli import register
from ecosystem.schema import ENTITY_COLUMNS, RELATION_COLUMNS


def parser() -> argparse.ArgumentParser:
    """The main parser's shape (ecosystem.cli.build_parser) with only these two commands."""
    main = argparse.ArgumentParser(prog="ecosystem")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=default_data_dir(), metavar="DIR")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true")
    register(commands, common, as_json)
    return main


def run(*argv: str) -> tuple[int, str, str]:
    """As ecosystem.cli.main does: a handler's EcosystemError becomes stderr and exit code 2."""
    args = parser().parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    try:
        code = args.handler(args, out)
    except EcosystemError as error:
        print(f"ecosystem {args.command}: {error}", file=err)
        code = 2
    return code, out.getvalue(), err.getvalue()


def entities(graph: nx.MultiDiGraph) -> dict[str, tuple[str, ...]]:
    return {
        node: tuple(data.get(column, "") for column in ENTITY_COLUMNS[1:])
        for node, data in graph.nodes(data=True)
    }


def relations(graph: nx.MultiDiGraph) -> Counter:
    return Counter(
        (source, target, *(data.get(column, "") for column in RELATION_COLUMNS[2:]))
        for source, target, data in graph.edges(data=True)
    )
