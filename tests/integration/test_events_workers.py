"""Server-sent events with several workers (issue 24): in memory, the server says at start that
events stay within one worker; with `events.broker=redis://`, an event posted to any process
reaches the streams of every one, and the history is shared, against a real redis-server."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import psutil
import pytest

from generator import runner, spec
from generator.render import render
from tests.integration.sse import Stream, publish
from tests.integration.test_production import wait_for
from tests.integration.test_redis import redis_cli, redis_port  # noqa: F401 (a fixture)

FRAMEWORKS = ("flask", "express")
PER_WORKER = (
    "events stay within one worker: an event posted to one of 2 workers reaches only the "
    "streams that worker holds; to share them, generate the project with "
    "--set events.broker=redis://HOST:6379 (REDIS_URL then sets the address)"
)


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("events-workers")
    found = {}
    for broker in ("memory://", "redis://localhost"):
        answers = {
            "middleware": ["events"],
            "settings": {"events": {"broker": broker, "heartbeat": 1}},
            "production-server": True,
        }
        name = broker.split(":")[0]
        for project in render(spec.build(answers), FRAMEWORKS, root / name):
            framework = project.name.rsplit("-", 1)[-1]
            found[framework, name] = (project, runner.install(project))
    return found


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_two_workers_with_events_in_memory_say_so_once(framework, projects):
    project, installed = projects[framework, "memory"]
    env = {"WEB_CONCURRENCY": "2"}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        main = psutil.Process(server.process.pid)
        wait_for(lambda: len(main.children()) == 2, "2 workers started")
        output = server.output(lines=200)
    assert output.count(PER_WORKER) == 1, output


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_redis_is_no_worker_to_warn_about(framework, projects):
    project, installed = projects[framework, "redis"]
    env = {"WEB_CONCURRENCY": "2", "REDIS_URL": "redis://127.0.0.1:1/0"}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        main = psutil.Process(server.process.pid)
        wait_for(lambda: len(main.children()) == 2, "2 workers started")
        output = server.output(lines=200)
    assert "events stay within one worker" not in output, output


@pytest.mark.parametrize(("framework", "db"), [("flask", 3), ("express", 4)], ids=FRAMEWORKS)
def test_an_event_posted_to_one_server_reaches_the_streams_of_another(
    framework,
    db,
    projects,
    redis_port,  # noqa: F811
):
    project, installed = projects[framework, "redis"]
    redis_cli(redis_port, "-n", str(db), "FLUSHDB")
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/{db}"}
    with contextlib.ExitStack() as stack:
        # Two processes of the same app, as two workers or two machines would be.
        one, two = (
            stack.enter_context(runner.serve(project, installed=installed, env=env))
            for _ in range(2)
        )
        with Stream(one.url) as stream:
            stream.block()
            sent = publish(two.url, "chat", {"text": "hello"})
            event = stream.event()
        later = publish(one.url, "chat", "second")
        # A client of `one` reconnects to `two`: the history is shared.
        with Stream(two.url, headers={"Last-Event-ID": str(sent)}) as stream:
            missed = stream.event()
    assert (event.get("id"), event.get("event"), json.loads(event.data)) == (
        str(sent),
        "chat",
        {"text": "hello"},
    )
    assert (missed.get("id"), json.loads(missed.data)) == (str(later), "second")
    assert later == sent + 1
    assert redis_cli(redis_port, "-n", str(db), "LLEN", "events:history") == "2"


@pytest.mark.parametrize(("framework", "db"), [("flask", 5), ("express", 6)], ids=FRAMEWORKS)
def test_every_worker_s_streams_get_an_event_through_redis(
    framework,
    db,
    projects,
    redis_port,  # noqa: F811
):
    project, installed = projects[framework, "redis"]
    redis_cli(redis_port, "-n", str(db), "FLUSHDB")
    env = {"WEB_CONCURRENCY": "3", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/{db}"}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        with contextlib.ExitStack() as stack:
            streams = [stack.enter_context(Stream(server.url)) for _ in range(9)]
            for stream in streams:
                stream.block()
            sent = [publish(server.url, "tick", n) for n in range(3)]
            received = [[stream.event().get("id") for _ in sent] for stream in streams]
    assert received == [[str(i) for i in sent]] * len(streams)
