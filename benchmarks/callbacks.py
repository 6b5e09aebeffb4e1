"""Server-side time of every app callback, through Dash's own HTTP endpoint.

    python -m benchmarks.callbacks [--data DIR] [--repeat 60] [--out docs/benchmarks-app.md]

Each callback is called with the inputs a user's action sends (a search, a path, a filter, ...)
``--repeat`` times through the Flask test client, so request parsing, the callback and the JSON
answer all count; the network and the browser do not. Reports median, p95 and max per callback,
and apart from them the first call, which pays for what the model prepares on first use (the
synergy panel's collaboration history).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.machine import describe
from ecosystem.app import create_app
from ecosystem.graph import default_data_dir, load_graph, simple_view

ROOT = Path(__file__).resolve().parent.parent
# p95 targets: the shipped network, and large networks (H2020).
TARGET_MS = 50
LARGE_TARGET_MS = 300
LARGE = 10_000

# The shipped data's own examples; other datasets get the same actions on entities picked from
# them (see ``examples``).
SHIPPED = {
    "selected": "ismc",
    "selected_name": "ISMC",
    "from": "pizarras-la-bana",
    "from_name": "Pizarras la Baña",
    "to": "dg-grow",
    "to_name": "DG GROW",
    "query": "leon",
}


def examples(view) -> dict[str, str]:
    """The entities and search text the actions use: the shipped examples when they are there,
    else the best-linked entity as the selection and two entities a third and two thirds of the
    way through the largest component (by id) as path ends."""
    if all(SHIPPED[key] in view for key in ("selected", "from", "to")):
        return SHIPPED
    import networkx as nx

    largest = sorted(max(nx.connected_components(view), key=len))
    selected = max(largest, key=lambda node: (view.degree(node), node))
    first, second = largest[len(largest) // 3], largest[2 * len(largest) // 3]
    name = view.nodes[selected].get("name", selected)
    return {
        "selected": selected,
        "selected_name": name,
        "from": first,
        "from_name": view.nodes[first].get("name", first),
        "to": second,
        "to_name": view.nodes[second].get("name", second),
        "query": name.split()[0][:5].lower(),
    }


def actions(picked: dict[str, str]) -> dict[str, tuple[str, dict]]:
    """Inputs per action, as "component.property": value. Everything not named takes its
    default."""
    selected = picked["selected"]
    return {
        "open a shared link": (
            "eco-url.search",
            {"eco-url.search": f"?sel={selected}&from={picked['from']}&to={picked['to']}"},
        ),
        "draw the network": ("eco-graph.elements", {}),
        "filter to companies and projects": (
            "eco-graph.elements",
            {"eco-filter-types.value": ["company", "project"]},
        ),
        f"neighbourhood of {picked['selected_name']}, 2 hops": (
            "eco-graph.elements",
            {"eco-search.value": selected, "eco-filter-hops.value": 2},
        ),
        "highlight a selection": ("eco-graph.stylesheet", {"eco-search.value": selected}),
        f"details of {picked['selected_name']}": (
            "eco-details.children",
            {"eco-search.value": selected},
        ),
        f"type-ahead '{picked['query']}'": (
            "eco-search.options",
            {"eco-search.search_value": picked["query"]},
        ),
        f"path {picked['from_name']} to {picked['to_name']}": (
            "eco-path-result.children",
            {
                "eco-path-from.value": picked["from"],
                "eco-path-to.value": picked["to"],
                "eco-path-k.value": 3,
                "eco-path-hubs.value": ["avoid"],
            },
        ),
        f"synergy for {picked['selected_name']}": (
            "eco-synergy-result.children",
            {"eco-search.value": selected},
        ),
        "centrality chart and table": (
            "eco-centrality-chart.figure",
            {"eco-metric.value": "betweenness", "eco-top-n.value": 15},
        ),
    }


# File downloads: made once per click, not part of working the view; reported apart.
EXPORTS: dict[str, tuple[str, dict]] = {
    f"export {name}": ("eco-download.data", {f"eco-export-{key}.n_clicks": 1})
    for key, name in [
        ("csv", "CSV"),
        ("graphml", "GraphML"),
        ("gexf", "GEXF"),
        ("cyjs", "Cytoscape.js"),
        ("kumu", "Kumu workbook"),
    ]
}


def _payload(dependency: dict, values: dict) -> dict:
    def item(entry: dict) -> dict | list:
        if isinstance(entry["id"], dict):
            return []  # a pattern-matching input that matches no component
        key = f"{entry['id']}.{entry['property']}"
        return {"id": entry["id"], "property": entry["property"], "value": values.get(key)}

    changed = [f"{e['id']}.{e['property']}" for e in dependency["inputs"]]
    named = [key for key in changed if key in values]
    return {
        "output": dependency["output"],
        "outputs": _outputs(dependency["output"]),
        "inputs": [item(entry) for entry in dependency["inputs"]],
        "state": [item(entry) for entry in dependency.get("state", [])],
        "changedPropIds": named or changed[:1],
    }


def _outputs(output: str):
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    found = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        prop = prop.split("@")[0]
        found.append({"id": component, "property": prop})
    return found if output.startswith("..") else found[0]


def _ask(client: Any, body: dict, action: str) -> tuple[float, Any]:
    """One callback request: how long it took (ms) and the response."""
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    took = (time.perf_counter() - started) * 1000
    if response.status_code not in (200, 204):
        raise RuntimeError(f"{action}: HTTP {response.status_code}")
    return took, response


def measure(data_dir: Path, repeat: int) -> tuple[list[dict], int]:
    """Timings of every action, and how many entities the network has."""
    graph = load_graph(data_dir)
    app = create_app(graph)
    gc.collect()
    gc.freeze()  # as `ecosystem serve` leaves the model before it forks its workers
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    results = []
    picked = examples(simple_view(graph))
    for action, (output, values) in {**actions(picked), **EXPORTS}.items():
        (dependency,) = [
            d
            for d in dependencies
            if output in d["output"].strip(".").split("...") or d["output"].split("@")[0] == output
        ]
        body = _payload(dependency, values)
        first, response = _ask(client, body, action)
        timings = []
        for _ in range(repeat):
            took, response = _ask(client, body, action)
            timings.append(took)
        timings.sort()
        results.append(
            {
                "action": action,
                "first_ms": first,
                "median_ms": statistics.median(timings),
                "p95_ms": timings[max(0, round(0.95 * len(timings)) - 1)],
                "max_ms": timings[-1],
                "bytes": len(response.get_data()),
                "export": action in EXPORTS,
            }
        )
    return results, graph.number_of_nodes()


def _row(row: dict) -> str:
    return (
        f"| {row['action']} | {row['first_ms']:.1f} | {row['median_ms']:.1f} | "
        f"{row['p95_ms']:.1f} | {row['max_ms']:.1f} | {row['bytes']:,} |"
    )


def report(results: list[dict], data_dir: Path, repeat: int, entities: int) -> str:
    target = LARGE_TARGET_MS if entities >= LARGE else TARGET_MS
    lines = [
        f"# App callbacks: server-side time on `{data_dir.name}`",
        "",
        f"Measured on {date.today().isoformat()} with `python -m benchmarks.callbacks`: each "
        f"action once (first: the synergy panel's first call prepares the collaboration "
        f"history) and then {repeat} times through Dash's callback endpoint (Flask test client), "
        f"on `{data_dir.name}/`.",
        describe("dash", "networkx"),
        "",
        f"{entities:,} entities. Target: p95 under {target} ms for every callback.",
        "",
        "| action | first ms | median ms | p95 ms | max ms | answer bytes |",
        "|---|---|---|---|---|---|",
    ]
    for row in (r for r in results if not r["export"]):
        lines.append(_row(row))
    interactive = [r for r in results if not r["export"]]
    worst = max(interactive, key=lambda row: row["p95_ms"])
    verdict = "met" if worst["p95_ms"] < target else "not met"
    lines += [
        "",
        f"Slowest p95 while working the view: {worst['action']}, {worst['p95_ms']:.1f} ms: "
        f"target {verdict}.",
        "",
        "File downloads (made once per click; the xlsx writer and the XML serialisers dominate):",
        "",
        "| export | first ms | median ms | p95 ms | max ms | answer bytes |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(row) for row in results if row["export"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--out", type=Path, help="default: docs/benchmarks-app[-DATA].md")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.out is None:
        shipped = args.data.resolve() == default_data_dir()
        name = "benchmarks-app.md" if shipped else f"benchmarks-app-{args.data.name}.md"
        args.out = ROOT / "docs" / name
    results, entities = measure(args.data, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    args.out.write_text(report(results, args.data, args.repeat, entities), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
