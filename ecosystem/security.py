"""What every response of the app carries and what every request must look like.

- Security headers on every response: a Content-Security-Policy that Dash works under (scripts
  only from this server plus the hash of Dash's one inline script), ``nosniff``, a referrer policy,
  and ``frame-ancestors`` (none unless the server is told which sites may embed the app).
- A request-body limit: larger bodies are answered 413 before anything reads them.
- Callback requests are checked before Dash sees them: a body that is not the JSON shape Dash's
  own front end sends, or that names a callback the app does not have, is answered 400.
- Anything that still fails is answered with a short JSON error; the traceback goes to the log,
  never to the client.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import flask
from dash import Dash
from werkzeug.exceptions import HTTPException

from ecosystem.limits import json_depth_exceeds

MAX_REQUEST_BYTES = 1024 * 1024
CALLBACK_PATH = "/_dash-update-component"
MAX_CALLBACK_ITEMS = 200
logger = logging.getLogger("ecosystem")


def content_security_policy(app: Dash, frame_ancestors: Sequence[str] = ()) -> str:
    """The CSP header value for ``app``: its own scripts, Dash's inline-script hashes, no plugins.

    Styles allow 'unsafe-inline' because Plotly and the Cytoscape canvas insert style elements at
    run time; scripts never do.
    """
    ancestors = " ".join(map(check_origin, frame_ancestors)) if frame_ancestors else "'none'"
    script_hashes = " ".join(app.csp_hashes())
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {script_hashes}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


MAX_JSON_DEPTH = 32  # a callback's values nest a few levels: stores of lists of objects
COMPONENT_SUITES = "/_dash-component-suites/"


@dataclass(frozen=True)
class CallbackSpec:
    """What Dash's front end sends for one callback: how many outputs (None: a single one, sent
    as an object), and the (id, property) of each input and state, in order."""

    outputs: int | None
    inputs: tuple[tuple[str, str], ...]
    state: tuple[tuple[str, str], ...]


def callback_specs(app: Dash) -> dict[str, CallbackSpec]:
    """Each callback of ``app`` by its output key, as :func:`callback_body_problem` checks it."""

    def pairs(items: Any) -> tuple[tuple[str, str], ...]:
        return tuple((str(item["id"]), str(item["property"])) for item in items or ())

    specs = {}
    for key, entry in app.callback_map.items():
        output = entry.get("output")
        count = len(output) if isinstance(output, list | tuple) else None
        specs[key] = CallbackSpec(count, pairs(entry.get("inputs")), pairs(entry.get("state")))
    return specs


def parse_json_body(raw: bytes) -> tuple[Any, str | None]:
    """The JSON of a request body and None, or None and what is wrong with it."""
    try:
        body = json.loads(raw)
    except RecursionError:
        return None, f"JSON nested more than {MAX_JSON_DEPTH} deep"
    except ValueError:
        return None, "the body is not JSON"
    if json_depth_exceeds(body, MAX_JSON_DEPTH):
        return None, f"JSON nested more than {MAX_JSON_DEPTH} deep"
    return body, None


def _is_prop(entry: Any) -> bool:
    return isinstance(entry, dict) and {"id", "property"} <= set(entry)


def _items_problem(
    items: Any, key: str, expected: tuple[tuple[str, str], ...] | None
) -> str | None:
    if not isinstance(items, list) or len(items) > MAX_CALLBACK_ITEMS:
        return f"{key} must be a list"
    if expected is not None and len(items) != len(expected):
        return f"{key} must list {len(expected)} values"
    for number, item in enumerate(items):
        entries = item if isinstance(item, list) else [item]
        if not all(_is_prop(entry) for entry in entries):
            return f"each of {key} needs an id and a property"
        if expected is None:
            continue
        wanted_id, wanted_property = expected[number]
        wildcard = wanted_id.startswith("{")
        if isinstance(item, list) != wildcard and not (wildcard and _is_prop(item)):
            return f"{key}[{number}] has the wrong shape"
        for entry in entries:
            if entry["property"] != wanted_property or (not wildcard and entry["id"] != wanted_id):
                return f"{key}[{number}] is not {wanted_id}.{wanted_property}"
    return None


def callback_body_problem(body: Any, known: Mapping[str, CallbackSpec] | set[str]) -> str | None:
    """What is wrong with a callback request body, or None when it has the shape Dash's own
    front end sends. ``known`` holds the app's callbacks (:func:`callback_specs`), or only
    their output keys, which checks the shape without the number of inputs."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in known:
        return "unknown callback output"
    spec = known[output] if isinstance(known, Mapping) else None
    if spec is not None:
        outputs = body.get("outputs")
        if spec.outputs is None and not _is_prop(outputs):
            return "outputs must name the output's id and property"
        if spec.outputs is not None and (
            not isinstance(outputs, list)
            or len(outputs) != spec.outputs
            or not all(_is_prop(o) or isinstance(o, list) for o in outputs)
        ):
            return f"outputs must list the callback's {spec.outputs} outputs"
    if spec is not None and "inputs" not in body:
        return "inputs are missing"
    for key in ("inputs", "state"):
        expected = getattr(spec, key) if spec is not None else None
        problem = _items_problem(body.get(key, []), key, expected)
        if problem:
            return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return None


