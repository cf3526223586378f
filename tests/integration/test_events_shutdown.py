"""A graceful stop ends open event streams (issue 24): on SIGTERM, gunicorn's workers and the
Node cluster's workers end each open stream cleanly (the response ends, so EventSource
reconnects to a server still running) instead of holding it for the whole grace period, and
the server exits with nothing left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import psutil
import pytest
import requests

from generator import runner, spec
from generator.render import render
from tests.integration.sse import Stream

FRAMEWORKS = ("flask", "express")
WORKERS = {"flask": "1", "express": "2"}
# Far longer than any stop should take: a stream still open at the end of it has been held.
HANG_GUARD = 60


# One file, and a package (several routes): gunicorn.conf.py finds the broker in either.
LAYOUTS = {
    "one-file": [],
    "package": [{"method": "GET", "path": "/"}, {"method": "GET", "path": "/rooms/{room}"}],
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("events-shutdown")
    found = {}
    for layout, routes in LAYOUTS.items():
        answers = {"middleware": ["events"], "production-server": True}
        if routes:
            answers["routes"] = routes
        for project in render(spec.build(answers), FRAMEWORKS, root / layout):
            framework = project.name.rsplit("-", 1)[-1]
            found[framework, layout] = (project, runner.install(project))
    return found


def rest_of(stream: Stream, deadline: float) -> str:
    """What the stream sends until its response ends (a clean end: a cut connection raises)."""
    text = stream.buffer
    for chunk in stream.chunks:
        text += chunk.decode("utf-8")
        assert time.monotonic() < deadline, f"the stream is still open; it sent {text!r}"
    return text


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize(
    "group",
    [
        # Ctrl-C in a terminal, or a supervisor that signals the group: every process at once.
        pytest.param(True, id="process-group"),
        # `docker stop`, `kill PID`: the main process, which signals its workers.
        pytest.param(False, id="main-process"),
    ],
)
def test_sigterm_ends_every_open_stream_and_the_server(framework, layout, group, projects):
    project, installed = projects[framework, layout]
    # A grace period longer than the guard: a stream held until it ends would fail the test.
    # One gunicorn worker, the one that serves the streams: a gunicorn worker signalled in its
    # first moments (before it sets its handlers, while the master already listens) ignores
    # SIGTERM, and the master then waits out the grace period; Node workers die of it.
    env = {"WEB_CONCURRENCY": WORKERS[framework], "GRACEFUL_TIMEOUT": str(HANG_GUARD * 2)}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        with contextlib.ExitStack() as stack:
            streams = [
                stack.enter_context(Stream(server.url, timeout=HANG_GUARD)) for _ in range(4)
            ]
            firsts = [stream.block().fields for stream in streams]
            tree = psutil.Process(server.process.pid).children(recursive=True)
            if group:
                os.killpg(server.process.pid, signal.SIGTERM)
            else:
                server.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + HANG_GUARD
            rests = [rest_of(stream, deadline) for stream in streams]
            code = server.process.wait(timeout=HANG_GUARD)
            _, alive = psutil.wait_procs(tree, timeout=HANG_GUARD)
        output = server.output(lines=100)
    assert firsts == [[("retry", "3000")]] * 4
    # Ended cleanly with nothing more (a heartbeat at most, on a very slow machine).
    assert [rest.replace(": heartbeat\n\n", "") for rest in rests] == [""] * 4, output
    assert code == 0, output
    assert alive == [], output
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url, timeout=10)
