"""What moving the date control costs on the server (``ecosystem.explorer.model_at`` and the
view it draws), cold and warm, on the H2020 network by default.

    python -m benchmarks.as_of [--data DIR] [--years 2015-2020] [--repeat 3] [--cold-repeat 1]
                               [--full-cache DIR] [--out docs/benchmarks-as-of.md]

The full model is built first (its own cache folder; not measured here: see
docs/benchmarks-browser.md), then its objects are frozen out of the garbage collector's way as
the server does. Then, for each year, the network as of 31 December: *cold* with an empty cache
folder for the dated results (``--cold-repeat`` times, a new empty folder each time), then *warm*
from the folder the cold run filled (``--repeat`` times). Each run times what a date move does:
the dated model (the view cut from the full one), the default view's elements (sized by degree),
and then what some views read on top: colour by community (Louvain) and the details of the
most linked entity (four metrics). Medians are reported with the slowest.
"""

from __future__ import annotations

import argparse
import gc
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
from benchmarks.machine import describe, load_average

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/h2020/h2020-full")


def _years(text: str) -> list[int]:
    """``2015-2020`` (every year between) or ``2016,2020``."""
    if "," in text:
        return [int(part) for part in text.split(",")]
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def _timed(call: Callable[..., Any], *args: Any, **options: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call(*args, **options)
    return time.perf_counter() - started, result


STEPS = ("date", "view", "communities", "details")


def _date_move(model: Any, when: date, year: int) -> dict[str, float]:
    """One date move from scratch: the seconds of each of :data:`STEPS`."""
    from ecosystem.explorer import model_at
    from ecosystem.web.details import entity_details
    from ecosystem.web.network import handle_elements
    from ecosystem.web.spec import ViewState

    state = replace(ViewState(), as_of=f"{year}-12")
    spent = {}
    spent["date"], dated = _timed(model_at, model, when)
    spent["view"], _ = _timed(handle_elements, dated, state)
    spent["communities"], _ = _timed(handle_elements, dated, replace(state, colour="community"))
    hub = dated.order["degree"][0]
    spent["details"], _ = _timed(entity_details, dated, hub)
    return spent


def measure(
    data: Path, years: list[int], repeat: int, cold_repeat: int, full_cache: Path | None = None
) -> dict:
    from ecosystem.explorer import build_model
    from ecosystem.graph import load_graph

    say(f"loading {data}")
    graph = load_graph(data)
    work = Path(tempfile.mkdtemp(prefix="as-of-bench-"))
    say("building the full model (cached apart)")
    full_seconds, model = _timed(build_model, graph, cache=full_cache or work / "full")
    gc.collect()
    gc.freeze()  # as the server does once the model is built
    say("summarising the links' dates (once, on the first date asked for)")
    summary_seconds, summary = _timed(lambda: model.edge_dates)
    rows = []
    for year in years:
        when = date(year, 12, 31)
        colds: list[dict[str, float]] = []
        folder = work / "none"
        for attempt in range(cold_repeat):
            folder = work / f"{year}-{attempt}"
            say(f"{year}: cold {attempt + 1} of {cold_repeat}")
            colds.append(_date_move(_with_cache(model, folder, summary), when, year))
        warms = []
        for attempt in range(repeat):
            say(f"{year}: warm {attempt + 1} of {repeat}")
            warms.append(_date_move(_with_cache(model, folder, summary), when, year))
        dated = model.at(when)
        rows.append(
            {
                "year": year,
                "entities": dated.view.number_of_nodes(),
                "relations": sum(dated.relation_counts.values()),
                "cold": _summary(colds),
                "warm": _summary(warms),
            }
        )
    return {
        "data": data,
        "entities": graph.number_of_nodes(),
        "relations": graph.number_of_edges(),
        "full_seconds": full_seconds,
        "summary_seconds": summary_seconds,
        "rows": rows,
        "repeat": repeat,
        "cold_repeat": cold_repeat,
    }


def _with_cache(model: Any, folder: Path, summary: Any) -> Any:
    """``model`` with its dated results cached in ``folder``; the summary of its links' dates
    is the one the server works out once, on the first date (timed apart)."""
    based = replace(model, cache=folder)
    based.__dict__["edge_dates"] = summary  # a cached property, as the server's model holds it
    return based


def _summary(runs: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """Per step, and for the move (date + view), the median and the slowest of ``runs``."""
    moves = [run["date"] + run["view"] for run in runs]
    found = {"move": (statistics.median(moves), max(moves))} if runs else {}
    for step in STEPS:
        values = [run[step] for run in runs]
        if values:
            found[step] = (statistics.median(values), max(values))
    return found


def report(result: dict, load: tuple[str, str]) -> str:
    lines = [
        "# The network as of a date: what moving the date costs",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.as_of` on "
        f"`{result['data']}` ({result['entities']:,} entities, {result['relations']:,} "
        "relations).",
        "",
        describe("networkx", "igraph", "numpy", "scipy", "scikit-learn"),
        f"Load average {load[0]} at the start, {load[1]} at the end.",
        "",
        "Server side, in seconds, for the network as of 31 December of each year: *cold* with "
        f"nothing of that date cached ({result['cold_repeat']} run(s)), *warm* from the files the "
        f"cold run cached, in a model built anew (median of {result['repeat']}, slowest in "
        "brackets). A date already shown is kept in memory and costs nothing "
        "(`Model.at`). The full model took "
        f"{result['full_seconds']:.0f} s to build first (not the subject here); the first date "
        f"asked for also summarises the links' dates, once: {result['summary_seconds']:.2f} s.",
        "",
        "- *date*: the dated model, whose analysis view is cut from the full one;",
        "- *view*: the elements of the default view (the most central by degree, 2,000 "
        "elements at most);",
        "- *move* = date + view: what moving the date control waits for on the server;",
        "- *communities*: the elements again, coloured by community (Louvain on that date);",
        "- *details*: the details of the most linked entity (four metrics of that date).",
        "",
        "| as of | entities | relations | run | move | date | view | communities | details |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        for run in ("cold", "warm"):
            cells = row[run]
            if not cells:
                continue
            figures = " | ".join(
                f"{cells[step][0]:.2f} ({cells[step][1]:.2f})" for step in ("move", *STEPS)
            )
            lines.append(
                f"| {row['year']}-12-31 | {row['entities']:,} | {row['relations']:,} | {run} | "
                f"{figures} |"
            )
    return "\n".join(lines) + "\n"


def say(text: str) -> None:
    print(f"as_of: {text}", file=sys.stderr, flush=True)


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
    start = load_average()
    result = measure(data, args.years, args.repeat, args.cold_repeat, args.full_cache)
    text = report(result, (start, load_average()))
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
