"""The app never writes to the data directory, whatever users do."""

from __future__ import annotations

import hashlib
import shutil

from benchmarks.callbacks import EXPORTS, SHIPPED, _payload, actions
from ecosystem.app import create_app
from ecosystem.cli import build_parser
from ecosystem.graph import default_data_dir, load_graph


def snapshot(folder) -> dict:
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_using_the_app_leaves_the_data_untouched(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    before = snapshot(data)
    app = create_app(load_graph(data))
    client = app.server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    for output, values in {**actions(SHIPPED), **EXPORTS}.values():
        # The server's callback, not one the browser runs (the first view's, say)
        (dependency,) = [
            d for d in dependencies if output in d["output"] and not d.get("clientside_function")
        ][:1]
        assert client.post(
            "/_dash-update-component", json=_payload(dependency, values)
        ).status_code in (200, 204)
    for doc in (data / "sources").iterdir():
        assert client.get(f"/source/{doc.name}?line=2").status_code == 200
    assert snapshot(data) == before


def test_the_server_binds_to_loopback_without_debug_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    assert args.debug is False


def test_idle_connections_outlive_a_viewers_pause_between_clicks():
    from ecosystem.server import gunicorn_settings, waitress_settings

    settings = gunicorn_settings("127.0.0.1", 8050, 2)
    assert waitress_settings()["channel_timeout"] >= 60  # a 2 s keep-alive reset connections
    assert settings["preload_app"] is True  # the model is built once, before the fork
