"""What the team-server pieces share: their settings, limits and the one error they raise."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecosystem.errors import EcosystemError

if TYPE_CHECKING:
    pass

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
