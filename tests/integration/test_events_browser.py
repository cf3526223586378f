"""Server-sent events in a real browser (issue 24): a page on an allowed origin, in Debian's
Chromium driven by Playwright, receives events through `EventSource` from each framework's
production server; the server restarts (SIGTERM, then started again on the same port) while
another process of the same app goes on publishing through Redis, and the page's EventSource
reconnects with Last-Event-ID and resumes without losing or repeating an event."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import runner, spec
from generator.render import render
from tests.helpers import missing
from tests.integration.sse import publish
from tests.integration.test_compare_browser import find_chromium
from tests.integration.test_redis import redis_cli, redis_port  # noqa: F401 (a fixture)

FRAMEWORKS = ("flask", "express")
PAGE = """<!doctype html>
<meta charset="utf-8">
<title>events</title>
<script>
  window.received = [];
  window.opened = 0;
  const source = new EventSource(new URLSearchParams(location.search).get('events'));
  source.onopen = () => { window.opened += 1; };
  source.addEventListener('tick', (event) => {
    window.received.push([event.lastEventId, JSON.parse(event.data)]);
  });
</script>
"""
# Each wait of the page's state gives up after this (a hang guard, never a measure).
GUARD_MS = 60_000


class PageServer(http.server.ThreadingHTTPServer):
    """The page, on an origin of its own (another port): the events come from another origin."""

    def __init__(self) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def page_server() -> Iterator[PageServer]:
    served = PageServer()
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()


@pytest.fixture(scope="module")
def projects(tmp_path_factory, page_server) -> dict[str, tuple[Path, runner.Installed]]:
    answers = {
        "middleware": ["cors", "events"],
        "settings": {
            "cors": {"origins": [page_server.origin]},
            "events": {"broker": "redis://localhost"},
        },
        "production-server": True,
    }
    root = tmp_path_factory.mktemp("events-browser")
    found = {}
    for project in render(spec.build(answers), FRAMEWORKS, root):
        framework = project.name.rsplit("-", 1)[-1]
        found[framework] = (project, runner.install(project))
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = find_chromium()
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed; install the test extra: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox"]
            )
        except sync_api.Error as error:
            missing(f"Playwright cannot start {chromium}: {error}")
        yield launched
        launched.close()


def ticks(base: str, numbers: range) -> list[int]:
    return [publish(base, "tick", n) for n in numbers]


@pytest.mark.parametrize(("framework", "db"), [("flask", 7), ("express", 8)], ids=FRAMEWORKS)
def test_a_page_resumes_its_events_after_the_server_restarts(
    framework,
    db,
    projects,
    page_server,
    browser,
    redis_port,  # noqa: F811
):
    project, installed = projects[framework]
    redis_cli(redis_port, "-n", str(db), "FLUSHDB")
    env = {"WEB_CONCURRENCY": "1", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/{db}"}
    context = browser.new_context()
    port = runner.free_port()
    stream = f"http://127.0.0.1:{port}/events"
    asked = []  # the Last-Event-ID of each request for the stream that was answered

    def answered(response: Any) -> None:
        if response.url == stream:
            asked.append(response.request.all_headers().get("last-event-id"))

    context.on("response", answered)
    with contextlib.ExitStack() as stack:
        stack.callback(context.close)
        # Another process of the same app, as another worker or machine: it publishes while
        # the page's server restarts.
        other = stack.enter_context(runner.serve(project, installed=installed, env=env))
        with runner.serve(
            project, installed=installed, production=True, port=port, env=env
        ) as server:
            page = context.new_page()
            page.goto(f"{page_server.origin}/?events={stream}")
            page.wait_for_function("window.opened === 1", timeout=GUARD_MS)
            before = ticks(server.url, range(3))
            page.wait_for_function("window.received.length === 3", timeout=GUARD_MS)
            os.killpg(server.process.pid, signal.SIGTERM)
            code = server.process.wait(timeout=GUARD_MS / 1000)
            output = server.output()
        during = ticks(other.url, range(3, 6))
        with runner.serve(
            project, installed=installed, production=True, port=port, env=env
        ) as again:
            page.wait_for_function("window.opened === 2", timeout=GUARD_MS)
            after = ticks(again.url, range(6, 9))
            page.wait_for_function("window.received.length >= 9", timeout=GUARD_MS)
            received = page.evaluate("window.received")
    sent = before + during + after
    assert code == 0, output
    assert sent == list(range(sent[0], sent[0] + 9))
    assert received == [[str(id), n] for n, id in enumerate(sent)]
    # The reconnection said which event the page had last, and the server went on from there.
    assert asked == [None, str(before[-1])]
