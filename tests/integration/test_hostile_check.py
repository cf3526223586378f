"""Hostile participant projects, made here, under `dualgen check`: two that stream an endless
body (Flask and Express), one that trickles a header line every second, one that floods its
output, one whose requirements name a wheel on a server that never answers, one that answers
JSON nested 100,000 deep, one that prints terminal escapes (from a folder whose name holds them
too). Checked in one class run with a correct project: the table prints, each hostile project
gets its row, the correct one passes, and nothing is left running. The deadline is set low
through DUALGEN_DEADLINE: no timing asserts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from generator import bounds as _bounds
from generator import runner
from generator.errors import UsageError
from tests.helpers import ROOT

pytestmark = pytest.mark.integration

CORRECT = ROOT / "tests" / "workshop_projects" / "flask-correct"
EXPRESS = ROOT / "tests" / "workshop_projects" / "express-correct"
#: Writes as fast as the connection takes it, never ends.
EXPRESS_ENDLESS = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => {
  const chunk = 'x'.repeat(65536);
  const pump = () => { while (res.write(chunk)) {} res.once('drain', pump); };
  pump();
});
app.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
"""
DEADLINE = "10"
#: The correct project's own app.py: every hostile Flask project is it plus one change.
APP = (CORRECT / "app.py").read_text(encoding="utf-8")
MAIN = 'if __name__ == "__main__":'

ENDLESS = APP.replace(
    'return "Hello, World!"',
    'return app.response_class(iter(lambda: b"x" * 65536, None), mimetype="text/plain")',
)
DEEP = APP.replace(
    'return {"route": "GET /users/{id:int}", "params": {"id": user_id}}',
    'return app.response_class("[" * 100000 + "]" * 100000, mimetype="application/json")',
)
FLOOD = APP.replace(
    MAIN,
    "import subprocess, sys\n"
    "subprocess.Popen([sys.executable, '-c', "
    "'import sys\\nwhile True: sys.stdout.write(\"flood \" * 10000)'])\n\n" + MAIN,
)
ESCAPES = (
    "import sys\n"
    "print('\\x1b[2J\\x1b]0;pwned\\x07All checks passed.\\x1b[0m')\n"
    "sys.stdout.flush()\n"
    "sys.exit(1)\n"
)
#: Not Flask at all: a status line, then one header line a second, never a blank line.
TRICKLE = """\
import os, socket, threading, time

def answer(connection):
    try:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\\r\\n")
        while True:
            connection.sendall(b"X-Slow: yes\\r\\n")
            time.sleep(1)
    except OSError:
        pass

server = socket.create_server((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])))
while True:
    connection, _ = server.accept()
    threading.Thread(target=answer, args=(connection,), daemon=True).start()
"""
REQUIREMENTS = (CORRECT / "requirements.txt").read_text(encoding="utf-8")


def project(folder: Path, app: str, requirements: str = REQUIREMENTS) -> Path:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(app, encoding="utf-8")
    (folder / "requirements.txt").write_text(requirements, encoding="utf-8")
    return folder


def fifo_project(folder: Path) -> Path:
    """requirements.txt names a FIFO that nothing ever writes to: pip would wait on it forever
    (dualgen refuses it before pip runs)."""
    project(folder, APP, REQUIREMENTS + "-r waits.txt\n")
    os.mkfifo(folder / "waits.txt")
    return folder


@pytest.fixture(scope="module")
def silent_port():
    """A port that takes connections and never answers (nothing accepts them)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def hanging_project(folder: Path, port: int) -> Path:
    """requirements.txt names a wheel on a server that never answers: pip waits on it."""
    wheel = f"hang @ http://127.0.0.1:{port}/hang-1.0-py3-none-any.whl\n"
    return project(folder, APP, REQUIREMENTS + wheel)


@pytest.fixture(scope="module", autouse=True)
def _warm_cache() -> None:
    """The correct projects' dependencies installed before any deadline counts."""
    runner.install(CORRECT)
    runner.install(EXPRESS)


def leftovers(folder: Path) -> list[str]:
    """Processes still running with their working folder, or a word of their command line,
    inside folder."""
    found = []
    for process in psutil.process_iter(["cwd", "cmdline"]):
        cwd = process.info.get("cwd") or ""
        words = process.info.get("cmdline") or []
        if cwd.startswith(str(folder)) or any(str(folder) in word for word in words):
            found.append(" ".join(words))
    return found


def check(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--step", "3", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **env},
    )
    time.sleep(0.2)  # a killed process may take a moment to leave the process table
    assert leftovers(cwd) == []
    return result


