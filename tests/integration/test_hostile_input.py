"""Hostile input to the generated servers (issue 27, item 12 and the JSON access log): a JSON body
nested 1,000 deep gets the same 400 in both frameworks, never a 500 or a traceback; and both
JSON access logs write every character outside printable ASCII as the same \\uXXXX escape."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest
import requests

from generator import runner
from tests.integration.test_server_security import FRAMEWORKS, render_both, settled_log

DEPTH = 64  # the json-body.depth default
BAD_REQUEST = {"error": "Bad Request"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    """Both frameworks with JSON bodies, JSON errors, a JSON access log and one proxy."""
    root = tmp_path_factory.mktemp("hostile")
    args = ("-m", "json-body,error-handlers,logging,request-id,proxy")
    args += ("--set", "logging.format=json", "-r", "POST /items")
    return {
        framework: (project, runner.install(project))
        for framework, project in render_both(root, *args).items()
    }


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_json_nested_deeper_than_the_limit_is_refused_alike(framework, servers):
    project, installed = servers[framework]
    headers = {"Content-Type": "application/json"}
    with runner.serve(project, installed=installed) as server:
        url = server.url + "items"
        at_limit = requests.post(url, data=nested(DEPTH), headers=headers, timeout=10)
        answers = [
            requests.post(url, data=body, headers=headers, timeout=10)
            for body in (
                nested(DEPTH + 1),
                nested(1_000),  # the depth that crashed Flask's parser (RecursionError)
                nested(50_000),  # 100 KB: as deep as the body limit allows
                # Brackets inside strings do not nest; these are too deep outside them.
                b'{"a": "[[[[", "b": ' + nested(DEPTH + 1) + b"}",
            )
        ]
        log = settled_log(server)
    assert at_limit.status_code == 200, log
    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (400, BAD_REQUEST)
    ] * 4, log
    assert "Traceback" not in log and "RecursionError" not in log, log


#: X-Forwarded-For values (the proxy choice logs them as the client), as raw header bytes.
HOSTILE_CLIENTS = [
    b"1.2.3.4\x85",  # NEL: a line break to Python's str.splitlines and to some log readers
    b"\x9b2J",  # CSI: a terminal control sequence in one byte
    b"\xc3\xa9",  # UTF-8 bytes, read as Latin-1 by both servers
    b"\xe2\x80\xa8",  # LINE SEPARATOR's UTF-8 bytes
    b"\xa0\xff",
]


def logged_clients(server: runner.Server, clients: list[bytes]) -> list[str]:
    """Send one request per X-Forwarded-For value; the raw JSON text of each logged client."""
    markers = []
    for client in clients:
        marker = f"/hostile-{uuid.uuid4().hex}"
        markers.append(marker)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                f"GET {marker} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
                + b"X-Forwarded-For: "
                + client
                + b"\r\n\r\n"
            )
            assert sock.recv(12) == b"HTTP/1.1 404"
    log = settled_log(server)
    found = []
    for marker in markers:
        lines = [line for line in log.split("\n") if f'"path":"{marker}"' in line]
        assert len(lines) == 1, log
        # The client as written: the raw text of its JSON string.
        found.append(lines[0].split('"client":', 1)[1].rstrip("}"))
    return found


def test_both_json_logs_escape_every_character_past_ascii_alike(servers):
    written = {}
    for framework in FRAMEWORKS:
        project, installed = servers[framework]
        with runner.serve(project, installed=installed) as server:
            written[framework] = logged_clients(server, HOSTILE_CLIENTS)
    assert written["flask"] == written["express"], written
    assert written["flask"] == [
        '"1.2.3.4\\u0085"',
        '"\\u009b2J"',
        '"\\u00c3\\u00a9"',
        '"\\u00e2\\u0080\\u00a8"',
        '"\\u00a0\\u00ff"',
    ]
    for text in written["flask"] + written["express"]:
        assert all(" " <= char <= "~" for char in text), text
