"""Serving the app: gunicorn's master with waitress inside each worker; Dash's development server
only when asked.

Why this model (measured in docs/load-test.md, "Slow clients"):

- **Processes for the CPU.** Path, synergy and export callbacks are Python and NumPy work that
  holds the GIL most of the time; only separate processes run two of them at once on two cores.
  gunicorn's master forks the workers from the built app (``preload_app``: bad data fails before
  the port is bound, workers share the precomputed model in copy-on-write memory), replaces a
  worker that dies, and restarts one that stops answering its heartbeat.
- **An event loop in front of the threads.** gunicorn's own threaded worker gives each connection
  a thread while it reads the request, so eight sockets that trickle their headers hold every
  thread and nobody else is answered. In each worker here, waitress's event loop reads requests
  from every connection at once, buffering headers and body, and hands a thread only a request
  that has fully arrived; idle and slow connections cost a buffer, not a thread, and are closed
  after :data:`CHANNEL_TIMEOUT` seconds without a byte. A body larger than the limit is
  answered 413 before it is read, a malformed chunked body 400.

gevent workers would also keep slow sockets cheap, but they patch the standard library after the
app is built and a CPU-bound callback blocks every other connection of its worker until it ends;
waitress's threads keep answering small requests between the GIL's switches.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
# A connection that sends nothing for this long is closed, so idle sockets cannot pile up for
# ever; longer than any pause between a viewer's clicks, since a server that closes an idle
# connection just as the browser reuses it makes that request fail (seen in the load test with
# a 2 s keep-alive).
CHANNEL_TIMEOUT = 90
# Open connections one worker keeps; more wait in the listen backlog (the accept queue).
CONNECTION_LIMIT = 1000
# Where the built app keeps what each worker works out as it starts, on a thread of its own
# (Flask's ``extensions``): what the first page does not need and a first search or path would
# otherwise wait for (:func:`ecosystem.explorer.warm_up`).
WARM_UP = "ecosystem.warm_up"
MAX_REQUEST_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024


def waitress_settings(threads: int = DEFAULT_THREADS) -> dict[str, Any]:
    """How waitress reads requests in each worker.

    >>> waitress_settings()["max_request_body_size"]
    1048576
    """
    return {
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT,
        "cleanup_interval": 10,
        "max_request_body_size": MAX_REQUEST_BYTES,
        "max_request_header_size": MAX_HEADER_BYTES,
        "expose_tracebacks": False,
        "ident": "ecosystem",
        "clear_untrusted_proxy_headers": True,
    }


def gunicorn_settings(
    host: str, port: int, workers: int, *, post_fork: Callable[[Any, Any], None] | None = None
) -> dict[str, Any]:
    """How gunicorn's master runs the workers: forked from the built app, each running waitress
    (and calling ``post_fork(server, worker)`` first when it is given).

    >>> gunicorn_settings("127.0.0.1", 8050, 2)["bind"]
    '127.0.0.1:8050'
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "ecosystem.worker.WaitressWorker",
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 10,
        "backlog": 2048,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        **({"post_fork": post_fork} if post_fork is not None else {}),
    }


def serve(
    build: Callable[[], Any],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = DEFAULT_WORKERS,
    allowed_hosts: Sequence[str] = (),
    debug: bool = False,
    announce: Callable[[str], None] = print,
    url_path: str = "/",
) -> None:
    """Build the app with ``build()`` and serve it until interrupted (its page at ``url_path``).

    Requests whose ``Host`` is not loopback, ``host`` or one of ``allowed_hosts`` are answered
    400 (:func:`ecosystem.security.host_filter`).
    """
    from ecosystem.graph import bulk_allocation
    from ecosystem.security import host_filter, served_hosts

    # The model lives as long as the server. Built with the garbage collector paused and frozen
    # before it runs again, its hundreds of thousands of objects are never walked: not while
    # the rest of the app is built on it, not in requests, and forked workers keep sharing its
    # memory pages instead of copying them as collections touch them.
    with bulk_allocation():
        app = build()
        gc.freeze()
    app.server.wsgi_app = host_filter(app.server.wsgi_app, served_hosts(host, allowed_hosts))
    url = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}{url_path}"
    warm = app.server.extensions.get(WARM_UP)
    if debug:
        announce(f"Serving {url} with Dash's development server (debug mode)")
        # Its reloader runs the command again in a child process, the one that serves: the
        # first process only watches the files, and has nothing to warm up.
        if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
            start_warm_up(warm)
        app.run(host=host, port=port, debug=True)
        return
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            def post_fork(_server: Any, _worker: Any) -> None:
                start_warm_up(warm)

            settings = gunicorn_settings(host, port, workers, post_fork=post_fork)
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app.server

    announce(f"Serving {url} ({workers} worker{'s' if workers != 1 else ''}); Ctrl+C stops")
    _Server().run()


def start_warm_up(warm: Callable[[], None] | None) -> threading.Thread | None:
    """Run ``warm()`` on a thread of its own, a daemon (a worker that stops does not wait for
    it); what goes wrong is logged, and left for the first request that needs it to meet."""
    if warm is None:
        return None

    # The collector is left as it is: pausing it, or freezing what is alive afterwards, would
    # also hold back the garbage of the requests served meanwhile.
    def run() -> None:
        try:
            warm()
        except Exception:  # a request that needs the part works it out again, or says why
            log.warning("warming up failed", exc_info=True)

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread
