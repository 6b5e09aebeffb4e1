"""Slow clients: can many slow or idle connections stop the server answering anyone else?

    python -m benchmarks.load.slow_clients [--data DIR] [--sockets 200] [--seconds 20]
                                           [--models waitress gthread gevent] [--no-write]

For each server model: starts ``ecosystem serve`` (2 workers) on a free port of 127.0.0.1, then
runs four rounds. In each, ``--sockets`` connections misbehave in one way: they stay idle, send
one header line every 2 s and never finish the headers, declare a 1 MB body and send 1 KB of it
every 2 s, or a mix of the three. While they are open, a normal client asks for the page and for
one callback every 0.5 s for ``--seconds`` seconds (each request times out after 5 s). The
answer times are reported, and the results written to the "Slow clients" section of
docs/load-test.md. Everything is bounded: a fixed number of sockets, a fixed time, loopback only.

``waitress`` is the model ``ecosystem serve`` runs (gunicorn's master, waitress in each worker);
``gthread`` is gunicorn's threaded worker (2 workers x 4 threads) and ``gevent`` gunicorn's gevent
worker, for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.machine import describe
from ecosystem.graph import default_data_dir

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "load-test.md"
SECTION = "## Slow clients"
KINDS = ("idle", "slow headers", "slow body", "mixed", "busy")
BUSY_CLIENTS = 4
TRICKLE_SECONDS = 2.0
REQUEST_TIMEOUT = 5.0

_LAUNCH = """
import sys
from ecosystem import server
model, data, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if model != "waitress":
    settings = server.gunicorn_settings
    def patched(host, port, workers):
        values = settings(host, port, workers)
        if model == "gthread":
            values.update(worker_class="gthread", threads=4, keepalive=75)
        else:
            values.update(worker_class="gevent", worker_connections=1000, keepalive=75)
        return values
    server.gunicorn_settings = patched
