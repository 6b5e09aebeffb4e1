"""`ecosystem serve`: the explorer for a browser, with one-line messages for an address in use or a
port out of range."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ecosystem.cli.support import (
    EXIT_OK,
    UsageError,
    _checked,
    _positive,
    add_cache,
    progress_bar,
    read_network,
)


def register(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    from ecosystem.server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKERS

    serve = commands.add_parser("serve", parents=[common], help="open the explorer in a browser")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help="default: %(default)s")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=DEFAULT_WORKERS,
        help="worker processes (default: %(default)s)",
    )
    serve.add_argument(
        "--frame-ancestors",
        nargs="+",
        type=_checked("check_origin"),
        default=[],
        metavar="ORIGIN",
        help="sites allowed to embed the app in a frame, e.g. https://partner.eu",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        type=_checked("check_host_name"),
        default=[],
        metavar="NAME",
        help="a host name the server answers to besides loopback (behind a reverse proxy: "
        "the public name)",
    )
    add_cache(serve, kept="the metrics, communities and layout")
    serve.add_argument(
        "--stories",
        type=Path,
        metavar="DIR",
        help="the folder stories are read from and saved in (never the data folder; "
        "without it stories play from links but cannot be saved)",
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="Dash's development server with debugging (never in production)",
    )
    from ecosystem.auth import add_serve_options, register_users_command

    add_serve_options(serve)
    serve.set_defaults(handler=cmd_serve)
    register_users_command(commands)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.app import create_app
    from ecosystem.auth import gate_from_args, wrap
    from ecosystem.cache import check_cache_folder
    from ecosystem.server import serve

    gate = gate_from_args(args)
    check_address_free(args.host, args.port)

    def build():
        if not args.no_cache:
            warning = check_cache_folder(args.cache)
            if warning:
                print(f"ecosystem serve: warning: {warning}", file=sys.stderr)
        network = read_network(args.data, args)
        with progress_bar("Preparing the network") as progress:
            app = create_app(
                network,
                frame_ancestors=args.frame_ancestors,
                cache=args.cache,
                use_cache=not args.no_cache,
                progress=progress,
                url_prefix=gate.url_prefix,
                stories_dir=args.stories,
                data_dir=args.data,
            )
        app.server.wsgi_app = wrap(app.server.wsgi_app, gate)
        return app

    def announce(text: str) -> None:
        print(text, file=out, flush=True)

    serve(
        build,
        host=args.host,
        port=args.port,
        workers=args.workers,
        allowed_hosts=args.allowed_host,
        debug=args.debug,
        announce=announce,
        url_path=gate.url_prefix,
    )
    return EXIT_OK


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: give a number from 1 to 65535")
    return int(value)


def check_address_free(host: str, port: int) -> None:
    """Fail in one line, before the data is loaded, when the server could not listen there."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--host {host}: no such address; try 127.0.0.1 or 0.0.0.0") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server itself binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is in use by another program: "
                    "stop it or choose another --port"
                ) from None
            if error.errno == errno.EACCES:
                raise UsageError(
                    f"port {port} needs administrator rights: choose --port 1024 or above"
                ) from None
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
