"""The production servers under slow clients and a graceful stop (issue 27, item 11): clients that
send their headers a byte at a time do not stop other clients being answered (gunicorn's
gthread workers, the default; sync workers need a buffering proxy, as the README says), and on
SIGTERM every request the server has accepted is answered."""

from __future__ import annotations

import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from generator import runner, spec
from generator.render import render
from tests.integration.test_production import add_after, wait_for
from tests.integration.test_server_security import FRAMEWORKS

# A route that marks each request's start in a folder and answers once the test releases it.
FLASK_SLOW = """

@app.route('/slow')
def slow():
    import pathlib
    import time
    import uuid

    pathlib.Path(os.environ['SLOW_STARTED'], uuid.uuid4().hex).touch()
    while not pathlib.Path(os.environ['SLOW_RELEASE']).exists():
        time.sleep(0.02)
    return 'finished'
"""
EXPRESS_SLOW = """
app.get('/slow', (req, res) => {
  const fs = require('node:fs');
  const path = require('node:path');
  fs.writeFileSync(path.join(process.env.SLOW_STARTED, require('node:crypto').randomUUID()), '');
  const timer = setInterval(() => {
    if (!fs.existsSync(process.env.SLOW_RELEASE)) return;
    clearInterval(timer);
    res.send('finished');
  }, 20);
});
"""
SLOW_CLIENTS = 5
WORKERS = "2"


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    """The production preset (gthread workers by default) with a /slow route added by hand."""
    root = tmp_path_factory.mktemp("slow")
    flask, express = render(spec.build({"preset": "production"}), FRAMEWORKS, root)
    assert "worker_class = 'gthread'" in (flask / "gunicorn.conf.py").read_text()
    add_after(flask / "app.py", "app = create_app()", FLASK_SLOW)
    add_after(express / "app.js", "app.disable('x-powered-by');", EXPRESS_SLOW)
    return {
        "flask": (flask, runner.install(flask)),
        "express": (express, runner.install(express)),
    }


class SlowClient(threading.Thread):
    """Sends a request's headers one byte every 0.2 s until told to stop."""

    def __init__(self, port: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.stop = stop

    def run(self) -> None:
        line = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000
        with self.sock:
            for byte in line:
                if self.stop.wait(0.2):
                    return
                try:
                    self.sock.send(bytes([byte]))
                except OSError:
                    return


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_slow_clients_do_not_stop_others_being_answered(framework, projects):
    project, installed = projects[framework]
    stop = threading.Event()
    env = {"WEB_CONCURRENCY": WORKERS}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        clients = [SlowClient(server.port, stop) for _ in range(SLOW_CLIENTS)]
        for client in clients:
            client.start()
        try:
            time.sleep(1)  # every slow client has sent some bytes: each holds what it got
            # Ten new connections, one after the other (gunicorn hands them to any worker).
            answers = [requests.get(server.url, timeout=10).status_code for _ in range(10)]
        finally:
            stop.set()
        output = server.output()
    assert answers == [200] * 10, output


def raw_get(port: int, path: str) -> socket.socket:
    """A connection that has sent a whole request: accepted by the kernel, readable at once."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    return sock


def answer(sock: socket.socket) -> bytes:
    chunks = []
    with sock:
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError as error:
            return f"{type(error).__name__}".encode()
    return b"".join(chunks)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_sigterm_answers_every_request_already_sent(framework, projects):
    """More requests than the server runs at once: gunicorn's gthread workers queue the rest,
    the Node workers take them all; a graceful stop answers each one."""
    project, installed = projects[framework]
    flags = project / f"flags-{time.monotonic_ns()}"
    started, release = flags / "started", flags / "release"
    started.mkdir(parents=True)
    env = {"WEB_CONCURRENCY": WORKERS, "GUNICORN_THREADS": "2"}
    env |= {"SLOW_STARTED": str(started), "SLOW_RELEASE": str(release)}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        sent = [raw_get(server.port, "/slow") for _ in range(8)]
        try:
            # Up to 2 workers × 2 threads in flight (all 8 in Node), the others queued.
            wait_for(lambda: len(list(started.iterdir())) >= 2, "two requests in flight")
            time.sleep(0.5)  # the others reach the workers' queues
            server.process.send_signal(signal.SIGTERM)
            release.touch()
        finally:
            answers = [answer(sock) for sock in sent]
        code = server.process.wait(timeout=30)
        output = server.output()
    assert [reply.split(b"\r\n", 1)[0] for reply in answers] == [b"HTTP/1.1 200 OK"] * 8, output
    assert all(reply.endswith(b"finished") for reply in answers), answers
    assert code == 0, output