from ecosystem.cli import main
sys.exit(main(["serve", "--data", data, "--port", str(port)]))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int, model: str = "waitress") -> subprocess.Popen:
    """``ecosystem serve`` in the given model, answering on 127.0.0.1:``port``."""
    process = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, model, str(data_dir), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.5)


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class SlowSockets:
    """``count`` connections to 127.0.0.1:``port`` that misbehave as ``kind`` until closed."""

    def __init__(self, port: int, count: int, kind: str):
        self.port, self.kind = port, kind
        self.sockets: list[tuple[socket.socket, str]] = []
        self.stop = threading.Event()
        kinds = ("idle", "slow headers", "slow body")
        for number in range(count):
            own = kinds[number % 3] if kind == "mixed" else kind
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                continue  # the listen backlog is full: that is a result in itself
            connection.setblocking(False)
            if own == "slow headers":
                self._send(connection, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            elif own == "slow body":
                self._send(
                    connection,
                    b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 1048000\r\n\r\n",
                )
            self.sockets.append((connection, own))
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    @staticmethod
    def _send(connection: socket.socket, data: bytes) -> None:
        with contextlib.suppress(OSError):
            connection.send(data)

    def _trickle(self) -> None:
        while not self.stop.wait(TRICKLE_SECONDS):
            for connection, own in self.sockets:
                if own == "slow headers":
                    self._send(connection, b"X-Slow: 1\r\n")
                elif own == "slow body":
                    self._send(connection, b"x" * 1024)

    def still_open(self) -> int:
        """How many of the connections the server has not closed."""
        count = 0
        for connection, _ in self.sockets:
            try:
                count += connection.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                count += 1
            except OSError:
                pass
        return count

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for connection, _ in self.sockets:
            connection.close()


@functools.cache
def callback_body(port: int) -> bytes:
    """A request for the details of one entity, as the page sends it (a light callback)."""
    from benchmarks.callbacks import _payload

    url = f"http://127.0.0.1:{port}/_dash-dependencies"
    with urllib.request.urlopen(url, timeout=10) as response:
        dependencies = json.load(response)
    (dependency,) = [d for d in dependencies if d["output"] == "eco-details.children"]
    return json.dumps(_payload(dependency, {"eco-search.value": "ismc"})).encode()


def timed_request(port: int, callback: bool) -> float | None:
    """Seconds a normal client waits for the page (or one callback), or None on failure."""
    url = f"http://127.0.0.1:{port}/" + ("_dash-update-component" if callback else "")
    request = urllib.request.Request(
        url,
        data=callback_body(port) if callback else None,
        headers={"Content-Type": "application/json"} if callback else {},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            response.read()
            if response.status != 200:
                return None
    except (OSError, urllib.error.URLError):
        return None
    return time.perf_counter() - start


@dataclass
class Round:
    kind: str
    opened: int
    times: list[float] = field(default_factory=list)
    failures: int = 0
    open_after: int = 0

    def summary(self) -> dict:
        ordered = sorted(self.times)
        return {
            "kind": self.kind,
            "opened": self.opened,
            "requests": len(self.times) + self.failures,
            "failures": self.failures,
            "median_ms": statistics.median(ordered) * 1000 if ordered else None,
            "max_ms": ordered[-1] * 1000 if ordered else None,
            "over_1s": sum(t > 1.0 for t in ordered) + self.failures,
            "open_after": self.open_after,
        }


class BusyClients:
    """:data:`BUSY_CLIENTS` clients that keep asking for the heaviest callback (a GraphML
    export of the whole network), one request after another, until closed."""

    def __init__(self, port: int):
        from benchmarks.callbacks import EXPORTS, _payload

        url = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(url + "/_dash-dependencies", timeout=10) as response:
            dependencies = json.load(response)
        output, values = EXPORTS["export GraphML"]
        (dependency,) = [d for d in dependencies if d["output"] == output]
        self.body = json.dumps(_payload(dependency, values)).encode()
        self.url = url + "/_dash-update-component"
        self.stop = threading.Event()
        self.done = 0
        self.threads = [
            threading.Thread(target=self._ask, daemon=True) for _ in range(BUSY_CLIENTS)
        ]
        for thread in self.threads:
            thread.start()

    def _ask(self) -> None:
        while not self.stop.is_set():
            request = urllib.request.Request(
                self.url, data=self.body, headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                self.done += 1
            except OSError:
                time.sleep(0.1)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=70)


def run_round(port: int, kind: str, count: int, seconds: float) -> Round:
    """One round: ``count`` sockets of ``kind`` open while a normal client asks every 0.5 s
    (for ``busy``: :data:`BUSY_CLIENTS` clients asking for heavy exports instead)."""
    slow: SlowSockets | BusyClients
    slow = BusyClients(port) if kind == "busy" else SlowSockets(port, count, kind)
    measured = Round(kind, BUSY_CLIENTS if kind == "busy" else len(slow.sockets))
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + seconds
        number = 0
        while time.monotonic() < deadline:
            elapsed = timed_request(port, callback=number % 2 == 1)
            number += 1
            if elapsed is None:
                measured.failures += 1
            else:
                measured.times.append(elapsed)
            time.sleep(0.5)
        measured.open_after = slow.still_open() if isinstance(slow, SlowSockets) else 0
    finally:
        slow.close()
    time.sleep(1.0)  # let the server see the sockets close before the next round
    return measured


def run_model(data_dir: Path, model: str, count: int, seconds: float) -> list[dict]:
    port = free_port()
    server = start_server(data_dir, port, model)
    try:
        callback_body(port)  # asked for while the server is free: it is the client's request
        rounds = []
        for kind in KINDS:
            summary = run_round(port, kind, count, seconds).summary()
            summary["load"] = os.getloadavg()[0]  # the machine may be shared: say how busy
            rounds.append(summary)
        return rounds
    finally:
        stop_server(server)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def report(results: dict[str, list[dict]], data_dir: Path, count: int, seconds: float) -> str:
    lines = [
        SECTION,
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.load.slow_clients`"
        f" on `{_shown(data_dir)}`: {count} connections misbehave while a normal client asks "
        f"for the page and for one callback (alternately, every 0.5 s, for {seconds:.0f} s, "
        f"each request timing out after {REQUEST_TIMEOUT:.0f} s). Idle: connect and send "
        "nothing. Slow headers: one header line every 2 s, never finished. Slow body: a "
        "declared 1 MB body, 1 KB sent every 2 s. Mixed: a third of each. Busy: no slow sockets, "
        f"but {BUSY_CLIENTS} clients that ask for a GraphML export of the whole network one "
        "after another, so both workers are always computing. 2 workers; 127.0.0.1.",
        describe("gunicorn", "waitress", "gevent"),
        "",
        "`waitress` is what `ecosystem serve` runs (gunicorn's master, waitress's event loop "
        "and 4 threads in each worker); `gthread` (gunicorn's threaded worker, 4 threads) was "
        'the model before; `gevent` is gunicorn\'s gevent worker. "Still open" counts the '
        "misbehaving connections the server had not closed at the end of the round; the load "
        "average is the machine's over the last minute of the round (2 cores, shared with other "
        "work: above 2, every process waits its turn for a core).",
        "",
        "| model | connections | requests | failed | median ms | max ms | over 1 s | still open "
        "| load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for model, rounds in results.items():
        for row in rounds:
            lines.append(
                f"| {model}: {row['kind']} | {row['opened']} | {row['requests']} | "
                f"{row['failures']} | {_ms(row['median_ms'])} | {_ms(row['max_ms'])} | "
                f"{row['over_1s']} | {row['open_after']} | {row.get('load', 0):.1f} |"
            )
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def write_section(text: str, doc: Path = DOC) -> None:
    """Put ``text`` in place of the document's slow-client section (or at its end)."""
    current = doc.read_text(encoding="utf-8") if doc.exists() else ""
    head = current.split(SECTION, 1)[0].rstrip()
    doc.write_text((head + "\n\n" if head else "") + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--models", nargs="+", default=["waitress", "gthread", "gevent"])
    parser.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    args = parser.parse_args()
    if not 0 < args.sockets <= 1000 or not 0 < args.seconds <= 120:
        parser.error("keep it bounded: at most 1000 sockets and 120 s a round")
    results = {}
    for model in args.models:
        print(f"{model}...", file=sys.stderr, flush=True)
        results[model] = run_model(args.data, model, args.sockets, args.seconds)
        print(json.dumps(results[model]), file=sys.stderr, flush=True)
    text = report(results, args.data, args.sockets, args.seconds)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
