"""Production workers (issue 22): the servers start as many workers as the CPUs they may use, and
with an in-memory rate limit and several workers they say at start that limits count per worker."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest
import requests

from generator import runner, spec
from generator.processes import start
from generator.render import render
from tests.helpers import require_tools
from tests.integration.test_production import wait_for

FRAMEWORKS = ("flask", "express")
PER_WORKER = (
    "rate limits count per worker: 2 workers let a client make up to 10 requests in 30 s; to "
    "share the counts, generate the project with --set rate-limit.storage=redis://HOST:6379 "
    "(REDIS_URL then sets the address)"
)


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, runner.Installed]]:
    """Production servers with a rate limit of 5 in 30 s, counted in memory or in Redis."""
    root = tmp_path_factory.mktemp("workers")
    projects = {}
    for storage in ("memory://", "redis://localhost"):
        answers = {
            "middleware": ["rate-limit"],
            "settings": {"rate-limit": {"max": 5, "window": 30, "storage": storage}},
            "production-server": True,
        }
        name = storage.split(":")[0]
        for project in render(spec.build(answers), FRAMEWORKS, root / name):
            framework = project.name.rsplit("-", 1)[-1]
            projects[framework, name] = (project, runner.install(project))
    return projects


def started_output(project: Path, installed: runner.Installed, workers: int) -> str:
    """What the production server printed by the time its workers have started."""
    env = {"WEB_CONCURRENCY": str(workers)}
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        # gunicorn calls when_ready before it starts a worker; the cluster's primary prints
        # before it forks: once the workers are there, the line is there or never will be.
        # (No request: without a Redis server, Flask answers 500 and Express waits.)
        main = psutil.Process(server.process.pid)
        wait_for(lambda: len(main.children()) == workers, f"{workers} workers started")
        return server.output(lines=200)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_two_workers_counting_in_memory_say_limits_count_per_worker(framework, limited):
    output = started_output(*limited[framework, "memory"], workers=2)
    assert output.count(PER_WORKER) == 1, output


@pytest.mark.parametrize(
    ("storage", "workers"),
    [pytest.param("memory", 1, id="one-worker"), pytest.param("redis", 2, id="redis")],
)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_limit_that_holds_says_nothing(framework, storage, workers, limited):
    output = started_output(*limited[framework, storage], workers=workers)
    assert "rate limits count per worker" not in output, output


@pytest.mark.parametrize(
    ("framework", "children"),
    [
        # gunicorn: two workers a CPU, plus one.
        pytest.param("flask", 3, id="gunicorn"),
        # The cluster: one worker a CPU.
        pytest.param("express", 1, id="node-cluster"),
    ],
)
def test_without_web_concurrency_the_workers_follow_the_affinity_mask(framework, children, limited):
    require_tools("taskset")
    project, installed = limited[framework, "memory"]
    port = runner.free_port()
    env = dict(installed.env, PORT=str(port), HOST="127.0.0.1")
    env.pop("WEB_CONCURRENCY", None)
    log = project / f"affinity-{port}.log"
    with open(log, "wb") as out:
        cpu = str(min(os.sched_getaffinity(0)))  # one CPU this test may use
        command = ["taskset", "--cpu-list", cpu, *installed.command(production=True)]
        process = start(command, cwd=project, env=env, stdout=out, stderr=out)
    try:
        wait_for(lambda: runner.port_in_use(port), "the server listening")
        answered = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        wait_for(lambda: len(psutil.Process(process.pid).children()) >= children, "the workers")
        workers = psutil.Process(process.pid).children()
    finally:
        runner.stop(process)
    output = log.read_text(encoding="utf-8")
    assert answered.status_code == 200, output
    assert len(workers) == children, output
    # The start line, when there is one, names the same count.
    assert ("3 workers let a client make up to 15 requests" in output) is (children == 3), output
