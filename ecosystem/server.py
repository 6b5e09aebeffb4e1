"""Serving the app: gunicorn in production, Dash's development server only when asked.

gunicorn runs several worker processes, so a room full of viewers is served in parallel and one
slow request does not hold up the rest. The app is built once in the master process before the
workers are forked (``preload_app``): bad data fails before the port is bound, and workers start
with the precomputed model in copy-on-write memory.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
KEEPALIVE_SECONDS = 75


def gunicorn_settings(host: str, port: int, workers: int) -> dict[str, Any]:
    """How gunicorn runs the app: threaded workers forked from the built app.

    >>> gunicorn_settings("127.0.0.1", 8050, 2)["bind"]
    '127.0.0.1:8050'
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": DEFAULT_THREADS,
        "preload_app": True,
        "timeout": 120,
        # Longer than any pause between a viewer's clicks: a server that closes an idle
        # connection just as the browser reuses it makes that request fail (seen in the load
        # test with gunicorn's default of 2 s).
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def serve(
    build: Callable[[], Any],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = DEFAULT_WORKERS,
    debug: bool = False,
    announce: Callable[[str], None] = print,
    url_path: str = "/",
) -> None:
    """Build the app with ``build()`` and serve it until interrupted (its page at ``url_path``)."""
    app = build()
    # The model lives as long as the server. Frozen, the garbage collector never walks its
    # hundreds of thousands of objects again (no pauses in requests), and forked workers keep
    # sharing its memory pages instead of copying them as collections touch them.
    gc.collect()
    gc.freeze()
    url = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}{url_path}"
    if debug:
        announce(f"Serving {url} with Dash's development server (debug mode)")
        app.run(host=host, port=port, debug=True)
        return
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_settings(host, port, workers).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app.server

    announce(f"Serving {url} ({workers} worker{'s' if workers != 1 else ''}); Ctrl+C stops")
    _Server().run()