def harden(app: Dash, *, frame_ancestors: Sequence[str] = ()) -> None:
    """Install the headers, limits and request checks on ``app``'s Flask server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    policy = content_security_policy(app, frame_ancestors)
    specs = callback_specs(app)

    @server.before_request
    def check_callback_request():  # type: ignore[no-untyped-def]
        if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
            return None
        body, problem = parse_json_body(flask.request.get_data(cache=True))
        problem = problem or callback_body_problem(body, specs)
        if problem:
            return _error(400, f"malformed callback request: {problem}")
        return None

    @server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not frame_ancestors:
            response.headers["X-Frame-Options"] = "DENY"
        return response

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return _error(error.code or 500, error.description or error.name)

    @server.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        if flask.request.path.startswith(COMPONENT_SUITES):
            # Dash raises for a file or library it does not serve: the client asked for it.
            return _error(404, "no such file")
        logger.exception("unexpected error on %s %s", flask.request.method, flask.request.path)
        return _error(500, "internal error; the server log has the details")


def _error(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response


# ----------------------------------------------------------------------------- origins and hosts

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_ORIGIN = re.compile(
    rf"^(?P<scheme>https?)://(?P<host>(?:\*\.)?{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>\d{1,5}))?$"
)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_origin(value: str) -> str:
    """``value`` when it is an origin a CSP ``frame-ancestors`` may name (``https://a.example``,
    ``https://*.example.org``, ``http://localhost:3000``) or ``'self'``; else ``ValueError``.

    >>> check_origin("https://partner.example")
    'https://partner.example'
    >>> check_origin("*")
    Traceback (most recent call last):
    ...
    ValueError: '*' is not an origin: write it as https://host or https://host:port
    """
    if value == "'self'":
        return value
    match = _ORIGIN.match(value.lower())
    if not match or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise ValueError(
            f"{value[:80]!r} is not an origin: write it as https://host or https://host:port"
        )
    return value


def check_host_name(value: str) -> str:
    """``value``, lower-cased, when it is a host name or an IP address; else ``ValueError``.

    >>> check_host_name("Explorer.Example.org")
    'explorer.example.org'
    """
    name = value.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    if not _HOST_NAME.match(name) or len(name) > 253:
        raise ValueError(
            f"{value[:80]!r} is not a host name: give a name such as explorer.example.org"
        )
    return name


def served_hosts(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a request may address: loopback, the bound address unless it is a
    wildcard (0.0.0.0, ::), and ``extra`` (``--allowed-host``)."""
    names = set(LOOPBACK_HOSTS) | {check_host_name(name) for name in extra}
    if bind_host not in ("", "0.0.0.0", "::"):
        names.add(check_host_name(bind_host))
    return frozenset(names)


def request_host(header: str) -> str | None:
    """The host name of a ``Host`` header (its port left out), or None when it is not one.

    >>> request_host("LOCALHOST:8050"), request_host("[::1]:8050"), request_host("a b")
    ('localhost', '::1', None)
    """
    header = header.strip()
    if header.startswith("["):
        name, _, rest = header[1:].partition("]")
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return None
    else:
        name, _, port = header.rpartition(":") if header.count(":") == 1 else (header, "", "")
        if port and not port.isdigit():
            return None
        name = name or header
    try:
        return check_host_name(name)
    except ValueError:
        return None


def host_filter(wsgi_app: Callable, allowed: frozenset[str]) -> Callable:
    """WSGI middleware: a request whose ``Host`` is not in ``allowed`` is answered 400.

    A page served under any name would let a site that points its own name at this machine
    (DNS rebinding) read the app from a visitor's browser.
    """

    def filtered(environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = request_host(environ.get("HTTP_HOST", ""))
        if host in allowed:
            return wsgi_app(environ, start_response)
        body = json.dumps(
            {
                "error": "unknown host: this server answers only to the names it is given "
                "(ecosystem serve --allowed-host NAME)"
            }
        ).encode()
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [body]

    return filtered
