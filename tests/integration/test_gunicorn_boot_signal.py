"""A SIGTERM that reaches gunicorn while a worker is still booting stops the server at once.

Between its fork and gunicorn's own signal handlers (set after the worker class's set-up, such
as gevent's patches) a worker ran the master's handlers, which only note the signal in the
worker's copy of the master: the worker booted and served on, and the master waited out the
whole graceful_timeout. The generated gunicorn.conf.py's post_fork hook ends such a worker at
once. The window is made wide and certain by a worker class whose set-up waits (it names the
moment it is in it with a file), so the test does not depend on the machine's speed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from generator import runner, spec
from generator.render import render

# Far longer than the stop takes with the hook, far shorter than the grace period without it.
HANG_GUARD = 60
GRACE = HANG_GUARD * 2

SLOW_BOOT = """
import os
import time

from gunicorn.workers.sync import SyncWorker


class SlowBootWorker(SyncWorker):
    # The set-up before gunicorn sets the worker's handlers, made long and visible.
    def init_process(self):
        open(os.environ['BOOTING_FLAG'], 'w').close()
        time.sleep(float(os.environ['BOOT_SECONDS']))
        super().init_process()
"""


@pytest.fixture(scope="module")
def flask_project(tmp_path_factory) -> tuple[Path, runner.Installed]:
    root = tmp_path_factory.mktemp("boot-signal")
    (project,) = render(spec.build({"production-server": True}), ("flask",), root)
    (project / "slow_boot.py").write_text(SLOW_BOOT, encoding="utf-8")
    return project, runner.install(project)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_while_a_worker_boots_stops_gunicorn_at_once(flask_project, tmp_path, signum):
    project, installed = flask_project
    flag = tmp_path / "booting"
    env = {
        "GUNICORN_CMD_ARGS": "--worker-class slow_boot.SlowBootWorker",
        "WEB_CONCURRENCY": "1",
        "GRACEFUL_TIMEOUT": str(GRACE),
        "BOOTING_FLAG": str(flag),
        "BOOT_SECONDS": str(HANG_GUARD * 3),
    }
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        master = psutil.Process(server.process.pid)
        for _ in range(300):  # the master listens before it forks: wait for the worker
            if flag.exists():
                break
            time.sleep(0.1)
        assert flag.exists(), server.output()
        (worker,) = master.children()
        os.kill(master.pid, signum)
        try:
            code = server.process.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            pytest.fail(f"gunicorn still runs {HANG_GUARD} s after the signal:\n{server.output()}")
        assert code == 0, server.output()
        assert not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE
