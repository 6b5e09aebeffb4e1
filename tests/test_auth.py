"""Sign-in, the path prefix and the health check, as middleware around a tiny WSGI app."""

from __future__ import annotations

import io
import json
import logging
import stat

import pytest
from werkzeug.test import Client

from ecosystem import auth
from ecosystem.cli import main

PASSWORD = "correct horse battery"
PRODUCTION_HASHER = auth.users._hasher


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Argon2id at its lowest cost: the tests check the logic, not the hash's strength."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        auth.users, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def hello(environ, start_response):
    body = json.dumps(
        {
            "user": environ.get("REMOTE_USER"),
            "script": environ.get("SCRIPT_NAME", ""),
            "path": environ.get("PATH_INFO"),
        }
    ).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users"
    auth.add_user(path, "alice", PASSWORD)
    return path


def signed_in_client(users_file, prefix="/", secret_file=None):
    gate = auth.Gate(url_prefix=prefix, users_file=users_file, secret_file=secret_file)
    return Client(auth.wrap(hello, gate))


def sign_in(client, name="alice", password=PASSWORD, prefix="/", **headers):
    return client.post(
        f"{prefix}signin",
        data={"user": name, "password": password, "next": f"{prefix}?view=1"},
        headers=headers,
    )


# ----------------------------------------------------------------------------- when sign-in is on


def test_loopback_needs_no_sign_in():
    gate = auth.gate_for(host="127.0.0.1")
    assert not gate.signs_in
    assert Client(auth.wrap(hello, gate)).get("/").status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "team.example.org", "::"])
def test_any_other_address_refuses_to_start_without_sign_in(host):
    with pytest.raises(auth.SignInError, match="needs sign-in: give --users FILE"):
        auth.gate_for(host=host)


def test_public_serves_everyone_on_any_address():
    assert not auth.gate_for(host="0.0.0.0", public=True).signs_in


def test_contradictory_settings_are_refused(users_file):
    with pytest.raises(auth.SignInError, match="not both"):
        auth.gate_for(host="0.0.0.0", users_file=users_file, proxy_user_header="X-User")
    with pytest.raises(auth.SignInError, match="--public"):
        auth.gate_for(host="0.0.0.0", users_file=users_file, public=True)


def test_a_missing_users_file_fails_before_serving(tmp_path):
    with pytest.raises(auth.SignInError, match=r"no such users file.*ecosystem users add"):
        auth.gate_for(host="0.0.0.0", users_file=tmp_path / "nobody")


@pytest.mark.parametrize(
    ("given", "expected"), [("ecosystem", "/ecosystem/"), ("/a/b", "/a/b/"), ("", "/")]
)
def test_prefixes_are_normalised(given, expected):
    assert auth.normalise_prefix(given) == expected


@pytest.mark.parametrize("bad", ["/a b/", "/../x/", "/x?y/", "/a//b/", "/.hidden/"])
def test_prefixes_that_are_not_plain_paths_are_refused(bad):
    with pytest.raises(auth.SignInError, match="plain path"):
        auth.normalise_prefix(bad)


# ----------------------------------------------------------------------------- the users file


def test_the_users_file_holds_an_argon2id_hash_never_the_password(users_file):
    text = users_file.read_text()
    assert PASSWORD not in text
    (line,) = [row for row in text.splitlines() if row.startswith("alice:")]
    assert line.startswith("alice:$argon2id$")
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600


def test_real_hashes_use_argon2id_at_its_recommended_cost(tmp_path, monkeypatch):
    monkeypatch.setattr(auth.users, "_hasher", PRODUCTION_HASHER)
    auth.add_user(tmp_path / "users", "alice", PASSWORD)
    hashed = auth.read_users(tmp_path / "users")["alice"]
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106, second choice


def test_same_password_twice_gives_different_hashes(tmp_path):
    path = tmp_path / "users"
    auth.add_user(path, "a", PASSWORD)
    auth.add_user(path, "b", PASSWORD)
    users = auth.read_users(path)
    assert users["a"] != users["b"]  # salted


def test_removing_a_user(users_file):
    auth.add_user(users_file, "bob", PASSWORD)
    auth.remove_user(users_file, "alice")
    assert list(auth.read_users(users_file)) == ["bob"]
    with pytest.raises(auth.SignInError, match="no user 'alice'"):
        auth.remove_user(users_file, "alice")


