"""Serving a team: sign-in, a path prefix and a health check, as WSGI middleware around the app.

Everything here wraps a plain WSGI callable (``app.server.wsgi_app``), so it works the same
under any server that runs the app, and under Dash's development server.

- **Prefix.** With ``url_prefix="/ecosystem/"`` the app answers under that path: the prefix
  moves from ``PATH_INFO`` to ``SCRIPT_NAME`` (the WSGI convention for an app mounted under a
  path), so the app's own routes stay where they are and Dash writes the prefix into every
  address it sends to the browser.
- **Health.** ``/healthz`` (and ``<prefix>healthz``) answers 200 with a small JSON body, without
  sign-in, for load balancers and container health checks.
- **Sign-in.** Either users with Argon2id-hashed passwords in a file the administrator manages
  (``ecosystem users add NAME``), with a signed session cookie; or a reverse proxy that signs
  users in and names them in a request header the server is told to trust. Off on loopback;
  required on any other address unless the map is declared public.

Passwords are never logged, never stored in clear, and never put in a cookie: the cookie holds
the user's name and a fingerprint of the stored hash (changing a password or removing the user
ends their sessions), signed with the server's secret.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ecosystem.errors import EcosystemError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

COOKIE_NAME = "ecosystem_session"
SESSION_SECONDS = 12 * 3600
MIN_PASSWORD_CHARS = 8
# Failed sign-ins allowed per client address and user name in a window, then 429 until it ends.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
MAX_TRACKED_CLIENTS = 10_000
# Argon2id needs 64 MiB per check by design; at most this many run at once in one process.
CONCURRENT_CHECKS = 2
MAX_FORM_BYTES = 16 * 1024
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
PREFIX = re.compile(r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*")
HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")
USERS_HEADER = "# ecosystem users: NAME:ARGON2ID-HASH, one a line. Edit with `ecosystem users`.\n"


class SignInError(EcosystemError):
    """Sign-in settings that do not fit together, or a users file that cannot be used."""


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Gate:
    """How the server answers before the app: its path prefix and who may come in.

    ``users_file`` and ``proxy_user_header`` are exclusive; with neither, anyone may come in.
    """

    url_prefix: str = "/"
    users_file: Path | None = None
    proxy_user_header: str | None = None
    secret_file: Path | None = None
    frame_ancestors: tuple[str, ...] = ()

    @property
    def signs_in(self) -> bool:
        return self.users_file is not None or self.proxy_user_header is not None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "10.0.0.5")]
    [True, True, True, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_prefix(prefix: str) -> str:
    """``/ecosystem`` or ``ecosystem/`` as ``/ecosystem/``; refuses anything but a plain path.

    >>> normalise_prefix("ecosystem"), normalise_prefix("/"), normalise_prefix("/a/b/")
    ('/ecosystem/', '/', '/a/b/')
    """
    value = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    if not PREFIX.fullmatch(value):
        raise SignInError(
            f"--url-prefix {prefix!r}: use a plain path of letters, digits and . _ ~ - "
            "(no segment starting with a dot), "
            "such as /ecosystem/"
        )
    return value


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


def load_secret(path: Path) -> bytes:
    """The session secret kept in ``path``, made (readable by its owner only) if missing.

    Servers started at once with the same file agree: only one of them creates it.
    """
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as error:
        raise SignInError(f"{path}: cannot create the session secret: {error.strerror}") from None
    else:
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32) + "\n")
    for _ in range(50):  # another server may have created it a moment ago and be writing it
        try:
            value = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise SignInError(f"{path}: cannot read the session secret: {error}") from None
        if len(value) >= 32:
            return value.encode("ascii")
        time.sleep(0.1)
    raise SignInError(f"{path}: the session secret is shorter than 32 characters: delete the file")


# ----------------------------------------------------------------------------- the users file


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id with RFC 9106's second recommended parameters


def read_users(path: Path) -> dict[str, str]:
    """The users file as name -> Argon2 hash; every malformed line is named."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SignInError(
            f"{path}: no such users file: create it with `ecosystem users add NAME --users {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SignInError(f"{path}: cannot read the users file: {error}") from None
    users: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, hashed = line.strip().partition(":")
        if not colon or not USER_NAME.fullmatch(name) or not hashed.startswith("$argon2"):
            problems.append(
                f"{path}:{number}: not NAME:ARGON2-HASH: "
                "write users with `ecosystem users add`, never by hand"
            )
        elif name in users:
            problems.append(f"{path}:{number}: {name} is listed twice: remove one line")
        else:
            users[name] = hashed
    if problems:
        raise SignInError("\n".join(problems))
    return users


def _write_users(path: Path, users: dict[str, str]) -> None:
    from ecosystem.interchange.store import write_atomically

    if not path.exists():
        # The atomic writer keeps an existing file's mode: make it owner-only before it writes.
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    lines = [USERS_HEADER, *(f"{name}:{hashed}\n" for name, hashed in sorted(users.items()))]
    write_atomically(path.parent, {path.name: "".join(lines).encode("utf-8")})


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise SignInError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")


def add_user(path: Path, name: str, password: str) -> bool:
    """Add ``name`` (or set its password) in the users file; True if the user is new."""
    if not USER_NAME.fullmatch(name):
        raise SignInError(
            f"{name!r} is not a user name: letters, digits and . _ @ -, at most 64 characters"
        )
    check_new_password(password)
    users = read_users(path) if path.exists() else {}
    new = name not in users
    users[name] = _hasher().hash(password)
    _write_users(path, users)
    return new


