"""The ``ecosystem`` command line: parse, load, call the pure functions, print.

Every command takes ``--data DIR`` (the shipped data by default). Problems the user can fix go to
stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from ecosystem.cli import data, queries, serve, story
from ecosystem.cli.support import (
    EXIT_OK,
    EXIT_PROBLEM,
    _data_dir,
    format_table,
    progress_bar,
)
from ecosystem.errors import EcosystemError

__all__ = ["EXIT_OK", "EXIT_PROBLEM", "build_parser", "format_table", "main", "progress_bar"]


def build_parser() -> argparse.ArgumentParser:
    from ecosystem import __version__
    from ecosystem.resources import default_data_dir

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

    data.register(commands, common, as_json)
    queries.register(commands, common, as_json)
    serve.register(commands, common, as_json)
    story.register(commands, common, as_json)
    from ecosystem.interchange.cli import register as register_interchange

    register_interchange(commands, common, as_json)
    return parser


def _check_cache_limit() -> None:
    """A command that fills the cache refuses to start on a ``$ECOSYSTEM_CACHE_LIMIT`` that is
    not a size (:class:`~ecosystem.cachefiles.CacheLimitError`), rather than warn at every file
    it writes."""
    from ecosystem.cachefiles import cache_limit

    cache_limit()


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        if hasattr(args, "cache") and not getattr(args, "no_cache", False):
            _check_cache_limit()
        code = handler(args, out)
        out.flush()  # inside the try: a reader that went away shows here, not at exit
        return code
    except EcosystemError as error:
        print(f"ecosystem {args.command}: {error}", file=err)
        return EXIT_PROBLEM
    except BrokenPipeError:
        # The reader went away (`ecosystem stats | head`): say so once, and keep Python from
        # failing again while it flushes the closed stream at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(
            f"ecosystem {args.command}: the output was closed before it was all written", file=err
        )
        return EXIT_PROBLEM
