"""Headers, limits and malformed requests: every answer is clean, none carries a traceback."""

from __future__ import annotations

import json

import pytest

from ecosystem.app import create_app
from ecosystem.cli import build_parser
from ecosystem.security import (
    MAX_REQUEST_BYTES,
    callback_body_problem,
    check_origin,
    host_filter,
    served_hosts,
)


@pytest.fixture(scope="module")
def app(shipped_graph):
    return create_app(shipped_graph)


@pytest.fixture
def client(app):
    return app.server.test_client()


def _callback(app, output_part: str) -> str:
    return next(output for output in app.callback_map if output_part in output)


@pytest.mark.parametrize("path", ["/", "/assets/app.css", "/_dash-layout", "/_dash-dependencies"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_csp_allows_exactly_dashs_inline_script(app, client):
    policy = client.get("/").headers["Content-Security-Policy"]
    for digest in app.csp_hashes():
        assert digest in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self' 'unsafe-inline'" not in policy


def test_frame_ancestors_can_be_opened_for_a_partner(shipped_graph):
    app = create_app(shipped_graph, frame_ancestors=["https://partner.example"])
    response = app.server.test_client().get("/")
    assert "frame-ancestors https://partner.example" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_oversized_body_is_refused_with_413(client):
    response = client.post(
        "/_dash-update-component",
        data=b"x" * (MAX_REQUEST_BYTES + 1),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        '"a string"',
        "null",
        '{"inputs": []}',
        '{"output": "no-such.prop", "inputs": []}',
        '{"output": 42}',
    ],
)
def test_malformed_callback_bodies_get_400(client, body):
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "malformed callback request" in text
    assert "Traceback" not in text


def test_wrong_inputs_for_a_real_callback_get_400(app, client):
    output = _callback(app, "eco-details.children")
    response = client.post(
        "/_dash-update-component",
        json={"output": output, "inputs": ["not-a-dict"], "changedPropIds": []},
    )
    assert response.status_code == 400


def test_a_failing_callback_answers_json_without_traceback(app, client):
    output = _callback(app, "eco-details.children")
    response = client.post(
        "/_dash-update-component",
        json={
            "output": output,
            "outputs": {"id": "eco-details", "property": "children"},
            "inputs": [],
            "state": [],
            "changedPropIds": [],
        },
    )
    assert response.status_code in (400, 500)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ({"id": "ismc"}, 400),
        (12, 400),
        (["ismc"], 400),
        ("<script>alert(1)</script>", 200),
        ("x" * 10_000, 400),
        (None, 200),
    ],
)
def test_odd_values_for_a_real_callback_are_a_clean_answer(app, client, value, status):
    output = _callback(app, "eco-details.children")
    body = {
        "output": output,
        "outputs": {"id": "eco-details", "property": "children"},
        "inputs": [
            {"id": "eco-search", "property": "value", "value": value},
            {"id": "eco-link", "property": "data", "value": None},
            {"id": "eco-as-of", "property": "value", "value": None},
            {"id": "eco-hide-past", "property": "value", "value": None},
        ],
        "state": [],
        "changedPropIds": ["eco-search.value"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert "<script>" not in text and "Traceback" not in text


def test_body_checker_accepts_what_dash_sends():
    body = {
        "output": "a.b",
        "inputs": [{"id": "x", "property": "value", "value": 1}],
        "state": [[{"id": {"type": "t", "index": 1}, "property": "n_clicks", "value": 0}]],
        "changedPropIds": ["x.value"],
    }
    assert callback_body_problem(body, {"a.b"}) is None


def test_debug_is_off_unless_asked(app):
    assert not app.server.debug


def _details_body(app, **changes):
    """A well-formed request for the details panel, built from the callback's own inputs."""
    output = _callback(app, "eco-details.children")
    spec = app.callback_map[output]
    body = {
        "output": output,
        "outputs": {"id": "eco-details", "property": "children"},
        "inputs": [{**entry, "value": None} for entry in spec["inputs"]],
        "state": [{**entry, "value": None} for entry in spec.get("state", [])],
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
    }
    body["inputs"][0]["value"] = "ismc"
    body.update(changes)
    return {key: value for key, value in body.items() if value != "DROP"}


@pytest.mark.parametrize(
    "changes",
    [
        {"outputs": "DROP"},
        {"outputs": "eco-details.children"},
        {"outputs": [{"id": "eco-details", "property": "children"}]},
        {"inputs": "DROP"},
        {"inputs": {"id": "eco-search"}},
        {"inputs": [{"id": "eco-search", "property": "value", "value": "ismc"}]},
        {"inputs": [{"id": 1, "property": 2}, {"id": 3, "property": 4}]},
        {"state": [{"id": "eco-metric", "property": "value"}]},
        {"changedPropIds": "eco-search.value"},
    ],
)
def test_missing_or_wrong_typed_outputs_and_inputs_get_400(app, client, changes):
    response = client.post("/_dash-update-component", json=_details_body(app, **changes))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "malformed callback request" in response.get_data(as_text=True)


def test_the_well_formed_body_of_the_same_callback_is_answered(app, client):
    assert client.post("/_dash-update-component", json=_details_body(app)).status_code == 200


def _more_body(app, kind, presses=1, selected="ismc"):
    """A press of a relation type's "show more" as the page sends it."""
    output = _callback(app, "eco-more-relations")
    button = {"kind": kind, "type": "eco-more-relations"}
    return {
        "output": output,
        "outputs": [
            {"id": {"kind": kind, "type": "eco-relation-list"}, "property": "children"},
            {"id": button, "property": "children"},
            {"id": button, "property": "hidden"},
            {"id": button, "property": "disabled"},
        ],
        "inputs": [{"id": button, "property": "n_clicks", "value": presses}],
        "state": [
            {"id": "eco-search", "property": "value", "value": selected},
            {"id": "eco-as-of", "property": "value", "value": None},
            {"id": "eco-hide-past", "property": "value", "value": None},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".n_clicks"],
    }


def test_show_more_is_answered_with_the_next_relations(app, client):
    response = client.post("/_dash-update-component", json=_more_body(app, "collaborates_with"))
    assert response.status_code == 200
    listed, button = response.get_json()["response"].values()
    assert len(listed["children"]) == 15  # all of ISMC's, 10 then the 5 left
    assert button == {"children": "", "hidden": True, "disabled": False}


@pytest.mark.parametrize("kind", ["<script>", "", "no_such_type"])
def test_show_more_for_a_relation_type_no_list_holds_gets_400(app, client, kind):
    response = client.post("/_dash-update-component", json=_more_body(app, kind))
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_show_more_with_a_count_no_button_holds_gets_400(app, client):
    body = _more_body(app, "collaborates_with", presses="many")
    assert client.post("/_dash-update-component", json=body).status_code == 400


@pytest.mark.parametrize("depth", [40, 10_000, 200_000])
def test_deeply_nested_json_gets_400_not_500(app, client, depth):
    value = "[" * depth + "]" * depth
    body = _details_body(app)
    text = json.dumps(body).replace('"ismc"', value)
    response = client.post("/_dash-update-component", data=text, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.get_data(as_text=True)


def test_an_unknown_component_suite_file_is_a_404_without_a_traceback(client, caplog):
    for path in ("/_dash-component-suites/nopkg/x.js", "/_dash-component-suites/dash/x.js"):
        response = client.get(path)
        assert response.status_code == 404
    assert "Traceback" not in caplog.text and not caplog.records


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "https://a.example; script-src *",
        "'unsafe-inline'",
        "javascript:x",
        "https://",
        "https://a.example/path",
        "https://a.example:99999",
        "data:",
        "https://a b",
    ],
)
def test_frame_ancestors_refuse_anything_but_origins(shipped_graph, value):
    with pytest.raises(ValueError, match="is not an origin"):
        check_origin(value)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--frame-ancestors", value])


def test_frame_ancestors_accept_origins():
    for value in (
        "https://partner.example",
        "https://*.example.org",
        "http://localhost:3000",
        "'self'",
        "https://[::1]:8443",
    ):
        assert check_origin(value) == value


def test_the_host_filter_serves_only_the_names_it_is_given():
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    allowed = served_hosts("127.0.0.1", ["explorer.example.org"])
    filtered = host_filter(app, allowed)
    statuses = {}
    for host in (
        "localhost:8050",
        "127.0.0.1",
        "[::1]:8050",
        "Explorer.Example.org",
        "evil.example",
        "",
        "127.0.0.1.evil.example",
        "localhost:80:80",
    ):
        filtered({"HTTP_HOST": host}, lambda status, headers, h=host: statuses.update({h: status}))
    assert {h for h, s in statuses.items() if s.startswith("200")} == {
        "localhost:8050",
        "127.0.0.1",
        "[::1]:8050",
        "Explorer.Example.org",
    }
    assert "0.0.0.0" not in served_hosts("0.0.0.0")
