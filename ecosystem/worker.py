"""The gunicorn worker that serves requests with waitress (see :mod:`ecosystem.server` for why).

gunicorn's master binds the sockets, forks the workers from the built app and watches them; each
worker runs waitress's event loop on the inherited sockets, which reads every connection's request
in full before one of its threads runs the app, and keeps telling the master it is alive.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from gunicorn.workers.base import Worker

from ecosystem.server import waitress_settings


class WaitressWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker that serves its share of the listening sockets with waitress."""

    def run(self) -> None:
        from waitress.server import create_server

        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        for listener in self.sockets:
            listener.sock.setblocking(False)
        server = create_server(
            self.wsgi, sockets=[listener.sock for listener in self.sockets], **waitress_settings()
        )
        loop = threading.Thread(target=server.run, name="waitress", daemon=True)
        loop.start()
        parent = self.ppid
        while self.alive and loop.is_alive():
            self.notify()
            if os.getppid() != parent:
                self.log.info("Parent changed, shutting down: %s", self)
                break
            time.sleep(1.0)
        server.task_dispatcher.shutdown(timeout=self.cfg.graceful_timeout)
