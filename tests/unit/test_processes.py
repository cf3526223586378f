"""generator.processes and its watchdog, with small Python programs for servers: `stop` ends a
daemon that left the session, and what a killed dualgen started is stopped by the watchdog.
Users' projects under `check` and `verify`: tests/integration/test_processes_left.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from generator import processes
from generator.watchdog import TAG

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fork and setsid are POSIX")

ROOT = Path(__file__).resolve().parents[2]
#: Forks twice into a session of its own, writes its pid to argv[1], then sleeps.
DAEMON = """\
import os, sys, time
if os.fork():
    os.wait()
    time.sleep(60)
    sys.exit(0)
os.setsid()
if os.fork():
    os._exit(0)
with open(sys.argv[1], "w") as out:
    out.write(str(os.getpid()))
time.sleep(60)
"""


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def read_pid(path: Path, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path} was not written"
        time.sleep(0.02)
    return int(path.read_text())


def test_stop_ends_a_daemon_that_left_the_session(tmp_path):
    record = tmp_path / "daemon.pid"
    started = processes.start([sys.executable, "-c", DAEMON, str(record)])
    daemon = read_pid(record)
    assert os.getsid(daemon) != os.getsid(started.pid) == started.pid  # it left the session
    assert psutil.Process(daemon).environ()[TAG] == processes.tag(started)
    processes.stop(started)
    assert not running(daemon)
    assert started not in processes.live_processes


def test_stop_leaves_the_processes_of_another_start_alone(tmp_path):
    first = processes.start([sys.executable, "-c", DAEMON, str(tmp_path / "1")])
    second = processes.start([sys.executable, "-c", DAEMON, str(tmp_path / "2")])
    daemons = [read_pid(tmp_path / "1"), read_pid(tmp_path / "2")]
    try:
        processes.stop(first)
        assert [running(pid) for pid in daemons] == [False, True]
    finally:
        processes.stop(second)
    assert not running(daemons[1])


#: A stand-in for dualgen: starts the daemon through generator.processes, says so, waits.
OWNER = """\
import sys, time
from generator import processes
processes.start([sys.executable, "-c", sys.argv[1], sys.argv[2]])
print("started", flush=True)
time.sleep(60)
"""


def test_the_watchdog_stops_what_a_killed_owner_started(tmp_path):
    record = tmp_path / "daemon.pid"
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, DAEMON, str(record)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert owner.stdout.readline() == "started\n"
    daemon = read_pid(record)
    owner.kill()
    owner.communicate(timeout=30)
    deadline = time.monotonic() + 15  # SIGTERM, 2 s of grace, SIGKILL
    while running(daemon) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(daemon)


def test_the_watchdog_is_out_of_reach_of_the_terminal_and_carries_no_tag():
    """Ctrl-C and a closed terminal signal dualgen's foreground process group; the watchdog, in
    a session of its own without a terminal, gets neither, and stops nothing of its parent's."""
    processes.start([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        watchdog = processes._owner.watchdog
        assert watchdog is not None and watchdog.poll() is None
        assert os.getsid(watchdog.pid) == watchdog.pid != os.getsid(0)
        assert TAG not in psutil.Process(watchdog.pid).environ()
    finally:
        processes.stop_all()
    assert watchdog.wait(timeout=30) == 0  # dismissed: it ended on its own
