"""The command line's part: the sign-in options of `ecosystem serve` and `ecosystem users`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ecosystem.auth.core import (
    Gate,
    SignInError,
)
from ecosystem.auth.middleware import (
    gate_for,
)
from ecosystem.auth.users import (
    add_user,
    check_new_password,
    read_users,
    remove_user,
)


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
