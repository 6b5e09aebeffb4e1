"""The WSGI middleware: the path prefix and health check, a trusted proxy's user header, and
the password sign-in with its page and session cookie."""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from ecosystem.auth.core import (
    CONCURRENT_CHECKS,
    COOKIE_NAME,
    HEADER_NAME,
    MAX_FORM_BYTES,
    SESSION_SECONDS,
    Environ,
    Gate,
    SignInError,
    StartResponse,
    WSGIApp,
    is_loopback,
    normalise_prefix,
)
from ecosystem.auth.users import (
    FailedAttempts,
    Users,
    _hasher,
    fingerprint,
    load_secret,
    read_users,
)


def gate_for(
    *,
    host: str,
    url_prefix: str = "/",
    users_file: Path | None = None,
    proxy_user_header: str | None = None,
    public: bool = False,
    secret_file: Path | None = None,
    frame_ancestors: Iterable[str] = (),
) -> Gate:
    """The gate for a server on ``host``: sign-in is required off loopback unless ``public``."""
    if users_file is not None and proxy_user_header:
        raise SignInError(
            "give --users FILE or --trust-proxy-user-header HEADER, not both: "
            "either this server checks passwords or the proxy in front of it does"
        )
    signs_in = users_file is not None or bool(proxy_user_header)
    if public and signs_in:
        raise SignInError(
            "--public serves the map to everyone: drop it, or drop the sign-in option"
        )
    if not signs_in and not public and not is_loopback(host):
        raise SignInError(
            f"serving on {host} needs sign-in: give --users FILE (add users with "
            "`ecosystem users add NAME --users FILE`), or --trust-proxy-user-header HEADER "
            "behind a proxy that signs users in, or --public if the map is meant for everyone"
        )
    if proxy_user_header is not None and not HEADER_NAME.fullmatch(proxy_user_header):
        raise SignInError(f"--trust-proxy-user-header {proxy_user_header!r} is not a header name")
    if users_file is not None:
        read_users(users_file)  # a missing or damaged file fails now, not at the first request
    return Gate(
        url_prefix=normalise_prefix(url_prefix),
        users_file=users_file,
        proxy_user_header=proxy_user_header or None,
        secret_file=secret_file,
        frame_ancestors=tuple(frame_ancestors),
    )


def wrap(app: WSGIApp, gate: Gate) -> WSGIApp:
    """``app`` behind ``gate``: the prefix mount, the health check, then sign-in if asked for."""
    inner = app
    if gate.users_file is not None:
        secret = load_secret(gate.secret_file) if gate.secret_file else secrets.token_bytes(32)
        inner = PasswordSignIn(app, gate.users_file, secret, gate.frame_ancestors)
    elif gate.proxy_user_header:
        inner = ProxyUser(app, gate.proxy_user_header)
    return Mount(inner, gate.url_prefix)


def _respond(
    start_response: StartResponse,
    status: str,
    body: str,
    *,
    content_type: str = "text/plain; charset=utf-8",
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            *headers,
        ],
    )
    return [data]


