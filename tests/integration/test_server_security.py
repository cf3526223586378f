"""Generated servers under hostile clients (issue 9, items 2 and 3): one rate limit per client for
the whole app, and an access log that a request cannot forge lines in, in both frameworks."""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest
import requests

from generator import runner
from tests.helpers import run_dualgen

FRAMEWORKS = ("flask", "express")


def render_both(tmp_path: Path, *args: str) -> dict[str, Path]:
    """`dualgen new both x --no-input ARGS`: the Flask and the Express project, by framework."""
    result = run_dualgen("new", "both", "x", "--no-input", "-o", str(tmp_path), *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return {framework: tmp_path / f"x-{framework}" for framework in FRAMEWORKS}


def statuses(url: str, requests_: list[tuple[str, str]]) -> list[int]:
    """The status of each (method, path), sent one after the other from the same client."""
    base = url.rstrip("/")
    return [
        requests.request(method, base + path, timeout=10, allow_redirects=False).status_code
        for method, path in requests_
    ]


def settled_log(server: runner.Server) -> str:
    """The server's whole output once every request sent so far is logged.

    morgan writes a line when the response has finished, so a last request is sent and the
    output read again until its line is there.
    """
    marker = f"/settled-{uuid.uuid4().hex}"
    requests.get(server.url.rstrip("/") + marker, timeout=10)
    deadline = time.monotonic() + 10
    text = server.log.read_text(encoding="utf-8", errors="replace")
    while marker not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text = server.log.read_text(encoding="utf-8", errors="replace")
    assert marker in text, f"the request log never showed {marker}:\n{text}"
    return text


def lines_with(text: str, marker: str) -> list[str]:
    """The lines holding marker; any line break a reader honours (\\r, \\x85 …) ends a line."""
    return [line for line in text.splitlines() if marker in line]


GET_A, GET_B, GET_C = ("GET", "/a"), ("GET", "/b"), ("GET", "/c")
ROUTES = ("-r", "GET /a", "-r", "GET /b", "-r", "GET /c")
PREFLIGHT = ("OPTIONS", "/a")


@pytest.mark.parametrize(
    ("args", "sent", "expected"),
    [
        pytest.param(
            ("-m", "rate-limit", "--set", "rate-limit.max=3", *ROUTES),
            [GET_A, GET_B, GET_C, ("GET", "/nope")] * 2 + [GET_A, GET_B],
            [200, 200, 200] + [429] * 7,
            id="three-routes",
        ),
        pytest.param(
            ("-m", "rate-limit,static,error-handlers", "--set", "rate-limit.max=4", *ROUTES),
            [GET_A, ("GET", "/nope"), ("POST", "/a"), ("GET", "/static/style.css"), GET_B, GET_C],
            # Express answers 404 for a method the path has no route for (declared).
            {"flask": [200, 404, 405, 200, 429, 429], "express": [200, 404, 404, 200, 429, 429]},
            id="404-405-and-static-count",
        ),
        pytest.param(
            ("-m", "rate-limit,cors", "--set", "rate-limit.max=3", *ROUTES),
            [PREFLIGHT] * 5 + [GET_A, GET_B, GET_C, GET_A],
            # flask-cors answers a preflight 200, the cors package 204.
            {"flask": [200] * 8 + [429], "express": [204] * 5 + [200] * 3 + [429]},
            id="cors-preflights-do-not-count",
        ),
    ],
)
def test_one_rate_limit_per_client_for_the_whole_app(args, sent, expected, tmp_path):
    projects = render_both(tmp_path, *args)
    seen = {}
    for framework, project in projects.items():
        with runner.serve(project) as server:
            seen[framework] = statuses(server.url, sent)
    both = expected if isinstance(expected, dict) else {"flask": expected, "express": expected}
    assert seen == both


def forwarded_statuses(url: str, clients: list[str]) -> list[int]:
    """The status of GET / sent once as each client, named by the proxy in X-Forwarded-For."""
    return [
        requests.get(url, headers={"X-Forwarded-For": client}, timeout=10).status_code
        for client in clients
    ]


#: One IPv6 client holds a /64 at least: a new address for each request, all in one /56.
SAME_56 = ["2001:db8:0:1::1", "2001:db8:0:1::2", "2001:db8:0:1:ffff::3", "2001:db8:0:ff::4"]


@pytest.mark.parametrize(
    ("subnet", "clients", "expected"),
    [
        pytest.param(56, SAME_56, [200, 200, 200, 429], id="one-56-is-one-client"),
        pytest.param(
            56, [*SAME_56[:3], "2001:db8:0:100::1"], [200] * 4, id="another-56-is-another-client"
        ),
        pytest.param(64, SAME_56, [200, 200, 200, 200], id="with-64-each-64-is-a-client"),
        pytest.param(64, SAME_56[:2] * 2, [200, 200, 200, 429], id="with-64-one-64-is-one-client"),
        pytest.param(
            56,
            ["198.51.100.7", "::ffff:198.51.100.8", "198.51.100.9", "198.51.100.7"],
            [200] * 4,
            id="ipv4-clients-stay-apart",
        ),
    ],
)
def test_an_ipv6_client_is_its_network(subnet, clients, expected, tmp_path):
    projects = render_both(
        tmp_path,
        "-m",
        "proxy,rate-limit",
        "--set",
        "rate-limit.max=3",
        "--set",
        f"rate-limit.ipv6-subnet={subnet}",
    )
    seen = {}
    for framework, project in projects.items():
        with runner.serve(project) as server:
            seen[framework] = forwarded_statuses(server.url, clients)
    assert seen == {"flask": expected, "express": expected}


#: Request targets whose decoded form holds a line break: each must stay one log line.
FORGING_TARGETS = [
    "/nope%0AINFO%20forged-lf",
    "/nope%0D%0AINFO%20forged-crlf",
    "/nope%0DINFO%20forged-cr-alone",
    "/nope?q=%0AINFO%20forged-query",
    "/nope%1B%5B2J%C2%85INFO%20forged-esc-nel",
]


def test_an_encoded_line_break_cannot_forge_a_log_line(tmp_path):
    projects = render_both(tmp_path, "-m", "logging", *ROUTES)
    for framework, project in projects.items():
        with runner.serve(project) as server:
            seen = statuses(server.url, [("GET", target) for target in FORGING_TARGETS])
            log = settled_log(server)
        assert seen == [404] * len(FORGING_TARGETS), framework
        for target in FORGING_TARGETS:
            marker = target.rsplit("forged", 1)[1]
            found = lines_with(log, f"forged{marker}")
            assert len(found) == 1, f"{framework} logs {target} once:\n{log}"
            assert f"GET {target} 404" in found[0], f"{framework} logs the raw target:\n{log}"
        assert not lines_with(log, "INFO forged"), framework


def send_raw(port: int, request_line: bytes) -> bytes:
    """Send one request line as raw bytes; return the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.parametrize(
    ("framework", "status", "logged"),
    [
        # werkzeug's development server passes raw control characters on; they are encoded.
        pytest.param("flask", b"404", ["GET /a%1B[31mraw-esc 404", "G%1B[31MET /raw-method 404"]),
        # Node refuses them, so nothing is logged.
        pytest.param("express", b"400", []),
    ],
    ids=FRAMEWORKS,
)
def test_raw_control_characters_never_reach_the_log(framework, status, logged, tmp_path):
    project = render_both(tmp_path, "-m", "logging", *ROUTES)[framework]
    with runner.serve(project) as server:
        path_status = send_raw(server.port, b"GET /a\x1b[31mraw-esc HTTP/1.1")
        send_raw(server.port, b"G\x1b[31mET /raw-method HTTP/1.1")
        log = settled_log(server)
    assert path_status.split(b" ")[1] == status
    access = lines_with(log, "raw-")
    assert len(access) == len(logged), log
    for line, expected in zip(access, logged, strict=True):
        assert expected in line
        assert line.isprintable(), line


@pytest.mark.parametrize(
    ("args", "production", "startup"),
    [
        pytest.param((), False, "Running on http://127.0.0.1", id="development"),
        pytest.param(("--debug",), False, "Debugger PIN", id="development-debug"),
        pytest.param(("--production-server",), True, "Listening at", id="gunicorn"),
    ],
)
def test_flask_writes_one_access_line_per_request(args, production, startup, tmp_path):
    project = render_both(tmp_path, "-m", "logging", *ROUTES, *args)["flask"]
    targets = ["/a?one", "/nope-two", "/b?three=3"]
    env = {"WEB_CONCURRENCY": "1"} if production else None
    with runner.serve(project, production=production, env=env) as server:
        seen = statuses(server.url, [("GET", target) for target in targets])
        log = settled_log(server)
    assert seen == [200, 404, 200]
    for target in targets:
        assert len(lines_with(log, target)) == 1, f"{target} is logged once:\n{log}"
    assert startup in log, "the server's own startup lines are kept"
