"""A Redis that fails under the rate limit (issue 27, item 10): stopped, hung (a listener that
accepts and never answers, or the redis-server itself frozen by SIGSTOP with the servers'
connections open), brought back, and absent at start. Both frameworks, development and
production servers, each setting of rate-limit.on-storage-error, against a real redis-server.

The contract: while Redis is unreachable every request is answered within 2 s, 200 when the
limit fails open (one warning in the log per outage, not one per request), 503 JSON when it
fails closed; once Redis is back the counts are kept in Redis again.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from generator import runner
from generator.processes import start
from tests.helpers import require_tools
from tests.integration.test_production import wait_for
from tests.integration.test_redis import redis_cli
from tests.integration.test_server_security import FRAMEWORKS, render_both

#: The contract's bound on an answer while Redis fails (a fixed expectation, with margin).
ANSWER_WITHIN = 2.0
OPEN_WARNING = {
    "flask": "Rate limit storage unreachable - falling back to in-memory storage",
    "express": "no rate limit until it is back",
}
UNAVAILABLE = {"error": "Service Unavailable"}
SERVERS = ("dev", "production")


class FakeRedis:
    """One port where a real redis-server runs, or a listener that accepts and never answers,
    or nothing; switched by the test, all stopped at the end."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None
        self.listener: socket.socket | None = None
        self.held: list[socket.socket] = []

    def up(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = start(command, stdout=subprocess.DEVNULL)
        wait_for(lambda: runner.port_in_use(self.port), "redis-server listening")

    def hang(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._hold, args=(self.listener,), daemon=True).start()

    def _hold(self, listener: socket.socket) -> None:
        while True:
            try:
                self.held.append(listener.accept()[0])
            except OSError:  # closed by down()
                return

    def freeze(self, frozen: bool = True) -> None:
        """SIGSTOP: the connections stay open and the kernel still accepts new ones, but
        nothing answers; SIGCONT (frozen=False) lets it go on."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP if frozen else signal.SIGCONT)

    def down(self) -> None:
        if self.process is not None:
            self.freeze(False)
            runner.stop(self.process)
            self.process = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        for connection in self.held:
            connection.close()
        self.held.clear()
        wait_for(lambda: not runner.port_in_use(self.port), "the Redis port closed")

    def keys(self) -> int:
        return int(redis_cli(self.port, "DBSIZE"))


@pytest.fixture
def redis() -> Iterator[FakeRedis]:
    require_tools("redis-server", "redis-cli")
    fake = FakeRedis(runner.free_port())
    try:
        yield fake
    finally:
        fake.down()


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, runner.Installed]]:
    """Both frameworks with a rate limit counted in Redis, failing open and failing closed."""
    built = {}
    for mode in ("open", "closed"):
        root = tmp_path_factory.mktemp(mode)
        args = ("-m", "rate-limit,error-handlers", "--production-server")
        args += ("--set", "rate-limit.storage=redis://localhost", "--set", "rate-limit.max=1000")
        args += ("--set", f"rate-limit.on-storage-error={mode}")
        for framework, project in render_both(root, *args).items():
            built[framework, mode] = (project, runner.install(project))
    return built


def timed(url: str, count: int = 3) -> list[tuple[int, float, str]]:
    """Send `count` GET requests one after the other: status, seconds and body of each."""
    answers = []
    for _ in range(count):
        started = time.monotonic()
        response = requests.get(url, timeout=30)
        answers.append((response.status_code, time.monotonic() - started, response.text))
    return answers


def check_failing(answers: list[tuple[int, float, str]], mode: str, output: str) -> None:
    for status, seconds, body in answers:
        assert seconds < ANSWER_WITHIN, (answers, output)
        if mode == "open":
            assert status == 200, (answers, output)
        else:
            assert (status, json.loads(body)) == (503, UNAVAILABLE), (answers, output)


def serve(redis: FakeRedis, project: Path, installed: runner.Installed, server: str):
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis.port}", "WEB_CONCURRENCY": "1"}
    return runner.serve(project, installed=installed, production=server == "production", env=env)


def back_to_redis(url: str, redis: FakeRedis) -> list[tuple[int, float, str]]:
    """Once Redis answers again: the client reconnects (Express backs off up to 2 s), then
    every answer is 200 and counted in Redis."""
    deadline = time.monotonic() + 15
    while requests.get(url, timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "no 200 within 15 s of Redis coming back"
        time.sleep(0.1)
    return timed(url)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("mode", ["open", "closed"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_stopped_then_hung_redis_answers_within_2_s(framework, mode, server, projects, redis):
    project, installed = projects[framework, mode]
    redis.up()
    with serve(redis, project, installed, server) as running:
        url = running.url
        assert [status for status, _, _ in timed(url)] == [200] * 3, running.output()
        assert redis.keys() >= 1, "the counts are kept in Redis"
        redis.down()
        stopped = timed(url, count=5)
        redis.hang()
        hung = timed(url, count=5)
        redis.down()
        redis.up()
        back = back_to_redis(url, redis)
        output = running.output(lines=400)
    check_failing(stopped, mode, output)
    check_failing(hung, mode, output)
    assert [status for status, _, _ in back] == [200] * 3, (back, output)
    assert all(seconds < ANSWER_WITHIN for _, seconds, _ in back), (back, output)
    if mode == "open":
        # One outage, ten requests during it: one warning.
        assert output.count(OPEN_WARNING[framework]) == 1, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("mode", ["open", "closed"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_frozen_redis_answers_within_2_s(framework, mode, server, projects, redis):
    project, installed = projects[framework, mode]
    redis.up()
    with serve(redis, project, installed, server) as running:
        url = running.url
        assert [status for status, _, _ in timed(url)] == [200] * 3, running.output()
        redis.freeze()
        frozen = timed(url, count=5)
        redis.freeze(False)
        back = back_to_redis(url, redis)
        output = running.output(lines=400)
    check_failing(frozen, mode, output)
    assert [status for status, _, _ in back] == [200] * 3, (back, output)
    assert all(seconds < ANSWER_WITHIN for _, seconds, _ in back), (back, output)
    if mode == "open":
        assert output.count(OPEN_WARNING[framework]) == 1, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("mode", ["open", "closed"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_server_started_without_redis_counts_in_redis_once_it_is_there(
    framework, mode, projects, redis
):
    """rate-limit-redis loads its scripts at start: with Redis absent, the load must wait for
    it rather than fail for good (which left every later request failing)."""
    project, installed = projects[framework, mode]
    with serve(redis, project, installed, "dev") as running:
        check_failing(timed(running.url), mode, running.output())
        time.sleep(6)  # longer than any timeout of a Redis client's command
        redis.up()
        back_to_redis(running.url, redis)
        # Flask's in-memory fallback tries Redis again after 1, 2, 4 ... 32 s.
        deadline = time.monotonic() + 70
        while redis.keys() == 0:
            assert time.monotonic() < deadline, running.output(lines=100)
            requests.get(running.url, timeout=30)
            time.sleep(0.5)
        output = running.output(lines=400)
    assert "Traceback" not in output, output
