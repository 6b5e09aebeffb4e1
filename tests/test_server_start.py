"""What a server's start works out before it answers, and what each worker works out as it
starts (:func:`ecosystem.server.start_warm_up`)."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import types

import pytest

from ecosystem.server import WARM_UP, gunicorn_settings, start_warm_up


def test_the_warm_up_runs_on_a_thread_of_its_own():
    ran = []
    thread = start_warm_up(lambda: ran.append(threading.current_thread().name))
    assert thread is not None
    thread.join(timeout=10)
    assert ran == ["warm-up"] and thread.daemon


def test_a_failed_warm_up_is_logged_and_stops_nothing(caplog):
    def fail():
        raise OSError("the disk went away")

    with caplog.at_level(logging.WARNING, logger="ecosystem.server"):
        thread = start_warm_up(fail)
        assert thread is not None
        thread.join(timeout=10)
    assert "warming up failed" in caplog.text and "the disk went away" in caplog.text


def test_nothing_to_warm_up_starts_no_thread():
    assert start_warm_up(None) is None


def test_each_worker_warms_up_as_it_is_forked():
    called = []
    settings = gunicorn_settings("127.0.0.1", 8050, 2, post_fork=lambda *a: called.append(a))
    settings["post_fork"]("server", "worker")
    assert called == [("server", "worker")]
    assert "post_fork" not in gunicorn_settings("127.0.0.1", 8050, 2)


_START = """
import sys
from pathlib import Path
from ecosystem.app import create_app
from ecosystem.server import WARM_UP
from ecosystem.snapshot import read_network
folder = Path(sys.argv[1])
app = create_app(read_network(cache=folder), cache=folder)
before = any(name.startswith("scipy") for name in sys.modules)
app.server.extensions[WARM_UP]()
after = any(name.startswith("scipy") for name in sys.modules)
print(before, after)
"""


def _start(folder) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _START, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout.split()


def test_a_start_with_the_cache_filled_leaves_scipy_for_the_warm_up(tmp_path):
    _start(tmp_path)  # an empty cache: the metrics are computed (with SciPy) and stored
    assert _start(tmp_path) == ["False", "True"]


@pytest.fixture
def unfrozen(monkeypatch):
    """serve() freezes what is alive after its build: not the test session's objects."""
    import gc

    monkeypatch.setattr(gc, "freeze", lambda: None)


def _app(warm):
    import flask

    server = flask.Flask("warm-up test")
    server.extensions[WARM_UP] = warm
    return types.SimpleNamespace(server=server, run=lambda **_: None)


def test_serving_warms_up_each_worker_gunicorn_forks(monkeypatch, unfrozen):
    from gunicorn.app.base import BaseApplication

    from ecosystem.server import serve

    warmed = threading.Event()
    forked = []

    def run(application):
        forked.append(application.cfg.post_fork)
        application.cfg.post_fork(None, None)  # what gunicorn does in each worker it forks

    monkeypatch.setattr(BaseApplication, "run", run)
    serve(lambda: _app(warmed.set), port=8050, workers=2, announce=lambda _: None)
    assert len(forked) == 1 and warmed.wait(timeout=10)


@pytest.mark.parametrize("child", [False, True], ids=["reloader's watcher", "serving child"])
def test_the_development_server_warms_up_only_the_process_that_serves(monkeypatch, unfrozen, child):
    from ecosystem.server import serve

    if child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    warmed = threading.Event()
    serve(lambda: _app(warmed.set), debug=True, announce=lambda _: None)
    assert warmed.wait(timeout=2 if child else 0.5) == child
