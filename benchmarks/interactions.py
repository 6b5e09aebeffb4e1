"""What each interaction costs as a person feels it in the browser: from the event to the
finished drawing, on the H2020 network by default.

    python -m benchmarks.interactions [--data DIR] [--cache DIR] [--entities 6] [--seed 7]
                                      [--workers 1] [--out docs/benchmarks-interactions.md]

Starts ``ecosystem serve`` (``--workers`` processes: one by default; ``ecosystem serve`` itself
starts two) on a free port and opens the page at 1600x1000 in
headless Chromium (Debian's, through Selenium). For each of ``--entities`` entities drawn in the
first view (the most linked one, the worst case, and others drawn at random with ``--seed``) it
does, in order, what a person would:

- *select*: a tap on the entity in the network (Cytoscape's own tap event on it);
- *neighbourhood*: "1 hop" around it, a click on the radio button;
- *filter*: at least 3 links (the Minimum links slider) on that neighbourhood;
- *metric switch*: the sizes by PageRank instead of degree;
- *path*: a path from it to the next entity of the set;
- *synergy tab*, then *pick*: the Synergy tab opened on it, then a click on its first
  suggestion;
- *presenter on*, *presenter off*: the Presenter mode button, then Esc.

The filter, the metric switch, the path and the Synergy tab are set through the address, as Back
and Forward set them (the page is not reloaded). Each is timed in the page, from the event to
the last change of what it shows (the network drawn, its styles, the panels' text, the page's
mode) or the last frame Cytoscape.js drew that showed something new (its ``render`` event, the
elements' classes, sizes and the camera compared with the frame before: a highlight changes
only classes; a camera move counts from its first frame), once no callback is loading or
waiting for the server's answer and nothing has changed for 0.4 s (that wait is not counted).
Then the tab's memory: the JavaScript heap (Chrome DevTools) and the resident memory of the
page's renderer process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks import chromium
from benchmarks.date_move import DEFAULT_DATA, ROOT, free_port, serve
from benchmarks.machine import describe, load_average
from benchmarks.scale import percentile

TARGET_MS = 500
QUIET_MS = 400
LIMIT_MS = 60_000  # an interaction still waiting for the server after this counts as this long
FIRST_USE_LIMIT_MS = 1_800_000  # partner suggestions' first use may learn the ranker

# What a person sees, in one string: a change in it is a change on screen.
SEEN = """
const box = document.getElementById('eco-graph');
const holder = [box, ...box.querySelectorAll('div')].find(el => el._cyreg && el._cyreg.cy);
const cy = holder._cyreg.cy;
window.__cy = cy;
// The last frame that drew something new: the elements, their classes and sizes or the
// camera differ from the frame before (a frame redrawing the same picture is not waited for).
// A deliberate camera move (450 to 600 ms, eased) counts from its first frame.
window.__drawnAt = window.__drawnAt || {at: 0, moving: false, look: ''};
if (!cy.__drawnHooked) {
  cy.__drawnHooked = true;
  const flags = ['marked', 'dim', 'focus', 'named', 'new', 'past', 'zoomed'];
  const look = () => {
    let sum = 0;
    cy.elements().forEach(element => {
      let bits = 0;
      flags.forEach((flag, i) => { if (element.hasClass(flag)) { bits += 1 << i; } });
      sum = (sum * 31 + bits * 1000 + Math.round(element.data('size') || 0)) % 1000000007;
    });
    const pan = cy.pan();
    return [cy.elements().length, sum, cy.style().length, cy.zoom().toFixed(4),
      pan.x.toFixed(1), pan.y.toFixed(1)].join('|');
  };
  cy.on('render', () => {
    const drawn = window.__drawnAt, now = look();
    if (!drawn.moving && now !== drawn.look) { drawn.at = performance.now(); }
    drawn.look = now;
    drawn.moving = cy.animated();
  });
}
// Callbacks the server has not answered yet (a panel may be worked out for seconds while the
// rest of the view is drawn): counted at the page's fetch.
if (!window.__asked) {
  window.__asked = {open: 0, answered: 0};
  const send = window.fetch.bind(window);
  window.fetch = (...args) => {
    const asked = window.__asked;
    asked.open += 1;
    return send(...args).finally(() => { asked.open -= 1; asked.answered = performance.now(); });
  };
}
window.__seen = () => {
  const text = id => (document.getElementById(id) || {}).textContent || '';
  const app = document.querySelector('.app');
  let style = '';
  try { style = String(JSON.stringify(cy.style().json()).length); } catch (e) {}
  return [cy.nodes().length, cy.edges().length, cy.edges().length ? cy.edges()[0].id() : '',
    style, text('eco-details').length, text('eco-path-result').length,
    text('eco-synergy-result').length, text('eco-counts'), app ? app.className : ''].join('|');
};
"""
ARM = SEEN + "window.__was = window.__seen(); window.__at = performance.now(); return true;"
# Resolves with the milliseconds from window.__at to the last change of what is seen or the last
# frame Cytoscape.js drew that showed something new (a highlight changes only the elements'
# classes), once something has changed, no callback is loading and nothing changed for QUIET
# ms; -1 when nothing changed.
SETTLED = (
    """
