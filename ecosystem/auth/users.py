"""The users file the administrator manages (names and Argon2id hashes), the server's secret, and
the count of failed sign-ins."""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

from ecosystem.auth.core import (
    FAILURE_WINDOW_SECONDS,
    MAX_FAILURES,
    MAX_TRACKED_CLIENTS,
    MIN_PASSWORD_CHARS,
    USER_NAME,
    USERS_HEADER,
    SignInError,
)


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
