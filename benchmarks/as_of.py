"""How long the model of the network as of a date takes (``ecosystem.explorer.model_at``), cold
and warm, on the H2020 network by default.

    python -m benchmarks.as_of [--data DIR] [--years 2015-2020] [--repeat 3] [--cold-repeat 1]
                               [--out docs/benchmarks-as-of.md]

The full model is built first (its own cache folder, warmed by a first build; not measured here:
see docs/benchmarks-browser.md). Then, for each year, the model as of 31 December: *cold* in an
empty cache folder (``--cold-repeat`` times, a new empty folder each time), then *warm* from the
folder the cold run filled (``--repeat`` times); medians are reported with the slowest, and the
cold run's time by step (``model_at``'s progress). ``as_of`` alone (cutting the graph) is timed
too: it is what a date control costs before any metric.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import h2020
from benchmarks.machine import describe

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/h2020/h2020-full")


def _years(text: str) -> list[int]:
    """``2015-2020`` (every year between) or ``2016,2020``."""
    if "," in text:
        return [int(part) for part in text.split(",")]
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


class Steps:
    """A ``progress`` callback that keeps the time spent in each step."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._step = ""
        self._since = time.perf_counter()

    def __call__(self, done: int, total: int, step: str) -> None:
        now = time.perf_counter()
        if self._step:
            # The step after "layout" (the full model's, reused) builds the lookups.
            name = {"layout": "lookups"}.get(self._step, self._step)
            if name not in ("network", "communities", "synergy", "lookups"):
                name = "metrics"
            self.spent[name] = self.spent.get(name, 0.0) + now - self._since
        self._step, self._since = step, now


def _timed(call: Callable[..., Any], *args: Any, **options: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call(*args, **options)
    return time.perf_counter() - started, result


def measure(
    data: Path, years: list[int], repeat: int, cold_repeat: int, full_cache: Path | None = None
) -> dict:
    from ecosystem.analysis.timeline import as_of
    from ecosystem.explorer import build_model, model_at
    from ecosystem.graph import load_graph

    say(f"loading {data}")
    graph = load_graph(data)
    work = Path(tempfile.mkdtemp(prefix="as-of-bench-"))
    say("building the full model (cached apart)")
    full_seconds, model = _timed(build_model, graph, cache=full_cache or work / "full")
    rows = []
    for year in years:
        when = date(year, 12, 31)
        cut = [_timed(as_of, graph, when)[0] for _ in range(max(repeat, 1))]
        dated = as_of(graph, when)
        colds, steps = [], []
        folder = work / "none"
        for attempt in range(cold_repeat):
            folder = work / f"{year}-{attempt}"
            say(f"{year}: cold {attempt + 1} of {cold_repeat}")
            progress = Steps()
            based = replace(model, cache=folder)
            seconds, _ = _timed(model_at, based, when, progress=progress)
            colds.append(seconds)
            steps.append(progress.spent)
        warms = []
        for attempt in range(repeat):
            say(f"{year}: warm {attempt + 1} of {repeat}")
            warms.append(_timed(model_at, replace(model, cache=folder), when)[0])
        rows.append(
            {
                "year": year,
                "entities": dated.number_of_nodes(),
                "relations": dated.number_of_edges(),
                "as_of": statistics.median(cut),
                "cold": statistics.median(colds),
                "cold_max": max(colds),
                "warm": statistics.median(warms) if warms else float("nan"),
                "warm_max": max(warms) if warms else float("nan"),
                "steps": {
                    name: statistics.median(spent.get(name, 0.0) for spent in steps)
                    for name in ("network", "metrics", "communities", "synergy", "lookups")
                },
            }
        )
    return {
        "data": data,
        "entities": graph.number_of_nodes(),
        "relations": graph.number_of_edges(),
        "full_seconds": full_seconds,
        "rows": rows,
        "repeat": repeat,
        "cold_repeat": cold_repeat,
    }


def report(result: dict, load: tuple[str, str]) -> str:
    lines = [
        "# The network as of a date: time of a dated model",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.as_of` on "
        f"`{result['data']}` ({result['entities']:,} entities, {result['relations']:,} "
        "relations).",
        "",
        describe("networkx", "igraph", "numpy", "scipy", "scikit-learn"),
        "The machine's 2 cores are shared with other people's work while this runs "
        f"(load average {load[0]} at the start, {load[1]} at the end): figures are indicative, "
        "slower than on a quiet machine.",
        "",
        f"`model_at(model, 31 December of the year)`: cold in an empty cache folder "
        f"({result['cold_repeat']} run(s) per year), warm from the folder the cold run filled "
        f"(median of {result['repeat']}, slowest in brackets). `as_of` is cutting the graph "
        f"alone (median of {max(result['repeat'], 1)}). The full model took "
        f"{result['full_seconds']:.0f} s to build first (its cache warmed beforehand or not: "
        "not the subject here).",
        "",
        "| as of | entities | relations | as_of (s) | cold (s) | warm (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['year']}-12-31 | {row['entities']:,} | {row['relations']:,} | "
            f"{row['as_of']:.2f} | {row['cold']:.1f} (max {row['cold_max']:.1f}) | "
            f"{row['warm']:.1f} (max {row['warm_max']:.1f}) |"
        )
    lines += [
        "",
        "Where a cold run's time goes (seconds, median over the cold runs):",
        "",
        "| as of | network (as_of + view) | metrics | communities | synergy | lookups |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        spent = row["steps"]
        lines.append(
            f"| {row['year']}-12-31 | {spent['network']:.1f} | {spent['metrics']:.1f} | "
            f"{spent['communities']:.1f} | {spent['synergy']:.1f} | {spent['lookups']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def say(text: str) -> None:
    print(f"as_of: {text}", file=sys.stderr, flush=True)


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--years", type=_years, default=_years("2015-2020"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold-repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-as-of.md")
    parser.add_argument(
        "--full-cache", type=Path, help="cache folder of the full model (kept between runs)"
    )
    args = parser.parse_args()
    data = args.data
    if not (data / "relations.csv").is_file():
        data = h2020.DEFAULT_OUT / "h2020-full"
    start = _load()
    result = measure(data, args.years, args.repeat, args.cold_repeat, args.full_cache)
    text = report(result, (start, _load()))
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
