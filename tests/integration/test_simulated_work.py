"""Routes that simulate work: both servers answer them alike, and take about the time asked
(a wide tolerance: a test, not a benchmark). Express waits without blocking its one process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from generator import runner, spec
from generator.render import render

DELAY_MS, CPU_MS = 200, 100


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    built = spec.build(
        {
            "name": "work",
            "routes": [
                {"method": "GET", "path": "/slow", "delay": DELAY_MS, "text": "waited"},
                {"method": "GET", "path": "/busy/{n:int}", "cpu": CPU_MS},
            ],
        }
    )
    flask, express = render(built, ("flask", "express"), tmp_path_factory.mktemp("work"))
    return {"flask": flask, "express": express}


def timed(url: str) -> tuple[requests.Response, float]:
    started = time.perf_counter()
    response = requests.get(url, timeout=30)
    return response, time.perf_counter() - started


def answers(project: Path) -> dict[str, object]:
    with runner.serve(project) as server:
        base = server.url.rstrip("/")
        slow, slow_s = timed(base + "/slow")
        busy, busy_s = timed(base + "/busy/7")
        not_int, _ = timed(base + "/busy/x")
        # Six requests at once to the waiting route.
        started = time.perf_counter()
        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda _: timed(base + "/slow")[0].status_code, range(6)))
        together_s = time.perf_counter() - started
    return {
        "slow": (slow.status_code, slow.text),
        "busy": (busy.status_code, busy.json()),
        "not int": not_int.status_code,
        "statuses": statuses,
        "seconds": (slow_s, busy_s, together_s),
    }


def test_both_servers_answer_work_routes_alike_in_about_the_time_asked(projects):
    seen = {framework: answers(project) for framework, project in projects.items()}
    for framework, got in seen.items():
        assert got["slow"] == (200, "waited"), framework
        assert got["busy"] == (200, {"route": "GET /busy/{n:int}", "params": {"n": 7}}), framework
        assert got["not int"] == 404, framework
        assert got["statuses"] == [200] * 6, framework
    assert {k: v for k, v in seen["flask"].items() if k != "seconds"} == {
        k: v for k, v in seen["express"].items() if k != "seconds"
    }
    for framework, got in seen.items():
        slow_s, busy_s, together_s = got["seconds"]
        # Never sooner than asked; within several times of it even on a loaded machine.
        assert DELAY_MS / 1000 <= slow_s < 10 * DELAY_MS / 1000, (framework, slow_s)
        assert CPU_MS / 1000 / 3 <= busy_s < 30 * CPU_MS / 1000, (framework, busy_s)
        # Waiting requests overlap (Express's event loop, the Flask dev server's threads): six
        # at once take less than six one after the other would.
        assert together_s < 5 * DELAY_MS / 1000, (framework, together_s)


def test_gunicorn_gthread_serves_the_work_routes(tmp_path):
    built = spec.build(
        {
            "routes": [{"method": "GET", "path": "/slow", "delay": DELAY_MS}],
            "production-server": True,
            "settings": {"production-server": {"worker-class": "gthread"}},
        }
    )
    (project,) = render(built, ("flask",), tmp_path)
    assert "worker_class = 'gthread'" in (project / "gunicorn.conf.py").read_text()
    with runner.serve(project, production=True, env={"WEB_CONCURRENCY": "1"}) as server:
        started = time.perf_counter()
        with ThreadPoolExecutor(6) as pool:
            answered = list(pool.map(lambda _: timed(server.url + "slow")[0], range(6)))
        together_s = time.perf_counter() - started
    assert [r.status_code for r in answered] == [200] * 6
    # One worker, eight threads: the six waits overlap (a sync worker would take six times one).
    assert together_s < 5 * DELAY_MS / 1000, together_s
