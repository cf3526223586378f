"""Server-sent events with the other choices (issue 24), on the `streams` combination (every
middleware, a package, the production server) against real Flask and Express servers: the rate
limit counts opening a stream once and never cuts an open one, each client being the address
the proxy forwarded; a stream's answer carries its request id; health answers alongside."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from generator import runner, spec
from generator.render import render
from tests.combos import COMBOS
from tests.integration.sse import Stream

FRAMEWORKS = ("flask", "express")
SERVERS = [(f, p) for f in FRAMEWORKS for p in (False, True)]
SERVER_IDS = [f"{f}-{'production' if p else 'development'}" for f, p in SERVERS]
ANSWERS = COMBOS["streams"]
MAX = 5  # rate-limit.max of the combination, per client in 60 s
assert ANSWERS["settings"]["rate-limit"]["max"] == MAX  # type: ignore[index]
# Each test is its own clients (the proxy forwards their addresses): the servers are shared.
CLIENTS = (f"203.0.113.{n}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("events-choices")
    found = {}
    for project in render(spec.build(ANSWERS), FRAMEWORKS, root):
        framework = project.name.rsplit("-", 1)[-1]
        found[framework] = (project, runner.install(project))
    return found


@pytest.fixture(scope="module", params=SERVERS, ids=SERVER_IDS)
def server(request, projects) -> Iterator[runner.Server]:
    framework, production = request.param
    project, installed = projects[framework]
    # One worker: the events and the counts in memory are those of the worker asked.
    env = {"WEB_CONCURRENCY": "1"}
    with runner.serve(project, installed=installed, production=production, env=env) as running:
        yield running


def as_client(address: str, **headers: str) -> dict[str, str]:
    """Headers of a request the proxy in front forwarded for a client at address."""
    return {"X-Forwarded-For": address, **headers}


def publish_as(base: str, client: str, event: str, data: object) -> int:
    answer = requests.post(
        base + "events",
        json={"event": event, "data": data},
        headers=as_client(client),
        timeout=10,
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def test_the_rate_limit_counts_a_stream_once_and_never_cuts_it(server):
    listener, publisher = next(CLIENTS), next(CLIENTS)
    with Stream(server.url, headers=as_client(listener)) as stream:
        first = stream.block()
        # The stream was the listener's first request: four more, then refused.
        statuses = [
            requests.get(server.url, headers=as_client(listener), timeout=10).status_code
            for _ in range(MAX)
        ]
        # Another client publishes more events than the limit allows requests: each arrives.
        sent = [publish_as(server.url, publisher, "tick", n) for n in range(MAX - 1)]
        received = [stream.event() for _ in sent]
        beat = stream.block()  # still open: an idle stream's heartbeat
    assert stream.response.status_code == 200
    assert first.fields == [("retry", "3000")]
    assert statuses == [200] * (MAX - 1) + [429]
    assert [(b.get("id"), json.loads(b.data)) for b in received] == [
        (str(id), n) for n, id in enumerate(sent)
    ]
    assert (beat.fields, beat.comments) == ([], ["heartbeat"])


def test_a_stream_answer_carries_its_request_id(server):
    client = next(CLIENTS)
    with contextlib.ExitStack() as stack:
        given = stack.enter_context(
            Stream(server.url, headers=as_client(client, **{"X-Request-ID": "stream-7.a_b"}))
        )
        made = [stack.enter_context(Stream(server.url, headers=as_client(client)))]
        made.append(stack.enter_context(Stream(server.url, headers=as_client(client))))
        for stream in (given, *made):
            stream.block()
        ids = [stream.response.headers.get("X-Request-ID") for stream in (given, *made)]
    assert ids[0] == "stream-7.a_b"
    assert all(isinstance(id, str) and len(id) == 36 for id in ids[1:]), ids  # a UUID each
    assert ids[1] != ids[2]


def test_health_answers_while_streams_are_open_and_their_client_is_limited(server):
    client, publisher = next(CLIENTS), next(CLIENTS)
    with contextlib.ExitStack() as stack:
        streams = [
            stack.enter_context(Stream(server.url, headers=as_client(client))) for _ in range(MAX)
        ]
        for stream in streams:
            stream.block()
        refused = requests.get(server.url, headers=as_client(client), timeout=10)
        health = requests.get(server.url + "healthz", headers=as_client(client), timeout=10)
        sent = publish_as(server.url, publisher, "after-health", None)
        received = [stream.event().get("id") for stream in streams]
    assert refused.status_code == 429
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert received == [str(sent)] * MAX
