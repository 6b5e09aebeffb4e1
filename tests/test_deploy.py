"""Deploying: the command line's messages, servers sharing a cache, the container's health check,
the app under a path prefix, ./dev, and the README's Deploy section."""

from __future__ import annotations

import hashlib
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from werkzeug.test import Client

from ecosystem import auth
from ecosystem.cli import main
from ecosystem.web.components import source_href
from tests.helpers import free_port, serving

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "team password 1"


@contextmanager
def server(*args: str, seconds: float = 120):
    """``ecosystem serve`` on a free loopback port; yields its address once /healthz answers."""
    with serving(*args, workers=1, seconds=seconds) as (base, _process):
        yield base


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def sign_in(browser: urllib.request.OpenerDirector, base: str, prefix: str = "/") -> None:
    form = urllib.parse.urlencode({"user": "alice", "password": PASSWORD, "next": prefix})
    with browser.open(f"{base}{prefix}signin", data=form.encode(), timeout=30) as response:
        assert response.status == 200  # redirected to the app's page
        assert response.url == f"{base}{prefix}"


# ----------------------------------------------------------------------------- command line


def run_cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    try:
        code = main(list(argv), io.StringIO(), err)
    except SystemExit as stop:  # argparse's own errors
        code = int(stop.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_an_invalid_port_is_named_in_one_line(port, capsys):
    code, _ = run_cli("serve", "--port", port)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == (
        f"ecosystem serve: error: argument --port: {port!r} is not a port: "
        "give a number from 1 to 65535"
    )


def test_a_port_in_use_is_named_in_one_line_before_anything_loads(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        code, err = run_cli("serve", "--port", str(port), "--data", str(tmp_path / "absent"))
    assert code == 2
    assert err == (
        f"ecosystem serve: port {port} on 127.0.0.1 is in use by another program: "
        "stop it or choose another --port\n"
    )
    assert time.monotonic() - started < 5


def test_an_unknown_host_is_named_in_one_line():
    code, err = run_cli("serve", "--host", "no-such-host.invalid", "--public")
    assert code == 2
    assert err.startswith("ecosystem serve: --host no-such-host.invalid: no such address")
    assert err.count("\n") == 1


def test_a_closed_pipe_is_named_in_one_line():
    """As with `ecosystem centrality | head` when head has gone before the table is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ecosystem", "centrality", "--top", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # the reader goes away before the command writes anything
    err = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert err == "ecosystem centrality: the output was closed before it was all written\n"


def test_version():
    from ecosystem import __version__

    result = subprocess.run(
        [sys.executable, "-m", "ecosystem", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"ecosystem {__version__}\n"


def test_the_version_has_one_source():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert re.search(r"^version\s*=", pyproject, re.MULTILINE) is None
    assert 'path = "ecosystem/__init__.py"' in pyproject


# ----------------------------------------------------------------------------- under a prefix


@pytest.fixture(scope="module")
def prefixed_app(shipped_graph, tmp_path_factory):
    from ecosystem.app import create_app

    app = create_app(
        shipped_graph, cache=tmp_path_factory.mktemp("cache"), url_prefix="/ecosystem/"
    )
    return Client(auth.wrap(app.server.wsgi_app, auth.Gate(url_prefix="/ecosystem/")))


def test_under_a_prefix_every_address_the_page_names_carries_it(prefixed_app):
    page = prefixed_app.get("/ecosystem/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses
    assert all(a.startswith("/ecosystem/") for a in addresses), addresses
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["requests_pathname_prefix"] == "/ecosystem/"
    for address in addresses:
        assert prefixed_app.get(address).status_code == 200, address
    css = prefixed_app.get(next(a for a in addresses if "app.css" in a))
    assert css.mimetype == "text/css" and ".panel" in css.get_data(as_text=True)


def test_under_a_prefix_callbacks_and_source_pages_answer(prefixed_app):
    layout = prefixed_app.get("/ecosystem/_dash-layout")
    assert layout.status_code == 200 and layout.mimetype == "application/json"
    source = prefixed_app.get("/ecosystem/source/004_fd79ff072601a70f.txt")
    assert source.status_code == 200
    assert 'href="/ecosystem/assets/source.css"' in source.get_data(as_text=True)
    assert prefixed_app.get("/ecosystem/assets/source.css").status_code == 200
    assert prefixed_app.get("/source/004_fd79ff072601a70f.txt").status_code == 404


def test_source_links_are_relative_to_the_page_so_they_hold_under_any_prefix():
    href = source_href("004 doc.txt", 7)
    assert href == "source/004%20doc.txt?line=7#excerpt"
    assert urllib.parse.urljoin("https://team.example/ecosystem/?selected=ismc", href) == (
        "https://team.example/ecosystem/source/004%20doc.txt?line=7#excerpt"
    )


# ----------------------------------------------------------------------------- several servers


def test_two_servers_share_one_cache_folder_and_their_sessions(tmp_path):
    """Two servers started together on one cache folder (as two hosts on a shared disk): both
    serve the same page, the cache holds one finished set of files, and a session opened on
    one is valid on the other when they share the secret file."""
    users, cache, secret = tmp_path / "users", tmp_path / "cache", tmp_path / "secret"
    auth.add_user(users, "alice", PASSWORD)
    shared = ["--cache", str(cache), "--users", str(users), "--secret-file", str(secret)]
    with ExitStack() as stack:
        first = stack.enter_context(server(*shared))
        second = stack.enter_context(server(*shared))
        browser = opener()
        sign_in(browser, first)
        pages = []
        for base in (first, second):
            with browser.open(f"{base}/", timeout=30) as response:
                # Dash signs a fresh id into every page it renders (for background callbacks).
                pages.append(re.sub(rb'"end_id":"[^"]*"', b"", response.read()))
            with pytest.raises(urllib.error.HTTPError) as refused:  # no cookie, no page
                urllib.request.urlopen(f"{base}/_dash-layout", timeout=30)
            assert refused.value.code == 401
        assert pages[0] == pages[1]
        layouts = []
        for base in (first, second):
            with browser.open(f"{base}/_dash-layout", timeout=30) as response:
                layouts.append(json.loads(response.read()))
        assert layouts[0] == layouts[1]
    written = sorted(p.relative_to(cache) for p in cache.rglob("*") if p.is_file())
    assert written, "the servers wrote nothing to the shared cache"
    assert not [p for p in written if p.name.endswith(".tmp") or p.name.startswith(".")]

    # A third server, on the same folder, reads what the first two computed: every file is
    # the same file (a write replaces it with a new one) with the same bytes. Reading renews a
    # file's modification time, the cache's mark of use.
    def files() -> dict:
        return {
            p: (p.stat().st_ino, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in cache.rglob("*")
            if p.is_file()
        }

    before = files()
    with server(*shared):
        pass
    assert files() == before


# ----------------------------------------------------------------------------- the container


def healthcheck_command() -> list[str]:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^HEALTHCHECK .*?\\\n\s+CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert match, "the Dockerfile has no HEALTHCHECK ... CMD [...]"
    return json.loads(match.group(1))


def test_the_container_health_check_passes_on_a_server_and_fails_without_one(tmp_path):
    command = healthcheck_command()
    assert command[0] == "python3"
    assert "http://127.0.0.1:8050/healthz" in command[-1]
    with server("--cache", str(tmp_path / "cache")) as base:
        port = base.rsplit(":", 1)[1]
        script = command[-1].replace("8050", port)
        ok = subprocess.run([sys.executable, *command[1:-1], script], timeout=30, check=False)
    assert ok.returncode == 0
    closed = command[-1].replace("8050", str(free_port()))
    down = subprocess.run(
        [sys.executable, *command[1:-1], closed], capture_output=True, timeout=30, check=False
    )
    assert down.returncode != 0


def test_the_container_runs_as_a_user_with_its_cache_on_a_volume():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    user = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user and not user[-1].startswith(("0", "root"))
    assert re.search(r'^VOLUME \[.*"/cache"', dockerfile, re.MULTILINE)
    assert "ECOSYSTEM_CACHE=/cache" in dockerfile
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.MULTILINE).group(1)
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1)
    argv = [*json.loads(entry), *json.loads(cmd)]
    assert argv[:2] == ["ecosystem", "serve"]
    # The image's command, parsed as the image runs it: sign-in on, off loopback.
    from ecosystem.cli import build_parser

    args = build_parser().parse_args(argv[1:])
    assert args.host == "0.0.0.0" and args.users == Path("/config/users")


# ----------------------------------------------------------------------------- ./dev and the README


def test_dev_refuses_an_unknown_command_with_its_help():
    result = subprocess.run(
        [str(ROOT / "dev"), "no-such-command"], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "dev: unknown command 'no-such-command'" in result.stderr
    assert "./dev test" in result.stderr


def test_dev_help_is_the_comment_block_only():
    result = subprocess.run([str(ROOT / "dev")], capture_output=True, text=True, check=True)
    assert "./dev app" in result.stdout
    assert "set -euo" not in result.stdout and "#" not in result.stdout


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_quick_start_stays_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["./dev app", "./dev test"]


@pytest.mark.parametrize(
    "needle",
    [
        "pipx install",
        "docker compose up",
        "ecosystem users add",
        "--trust-proxy-user-header",
        "--public",
        "--url-prefix",
        "/healthz",
        "deploy/nginx.conf",
        "--secret-file",
        "several hosts",
    ],
)
def test_the_deploy_section_covers(needle):
    section = README.split("## Deploy", 1)[1].split("\n## ", 1)[0]
    assert needle in section


def test_the_proxy_configuration_matches_the_server_options():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "location /ecosystem/" in nginx
    assert "proxy_pass http://ecosystem;" in nginx  # the path passes on unchanged
    assert "/healthz" in nginx
