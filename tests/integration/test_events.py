"""Server-sent events (issue 24) against real generated servers, Flask and Express, on their
development and production servers: the stream's framing, ids, resumption with Last-Event-ID,
heartbeats, publish validation, and the other choices with a stream open (compression, the
access log, CORS)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from generator import runner, spec
from generator.render import render
from tests.integration.sse import Stream, publish

FRAMEWORKS = ("flask", "express")
SERVERS = [(f, p) for f in FRAMEWORKS for p in (False, True)]
SERVER_IDS = [f"{f}-{'production' if p else 'development'}" for f, p in SERVERS]
ORIGIN = "https://chat.example.com"
HOSTILE = [
    "a\n\nevent: x\ndata: forged",
    "\r\n\r\nid: 999\r\nevent: x\r\ndata: y\r\n\r\n",
    "line\rbreak\u2028and\u0085more",
    {"nested": "\n\nevent: x\n\n", "list": [1, "data: 2\n"]},
    "",
    None,
]


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    """Events with the choices a stream must live with, a 1 s heartbeat."""
    answers = {
        "middleware": ["request-id", "logging", "cors", "compression", "events"],
        "settings": {"events": {"heartbeat": 1, "history": 3}, "cors": {"origins": [ORIGIN]}},
        "production-server": True,
    }
    root = tmp_path_factory.mktemp("events")
    found = {}
    for project in render(spec.build(answers), FRAMEWORKS, root):
        framework = project.name.rsplit("-", 1)[-1]
        found[framework] = (project, runner.install(project))
    return found


@pytest.fixture(scope="module", params=SERVERS, ids=SERVER_IDS)
def server(request, projects) -> Iterator[runner.Server]:
    framework, production = request.param
    project, installed = projects[framework]
    # One worker: an event in memory reaches the streams of the worker it was posted to.
    env = {"WEB_CONCURRENCY": "1"}
    with runner.serve(project, installed=installed, production=production, env=env) as running:
        yield running


def test_a_stream_starts_with_retry_and_says_what_it_is(server):
    with Stream(server.url) as stream:
        first = stream.block()
        headers = stream.response.headers
    assert stream.response.status_code == 200
    assert headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Accel-Buffering"] == "no"
    assert first.fields == [("retry", "3000")]


@pytest.mark.parametrize("data", HOSTILE, ids=[f"hostile-{n}" for n in range(len(HOSTILE))])
def test_an_event_is_one_event_whatever_its_data(server, data):
    with Stream(server.url) as stream:
        stream.block()  # retry:, sent once the stream is subscribed
        sent = publish(server.url, "chat.message", data)
        last = publish(server.url, "end", "sentinel")
        received = [stream.event(), stream.event()]
    assert [(b.get("id"), b.get("event")) for b in received] == [
        (str(sent), "chat.message"),
        (str(last), "end"),
    ]
    assert json.loads(received[0].data) == data
    assert "\n" not in received[0].data  # one data: line: JSON escapes every line break
    assert last == sent + 1


def test_a_client_that_reconnects_gets_what_it_missed_then_live_events(server):
    ids = [publish(server.url, "tick", n) for n in range(3)]
    with Stream(server.url, headers={"Last-Event-ID": str(ids[0])}) as stream:
        missed = [stream.event(), stream.event()]
        live = publish(server.url, "tick", 3)
        after = stream.event()
    assert [(b.get("id"), json.loads(b.data)) for b in missed] == [
        (str(ids[1]), 1),
        (str(ids[2]), 2),
    ]
    assert (after.get("id"), json.loads(after.data)) == (str(live), 3)


def test_the_history_keeps_only_the_latest_events(server):
    ids = [publish(server.url, "tick", n) for n in range(5)]  # history: 3
    with Stream(server.url, headers={"Last-Event-ID": str(ids[0] - 1)}) as stream:
        kept = [stream.event() for _ in range(3)]
    assert [b.get("id") for b in kept] == [str(i) for i in ids[2:]]


@pytest.mark.parametrize(
    "sent", ["abc", "-1", "1e3", "9" * 16], ids=["word", "negative", "float", "long"]
)
def test_a_last_event_id_that_is_no_id_means_from_now_on(server, sent):
    publish(server.url, "old", 1)
    with Stream(server.url, headers={"Last-Event-ID": sent}) as stream:
        stream.block()
        live = publish(server.url, "new", 2)
        event = stream.event()
    assert (event.get("id"), event.get("event")) == (str(live), "new")


def test_an_idle_stream_gets_heartbeat_comments(server):
    with Stream(server.url) as stream:
        stream.block()
        blocks = [stream.block() for _ in range(2)]  # heartbeat: 1 s
    assert [(b.fields, b.comments) for b in blocks] == [([], ["heartbeat"])] * 2


BAD = [
    ({"event": "chat message", "data": 1}, 400),
    ({"event": "x" * 65, "data": 1}, 400),
    ({"event": "", "data": 1}, 400),
    ({"event": 5, "data": 1}, 400),
    ({"event": "a\nb", "data": 1}, 400),
    ({"data": 1}, 400),
    ({"event": "x"}, 400),
    ([{"event": "x", "data": 1}], 400),
    ('{"event": "x", "data": ', 400),
    ('{"event": "x", "data": NaN}', 400),
    ('{"event": "x", "data": "' + "x" * 102_400 + '"}', 413),
]


@pytest.mark.parametrize(
    ("body", "status"),
    BAD,
    ids=[
        "space",
        "long",
        "empty",
        "number",
        "newline",
        "no-event",
        "no-data",
        "array",
        "malformed",
        "nan",
        "too-large",
    ],
)
def test_a_bad_publish_is_refused_with_a_json_error(server, body, status):
    with Stream(server.url) as stream:
        stream.block()
        text = body if isinstance(body, str) else json.dumps(body)
        answer = requests.post(
            server.url + "events",
            data=text,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        last = publish(server.url, "end", "sentinel")
        event = stream.event()
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("application/json")
    assert isinstance(answer.json()["error"], str)
    assert (event.get("id"), event.get("event")) == (str(last), "end")  # nothing else sent


def test_compression_does_not_hold_an_event_back(server):
    # With compression chosen; a buffered event would never come (the read would time out).
    with Stream(server.url, headers={"Accept-Encoding": "gzip"}, timeout=5) as stream:
        stream.block()
        sent = publish(server.url, "chat", "x" * 20)
        event = stream.event()
    assert event.get("id") == str(sent)


def test_an_allowed_origin_may_open_a_stream(server):
    with Stream(server.url, headers={"Origin": ORIGIN}) as stream:
        stream.block()
        allowed = stream.response.headers.get("Access-Control-Allow-Origin")
    assert allowed == ORIGIN


def test_the_access_log_writes_one_line_when_a_stream_ends(server):
    marker = f"/events?log={time.time_ns()}"
    with requests.get(server.url.rstrip("/") + marker, stream=True, timeout=10) as open_:
        chunks = open_.iter_content(chunk_size=None)
        next(chunks)
        sent = publish(server.url, "log", 1)
        while f"id: {sent}" not in next(chunks).decode():
            pass
        # The stream is open: its line is not written yet.
        during = server.log.read_text(encoding="utf-8", errors="replace").count(marker)
    deadline = time.monotonic() + 15
    while server.log.read_text(encoding="utf-8", errors="replace").count(marker) == 0:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)
    lines = [line for line in server.log.read_text(encoding="utf-8").splitlines() if marker in line]
    assert during == 0
    assert len(lines) == 1
    assert f"GET {marker} 200 - - " in lines[0]
    assert lines[0].endswith(" ms")
