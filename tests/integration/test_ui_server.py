"""`dualgen ui` as a process: the text help's examples run with curl, the zip it serves passes
`verify`, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import io
import socket
import subprocess
import zipfile
from urllib.parse import urlsplit

import psutil
import pytest
import requests

from tests.helpers import require_tools, run_dualgen
from tests.integration.ui_server import start_ui

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path):
    (tmp_path / "out").mkdir()
    started = start_ui(tmp_path / "out", tmp_path)
    yield started
    started.stop()


def test_the_text_help_examples_run(server, tmp_path):
    require_tools("curl")
    help_text = subprocess.run(
        ["curl", "-fsS", f"{server.base}/"], capture_output=True, text=True, check=True
    ).stdout
    examples = [line.strip() for line in help_text.splitlines() if line.startswith("  curl ")]
    assert len(examples) == 6
    for example in examples:
        result = subprocess.run(
            example, shell=True, cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (example, result.stderr)
    with zipfile.ZipFile(tmp_path / "shop.zip") as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {
            "shop-flask",
            "shop-express",
        }
    with zipfile.ZipFile(tmp_path / "answers.zip") as archive:
        assert archive.namelist() == [
            "dualgen-answers/",
            "dualgen-answers/README.txt",
            "dualgen-answers/api-shop.yaml",
            "dualgen-answers/shop.yaml",
        ]


def test_ctrl_c_stops_the_server_cleanly(tmp_path):
    started = start_ui(None, tmp_path)
    port = urlsplit(started.url).port
    assert requests.get(f"{started.base}/api/command", timeout=10).status_code == 200
    code, stderr = started.stop()
    # As every command: one line and 128 + SIGINT (README, "Stopping a command").
    assert code == 130
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("dualgen: stopped by SIGINT")
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass


def test_it_listens_on_loopback_only(server):
    port = urlsplit(server.url).port
    listening = [
        c.laddr
        for c in psutil.Process(server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert [(a.ip, a.port) for a in listening] == [("127.0.0.1", port)]


def test_the_zip_passes_verify(server, tmp_path):
    query = "framework=both&name=shop&middleware=cors,json-body"
    data = requests.get(f"{server.base}/starter.zip?{query}", timeout=120).content
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "unzipped")
    for project in ("shop-flask", "shop-express"):
        result = run_dualgen("verify", project, cwd=tmp_path / "unzipped")
        assert result.returncode == 0, result.stdout + result.stderr
