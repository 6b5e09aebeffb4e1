"""Every callback of the app, sent values no page of ours would send, in each of its inputs:
the answer is a result (200), nothing to update (204) or a refusal (400); never a server error."""

from __future__ import annotations

import json
import math

import pytest

from ecosystem.app import create_app

HOSTILE = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    10**30,
    -(10**30),
    True,
    "",
    "x" * 20_000,
    "<script>alert(1)</script>",
    [],
    [None, 3, "x"],
    [[[[["deep"]]]]],
    {},
    {"id": ["acme"], "source": {"x": 1}, "nodes": "ismc", "links": [[1, 2, 3]], "edges": 5},
    {"nodes": ["ismc", 3, None] * 100, "links": [["ismc", "icamcyl"]] * 500, "chosen": "two"},
]


@pytest.fixture(scope="module")
def app(shipped_graph):
    return create_app(shipped_graph, use_cache=False)


@pytest.fixture(scope="module")
def dependencies(app):
    return app.server.test_client().get("/_dash-dependencies").get_json()


# What a wildcard (ALL, MATCH) of a pattern-matching id stands for in a request: one matched
# component, a relation type's for the details' "show more", an entity's for the others.
WILDCARD_VALUES = {"kind": "collaborates_with"}


def _concrete(key: dict) -> dict:
    return {
        k: WILDCARD_VALUES.get(k, "ismc") if v in (["ALL"], ["MATCH"]) else v
        for k, v in key.items()
    }


def _entry(dependency: dict, value) -> dict | list:
    if isinstance(dependency["id"], dict):  # pattern-matching: one matched button
        entry = {"id": _concrete(dependency["id"]), "property": dependency["property"]}
        return (
            {**entry, "value": value}
            if ["MATCH"] in dependency["id"].values()
            else [{**entry, "value": value}]
        )
    return {"id": dependency["id"], "property": dependency["property"], "value": value}


def _outputs(output: str):
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    found = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
    for item in found:
        if item["id"].startswith("{"):  # a pattern-matching id, as JSON
            item["id"] = _concrete(json.loads(item["id"]))
    return found if output.startswith("..") else found[0]


def _prop(dependency: dict) -> str:
    key = dependency["id"]
    if isinstance(key, dict):
        key = json.dumps(_concrete(key), sort_keys=True, separators=(",", ":"))
    return f"{key}.{dependency['property']}"


def test_every_input_of_every_callback_answers_cleanly(app, dependencies):
    client = app.server.test_client()
    failures = []
    for dependency in dependencies:
        if dependency.get("clientside_function"):
            continue  # runs in the browser: the server has nothing to answer
        for position, target in enumerate(dependency["inputs"]):
            for value in HOSTILE:
                inputs = [
                    _entry(item, value if i == position else None)
                    for i, item in enumerate(dependency["inputs"])
                ]
                body = {
                    "output": dependency["output"],
                    "outputs": _outputs(dependency["output"]),
                    "inputs": inputs,
                    "state": [_entry(item, None) for item in dependency.get("state", [])],
                    "changedPropIds": [_prop(target)],
                }
                response = client.post("/_dash-update-component", json=body)
                if response.status_code not in (200, 204, 400):
                    failures.append((dependency["output"][:60], _prop(target), repr(value)[:40]))
    assert failures == []
    assert len(dependencies) >= 12


def test_stores_of_the_wrong_shape_in_a_state_are_refused_or_ignored(app, dependencies):
    client = app.server.test_client()
    for dependency in dependencies:
        for value in HOSTILE:
            if not dependency.get("state"):
                continue
            body = {
                "output": dependency["output"],
                "outputs": _outputs(dependency["output"]),
                "inputs": [_entry(item, None) for item in dependency["inputs"]],
                "state": [_entry(item, value) for item in dependency["state"]],
                "changedPropIds": [_prop(dependency["inputs"][0])],
            }
            response = client.post("/_dash-update-component", json=body)
            assert response.status_code in (200, 204, 400), (dependency["output"], value)
