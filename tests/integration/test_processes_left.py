"""Nothing a project starts outlives the command that started it: not a daemon that forks twice
into a session of its own (and leaves the project's folder), not after a signal, not when
dualgen itself is killed with SIGKILL.

Each project here is written by hand as a participant would: its app.py, when run, first
leaves a daemon behind that listens on a port of its own and records its pid and port in
daemon.txt; the slow ones record the server's pid and port in server.txt when the first request
comes and then take two minutes to answer, so that dualgen is caught while a server runs.
Everything dualgen starts inherits a mark in its environment (MARK, set here), so the test
finds it wherever it went; by pid, by port and by that mark, nothing may be left.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT, run_dualgen

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.name != "posix", reason="fork, setsid and SIGKILL are POSIX"),
]

CORRECT = ROOT / "tests" / "workshop_projects" / "flask-correct"
MARK = "DUALGEN_LEFT_TEST_RUN"
#: Forks twice into a new session, as a daemon does, leaves the folder and listens on a port.
DAEMON = """\
import os as _os
import socket as _socket


def _leave_a_daemon(record):
    child = _os.fork()
    if child:
        _os.waitpid(child, 0)
        return
    try:
        _os.setsid()
        if _os.fork():
            _os._exit(0)
        _os.chdir("/")
        server = _socket.create_server(("127.0.0.1", 0))
        with open(record, "a") as out:
            out.write(f"{_os.getpid()} {server.getsockname()[1]}\\n")
        while True:
            server.accept()[0].close()
    finally:
        _os._exit(0)


_leave_a_daemon(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "daemon.txt"))

"""
#: The first request is noted in server.txt (the server's pid and port), then waits 2 minutes.
SLOW = """\
    import time as _time

    with open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "server.txt"), "w") as _f:
        _f.write(f"{_os.getpid()} {_os.environ['PORT']}\\n")
    _time.sleep(120)
"""


def with_daemon(app: str, slow_line: str | None = None) -> str:
    """app.py with the daemon started at import; with `slow_line`, the line that answers GET /
    first waits."""
    head, _, body = app.partition("\n\n")  # the imports first, as a person would keep them
    if slow_line is not None:
        indent = slow_line[: len(slow_line) - len(slow_line.lstrip())]
        slow = "".join(indent + line[4:] + "\n" for line in SLOW.splitlines())
        assert body.count(slow_line) == 1, slow_line
        body = body.replace(slow_line, slow + slow_line)
    return f"{head}\n\n{DAEMON}\n{body}"


def participant(tmp_path: Path, slow: bool = False) -> Path:
    folder = Path(shutil.copytree(CORRECT, tmp_path / "participant"))
    app = (folder / "app.py").read_text(encoding="utf-8")
    line = '    return "Hello, World!"' if slow else None
    (folder / "app.py").write_text(with_daemon(app, line), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A project `dualgen new flask` made, its dependencies installed once."""
    root = tmp_path_factory.mktemp("generated")
    made = run_dualgen("new", "flask", "--no-input", "-o", str(root), cwd=root)
    assert made.returncode == 0, made.stderr
    from generator import runner

    runner.install(root / "hello")
    return root / "hello"


def edited(generated: Path, tmp_path: Path, slow: bool = False) -> Path:
    folder = Path(shutil.copytree(generated, tmp_path / "hello"))
    app = (folder / "app.py").read_text(encoding="utf-8")
    line = "    return 'Hello, World!'" if slow else None
    (folder / "app.py").write_text(with_daemon(app, line), encoding="utf-8")
    return folder


def dualgen(*args: str, cwd: Path, run: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", MARK: run},
    )


