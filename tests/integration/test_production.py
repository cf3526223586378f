"""The production servers (issue 14): gunicorn and the Node cluster stop gracefully on SIGTERM,
the cluster fails fast and backs off, IPv6 hosts start, and Express's error handlers and debug
mode behave as the Express guide and Flask do."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
import time
from pathlib import Path

import psutil
import pytest
import requests

from generator import runner, spec
from generator.processes import start
from generator.render import render
from tests.integration.test_server_security import FRAMEWORKS, render_both

# A route that says when it has started and answers only once the test releases it: a request
# known to be in flight, however slow the machine.
FLASK_SLOW = """

@app.route('/slow')
def slow():
    import pathlib
    import time

    pathlib.Path(os.environ['SLOW_STARTED']).touch()
    while not pathlib.Path(os.environ['SLOW_RELEASE']).exists():
        time.sleep(0.02)
    return 'finished'
"""
EXPRESS_SLOW = """
app.get('/slow', (req, res) => {
  const fs = require('node:fs');
  fs.writeFileSync(process.env.SLOW_STARTED, '');
  const timer = setInterval(() => {
    if (!fs.existsSync(process.env.SLOW_RELEASE)) return;
    clearInterval(timer);
    res.send('finished');
  }, 20);
});
"""


def add_after(path: Path, anchor: str, code: str) -> None:
    """Hand-edit a generated file: insert code after the first line that is anchor."""
    text = path.read_text(encoding="utf-8")
    assert anchor + "\n" in text, f"{path.name} has no line {anchor!r}"
    path.write_text(text.replace(anchor + "\n", anchor + "\n" + code, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def slow_projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    """The production preset in both frameworks, each with a /slow route added by hand."""
    root = tmp_path_factory.mktemp("production")
    flask, express = render(spec.build({"preset": "production"}), FRAMEWORKS, root)
    add_after(flask / "app.py", "app = create_app()", FLASK_SLOW)
    add_after(express / "app.js", "app.disable('x-powered-by');", EXPRESS_SLOW)
    return {
        "flask": (flask, runner.install(flask)),
        "express": (express, runner.install(express)),
    }


def wait_for(condition, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s"
        time.sleep(0.02)


class SlowRequest:
    """GET /slow in a thread; `.response` is the response, or the exception it raised."""

    def __init__(self, url: str) -> None:
        self.response: requests.Response | Exception | None = None
        self.thread = threading.Thread(target=self._run, args=(url + "slow",))
        self.thread.start()

    def _run(self, url: str) -> None:
        try:
            self.response = requests.get(url, timeout=60)
        except requests.RequestException as error:
            self.response = error

    def result(self) -> requests.Response | Exception | None:
        self.thread.join(timeout=60)
        return self.response


@pytest.mark.parametrize(
    ("framework", "refuses_at_once"),
    [
        # The master closes its sockets at once, but a busy sync worker holds its copy until its
        # request is answered: the kernel still completes new connections, never served.
        pytest.param("flask", False, id="gunicorn"),
        # Each worker closes its server; the primary closes the port once none listens.
        pytest.param("express", True, id="node-cluster"),
    ],
)
def test_sigterm_lets_the_request_in_flight_finish(framework, refuses_at_once, slow_projects):
    project, installed = slow_projects[framework]
    flags = project / "flags"
    flags.mkdir(exist_ok=True)
    started, release = flags / "started", flags / "release"
    env = {"WEB_CONCURRENCY": "2", "SLOW_STARTED": str(started), "SLOW_RELEASE": str(release)}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        slow = SlowRequest(server.url)
        wait_for(started.exists, "the slow request reaching the app")
        server.process.send_signal(signal.SIGTERM)  # the main process only, as `docker stop`
        if refuses_at_once:
            wait_for(lambda: not runner.port_in_use(server.port), "closing the port")
        assert runner.port_in_use(server.port) is not refuses_at_once
        release.touch()
        response = slow.result()
        code = server.process.wait(timeout=20)
        output = server.output()
    assert isinstance(response, requests.Response), f"{response}\n{output}"
    assert (response.status_code, response.text) == (200, "finished")
    assert code == 0, output


def test_sigterm_to_the_cluster_s_process_group_lets_the_request_in_flight_finish(slow_projects):
    """A supervisor that signals the whole group: each Node worker gets SIGTERM twice, directly
    and from the primary, and still finishes its request (it once disconnected twice, which
    exited at once and cut it). Not gunicorn: a worker signalled while it boots ignores SIGTERM
    until the grace period ends (gunicorn's own window, its own issue)."""
    project, installed = slow_projects["express"]
    flags = project / "flags-group"
    flags.mkdir(exist_ok=True)
    started, release = flags / "started", flags / "release"
    env = {"WEB_CONCURRENCY": "2", "SLOW_STARTED": str(started), "SLOW_RELEASE": str(release)}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        slow = SlowRequest(server.url)
        wait_for(started.exists, "the slow request reaching the app")
        os.killpg(server.process.pid, signal.SIGTERM)
        main = psutil.Process(server.process.pid)
        # The idle worker gone: the busy one has had both signals too.
        wait_for(lambda: len(main.children()) <= 1, "the idle worker stopping")
        release.touch()
        response = slow.result()
        code = server.process.wait(timeout=20)
        output = server.output()
    assert isinstance(response, requests.Response), f"{response}\n{output}"
    assert (response.status_code, response.text) == (200, "finished")
    assert code == 0, output


@pytest.mark.parametrize(
    ("framework", "exit_code"),
    [
        # gunicorn kills the workers left and still exits 0.
        pytest.param("flask", 0, id="gunicorn"),
        # The cluster says requests were cut short.
        pytest.param("express", 1, id="node-cluster"),
    ],
)
def test_the_grace_period_is_configurable(framework, exit_code, slow_projects):
    project, installed = slow_projects[framework]
    flags = project / "flags-grace"
    flags.mkdir(exist_ok=True)
    started = flags / "started"
    env = {
        "WEB_CONCURRENCY": "2",
        "GRACEFUL_TIMEOUT": "1",  # the default, 30 s, would outlast the wait below
        "SLOW_STARTED": str(started),
        "SLOW_RELEASE": str(flags / "never"),
    }
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        slow = SlowRequest(server.url)
        wait_for(started.exists, "the slow request reaching the app")
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=15)
        response = slow.result()
        output = server.output()
    assert isinstance(response, requests.ConnectionError), response
    assert code == exit_code, output