class Mount:
    """The app under ``prefix``, and ``/healthz`` answered before anything else."""

    def __init__(self, app: WSGIApp, prefix: str):
        from ecosystem import __version__

        self.app, self.prefix = app, prefix
        self.health = json.dumps({"status": "ok", "version": __version__})

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path in ("/healthz", f"{self.prefix}healthz"):
            return _respond(start_response, "200 OK", self.health, content_type="application/json")
        if self.prefix == "/":
            return self.app(environ, start_response)
        if path == self.prefix.rstrip("/"):
            query = environ.get("QUERY_STRING")
            location = environ.get("SCRIPT_NAME", "") + self.prefix + (f"?{query}" if query else "")
            return _respond(
                start_response, "308 Permanent Redirect", "", headers=[("Location", location)]
            )
        if not path.startswith(self.prefix):
            return _respond(
                start_response, "404 Not Found", f"Not found: this server serves {self.prefix}\n"
            )
        mounted = dict(environ)
        mounted["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix.rstrip("/")
        mounted["PATH_INFO"] = path[len(self.prefix) - 1 :]
        return self.app(mounted, start_response)


class ProxyUser:
    """Trusts the reverse proxy in front: every request must name its user in ``header``."""

    def __init__(self, app: WSGIApp, header: str):
        self.app, self.header = app, header
        self.key = "HTTP_" + header.upper().replace("-", "_")

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        user = (environ.get(self.key) or "").strip()
        if not user:
            return _respond(
                start_response,
                "401 Unauthorized",
                f"Sign in through the proxy: this request came without {self.header}.\n",
            )
        return self.app({**environ, "REMOTE_USER": user}, start_response)


SIGN_IN_CSS = """\
body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
main { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem;
       border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
label { display: block; margin-top: .8rem; font-weight: 600; }
input { box-sizing: border-box; width: 100%; padding: .5rem; font: inherit; margin-top: .2rem; }
button { margin-top: 1.2rem; width: 100%; padding: .6rem; font: inherit; font-weight: 600;
         background: #1f4e8c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.problem { color: #9b1c1c; background: #fdecec; padding: .5rem; border-radius: 4px; }
"""


class PasswordSignIn:
    """Users from a file, a sign-in page, and a signed session cookie.

    The page is plain HTML with no script: it works under the app's Content-Security-Policy and
    carries a stricter one of its own.
    """

    def __init__(
        self,
        app: WSGIApp,
        users_file: Path,
        secret: bytes,
        frame_ancestors: Iterable[str] = (),
    ):
        from itsdangerous import URLSafeTimedSerializer

        self.app = app
        self.users = Users(users_file)
        self.signer = URLSafeTimedSerializer(secret, salt="ecosystem-sign-in")
        self.failures = FailedAttempts()
        self.checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)
        self.hasher = _hasher()
        # Unknown names are checked against this, so they take as long as known ones.
        self.decoy = self.hasher.hash(secrets.token_hex(16))
        ancestors = " ".join(frame_ancestors) or "'none'"
        self.policy = (
            "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors {ancestors}"
        )
        self.page_headers = [
            ("Content-Security-Policy", self.policy),
            ("Referrer-Policy", "same-origin"),
            *([] if frame_ancestors else [("X-Frame-Options", "DENY")]),
        ]

    # -- requests

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == "/signin.css":
            return _respond(
                start_response, "200 OK", SIGN_IN_CSS, content_type="text/css; charset=utf-8"
            )
        if path == "/signin":
            if environ.get("REQUEST_METHOD") == "POST":
                return self.sign_in(environ, start_response)
            return self.page(environ, start_response, "200 OK")
        if path == "/signout":
            return self.sign_out(environ, start_response)
        user = self.session_user(environ)
        if user is None:
            return self.refuse(environ, start_response)
        return self.app({**environ, "REMOTE_USER": user}, start_response)

    def session_user(self, environ: Environ) -> str | None:
        from itsdangerous import BadSignature
        from werkzeug.http import parse_cookie

        token = parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE_NAME)
        if not token:
            return None
        try:
            session = self.signer.loads(token, max_age=SESSION_SECONDS)
        except BadSignature:  # also an expired one
            return None
        if not isinstance(session, dict):
            return None
        name, mark = session.get("user"), session.get("hash")
        hashed = self.users.current().get(name) if isinstance(name, str) else None
        if hashed is None or not secrets.compare_digest(fingerprint(hashed), str(mark)):
            return None
        return name

    def refuse(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        root = environ.get("SCRIPT_NAME", "")
        wants_page = environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "text/html" in (
            environ.get("HTTP_ACCEPT") or ""
        )
        if wants_page:
            here = root + (environ.get("PATH_INFO") or "/")
            if environ.get("QUERY_STRING"):
                here += "?" + environ["QUERY_STRING"]
            location = f"{root}/signin?{urlencode({'next': here})}"
            return _respond(start_response, "303 See Other", "", headers=[("Location", location)])
        return _respond(
            start_response,
            "401 Unauthorized",
            json.dumps({"error": f"sign in first at {root}/signin"}),
            content_type="application/json",
        )

    def sign_in(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        from werkzeug.exceptions import RequestEntityTooLarge
        from werkzeug.wrappers import Request

        if not self.same_origin(environ):
            return _respond(start_response, "403 Forbidden", "Sign-in from another site refused.\n")
        request = Request(environ)
        request.max_content_length = MAX_FORM_BYTES
        request.max_form_memory_size = MAX_FORM_BYTES
        try:
            form = request.form
        except RequestEntityTooLarge:
            return _respond(start_response, "413 Request Entity Too Large", "Too large.\n")
        name = form.get("user", "").strip()
        password = form.get("password", "")
        target = self.safe_next(environ, form.get("next", ""))
        key = (environ.get("REMOTE_ADDR", ""), name.lower())
        now = time.monotonic()
        wait = self.failures.blocked_for(key, now)
        if wait:
            minutes = max(1, round(wait / 60))
            return self.page(
                environ,
                start_response,
                "429 Too Many Requests",
                problem=f"Too many failed attempts: try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                name=name,
                target=target,
                headers=[("Retry-After", str(int(wait) + 1))],
            )
        hashed = self.users.current().get(name)
        if hashed is None or not self.password_matches(hashed, password):
            self.failures.fail(key, now)
            return self.page(
                environ,
                start_response,
                "401 Unauthorized",
                problem="Wrong name or password.",
                name=name,
                target=target,
            )
        self.failures.forget(key)
        token = self.signer.dumps({"user": name, "hash": fingerprint(hashed)})
        cookie = self.cookie(environ, token, SESSION_SECONDS)
        return _respond(
            start_response,
            "303 See Other",
            "",
            headers=[("Location", target), ("Set-Cookie", cookie)],
        )

    def password_matches(self, hashed: str | None, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        with self.checks:
            try:
                return bool(self.hasher.verify(hashed or self.decoy, password))
            except (VerificationError, InvalidHashError):
                return False

    def sign_out(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        root = environ.get("SCRIPT_NAME", "")
        return _respond(
            start_response,
            "303 See Other",
            "",
            headers=[("Location", f"{root}/signin"), ("Set-Cookie", self.cookie(environ, "", 0))],
        )

    # -- pieces

    @staticmethod
    def same_origin(environ: Environ) -> bool:
        """A form posted from another site (login CSRF) names it in Origin; browsers always send
        Origin with a POST."""
        origin = environ.get("HTTP_ORIGIN")
        if not origin:
            return True
        host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST", "")
        return urlsplit(origin).netloc.lower() == host.split(",")[0].strip().lower()

    @staticmethod
    def safe_next(environ: Environ, target: str) -> str:
        """Where to go after signing in: a path of this app, never another site."""
        root = environ.get("SCRIPT_NAME", "")
        home = root + "/"
        if (
            target.startswith(home)
            and not target.startswith("//")
            and "\\" not in target
            and not target.startswith(f"{root}/signin")
            and not target.startswith(f"{root}/signout")
        ):
            return target
        return home

    @staticmethod
    def cookie(environ: Environ, value: str, max_age: int) -> str:
        secure = environ.get("wsgi.url_scheme") == "https" or (
            environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip() == "https"
        )
        path = environ.get("SCRIPT_NAME", "") + "/"
        return f"{COOKIE_NAME}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax" + (
            "; Secure" if secure else ""
        )

    def page(
        self,
        environ: Environ,
        start_response: StartResponse,
        status: str,
        *,
        problem: str = "",
        name: str = "",
        target: str | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> Iterable[bytes]:
        root = environ.get("SCRIPT_NAME", "")
        if target is None:
            asked = parse_qs(environ.get("QUERY_STRING") or "").get("next", [""])[0]
            target = self.safe_next(environ, asked)
        shown = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Sign in: Ecosystem explorer</title>"
            f'<link rel="stylesheet" href="{html.escape(root)}/signin.css"></head>'
            "<body><main><h1>Sign in to the ecosystem explorer</h1>"
            f"{shown}"
            f'<form method="post" action="{html.escape(root)}/signin">'
            f'<input type="hidden" name="next" value="{html.escape(target)}">'
            '<label for="user">Name</label>'
            '<input id="user" name="user" autocomplete="username" required '
            f'value="{html.escape(name)}">'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" '
            'autocomplete="current-password" required>'
            '<button type="submit">Sign in</button></form></main></body></html>'
        )
        return _respond(
            start_response,
            status,
            body,
            content_type="text/html; charset=utf-8",
            headers=[*self.page_headers, *headers],
        )


# ----------------------------------------------------------------------------- command line