def recorded(path: Path) -> list[tuple[int, int]]:
    """The (pid, port) lines a project wrote."""
    lines = path.read_text(encoding="utf-8").split() if path.exists() else []
    return [(int(pid), int(port)) for pid, port in zip(lines[::2], lines[1::2], strict=True)]


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def marked(run: str) -> list[str]:
    """Live processes whose environment carries MARK=run: what the run started, and dualgen's
    watchdog."""
    found = []
    for proc in psutil.process_iter(["environ", "cmdline", "status"]):
        environ = proc.info["environ"] or {}
        if environ.get(MARK) == run and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(f"{proc.pid} {' '.join(proc.info['cmdline'] or [])}")
    return found


def left(run: str, started: list[tuple[int, int]]) -> list[str]:
    """What is still there: by mark, by pid, by port."""
    return (
        marked(run)
        + [f"pid {pid}" for pid, _ in started if running(pid)]
        + [f"port {port}" for _, port in started if listening(port)]
    )


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), process.communicate(timeout=30) if process.poll() is not None else ""


def test_check_stops_a_daemon_that_left_the_session(tmp_path):
    folder = participant(tmp_path)
    run = uuid.uuid4().hex
    process = dualgen("check", "--step", "3", str(folder), cwd=tmp_path, run=run)
    out, err = process.communicate(timeout=300)
    daemons = recorded(folder / "daemon.txt")
    assert process.returncode == 0, out + err
    assert len(daemons) == 1, out + err
    assert left(run, daemons) == []


def test_a_class_run_stops_every_participants_daemon(tmp_path):
    folders = [participant(tmp_path / name) for name in ("ann", "bob")]
    run = uuid.uuid4().hex
    names = [str(folder) for folder in folders]
    process = dualgen("check", "--step", "3", "-j", "2", *names, cwd=tmp_path, run=run)
    out, err = process.communicate(timeout=300)
    daemons = [pair for folder in folders for pair in recorded(folder / "daemon.txt")]
    assert process.returncode == 0, out + err
    assert len(daemons) == 2, out + err
    assert left(run, daemons) == []


def test_verify_stops_a_daemon_that_left_the_session(generated, tmp_path):
    folder = edited(generated, tmp_path)
    run = uuid.uuid4().hex
    process = dualgen("verify", str(folder), cwd=tmp_path, run=run)
    out, err = process.communicate(timeout=300)
    daemons = recorded(folder / "daemon.txt")
    assert process.returncode == 0, out + err
    assert len(daemons) == 1, out + err
    assert left(run, daemons) == []


@pytest.mark.parametrize("names", [["ann"], ["ann", "bob"]], ids=["alone", "class-run"])
def test_sigterm_during_check_is_one_line_and_leaves_nothing(names, tmp_path):
    """In a class run the signal lands in the main thread while the threads wait for answers."""
    folders = [participant(tmp_path / name, slow=True) for name in names]
    run = uuid.uuid4().hex
    jobs = ["-j", str(len(folders))]
    process = dualgen("check", "--step", "3", *jobs, *map(str, folders), cwd=tmp_path, run=run)
    for folder in folders:
        wait_for(folder / "server.txt", process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    started = [
        pair
        for folder in folders
        for pair in recorded(folder / "server.txt") + recorded(folder / "daemon.txt")
    ]
    assert (process.returncode, err) == (143, "dualgen: stopped by SIGTERM\n")
    assert len(started) == 2 * len(folders)
    assert left(run, started) == []


def test_a_sigkilled_dualgen_leaves_no_server_running(generated, tmp_path):
    """Nothing of dualgen runs its clean-up after SIGKILL: the watchdog does it."""
    folder = edited(generated, tmp_path, slow=True)
    run = uuid.uuid4().hex
    process = dualgen("verify", str(folder), cwd=tmp_path, run=run)
    wait_for(folder / "server.txt", process)
    started = recorded(folder / "server.txt") + recorded(folder / "daemon.txt")
    assert len(started) == 2 and all(running(pid) for pid, _ in started)
    process.kill()
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 15  # the watchdog's SIGTERM, 2 s of grace, its SIGKILL
    while left(run, started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left(run, started) == []
