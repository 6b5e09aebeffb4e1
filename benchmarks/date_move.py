"""How long moving the date control takes in a real browser, from the key press on the control
to the network of that date drawn, on the H2020 network by default.

    python -m benchmarks.date_move [--data DIR] [--cache DIR] [--rounds 2]
                                   [--out docs/benchmarks-date-move.md]

Starts ``ecosystem serve`` (one worker) on a free port, opens the page at 1600x1000 in headless
Chromium (Debian's, through Selenium, as the browser tests do), waits for the first view, then
steps the as-of control back one stop at a time with the Left arrow key, from the whole network
to the first date, and forward again with the Right arrow key, ``--rounds`` times. Each move is
timed in the page: from the key press to the last change of the drawing, once the date badge
shows the new date and no callback is loading (nothing changing for 0.4 s after; that wait is
not counted). The first round's moves back meet each date for the first time in this server
(read from the cache folder when an earlier run filled it, else computed); every later move
meets a date the server keeps in memory.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import chromium
from benchmarks.machine import describe, load_average, user_environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/h2020/h2020-full")

# Before a key press: what is drawn and what the badge says, and a listener that notes the
# moment the key goes down (in the page's clock).
ARM = """
const box = document.getElementById('eco-graph');
const holder = [box, ...box.querySelectorAll('div')].find(el => el._cyreg && el._cyreg.cy);
const cy = holder._cyreg.cy;
window.__drawn = () => cy.nodes().length + ' ' + cy.edges().length + ' ' +
    (cy.edges().length ? cy.edges()[0].id() : '');
window.__badge = () => (document.getElementById('eco-as-of-text') || {}).textContent || '';
window.__was = [window.__drawn(), window.__badge()];
window.__pressed = null;
document.addEventListener('keydown', () => { window.__pressed = performance.now(); },
    {capture: true, once: true});
const handle = document.querySelector('#eco-as-of [role=slider]');
return [handle.getAttribute('aria-valuenow'), handle.getAttribute('aria-valuemin'),
    handle.getAttribute('aria-valuemax')];
"""
# After it: resolves with the milliseconds from the key press to the last change of the
# drawing (or of the badge), once the badge has changed, no callback is loading and nothing has
# changed for QUIET milliseconds (that wait is not counted).
SETTLED = """
const done = arguments[arguments.length - 1];
const QUIET = 400;
let last = null, drawn = window.__was[0], badge = window.__was[1], loading = null;
const look = () => {
  const now = performance.now();
  const pressed = window.__pressed;
  if (pressed === null) { setTimeout(look, 10); return; }
  if (now - pressed > 120000) { done([-1, '']); return; }
  if (window.__drawn() !== drawn || window.__badge() !== badge) {
    drawn = window.__drawn(); badge = window.__badge(); last = now;
  }
  if (document.querySelector('[data-dash-is-loading="true"]')) { loading = now; }
  const changed = badge !== window.__was[1];
  if (changed && now - last > QUIET && (loading === null || now - loading > QUIET)) {
    done([last - pressed, badge]);
  } else { setTimeout(look, 10); }
};
look();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(data: Path, cache: Path, port: int, workers: int = 1) -> subprocess.Popen:
    """``ecosystem serve`` on ``data`` (``workers`` processes, ``cache``), once it answers on
    ``port``."""
    command = [sys.executable, "-m", "ecosystem", "serve", "--data", str(data), "--cache",
               str(cache), "--port", str(port), "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=user_environment()
    )
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit("date_move: the server did not answer within 15 minutes")


def _badge(driver: Any) -> str:
    return driver.execute_script(
        "return (document.getElementById('eco-as-of-text') || {}).textContent || '';"
    )


def measure(data: Path, cache: Path, rounds: int) -> dict:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    port = free_port()
    say(f"starting the server on {data}")
    server = serve(data, cache, port)
    driver = chromium.driver("--window-size=1600,1000", timeout=240)
    driver.set_script_timeout(180)
    moves: list[dict] = []
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        deadline = time.monotonic() + 120
        while not driver.execute_script(
            "const c = document.getElementById('eco-counts');"
            "return !!(c && c.textContent.includes('Showing'));"
        ):
            if time.monotonic() > deadline:
                raise SystemExit("date_move: the first view did not appear within 2 minutes")
            time.sleep(0.2)
        seen: set[str] = set()
        handle = driver.find_element(By.CSS_SELECTOR, "#eco-as-of [role=slider]")
        for number in range(rounds):
            for key, end in ((Keys.ARROW_LEFT, 1), (Keys.ARROW_RIGHT, 2)):
                while True:
                    place = driver.execute_script(ARM)
                    if place[0] == place[end]:
                        break  # the control is at this end
                    handle.send_keys(key)
                    took, after = driver.execute_async_script(SETTLED)
                    if took < 0:
                        raise SystemExit("date_move: a move drew nothing within 2 minutes")
                    first = after not in seen
                    seen.add(after)
                    moves.append({"round": number + 1, "to": after, "ms": took, "first": first})
                    say(f"round {number + 1}: {after or 'all'}: {took:.0f} ms")
    finally:
        driver.quit()
        server.terminate()
        server.wait(30)
    return {"data": data, "moves": moves}


def report(result: dict, load: tuple[str, str]) -> str:
    moves = result["moves"]
    firsts = [move["ms"] for move in moves if move["first"]]
    agains = [move["ms"] for move in moves if not move["first"]]

    def line(name: str, values: list[float]) -> str:
        if not values:
            return f"| {name} | 0 | | | |"
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (
            f"| {name} | {len(values)} | {statistics.median(values):,.0f} | {p95:,.0f} | "
            f"{max(values):,.0f} |"
        )

    lines = [
        "# Moving the date control, as felt in the browser",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.date_move` on "
        f"`{result['data']}`, in headless Chromium at 1600x1000.",
        "",
        describe("networkx", "igraph", "numpy", "dash"),
        f"Load average {load[0]} at the start, {load[1]} at the end.",
        "",
        "From the arrow key pressed on the as-of control to the last change of the drawing "
        "of the new date (milliseconds). *A date met first*: the server builds that date's "
        "model (its metrics read from the cache folder when an earlier run filled it). *A date "
        "met again*: shown before in this session; the server still holds it when it is among "
        "the last few dates (within three times the full network's links), else builds it "
        "again.",
        "",
        "| moves | count | median | p95 | slowest |",
        "|---|---:|---:|---:|---:|",
        line("a date met first", firsts),
        line("a date met again", agains),
        "",
        "Each move:",
        "",
        "| round | to | ms | first time |",
        "|---:|---|---:|---|",
    ]
    for move in moves:
        lines.append(
            f"| {move['round']} | {move['to'] or 'all'} | {move['ms']:,.0f} | "
            f"{'yes' if move['first'] else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def say(text: str) -> None:
    print(f"date_move: {text}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, help="the server's cache folder (default: a new one)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-date-move.md")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="date-move-"))
    start = load_average()
    result = measure(args.data, cache, args.rounds)
    args.out.write_text(report(result, (start, load_average())), encoding="utf-8")
    print(args.out)


if __name__ == "__main__":
    main()
