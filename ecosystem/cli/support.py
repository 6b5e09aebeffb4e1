"""What the commands share: argument types, loading the network, printing tables and JSON, the
progress bar."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ecosystem.errors import EcosystemError

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


def _load_view(data_dir: Path):
    from ecosystem.graph import load_graph, simple_view

    return simple_view(load_graph(data_dir))


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
