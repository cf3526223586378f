"""Rate limits shared through Redis (issue 14): with several workers, the limit holds across them,
in both frameworks, against a real redis-server."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

from generator import runner
from generator.processes import start
from tests.helpers import require_tools
from tests.integration.test_server_security import FRAMEWORKS, render_both

MAX = 5


def redis_cli(port: int, *words: str) -> str:
    result = subprocess.run(
        ["redis-cli", "-p", str(port), *words], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    """A throwaway redis-server on a free port, nothing written to disk."""
    require_tools("redis-server", "redis-cli")
    port = runner.free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    process = start([*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not runner.port_in_use(port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield port
    finally:
        runner.stop(process)


@pytest.mark.parametrize(("framework", "db"), [("flask", 1), ("express", 2)], ids=FRAMEWORKS)
def test_four_workers_share_one_limit_in_redis(framework, db, redis_port, tmp_path):
    project = render_both(
        tmp_path,
        *("-m", "rate-limit", "--production-server"),
        *("--set", f"rate-limit.max={MAX}", "--set", "rate-limit.storage=redis://localhost"),
    )[framework]
    redis_cli(redis_port, "FLUSHALL")
    url = f"redis://127.0.0.1:{redis_port}/{db}"  # REDIS_URL overrides the generated default
    env = {"WEB_CONCURRENCY": "4", "REDIS_URL": url}
    with runner.serve(project, production=True, env=env) as server:
        # A new connection each time: gunicorn's and the cluster's workers share them out.
        seen = [requests.get(server.url, timeout=10).status_code for _ in range(4 * MAX)]
        output = server.output()
    assert seen == [200] * MAX + [429] * (3 * MAX), output
    assert int(redis_cli(redis_port, "-n", str(db), "DBSIZE")) >= 1, "counts kept in Redis"
