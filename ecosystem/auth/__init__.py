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

from ecosystem.auth.cli import (
    add_serve_options,
    cmd_users,
    gate_from_args,
    register_users_command,
)
from ecosystem.auth.core import (
    CONCURRENT_CHECKS,
    COOKIE_NAME,
    FAILURE_WINDOW_SECONDS,
    HEADER_NAME,
    MAX_FAILURES,
    MAX_FORM_BYTES,
    MAX_TRACKED_CLIENTS,
    MIN_PASSWORD_CHARS,
    PREFIX,
    SESSION_SECONDS,
    USER_NAME,
    USERS_HEADER,
    Gate,
    SignInError,
    is_loopback,
    normalise_prefix,
)
from ecosystem.auth.middleware import PasswordSignIn, gate_for, wrap
from ecosystem.auth.users import (
    FailedAttempts,
    Users,
    add_user,
    check_new_password,
    fingerprint,
    load_secret,
    read_users,
    remove_user,
)

__all__ = [
    "CONCURRENT_CHECKS",
    "COOKIE_NAME",
    "FAILURE_WINDOW_SECONDS",
    "HEADER_NAME",
    "MAX_FAILURES",
    "MAX_FORM_BYTES",
    "MAX_TRACKED_CLIENTS",
    "MIN_PASSWORD_CHARS",
    "PREFIX",
    "SESSION_SECONDS",
    "USERS_HEADER",
    "USER_NAME",
    "FailedAttempts",
    "Gate",
    "PasswordSignIn",
    "SignInError",
    "Users",
    "add_serve_options",
    "add_user",
    "check_new_password",
    "cmd_users",
    "fingerprint",
    "gate_for",
    "gate_from_args",
    "is_loopback",
    "load_secret",
    "normalise_prefix",
    "read_users",
    "register_users_command",
    "remove_user",
    "wrap",
]
