"""Time of the type-ahead search per keystroke, on any dataset (the H2020 network by default).

    python -m benchmarks.search [--data DIR] [--names 200] [--seed 42] [--out FILE]

Builds the lookup index as the app does (once), then types ``--names`` entity names picked at
random (seeded), one character at a time up to 30 characters, and the same names with one letter
changed (a typo) in the middle, each keystroke answered as the dropdown asks for it
(:func:`ecosystem.web.url.entity_options`, 15 options). Reports the index build time and the
median, p95 and maximum per keystroke, and the queries the app's examples quote.
Build the H2020 network first: ``python -m benchmarks.h2020``.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from benchmarks.machine import describe
from ecosystem.analysis.lookup import build_index, search
from ecosystem.graph import load_graph, simple_view
from ecosystem.web.url import entity_options

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "benchmarks" / ".data" / "h2020-full"
TYPED_CHARS = 30
QUOTED = ("oxford", "oxfrod", "universidad de oveido", "fraunhofer", "frauhnofer", "cnrs")


def typo(text: str, rng: random.Random) -> str:
    """``text`` with the letter at its middle replaced by another."""
    middle = len(text) // 2
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != text[middle : middle + 1].lower()]
    return text[:middle] + rng.choice(letters) + text[middle + 1 :]


def keystrokes(names: list[str], rng: random.Random) -> list[str]:
    typed = []
    for name in names:
        for text in (name[:TYPED_CHARS], typo(name[:TYPED_CHARS], rng)):
            typed.extend(text[:length] for length in range(1, len(text) + 1))
    return typed


def run(data: Path, names: int, seed: int) -> list[str]:
    view = simple_view(load_graph(data))
    started = time.perf_counter()
    index = build_index(view)
    build_s = time.perf_counter() - started
    model = SimpleNamespace(view=view, index=index)
    rng = random.Random(seed)
    picked = [view.nodes[node].get("name", node) for node in rng.sample(sorted(view), names)]
    typed = keystrokes(picked, rng)
    timed = []
    gc.collect()
    for text in typed:
        started = time.perf_counter()
        entity_options(model, text, None)  # type: ignore[arg-type]
        timed.append(((time.perf_counter() - started) * 1000, text))
    times = sorted(ms for ms, _ in timed)
    slowest = sorted(timed, reverse=True)[:3]
    p95 = times[int(0.95 * (len(times) - 1))]
    lines = [
        f"# Type-ahead search per keystroke ({data.name})",
        "",
        f"Run on {date.today().isoformat()}. {describe('rapidfuzz', 'networkx')}",
        "",
        f"{view.number_of_nodes():,} entities, {len(index.words):,} distinct words in their "
        f"labels. Index built in {build_s:.2f} s (once, with the app's model).",
        "",
        f"{len(typed):,} keystrokes: {names} names picked at random (seed {seed}), typed one "
        f"character at a time up to {TYPED_CHARS}, and again with a typo in the middle; each "
        "answered with the dropdown's 15 options.",
        "",
        "| median | p95 | max |",
        "|---|---|---|",
        f"| {statistics.median(times):.2f} ms | {p95:.2f} ms | {times[-1]:.2f} ms |",
        "",
        "Slowest keystrokes: "
        + "; ".join(f"`{text}` {ms:.0f} ms" for ms, text in slowest)
        + ". The machine is shared: other jobs ran alongside (load average "
        + f"{os.getloadavg()[0]:.1f} at the end).",
        "",
        "First results of the queries the documentation quotes:",
        "",
        "| query | first three |",
        "|---|---|",
    ]
    for query in QUOTED:
        hits = search(view, query, limit=3, index=index)
        listed = "; ".join(f"{hit['name']} ({hit['type']})" for hit in hits) or "(none)"
        lines.append(f"| `{query}` | {listed} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--names", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = "\n".join(run(args.data, args.names, args.seed)) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