const done = arguments[arguments.length - 1];
let seen = window.__was, last = null, loading = null;
const look = () => {
  const now = performance.now();
  if (now - window.__at > LIMIT) {  // still waiting for the server: as long as it was watched
    const waiting = window.__asked.open > 0 ||
      document.querySelector('[data-dash-is-loading="true"]');
    done(waiting ? now - window.__at : last === null ? -1 : last - window.__at);
    return;
  }
  const current = window.__seen();
  if (current !== seen) { seen = current; last = now; }
  const drawn = window.__drawnAt.at;
  if (drawn > window.__at && (last === null || drawn > last)) { last = drawn; }
  if (document.querySelector('[data-dash-is-loading="true"]') || window.__asked.open > 0) {
    loading = now;
  }
  if (last !== null && now - last > QUIET && (loading === null || now - loading > QUIET)) {
    done(last - window.__at);
  } else { setTimeout(look, 10); }
};
look();
"""
).replace("QUIET", str(QUIET_MS))
ADDRESS = """
window.__at = performance.now();
history.pushState({}, '', arguments[0]);
window.dispatchEvent(new PopStateEvent('popstate', {state: {}}));
"""
TAP = "window.__at = performance.now(); window.__cy.$id(arguments[0]).emit('tap');"


def _settled(driver: Any, limit_ms: int = LIMIT_MS) -> float:
    return driver.execute_async_script(SETTLED.replace("LIMIT", str(limit_ms)))


def _timed(driver: Any, act) -> float:
    """Milliseconds from the event ``act(driver)`` causes to the end of its drawing."""
    driver.execute_script(ARM)
    act(driver)
    return _settled(driver)


def _at(driver: Any, base: str, **fields: str) -> None:
    driver.execute_script(ADDRESS, f"{base}?{urlencode(fields)}" if fields else base)


def _click(selector: str):
    from selenium.webdriver.common.by import By

    def act(driver: Any) -> None:
        element = driver.find_element(By.CSS_SELECTOR, selector)
        driver.execute_script("window.__at = performance.now();")
        element.click()

    return act


def _key(selector: str, key: str):
    from selenium.webdriver.common.by import By

    def act(driver: Any) -> None:
        element = driver.find_element(By.CSS_SELECTOR, selector)
        driver.execute_script("window.__at = performance.now();")
        element.send_keys(key)

    return act


def _entities(driver: Any, count: int, seed: int) -> list[str]:
    """The most linked entity drawn, then ``count - 1`` others drawn, at random."""
    driver.execute_script(SEEN)
    drawn = driver.execute_script("return window.__cy.nodes().map(n => [n.id(), n.degree(false)]);")
    drawn.sort(key=lambda item: (-item[1], item[0]))
    rest = [node for node, _ in drawn[1:]]
    return [drawn[0][0], *random.Random(seed).sample(rest, min(count - 1, len(rest)))]


def _memory(driver: Any) -> dict:
    driver.execute_cdp_cmd("Performance.enable", {})
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    heap = next((m["value"] for m in metrics if m["name"] == "JSHeapUsedSize"), 0.0)
    return {"heap_mb": heap / 1e6, "renderer_mb": _renderer_rss_mb()}


def _renderer_rss_mb() -> float:
    """The resident memory of the largest Chromium renderer process (the page's)."""
    largest = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status.parent / "cmdline").read_bytes()
            if b"--type=renderer" not in command or b"chromium" not in command:
                continue
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return largest


