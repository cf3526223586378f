"""`dualgen verify` checks the streams of `-m events` (generator/contract/streams.py) on both
frameworks, their development and production servers, with the memory broker and with Redis
(several workers: an event posted to one reaches the streams of another); and it fails, with
a line that says what, on a project whose framing was broken by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import spec
from generator.render import render
from generator.verify import verify
from tests.helpers import run_dualgen
from tests.integration.test_redis import redis_cli, redis_port  # noqa: F401 (a fixture)

FRAMEWORKS = ("flask", "express")
STREAM_CHECKS = [
    "GET /events: an event stream that starts with retry:",
    "stream: 9 events, hostile data, as posted",
    "stream: a refused publish reaches no stream",
    "stream: Last-Event-ID replays what was missed, then live",
    "stream: a heartbeat comment within 1 s",
]
#: Each framework's framing, and the same line with the id left out.
NO_IDS = {
    "flask": (
        "app.py",
        "text = sse_event(data, event=event, id=id)",
        "text = sse_event(data, event=event)",
    ),
    "express": (
        "events.js",
        "const added = { id, text: sseEvent(data, event, id) };",
        "const added = { id, text: sseEvent(data, event) };",
    ),
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    answers = {
        "middleware": ["cors", "compression", "events"],
        "settings": {"events": {"history": 5}},
        "production-server": True,
    }
    made = render(spec.build(answers), FRAMEWORKS, tmp_path_factory.mktemp("verify-events"))
    return {project.name.rsplit("-", 1)[-1]: project for project in made}


def stream_results(result) -> dict[str, list[str] | str]:
    return {
        check.exchange.name: check.skipped or check.problems
        for check in result.checks
        if check.exchange.path == "/events" and check.exchange.method == "GET"
    }


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_verify_checks_the_streams_and_they_hold(projects, framework, production):
    result = verify(projects[framework], production=production, budget=90)
    assert result.failures == [], result.complaint()
    assert stream_results(result) == {name: [] for name in STREAM_CHECKS}
    assert result.ok
    assert len(result.starts) == 1
    assert "streams checked with a heartbeat every 1 s (EVENTS_HEARTBEAT)" in result.notes
    one_worker = "events in memory stay per worker; checking with WEB_CONCURRENCY=1"
    assert (one_worker in result.notes) is production


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_verify_fails_in_one_line_when_events_carry_no_id(projects, framework, tmp_path):
    broken = shutil.copytree(projects[framework], tmp_path / f"broken-{framework}")
    name, line, without = NO_IDS[framework]
    source = (broken / name).read_text(encoding="utf-8")
    assert source.count(line) == 1
    (broken / name).write_text(source.replace(line, without), encoding="utf-8")
    result = run_dualgen("verify", str(broken), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  FAIL     stream: 9 events, hostile data, as posted\n" in result.stdout
    assert "           event 1: no id: line\n" in result.stdout
    assert "  FAIL     stream: Last-Event-ID replays what was missed, then live\n" in result.stdout
    assert "  ok       GET /events: an event stream that starts with retry:\n" in result.stdout
    assert "  ok       stream: a heartbeat comment within 1 s\n" in result.stdout
    assert "3 of 19 exchanges failed." in result.stderr


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_verify_checks_the_streams_of_several_workers_through_redis(
    framework,
    tmp_path,
    redis_port,  # noqa: F811
):
    broker = f"redis://127.0.0.1:{redis_port}/{FRAMEWORKS.index(framework) + 3}"
    answers = {
        "middleware": ["events"],
        "settings": {"events": {"broker": broker}},
        "production-server": True,
    }
    (project,) = render(spec.build(answers), (framework,), tmp_path)
    result = verify(project, production=True, budget=90)
    assert result.failures == [], result.complaint()
    assert stream_results(result) == {name: [] for name in STREAM_CHECKS}
    assert not any("WEB_CONCURRENCY" in note for note in result.notes)
    assert int(redis_cli(redis_port, "-n", broker[-1], "GET", "events:last-id")) == 16