def nodes_under(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True) if p.name() == "node"]


def test_npm_start_prod_leaves_no_node_behind(slow_projects):
    """npm runs scripts through sh, which dies of the SIGTERM npm passes on without passing it
    to node: the cluster notices it was left behind and stops."""
    project, installed = slow_projects["express"]
    port = runner.free_port()
    env = dict(installed.env, PORT=str(port), HOST="127.0.0.1", WEB_CONCURRENCY="2")
    npm = start(["npm", "run", "start:prod"], cwd=project, env=env)
    try:
        wait_for(lambda: runner.port_in_use(port), "the cluster listening")
        wait_for(lambda: len(nodes_under(npm.pid)) == 3, "the primary and two workers")
        nodes = nodes_under(npm.pid)
        npm.send_signal(signal.SIGTERM)  # npm only, as a supervisor does
        npm.wait(timeout=10)
        gone, alive = psutil.wait_procs(nodes, timeout=15)
        assert alive == []
        assert not runner.port_in_use(port)
    finally:
        runner.stop(npm)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> tuple[Path, runner.Installed]:
    root = tmp_path_factory.mktemp("cluster")
    (project,) = render(spec.build({"production-server": True}), ("express",), root)
    return project, runner.install(project)


def run_cluster(project: Path, installed: runner.Installed, port: int, **env: str):
    env = dict(installed.env, PORT=str(port), HOST="127.0.0.1", **env)
    log = project / f"cluster-{port}.log"
    with open(log, "wb") as out:
        process = start(["node", "server.js"], cwd=project, env=env, stdout=out, stderr=out)
    return process, log


def test_the_cluster_stops_when_workers_cannot_listen(cluster):
    project, installed = cluster
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process, log = run_cluster(project, installed, taken.getsockname()[1], WEB_CONCURRENCY="4")
        try:
            code = process.wait(timeout=20)
        finally:
            runner.stop(process)
    output = log.read_text(encoding="utf-8")
    assert code == 1, output
    assert "EADDRINUSE" in output
    assert "failed to start (code 1): stopping" in output
    assert output.count("cannot listen on port") <= 4, "no worker is forked again"