def measure(data: Path, cache: Path, entities: int, seed: int, workers: int = 1) -> dict:
    from selenium.webdriver.common.keys import Keys

    port = free_port()
    say(f"starting the server on {data}")
    server = serve(data, cache, port, workers)
    # The connection outlasts the longest wait: partner suggestions' first use.
    driver = chromium.driver("--window-size=1600,1000", timeout=FIRST_USE_LIMIT_MS / 1000 + 120)
    driver.set_script_timeout(120)
    base = f"http://127.0.0.1:{port}/"
    timings: dict[str, list[tuple[str, float]]] = {}
    try:
        driver.get(base)
        deadline = time.monotonic() + 120
        while "Showing" not in driver.execute_script(
            "return (document.getElementById('eco-counts') || {}).textContent || '';"
        ):
            if time.monotonic() > deadline:
                raise SystemExit("interactions: the first view did not appear within 2 minutes")
            time.sleep(0.2)
        chosen = _entities(driver, entities, seed)
        # Partner suggestions are prepared on their first use on a server (and the ranker learnt
        # when the cache does not hold it): timed once here, then the interactions.
        driver.set_script_timeout(FIRST_USE_LIMIT_MS // 1000 + 60)
        driver.execute_script(ARM)
        _at(driver, base, sel=chosen[0], tab="synergy")
        first_use = _settled(driver, FIRST_USE_LIMIT_MS)
        say(f"partner suggestions, first use: {first_use:.0f} ms")
        driver.set_script_timeout(120)
        driver.execute_script(ARM)
        _at(driver, base)
        _settled(driver)
        for number, node in enumerate(chosen):
            other = chosen[(number + 1) % len(chosen)]
            steps = [
                ("select", lambda d, n=node: d.execute_script(TAP, n)),
                ("neighbourhood", _click('#eco-filter-hops input[value="1"]')),
                ("filter", lambda d, n=node: _at(d, base, sel=n, hops="1", deg="3")),
                ("metric switch", lambda d, n=node: _at(d, base, sel=n, metric="pagerank")),
                ("path", lambda d, n=node, o=other: _at(d, base, **{"from": n, "to": o})),
                ("synergy tab", lambda d, n=node: _at(d, base, sel=n, tab="synergy")),
                ("pick", _click('[id*="eco-synergy-pick"]')),
                ("presenter on", _click("#eco-presenter-on")),
                ("presenter off", _key("body", Keys.ESCAPE)),
            ]
            for name, act in steps:
                try:
                    took = _timed(driver, act)
                except Exception as error:  # an element a view does not have (no suggestion)
                    say(f"{node}: {name}: not done ({type(error).__name__})")
                    continue
                timings.setdefault(name, []).append((node, took))
                say(f"{node}: {name}: {took:.0f} ms")
            driver.execute_script(ARM)
            _at(driver, base)  # back to the whole network, not timed
            _settled(driver)
        memory = _memory(driver)
    finally:
        driver.quit()
        server.terminate()
        server.wait(30)
    return {
        "data": data,
        "workers": workers,
        "timings": timings,
        "memory": memory,
        "entities": chosen,
        "first_use": first_use,
    }


def say(text: str) -> None:
    print(f"interactions: {text}", file=sys.stderr, flush=True)


def _workers(count: int) -> str:
    return "one worker" if count == 1 else f"{count} workers"


def report(result: dict, load: tuple[str, str]) -> str:
    timings = result["timings"]
    every = [ms for rows in timings.values() for _, ms in rows if ms >= 0]
    lines = [
        "# Interactions, as felt in the browser",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.interactions` on "
        f"`{result['data']}`, in headless Chromium at 1600x1000, browser and server "
        f"({_workers(result['workers'])}) on the same machine.",
        "",
        describe("networkx", "numpy", "dash", "dash-cytoscape"),
        f"Load average {load[0]} at the start, {load[1]} at the end.",
        "",
        "From the event to the last frame drawn that shows something new, or the last change "
        "of the panels, once every answer from the server has come (milliseconds), for each of "
        f"{len(result['entities'])} entities: the most linked one drawn (the worst case, "
        f"`{result['entities'][0]}`) and others drawn at random. Target: p95 under "
        f"{TARGET_MS} ms. An interaction a view does not offer (a pick where there is no "
        "suggestion) is not counted; one after which nothing changed on screen within a "
        "minute is counted apart, one still waiting for the server after a minute as a "
        "minute.",
        "",
        "| interaction | count | median | p95 | slowest | worst case | no change seen | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rows in timings.items():
        values = [ms for _, ms in rows if ms >= 0]
        if not values:
            lines.append(f"| {name} | 0 | | | | | {len(rows)} | not met |")
            continue
        worst = next((ms for node, ms in rows if node == result["entities"][0]), None)
        p95 = percentile(values, 0.95)
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):,.0f} | {p95:,.0f} | "
            f"{max(values):,.0f} | {'' if worst is None or worst < 0 else f'{worst:,.0f}'} | "
            f"{len(rows) - len(values)} | {'met' if p95 < TARGET_MS else 'not met'} |"
        )
    if every:
        lines += [
            "",
            f"Every interaction together: median {statistics.median(every):,.0f} ms, p95 "
            f"{percentile(every, 0.95):,.0f} ms, slowest {max(every):,.0f} ms.",
        ]
    lines += [
        "",
        f"Before them, partner suggestions were opened once on `{result['entities'][0]}`: "
        f"their first use on this server (the collaboration history prepared, the ranker "
        f"{result['ranker']}) took {result['first_use'] / 1000:,.1f} s.",
    ]
    memory = result["memory"]
    lines += [
        "",
        f"The tab's memory at the end: JavaScript heap {memory['heap_mb']:,.0f} MB, the "
        f"renderer process {memory['renderer_mb']:,.0f} MB resident (target: under 1 GB).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, help="the cache folder (default: a new one)")
    parser.add_argument("--entities", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=1, help="server processes (default: 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-interactions.md")
    args = parser.parse_args()
    started = load_average()
    if args.cache is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="ecosystem-interactions-") as folder:
            result = measure(args.data, Path(folder), args.entities, args.seed, args.workers)
        result["ranker"] = "learnt and cached: the cache folder was a new, empty one"
    else:
        result = measure(args.data, args.cache, args.entities, args.seed, args.workers)
        result["ranker"] = f"read from `{args.cache}` when it held it"
    args.out.write_text(report(result, (started, load_average())), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
