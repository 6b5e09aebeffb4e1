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

import logging
from collections.abc import Sequence
from typing import Any

import flask
from dash import Dash
from werkzeug.exceptions import HTTPException

MAX_REQUEST_BYTES = 1024 * 1024
CALLBACK_PATH = "/_dash-update-component"
MAX_CALLBACK_ITEMS = 200
logger = logging.getLogger("ecosystem")


def content_security_policy(app: Dash, frame_ancestors: Sequence[str] = ()) -> str:
    """The CSP header value for ``app``: its own scripts, Dash's inline-script hashes, no plugins.

    Styles allow 'unsafe-inline' because Plotly and the Cytoscape canvas insert style elements at
    run time; scripts never do.
    """
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
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


def callback_body_problem(body: Any, known_outputs: set[str]) -> str | None:
    """What is wrong with a callback request body, or None when it has the shape Dash expects."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in known_outputs:
        return "unknown callback output"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or len(items) > MAX_CALLBACK_ITEMS:
            return f"{key} must be a list"
        for item in items:
            entries = item if isinstance(item, list) else [item]
            for entry in entries:
                if not isinstance(entry, dict) or not {"id", "property"} <= set(entry):
                    return f"each of {key} needs an id and a property"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    return None


def harden(app: Dash, *, frame_ancestors: Sequence[str] = ()) -> None:
    """Install the headers, limits and request checks on ``app``'s Flask server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    policy = content_security_policy(app, frame_ancestors)
    known_outputs = set(app.callback_map)

    @server.before_request
    def check_callback_request():  # type: ignore[no-untyped-def]
        if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
            return None
        body = flask.request.get_json(silent=True)
        problem = callback_body_problem(body, known_outputs)
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
        logger.exception("unexpected error on %s %s", flask.request.method, flask.request.path)
        return _error(500, "internal error; the server log has the details")


def _error(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response