EXPRESS_CRASH = """
app.get('/crash', () => {
  setImmediate(() => {
    throw new Error('crash');
  });
});
"""


def test_the_cluster_backs_off_when_workers_keep_crashing(cluster, tmp_path):
    """Four crashes in a row, each of a worker that was listening: each replacement waits
    twice as long as the one before."""
    project, installed = cluster
    crashing = tmp_path / "crashing"
    crashing.mkdir()
    for name in ("app.js", "server.js", "package.json"):
        (crashing / name).write_bytes((project / name).read_bytes())
    add_after(crashing / "app.js", "app.disable('x-powered-by');", EXPRESS_CRASH)
    port = runner.free_port()
    url = f"http://127.0.0.1:{port}/"
    process, log = run_cluster(crashing, installed, port, WEB_CONCURRENCY="1")
    replaced = re.compile(r"died \(code 1\); replacing it in (\d+) ms")

    def crashes() -> int:
        return len(replaced.findall(log.read_text(encoding="utf-8")))

    try:
        for n in range(1, 5):
            wait_for(lambda: text_or_nothing(url) == "Hello, World!", "a worker answering")
            with pytest.raises(requests.ConnectionError):
                requests.get(url + "crash", timeout=10)
            # Only then ask again: a connection handed to a dying worker is never answered.
            wait_for(lambda n=n: crashes() == n, f"crash {n} seen by the primary")
        output = log.read_text(encoding="utf-8")
    finally:
        runner.stop(process)
    assert replaced.findall(output) == ["100", "200", "400", "800"], output


def listening_on_ipv6_loopback(port: int) -> bool:
    with socket.socket(socket.AF_INET6) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("::1", port)) == 0


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_an_ipv6_host_starts_the_production_server(framework, tmp_path):
    project = render_both(tmp_path, "--host", "::1", "--production-server")[framework]
    installed = runner.install(project)
    port = runner.free_port()
    env = dict(installed.env, PORT=str(port))
    env.pop("HOST", None)  # the generated default, ::1, decides
    process = start(installed.command(production=True), cwd=project, env=env)
    try:
        wait_for(lambda: listening_on_ipv6_loopback(port), "listening on [::1]")
        response = requests.get(f"http://[::1]:{port}/", timeout=10)
    finally:
        runner.stop(process)
    assert (response.status_code, response.text) == (200, "Hello, World!")


EXPRESS_HALF_SENT = """
app.get('/half', (req, res, next) => {
  res.write('partial');
  next(new Error('failed after the headers were sent'));
});
"""


@pytest.mark.parametrize(
    "middleware",
    [pytest.param("error-handlers", id="json-errors"), pytest.param("json-body", id="fallback")],
)
def test_express_error_handlers_delegate_once_headers_are_sent(middleware, tmp_path):
    project = render_both(tmp_path, "-m", middleware)["express"]
    add_after(project / "app.js", "app.disable('x-powered-by');", EXPRESS_HALF_SENT)
    with runner.serve(project) as server:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(server.url + "half", timeout=10)
        wait_for(lambda: "failed after the headers" in server.output(200), "the error logged")
        output = server.output(200)
    assert "ERR_HTTP_HEADERS_SENT" not in output


def text_or_nothing(url: str) -> str:
    """The body at url, or nothing while the server restarts."""
    try:
        return requests.get(url, timeout=10).text
    except requests.RequestException:
        return ""


@pytest.mark.parametrize(
    ("framework", "source", "traceback"),
    [
        pytest.param("flask", "x/routes.py", "Traceback (most recent call last)", id="flask"),
        pytest.param("express", "routes/index.js", "Error: kaboom\n    at ", id="express"),
    ],
)
def test_debug_restarts_on_changes_and_answers_stack_traces(framework, source, traceback, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("routes:\n  - {method: GET, path: /boom, error: kaboom}\n", encoding="utf-8")
    project = render_both(tmp_path, "--debug", "--answers", str(answers))[framework]
    with runner.serve(project) as server:
        failed = requests.get(server.url + "boom", timeout=10)
        code = project / source
        code.write_text(code.read_text(encoding="utf-8").replace("kaboom", "changed"))
        assert "changed" in code.read_text(encoding="utf-8")
        wait_for(lambda: "changed" in text_or_nothing(server.url + "boom"), "a restart")
    assert failed.status_code == 500
    assert traceback in failed.text and "kaboom" in failed.text
