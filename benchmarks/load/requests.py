"""Write the callback requests a forum audience sends, for the load test to replay.

    python -m benchmarks.load.requests --data DIR --out FILE

Bodies are built from the app's own callback map, so they are exactly what the browser sends.
Entity choices come from the data: the best-connected entities, so every request has an answer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.callbacks import _payload
from ecosystem.app import create_app
from ecosystem.graph import default_data_dir, load_graph, simple_view


def build_requests(data_dir: Path) -> dict:
    graph = load_graph(data_dir)
    view = simple_view(graph)
    app = create_app(graph)
    dependencies = app.server.test_client().get("/_dash-dependencies").get_json()
    ranked = sorted(view, key=lambda node: (-view.degree(node), node))
    hubs = ranked[:20]
    pairs = [(ranked[i], ranked[-1 - i]) for i in range(10)]

    def body(output: str, values: dict) -> dict:
        (dependency,) = [d for d in dependencies if output in d["output"]]
        return _payload(dependency, values)

    names = [view.nodes[node].get("name", node)[:4] for node in hubs]
    return {
        "search": [body("eco-search.options", {"eco-search.search_value": n}) for n in names],
        "select": [body("eco-details.children", {"eco-selected.data": n}) for n in hubs],
        "draw": [
            body("eco-graph.elements", {"eco-selected.data": n, "eco-filter-hops.value": 1})
            for n in hubs
        ],
        "path": [
            body(
                "eco-path-result.children",
                {
                    "eco-path-from.value": a,
                    "eco-path-to.value": b,
                    "eco-path-k.value": 3,
                    "eco-path-hubs.value": ["avoid"],
                },
            )
            for a, b in pairs
        ],
        "synergy": [body("eco-synergy-result.children", {"eco-selected.data": n}) for n in hubs],
        "export": [body("eco-download.data", {"eco-export-csv.n_clicks": 1})],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(build_requests(args.data)), encoding="utf-8")


if __name__ == "__main__":
    main()
