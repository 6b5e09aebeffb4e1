"""How long a command takes, as a person at the terminal waits for it: from starting
``ecosystem ...`` until it exits, on the H2020 network by default.

    python -m benchmarks.commands [--data DIR] [--repeat 5] [--out docs/benchmarks-commands.md]

Each command runs in a new process. *Cold*: with ``--no-cache`` (the data files read and
checked, everything computed afresh), once. *Warm*: with a cache folder that one earlier run of
the same command filled (the checked data's snapshot, the metrics), ``--repeat`` times; the
median and the slowest are reported, with the peak memory of the median run. ``--help`` needs
no data and is timed warm only. The processes keep the modules Python compiles, as on a user's
machine (:func:`benchmarks.machine.user_environment`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.machine import describe, load_average, user_environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/h2020/h2020-full")
TARGET_SECONDS = 1.5

# What is asked of the H2020 network: ids of two organisations there (Technische Universitaet
# Wien and the University of Central Lancashire), and a name that must be looked up.
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "stats": ["stats"],
    "path (ids)": ["path", "org-999979888", "org-999883858"],
    "path (names)": ["path", "TECHNISCHE UNIVERSITAET WIEN", "UNIVERSITY OF CENTRAL LANCASHIRE"],
    "centrality": ["centrality", "--metric", "pagerank"],
    "synergy": ["synergy", "org-999979888"],
}


def _run(arguments: list[str]) -> tuple[float, float]:
    """Seconds until ``ecosystem`` exits, and its peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecosystem", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=user_environment(),
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"ecosystem {' '.join(arguments)} exited with {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def measure(data: Path, repeat: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="ecosystem-commands-") as folder:
        for name, command in COMMANDS.items():
            print(f"  {name} ...", file=sys.stderr, flush=True)
            needs_data = command[0] != "--help"
            data_args = ["--data", str(data)] if needs_data else []
            cold = _run([*command, *data_args, "--no-cache"])[0] if needs_data else None
            warm_args = [*command, *data_args, *(["--cache", folder] if needs_data else [])]
            _run(warm_args)  # fills the cache
            runs = sorted(_run(warm_args) for _ in range(repeat))
            median = statistics.median(seconds for seconds, _ in runs)
            rows.append(
                {
                    "command": name,
                    "cold": cold,
                    "median": median,
                    "slowest": runs[-1][0],
                    "memory": runs[len(runs) // 2][1],
                }
            )
    return rows


def report(data: Path, rows: list[dict], repeat: int) -> str:
    lines = [
        "# Commands at the terminal",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.commands` on "
        f"`{data}`: each command in a new process, from its start until it exits. Cold: "
        "`--no-cache` (the data read and checked, everything computed afresh), once. Warm: a "
        "cache folder an earlier run of the command filled (the checked data, the metrics), "
        f"{repeat} runs. Python keeps the modules it compiles, as on a user's machine. Load "
        f"average {load_average()} at the end.",
        describe("networkx", "numpy", "scipy"),
        "",
        f"Target: under {TARGET_SECONDS:g} s warm.",
        "",
        "| command | cold s | warm, median s | warm, slowest s | peak memory, MB | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        cold = f"{row['cold']:.2f}" if row["cold"] is not None else "-"
        verdict = "met" if row["median"] < TARGET_SECONDS else "not met"
        lines.append(
            f"| `{row['command']}` | {cold} | {row['median']:.2f} | {row['slowest']:.2f} | "
            f"{row['memory']:.0f} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-commands.md")
    args = parser.parse_args()
    print(f"measuring {args.data} ...", file=sys.stderr, flush=True)
    rows = measure(args.data, args.repeat)
    args.out.write_text(report(args.data, rows, args.repeat), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
