"""The server ``ecosystem serve`` starts, probed over loopback as a hostile client would.

One server (the shipped data, 2 workers) on a free port of 127.0.0.1 for the whole module; every
probe is bounded in count and time.
"""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from benchmarks.load.slow_clients import (
    SlowSockets,
    callback_body,
    free_port,
    start_server,
    stop_server,
    timed_request,
)
from ecosystem.cli import main
from ecosystem.graph import default_data_dir


@pytest.fixture(scope="module")
def port():
    number = free_port()
    server = start_server(default_data_dir(), number)
    try:
        callback_body(number)  # the normal client's request, built while the server is free
        yield number
    finally:
        stop_server(server)


def raw(port: int, request: bytes, *, read: int = 4096, timeout: float = 5.0) -> bytes:
    """Send ``request`` on a new connection; the first bytes of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = b""
        try:
            while len(chunks) < read:
                chunk = connection.recv(read)
                if not chunk:
                    break
                chunks += chunk
                if b"\r\n\r\n" in chunks:
                    break
        except TimeoutError:
            pass
        return chunks


def test_two_hundred_slow_and_idle_connections_do_not_stop_others_being_served(port):
    slow = SlowSockets(port, 200, "mixed")
    try:
        assert len(slow.sockets) == 200
        time.sleep(2.5)  # the slow headers and bodies have trickled at least once
        waits = [timed_request(port, callback=n % 2 == 1) for n in range(6)]
        assert slow.still_open() > 150  # they really were open while the client was served
    finally:
        slow.close()
    assert all(wait is not None and wait < 1.0 for wait in waits), waits


def test_a_host_name_the_server_was_not_given_is_refused(port):
    answer = raw(port, b"GET / HTTP/1.1\r\nHost: rebound.example:8050\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400")
    assert raw(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_a_bad_chunk_size_is_a_400(port):
    answer = raw(
        port,
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        b"ZZ\r\nabc\r\n0\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 400")


def test_a_chunked_body_over_the_limit_is_a_413_that_closes(port):
    body = b"x" * (1024 * 1024 + 10)
    answer = raw(
        port,
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        + b"%x\r\n" % len(body)
        + body
        + b"\r\n0\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413")
    # It says it closes, and does: no answer claims keep-alive and then hangs up.
    assert b"connection: close" in answer.lower()


def test_a_declared_body_over_the_limit_is_a_413_before_it_is_sent(port):
    answer = raw(
        port,
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in answer.lower()


def test_an_unknown_script_is_a_404_not_a_500(port):
    for path in ("/_dash-component-suites/nopkg/x.js", "/_dash-component-suites/dash/x.js"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
        assert answer.value.code == 404


def test_a_port_out_of_range_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", "70000"])
    assert exit_.value.code == 2
    assert "is not a port" in capsys.readouterr().err


def test_a_port_in_use_is_a_clear_error(port, capsys):
    assert main(["serve", "--port", str(port)]) == 2
    assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err
