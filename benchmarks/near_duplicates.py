"""How long the near-duplicate check takes on a large network, and how many pairs it finds.

    python -m benchmarks.near_duplicates [--data DIR] [--repeat 3]

Reads the entities of ``--data`` (by default the whole H2020 network that
``python -m benchmarks.h2020`` writes), runs
:func:`ecosystem.interchange.duplicates.near_duplicates` over every name with no cap on the
number of pairs, ``--repeat`` times, and writes the median to docs/near-duplicates.md.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from datetime import date
from pathlib import Path

from benchmarks.machine import describe
from ecosystem.interchange.duplicates import near_duplicates

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "benchmarks" / ".data" / "h2020-full"
REPORT = ROOT / "docs" / "near-duplicates.md"


def measure(data: Path, repeat: int) -> tuple[int, int, list[float]]:
    with (data / "entities.csv").open(encoding="utf-8", newline="") as handle:
        rows = [{"id": row["id"], "name": row["name"]} for row in csv.DictReader(handle)]
    times = []
    found = 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(near_duplicates(rows, most=10**9))
        times.append(time.perf_counter() - start)
    return len(rows), found, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    names, pairs, times = measure(args.data, args.repeat)
    text = (
        "# Near-duplicate names: time on a large network\n\n"
        f"Measured {date.today().isoformat()} by `python -m benchmarks.near_duplicates` on "
        f"`{args.data.name}`. {describe('rapidfuzz')}\n\n"
        "| names | pairs flagged | median (s) | runs |\n|---|---|---|---|\n"
        f"| {names:,} | {pairs:,} | {statistics.median(times):.2f} | {len(times)} |\n\n"
        "Names are compared only within blocks of the same first three folded letters (a "
        "block over 2,000 names split again by a longer prefix), never all pairs. "
        "`ecosystem validate` and the import report list at most the first 200 pairs.\n"
    )
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