def remove_user(path: Path, name: str) -> None:
    users = read_users(path)
    if name not in users:
        raise SignInError(f"{path}: no user {name!r}; the users are: {', '.join(users) or 'none'}")
    del users[name]
    _write_users(path, users)


def fingerprint(hashed: str) -> str:
    """A short digest of a stored hash: a session names it, so a new password ends old sessions."""
    return hashlib.sha256(hashed.encode("ascii")).hexdigest()[:16]


class Users:
    """The users file, read again whenever it changes on disk (no restart to add or remove)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._users: dict[str, str] = {}

    def current(self) -> dict[str, str]:
        try:
            stat = self.path.stat()
        except OSError:
            return {}  # a deleted users file lets nobody in
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._users = read_users(self.path)
                except SignInError:
                    self._users = {}  # a damaged file lets nobody in, rather than anybody
                self._stamp = stamp
            return self._users


class FailedAttempts:
    """Failed sign-ins per key in a sliding window; bounded in memory."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._times: dict[tuple[str, str], list[float]] = {}

    def blocked_for(self, key: tuple[str, str], now: float) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        with self._lock:
            recent = [t for t in self._times.get(key, []) if now - t < self.window]
            if len(recent) < self.limit:
                return 0.0
            return self.window - (now - recent[0])

    def fail(self, key: tuple[str, str], now: float) -> None:
        with self._lock:
            if key not in self._times and len(self._times) >= MAX_TRACKED_CLIENTS:
                self._times = {
                    k: kept
                    for k, times in self._times.items()
                    if (kept := [t for t in times if now - t < self.window])
                }
                if len(self._times) >= MAX_TRACKED_CLIENTS:
                    self._times.pop(next(iter(self._times)))
            recent = [t for t in self._times.get(key, []) if now - t < self.window]
            self._times[key] = [*recent, now][-self.limit :]

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._times.pop(key, None)


# ----------------------------------------------------------------------------- middleware


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


def add_serve_options(serve: Any) -> None:
    """The ``serve`` options for a team server (``serve`` is an argparse parser)."""
    serve.add_argument(
        "--url-prefix",
        default="/",
        metavar="PATH",
        help="serve under this path, as behind a reverse proxy at /PATH/ (default: /)",
    )
    serve.add_argument(
        "--users",
        type=Path,
        default=_env_path("ECOSYSTEM_USERS"),
        metavar="FILE",
        help="sign-in with the users in FILE (see `ecosystem users`; default: $ECOSYSTEM_USERS)",
    )
    serve.add_argument(
        "--trust-proxy-user-header",
        metavar="HEADER",
        help="sign-in is done by the reverse proxy in front, which names the user in HEADER "
        "(e.g. X-Forwarded-User); only when nothing but the proxy can reach this server",
    )
    serve.add_argument(
        "--secret-file",
        type=Path,
        default=_env_path("ECOSYSTEM_SECRET_FILE"),
        metavar="FILE",
        help="session secret, made if missing; share it between servers so a session is valid "
        "on all of them (default: $ECOSYSTEM_SECRET_FILE, else a new secret at each start)",
    )
    serve.add_argument(
        "--public",
        action="store_true",
        help="serve on a non-loopback --host without sign-in: the map is meant for everyone",
    )


def gate_from_args(args: Any) -> Gate:
    return gate_for(
        host=args.host,
        url_prefix=args.url_prefix,
        users_file=args.users,
        proxy_user_header=args.trust_proxy_user_header,
        public=args.public,
        secret_file=args.secret_file,
        frame_ancestors=args.frame_ancestors,
    )


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def register_users_command(commands: Any) -> None:
    """``ecosystem users add|remove|list`` (``commands`` is argparse's subparsers object)."""
    import argparse

    users = commands.add_parser("users", help="who may sign in to a team server")
    # On each action, so that it reads `ecosystem users add NAME --users FILE`.
    file = argparse.ArgumentParser(add_help=False)
    file.add_argument(
        "--users",
        type=Path,
        default=_env_path("ECOSYSTEM_USERS"),
        metavar="FILE",
        help="the users file (default: $ECOSYSTEM_USERS)",
    )
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[file], help="add a user, or set a user's password")
    add.add_argument("name")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    remove = actions.add_parser("remove", parents=[file], help="remove a user; their sessions end")
    remove.add_argument("name")
    actions.add_parser("list", parents=[file], help="the users' names")
    users.set_defaults(handler=cmd_users)


def cmd_users(args: Any, out: Any) -> int:
    import sys

    path: Path | None = args.users
    if path is None:
        raise SignInError("name the users file: --users FILE (or set $ECOSYSTEM_USERS)")
    if args.action == "list":
        for name in read_users(path):
            print(name, file=out)
        return 0
    if args.action == "remove":
        remove_user(path, args.name)
        print(f"{path}: removed {args.name}", file=out)
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(f"Password for {args.name}: ")
        check_new_password(password)
        if getpass.getpass("The same again: ") != password:
            raise SignInError("the two passwords differ; nothing was changed")
    new = add_user(path, args.name, password)
    print(f"{path}: {'added' if new else 'new password for'} {args.name}", file=out)
    return 0
