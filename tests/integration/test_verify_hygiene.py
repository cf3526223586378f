"""`dualgen verify` stopped by SIGINT, SIGTERM or SIGHUP at a random moment leaves nothing behind:
no process it started (server, npm, pip and pip's runner), no open port, no temporary folder, and
a cache entry that is either complete and healthy or absent. It exits 128 + the signal's number.

The moments come from a seed, printed with every failure; DUALGEN_SIGNAL_SEED=N replays a run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from generator.runner import healthy
from tests.helpers import run_dualgen

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGHUP and SIGTERM are POSIX")

SEED = int(os.environ.get("DUALGEN_SIGNAL_SEED") or random.SystemRandom().randrange(2**32))
SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"]
MARK = "DUALGEN_HYGIENE_RUN"
#: (framework, cold cache): the first two runs interrupt a first install.
RUNS = [("flask", True), ("express", True)] + [
    (("flask", "express")[n % 2], False) for n in range(25)
]
#: The lines verify prints before its summary: a run is stopped a random fraction of a second
#: after a random one of them but the last (so during install, start, a check or a stop).
LINES = {"flask": 5, "express": 9}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hygiene")
    made = {}
    for framework, args in (
        ("flask", ()),
        ("express", ("-m", "rate-limit", "--set", "rate-limit.max=2")),
    ):
        out = root / framework
        result = run_dualgen("new", framework, "--no-input", "-o", str(out), *args, cwd=root)
        assert result.returncode == 0, result.stderr
        made[framework] = out / "hello"
    return made


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory, projects) -> Path:
    """A cache of its own, filled once by a verify of each project."""
    cache = tmp_path_factory.mktemp("warm-cache")
    for project in projects.values():
        env = dict(os.environ, DUALGEN_CACHE_DIR=str(cache))
        done = subprocess.run(
            [sys.executable, "-m", "generator", "verify", str(project)],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return cache


def marked(value: str) -> list[psutil.Process]:
    """Every live process whose environment carries MARK=value: what the run started."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(MARK) == value and alive(proc):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def listening_ports(procs: list[psutil.Process]) -> set[int]:
    ports = set()
    for proc in procs:
        try:
            ports |= {c.laddr.port for c in proc.net_connections("inet") if c.status == "LISTEN"}
        except psutil.Error:
            continue
    return ports


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    ("index", "framework", "cold"),
    [
        pytest.param(
            n, framework, cold, id=f"{n:02d}-{framework}-{SIGNALS[n % 3]}{'-cold' if cold else ''}"
        )
        for n, (framework, cold) in enumerate(RUNS)
    ],
)
def test_a_signal_at_any_moment_leaves_nothing_behind(
    index, framework, cold, projects, warm_cache, tmp_path
):
    name = SIGNALS[index % 3]
    signum = getattr(signal, name)
    rng = random.Random(f"{SEED}-{index}")
    after = 1 if cold else rng.randrange(1, LINES[framework])
    moment = rng.uniform(0.0, 3.0 if cold else 0.3)
    about = (
        f"seed {SEED} (DUALGEN_SIGNAL_SEED), run {index}: {name} {moment:.2f} s after line {after}"
    )
    print(about)
    cache = tmp_path / "cache" if cold else warm_cache
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = uuid.uuid4().hex
    env = dict(os.environ, DUALGEN_CACHE_DIR=str(cache), TMPDIR=str(scratch), **{MARK: run})
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "verify", str(projects[framework])],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = [process.stdout.readline()]
        assert printed[0].startswith("verify "), about
        while len(printed) < after and printed[-1]:
            printed.append(process.stdout.readline())
        time.sleep(moment)
        started = marked(run)
        ports = listening_ports(started)
        process.send_signal(signum)
        rest, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # pragma: no cover - only when the test fails
            process.kill()
    out = "".join(printed) + rest
    report = f"{about}\nexit {process.returncode}\n{out}{err}"
    print(f"exit {process.returncode} after: {out.strip().splitlines()[-1]}")
    if "exchanges passed" in out:  # it had finished when the signal came
        assert process.returncode in (0, 128 + signum, -signum), report
    else:
        assert process.returncode == 128 + signum, report
        assert err == f"dualgen: stopped by {name}\n", report
    assert marked(run) == [], report
    assert [proc.pid for proc in started if alive(proc)] == [], report
    assert [port for port in ports if port_open(port)] == [], report
    assert list(scratch.iterdir()) == [], report
    for kind in ("venvs", "node"):
        for entry in sorted((cache / kind).glob("*")) if (cache / kind).exists() else []:
            if entry.suffix == ".lock":
                continue
            assert "." not in entry.name, f"a temporary folder is left: {entry}\n{report}"
            assert healthy(entry), f"{entry} is incomplete\n{report}"
    if cold and (cache / "venvs").exists():
        for python in (cache / "venvs").glob("*/bin/python"):
            imported = subprocess.run([python, "-c", "import flask"], capture_output=True)
            assert imported.returncode == 0, f"{python} cannot import flask\n{report}"
