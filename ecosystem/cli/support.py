"""What the commands share: argument types, loading the network, printing tables and JSON, the
progress bar."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ecosystem.errors import EcosystemError

if TYPE_CHECKING:
    import networkx as nx

EXIT_OK = 0
EXIT_PROBLEM = 2


class UsageError(EcosystemError):
    """Options that do not fit together."""


def _data_dir(value: str) -> Path:
    return Path(value)


def _checked(name: str) -> Callable[[str], str]:
    """An argparse type that runs :mod:`ecosystem.security`'s check ``name``."""

    def check(value: str) -> str:
        from ecosystem import security

        try:
            return getattr(security, name)(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def add_cache(parser: argparse.ArgumentParser, *, kept: str = "") -> None:
    """``--cache DIR`` and ``--no-cache``: where the checked data (and ``kept``) are stored
    between runs, the same files the explorer keeps."""
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help=f"where the checked data{' and ' + kept if kept else ''} are kept between runs, "
        "shared with the explorer (default: $ECOSYSTEM_CACHE, else ~/.cache/ecosystem)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read and check the data files, and compute everything, afresh; keep nothing",
    )


def read_network(data_dir: Path, args: argparse.Namespace | None = None):
    """The checked network in ``data_dir`` (:func:`ecosystem.snapshot.read_network`), from the
    cache ``args.cache`` unless ``args.no_cache``."""
    import gc

    from ecosystem.graph import bulk_allocation
    from ecosystem.snapshot import read_network as read

    # The network lives as long as the command: frozen before the collector runs again, it is
    # never walked (on the H2020 network the first collection after the read alone would take
    # a quarter of a second, and later ones would double a query's time).
    with bulk_allocation():
        network = read(
            data_dir,
            cache=getattr(args, "cache", None),
            use_cache=not getattr(args, "no_cache", False),
        )
        gc.freeze()
    return network


def _load_view(data_dir: Path, args: argparse.Namespace | None = None):
    """The simple view of the network in ``data_dir``, as of ``args.as_of`` when given."""
    view = read_network(data_dir, args).view
    when = getattr(args, "as_of", None)
    if when is None:
        return view
    from ecosystem.analysis.timeline import view_as_of

    return view_as_of(view, when, past=not getattr(args, "hide_past", False))


def _as_of_date(value: str) -> date:
    """An argparse type: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, read as the end of the period."""
    from ecosystem.analysis.timeline import DateError, parse_when

    try:
        return parse_when(value)
    except DateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_as_of(parser: argparse.ArgumentParser, *, hide_past: bool = True) -> None:
    """``--as-of DATE`` (and ``--hide-past``) on a command that reads the network."""
    parser.add_argument(
        "--as-of",
        type=_as_of_date,
        metavar="DATE",
        help="the network as of DATE (YYYY, YYYY-MM or YYYY-MM-DD; 2016 means 2016-12-31): "
        "relations that start later and the entities only they link are left out",
    )
    if hide_past:
        parser.add_argument(
            "--hide-past",
            action="store_true",
            help="with --as-of: also leave out the relations that had ended by DATE",
        )


def dated(graph: nx.MultiDiGraph, args: argparse.Namespace | None) -> nx.MultiDiGraph:
    """``graph`` as of ``args.as_of`` when the command was given one, else ``graph`` itself."""
    when = getattr(args, "as_of", None)
    if when is None:
        return graph
    from ecosystem.analysis.timeline import as_of

    return as_of(graph, when, past=not getattr(args, "hide_past", False))


def as_of_line(graph: nx.Graph) -> str:
    """The line that says a dated network is one (empty for the whole network)."""
    when = graph.graph.get("as_of")
    if not when:
        return ""
    if graph.is_multigraph():
        ended = sum(1 for *_, past in graph.edges(data="past") if past)
    else:
        ended = sum(
            1
            for *_, records in graph.edges(data="relations", default=())
            for record in records
            if record.get("past")
        )
    shown = (
        f"{ended} of them ended by then (past)"
        if graph.graph.get("past", True)
        else "those ended by then left out"
    )
    return f"As of {when}: relations begun by then, {shown}."


def as_of_fields(graph: nx.Graph) -> dict:
    """``as_of`` and ``past`` for a JSON result (empty for the whole network)."""
    when = graph.graph.get("as_of")
    return {"as_of": when, "past_shown": graph.graph.get("past", True)} if when else {}


def _dump(value: object, out: TextIO) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False), file=out)


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


@contextlib.contextmanager
def progress_bar(title: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress callback ``(done, total, step)`` drawing a bar on stderr (only on a terminal)."""
    from tqdm import tqdm

    with tqdm(desc=title, unit="step", file=sys.stderr, disable=None, leave=False) as bar:

        def update(done: int, total: int, step: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(step.replace("_", " "), refresh=True)

        yield update