def test_a_damaged_users_file_names_the_line(users_file):
    users_file.write_text(users_file.read_text() + "mallory:plaintext\n")
    with pytest.raises(auth.SignInError, match=r"users:3: not NAME:ARGON2-HASH"):
        auth.read_users(users_file)


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "../etc", "é"])
def test_bad_user_names_are_refused(tmp_path, name):
    with pytest.raises(auth.SignInError, match="not a user name"):
        auth.add_user(tmp_path / "users", name, PASSWORD)


def test_short_passwords_are_refused(tmp_path):
    with pytest.raises(auth.SignInError, match="at least 8"):
        auth.add_user(tmp_path / "users", "alice", "short")


def test_users_command_reads_the_password_from_stdin(tmp_path, monkeypatch):
    path = tmp_path / "users"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    assert main(["users", "add", "carol", "--users", str(path), "--password-stdin"], out) == 0
    assert "added carol" in out.getvalue()
    assert PASSWORD not in out.getvalue()
    out = io.StringIO()
    assert main(["users", "list", "--users", str(path)], out) == 0
    assert out.getvalue() == "carol\n"


def test_users_command_asks_twice_without_echo(tmp_path, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    err = io.StringIO()
    path = tmp_path / "users"
    assert main(["users", "add", "dave", "--users", str(path)], io.StringIO(), err) == 2
    assert "the two passwords differ" in err.getvalue()
    assert not path.exists()


# ----------------------------------------------------------------------------- prefix and health


def test_health_answers_without_sign_in(users_file):
    client = signed_in_client(users_file, prefix="/ecosystem/")
    for path in ("/healthz", "/ecosystem/healthz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json["status"] == "ok"


def test_the_app_is_mounted_under_its_prefix():
    client = Client(auth.wrap(hello, auth.Gate(url_prefix="/ecosystem/")))
    response = client.get("/ecosystem/assets/app.css")
    assert response.json == {"user": None, "script": "/ecosystem", "path": "/assets/app.css"}
    assert client.get("/assets/app.css").status_code == 404
    redirect = client.get("/ecosystem?view=2")
    assert (redirect.status_code, redirect.headers["Location"]) == (308, "/ecosystem/?view=2")


# ----------------------------------------------------------------------------- signing in


def test_without_a_session_a_page_redirects_to_sign_in_and_data_is_refused(users_file):
    client = signed_in_client(users_file, prefix="/ecosystem/")
    page = client.get("/ecosystem/?selected=ismc", headers={"Accept": "text/html"})
    assert page.status_code == 303
    assert page.headers["Location"] == "/ecosystem/signin?next=%2Fecosystem%2F%3Fselected%3Dismc"
    for method, path in [("POST", "/ecosystem/_dash-update-component"), ("GET", "/ecosystem/")]:
        response = client.open(path, method=method)
        assert response.status_code == 401
        assert "user" not in response.get_data(as_text=True)


def test_the_sign_in_page_needs_no_script_and_carries_a_strict_policy(users_file):
    page = signed_in_client(users_file, prefix="/ecosystem/").get("/ecosystem/signin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html
    assert 'action="/ecosystem/signin"' in html
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    css = signed_in_client(users_file, prefix="/ecosystem/").get("/ecosystem/signin.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_the_right_password_opens_a_session(users_file):
    client = signed_in_client(users_file, prefix="/ecosystem/")
    response = sign_in(client, prefix="/ecosystem/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/ecosystem/?view=1"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/ecosystem/" in cookie
    assert PASSWORD not in cookie
    assert client.get("/ecosystem/data").json["user"] == "alice"


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong password"), ("nobody", PASSWORD)])
def test_a_wrong_name_or_password_is_refused_alike(users_file, name, password):
    client = signed_in_client(users_file)
    response = sign_in(client, name, password)
    assert response.status_code == 401
    assert "Wrong name or password." in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert client.get("/").status_code == 401


def test_a_forged_or_foreign_cookie_is_refused(users_file, tmp_path):
    client = signed_in_client(users_file)
    client.set_cookie(auth.COOKIE_NAME, "eyJ1c2VyIjoiYWxpY2UifQ.forged.signature")
    assert client.get("/").status_code == 401
    # A session signed with another server's secret.
    other = signed_in_client(users_file, secret_file=tmp_path / "other-secret")
    token = sign_in(other).headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    client.set_cookie(auth.COOKIE_NAME, token)
    assert client.get("/").status_code == 401


def test_servers_sharing_a_secret_file_share_sessions(users_file, tmp_path):
    secret = tmp_path / "secret"
    first = signed_in_client(users_file, secret_file=secret)
    second = signed_in_client(users_file, secret_file=secret)
    token = sign_in(first).headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    second.set_cookie(auth.COOKIE_NAME, token)
    assert second.get("/").json["user"] == "alice"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_removing_a_user_or_changing_a_password_ends_their_sessions(users_file):
    client = signed_in_client(users_file)
    sign_in(client)
    assert client.get("/").status_code == 200
    auth.add_user(users_file, "alice", "a new password")
    assert client.get("/").status_code == 401
    sign_in(client, password="a new password")
    assert client.get("/").status_code == 200
    auth.remove_user(users_file, "alice")
    assert client.get("/").status_code == 401


def test_signing_out_ends_the_session(users_file):
    client = signed_in_client(users_file)
    sign_in(client)
    response = client.get("/signout")
    assert response.status_code == 303 and "Max-Age=0" in response.headers["Set-Cookie"]
    assert client.get("/").status_code == 401


def test_repeated_failures_are_slowed_down(users_file):
    client = signed_in_client(users_file)
    statuses = [
        sign_in(client, password=f"guess {n}").status_code for n in range(auth.MAX_FAILURES)
    ]
    assert statuses == [401] * auth.MAX_FAILURES
    blocked = sign_in(client)  # even the right password waits out the window
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in blocked.get_data(as_text=True)


def test_failed_attempts_stay_bounded_in_memory():
    attempts = auth.FailedAttempts(limit=2, window=60)
    for n in range(auth.MAX_TRACKED_CLIENTS + 50):
        attempts.fail((f"10.0.{n // 256}.{n % 256}", "x"), now=float(n))
    assert len(attempts._times) <= auth.MAX_TRACKED_CLIENTS


def test_a_sign_in_posted_from_another_site_is_refused(users_file):
    client = signed_in_client(users_file)
    response = sign_in(client, Origin="https://evil.example", Host="localhost")
    assert response.status_code == 403
    assert sign_in(client, Origin="http://localhost", Host="localhost").status_code == 303


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/signout"]
)
def test_after_sign_in_only_a_path_of_this_app_is_followed(users_file, target):
    client = signed_in_client(users_file)
    response = client.post("/signin", data={"user": "alice", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


def test_an_oversized_sign_in_form_is_refused(users_file):
    client = signed_in_client(users_file)
    response = client.post("/signin", data={"user": "alice", "password": "x" * 100_000})
    assert response.status_code == 413


def test_passwords_are_never_logged(users_file, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    client = signed_in_client(users_file)
    sign_in(client, password="a wrong password here")
    sign_in(client)
    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert PASSWORD not in text and "a wrong password here" not in text


# ----------------------------------------------------------------------------- a proxy signs in


def test_behind_a_proxy_every_request_must_name_its_user():
    gate = auth.gate_for(host="127.0.0.1", proxy_user_header="X-Forwarded-User")
    client = Client(auth.wrap(hello, gate))
    refused = client.get("/")
    assert refused.status_code == 401
    assert "X-Forwarded-User" in refused.get_data(as_text=True)
    assert client.get("/", headers={"X-Forwarded-User": "  "}).status_code == 401
    assert client.get("/", headers={"X-Forwarded-User": "alice"}).json["user"] == "alice"
    assert client.get("/healthz").status_code == 200


def test_the_commands_the_messages_suggest_parse(tmp_path):
    from ecosystem.cli import build_parser

    messages = []
    for call in (
        lambda: auth.gate_for(host="0.0.0.0"),
        lambda: auth.gate_for(host="0.0.0.0", users_file=tmp_path / "users"),
    ):
        with pytest.raises(auth.SignInError) as raised:
            call()
        messages.append(str(raised.value))
    suggested = [part for message in messages for part in message.split("`")[1::2]]
    assert len(suggested) == 2
    for command in suggested:
        argv = command.split()[1:]  # without the program's name
        args = build_parser().parse_args(argv)
        assert (args.command, args.action) == ("users", "add")