def rows(stdout: str, labels: list[str]) -> dict[str, str]:
    """Each participant's row of the table, after its label."""
    found = {}
    for line in stdout.splitlines():
        for label in labels:
            if line.startswith(label + " "):
                found[label] = " ".join(line[len(label) :].split())
    return found


def test_a_class_with_every_kind_of_hostile_project_gets_its_table(tmp_path, silent_port):
    shutil.copytree(CORRECT, tmp_path / "good")
    project(tmp_path / "endless", ENDLESS)
    shutil.copytree(EXPRESS, tmp_path / "endless-express")
    (tmp_path / "endless-express" / "server.js").write_text(EXPRESS_ENDLESS, encoding="utf-8")
    project(tmp_path / "trickle", TRICKLE)
    project(tmp_path / "flood", FLOOD)
    hanging_project(tmp_path / "hang", silent_port)
    project(tmp_path / "deep", DEEP)
    escapes = "esc\x1b]0;pwned\x07"
    project(tmp_path / escapes, ESCAPES)
    labels = ["good", "endless", "endless-express", "trickle", "flood", "hang", "deep"]
    labels.append("esc\\x1b]0;pwned\\x07")
    result = check(
        tmp_path, "--timeout", "5", "-j", "2", *labels[:-1], escapes, DUALGEN_DEADLINE=DEADLINE
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert rows(result.stdout, labels) == {
        "good": "ok ok ok ok ok 5/5",
        "endless": "error: the answer's body is larger than 1048576 bytes",
        "endless-express": "error: the answer's body is larger than 1048576 bytes",
        "trickle": f"error: past the deadline of {DEADLINE} s (waiting for an answer)",
        "flood": "ok ok ok ok ok 5/5",
        "hang": f"error: past the deadline of {DEADLINE} s (pip install -r requirements.txt)",
        "deep": "ok ok FAIL ok ok 4/5",
        "esc\\x1b]0;pwned\\x07": "FAIL - - - - 0/5",
    }
    assert (
        "  deep: 3 GET /users/{id:int}: JSON nested too deep to read: body '[[[[[[[[[[[[[[[[[[[["
    ) in result.stdout
    assert "  esc\\x1b]0;pwned\\x07: 1 start: the server exited with code 1" in result.stdout


def test_terminal_escapes_in_a_report_are_shown_not_obeyed(tmp_path):
    folder = project(tmp_path / "esc", ESCAPES)
    result = check(tmp_path, "--timeout", "5", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J\\x1b]0;pwned\\x07All checks passed.\\x1b[0m" in result.stdout


def test_one_hostile_project_alone_is_one_line_and_exit_1(tmp_path):
    folder = project(tmp_path / "endless", ENDLESS)
    result = check(tmp_path, "--timeout", "5", str(folder), DUALGEN_DEADLINE=DEADLINE)
    assert result.returncode == 1
    assert result.stderr == ("dualgen: error: the answer's body is larger than 1048576 bytes\n")


def test_an_install_that_hangs_stops_at_the_install_timeout(tmp_path, monkeypatch, silent_port):
    folder = hanging_project(tmp_path / "hang", silent_port)
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DUALGEN_INSTALL_TIMEOUT", "3")
    with pytest.raises(_bounds.Violation) as caught:
        runner.install(folder)
    assert str(caught.value).startswith(
        "pip install -r requirements.txt did not finish within 3 s (DUALGEN_INSTALL_TIMEOUT); "
    )
    assert leftovers(tmp_path) == []
    left = [p.name for p in (tmp_path / "cache" / "venvs").iterdir()]
    assert len(left) == 1 and left[0].endswith(".lock")  # no half-built virtualenv


def test_a_flooding_server_keeps_the_head_and_the_tail_of_its_output(tmp_path):
    folder = project(tmp_path / "flood", FLOOD)
    with runner.serve(folder) as server:
        deadline = time.monotonic() + 20
        while not server.log.dropped and time.monotonic() < deadline:
            time.sleep(0.1)
        kept = server.log.bytes()
    assert server.log.dropped > 0
    assert len(kept) <= _bounds.LOG_HEAD + _bounds.LOG_TAIL + 100
    text = server.output(1000)
    assert f"[dualgen: {server.log.dropped} bytes of output dropped here]" in text
    assert leftovers(tmp_path) == []


def test_a_requirement_file_that_is_a_fifo_is_refused_before_pip_runs(tmp_path, monkeypatch):
    folder = fifo_project(tmp_path / "fifo")
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(UsageError) as refused:
        runner.install(folder)
    assert (
        str(refused.value)
        == f"requirements file {str(folder / 'waits.txt')!r} is not a regular file"
    )
    assert leftovers(tmp_path) == []
