"""Load test: 50 simulated viewers for 60 s against ``ecosystem serve``, on loopback only.

    python -m benchmarks.load.run [--data DIR ...] [--users 50] [--seconds 60]

For each data folder: starts ``ecosystem serve`` with its default workers on a free port of
127.0.0.1, measures the workers' memory, runs Locust headless (installed in its own virtual
environment, benchmarks/.venv-load, on first use) twice in a row, measuring memory after each
round, stops the server, and writes every result to docs/load-test.md. The run is bounded:
fixed users, fixed time, one host.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from benchmarks.load.requests import build_requests
from benchmarks.load.slow_clients import SECTION
from benchmarks.machine import describe
from ecosystem.graph import default_data_dir
from ecosystem.server import DEFAULT_WORKERS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / "benchmarks" / ".venv-load"
LOCUST_VERSION = "2.*"
ROUNDS = 2


def locust_binary() -> Path:
    binary = VENV / "bin" / "locust"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", f"locust=={LOCUST_VERSION}"], check=True
        )
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_rss_mb(server_pid: int) -> list[float]:
    """Resident memory of each worker process (children of the server), in MB."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def run_one(data_dir: Path, users: int, seconds: int) -> dict:
    import json

    locust = locust_binary()
    work = Path(tempfile.mkdtemp(prefix="ecosystem-load-"))
    requests_file = work / "requests.json"
    requests_file.write_text(json.dumps(build_requests(data_dir)), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "ecosystem", "serve", "--data", str(data_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.5)
        while len(worker_rss_mb(server.pid)) < DEFAULT_WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)  # the master answers before every worker has forked
        memory = [worker_rss_mb(server.pid)]
        for round_number in range(ROUNDS):
            # The same audience twice on one server: the first round warms the workers, the
            # second shows whether their memory keeps growing.
            subprocess.run(
                [
                    str(locust),
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(max(1, users // 5)),
                    "-t",
                    f"{seconds}s",
                    "--host",
                    url,
                    "--csv",
                    str(work / f"run{round_number}"),
                    "--only-summary",
                    "--stop-timeout",
                    "5",
                ],
                check=False,
                env={**os.environ, "ECOSYSTEM_REQUESTS": str(requests_file)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=seconds + 120,
            )
            memory.append(worker_rss_mb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    rounds = []
    for round_number in range(ROUNDS):
        with (work / f"run{round_number}_stats.csv").open(encoding="utf-8") as stats_file:
            rows = list(csv.DictReader(stats_file))
        with (work / f"run{round_number}_failures.csv").open(encoding="utf-8") as failures_file:
            failures = list(csv.DictReader(failures_file))
        rounds.append({"rows": rows, "failures": failures})
    return {"data": data_dir, "rounds": rounds, "memory": memory}


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def report(results: list[dict], users: int, seconds: int) -> str:
    lines = [
        "# Load test: a full room at a forum",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.load.run`: {users} "
        f"simulated viewers for {seconds} s (each waits 1-3 s between actions) against "
        f"`ecosystem serve` with its default {DEFAULT_WORKERS} workers (gunicorn's master, "
        "waitress in each), on 127.0.0.1; Locust runs on the same machine. The machine's load "
        f"average (2 cores, shared with other work) was {os.getloadavg()[0]:.1f} at the end.",
        describe("dash", "gunicorn", "waitress"),
        "",
        "Actions, in the proportions a forum audience uses them: open the page (index, layout and "
        "callback map), search (type-ahead), select an entity (details, then the redrawn "
        "neighbourhood), ask for a path, ask for synergies, export the visible relations as CSV.",
        "Times are the server's answers as Locust sees them, in milliseconds.",
    ]
    for result in results:
        lines += ["", f"## `{_shown(result['data'])}`", ""]
        memory = result["memory"]
        lines.append(
            "Worker memory (resident, MB): "
            + "; ".join(
                f"{when} {', '.join(f'{m:.0f}' for m in sizes)}"
                for when, sizes in zip(
                    ["before", *(f"after round {n + 1}" for n in range(ROUNDS))],
                    memory,
                    strict=True,
                )
            )
            + "."
        )
        for number, measured in enumerate(result["rounds"], start=1):
            total = next(row for row in measured["rows"] if row["Name"] == "Aggregated")
            lines += [
                "",
                f"Round {number}: {float(total['Requests/s']):.1f} requests per second, "
                f"{total['Request Count']} requests, {total['Failure Count']} errors.",
                "",
                "| action | requests | errors | p50 ms | p95 ms | p99 ms |",
                "|---|---|---|---|---|---|",
            ]
            for row in measured["rows"]:
                lines.append(
                    f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                    f"{row['50%']} | {row['95%']} | {row['99%']} |"
                )
            for failure in measured["failures"]:
                lines.append(
                    f"\nError: {failure['Name']}: {failure['Error']} ({failure['Occurrences']}x)"
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "load-test.md")
    args = parser.parse_args()
    folders = args.data or [default_data_dir()]
    results = [run_one(folder, args.users, args.seconds) for folder in folders]
    # The slow-client rounds (python -m benchmarks.load.slow_clients) keep their own section.
    kept = ""
    if args.out.exists():
        current = args.out.read_text(encoding="utf-8")
        if SECTION in current:
            kept = "\n" + SECTION + current.split(SECTION, 1)[1]
    args.out.write_text(report(results, args.users, args.seconds) + kept, encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
