"""Install a generated project's dependencies (cached), start it on a free port, stop it cleanly.

`with serve(project) as server: requests.get(server.url)`. Dependencies are installed once per
distinct requirement set: a virtualenv per requirements hash for Flask, a node_modules folder per
package.json dependency hash for Express (given to Node through NODE_PATH, so the project folder
is not touched). The server runs in its own process group; on exit the whole group is stopped and
the port is checked closed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RunError

COMPLETE = ".dualgen-complete"


def cache_dir() -> Path:
    """Where installed dependency sets are kept: $DUALGEN_CACHE_DIR or ~/.cache/dualgen."""
    base = os.environ.get("DUALGEN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dualgen"
    )
    return Path(base)


def detect_framework(project: Path) -> str:
    if (project / "package.json").is_file():
        return "express"
    if (project / "requirements.txt").is_file() and (project / "app.py").is_file():
        return "flask"
    raise RunError(
        f"{project} is neither a Flask project (app.py, requirements.txt) nor an Express project "
        "(package.json)"
    )


@dataclass
class Installed:
    """An installed dependency set: how to run the project's commands with it."""

    framework: str
    env: dict[str, str]
    python: Path | None = None
    reused: bool = False
    seconds: float = 0.0

    def command(self, production: bool = False) -> list[str]:
        """The project's documented start command, with the cached dependencies."""
        if self.framework == "flask":
            if production:
                return [str(self.python), "-m", "gunicorn", "app:app"]
            return [str(self.python), "app.py"]
        return ["npm", "run", "start:prod"] if production else ["npm", "start"]

    def test_command(self) -> list[str]:
        if self.framework == "flask":
            return [str(self.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        return ["npm", "test", "--silent"]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(
    command: list[str], cwd: Path | None, what: str, env: dict[str, str] | None = None
) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RunError(f"{what} failed (exit {result.returncode}):\n{tail}")


def install(project: Path, *, dev: bool = False) -> Installed:
    """Install the project's dependencies into the cache, or reuse an identical set."""
    framework = detect_framework(project)
    started = time.perf_counter()
    if framework == "flask":
        installed = _install_flask(project, dev)
    else:
        installed = _install_express(project, dev)
    installed.seconds = time.perf_counter() - started
    return installed


def _install_flask(project: Path, dev: bool) -> Installed:
    files = ["requirements.txt"] + (["requirements-dev.txt"] if dev else [])
    files = [name for name in files if (project / name).is_file()]
    digest = hashlib.sha256(sys.version.encode())
    for name in files:
        digest.update((project / name).read_bytes())
    venv = cache_dir() / "venvs" / digest.hexdigest()[:16]
    python = venv / "bin" / "python"
    reused = True
    with _locked(venv.with_suffix(".lock")):
        if not (venv / COMPLETE).exists():
            reused = False
            shutil.rmtree(venv, ignore_errors=True)
            _run(
                [sys.executable, "-m", "venv", "--without-pip", str(venv)],
                None,
                "creating a virtualenv",
            )
            pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
            pip += ["--disable-pip-version-check", "-r", files[-1]]
            _run(pip, project, f"pip install -r {files[-1]}")
            (venv / COMPLETE).touch()
    env = dict(
        os.environ,
        VIRTUAL_ENV=str(venv),
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.pop("PYTHONHOME", None)
    return Installed("flask", env, python=python, reused=reused)


def _install_express(project: Path, dev: bool) -> Installed:
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise RunError(
            "node and npm are needed to run an Express project; install Node.js 20 or newer"
        )
    manifest = json.loads((project / "package.json").read_text(encoding="utf-8"))
    deps = {
        "dependencies": manifest.get("dependencies", {}),
        "devDependencies": manifest.get("devDependencies", {}) if dev else {},
    }
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    digest = hashlib.sha256((node_version + json.dumps(deps, sort_keys=True)).encode())
    folder = cache_dir() / "node" / digest.hexdigest()[:16]
    reused = True
    with _locked(folder.with_suffix(".lock")):
        if not (folder / COMPLETE).exists():
            reused = False
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            (folder / "package.json").write_text(json.dumps({"private": True, **deps}, indent=2))
            command = ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"]
            command += ["--no-package-lock", "--loglevel=error"]
            _run(command, folder, "npm install")
            (folder / COMPLETE).touch()
    env = dict(os.environ, NODE_PATH=str(folder / "node_modules"))
    env["PATH"] = f"{folder / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed("express", env, reused=reused)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Server:
    """A running generated server."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path
    timings: dict[str, float] = field(default_factory=dict)

    def output(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.strip().splitlines()[-lines:])


def group_processes(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """Stop a server's whole process group: SIGTERM, then SIGKILL for what is left."""
    pgid = process.pid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)
            if process.poll() is not None and not group_processes(pgid):
                return
    if group_processes(pgid):
        raise RunError(f"processes {group_processes(pgid)} of the server survived SIGKILL")


@contextlib.contextmanager
def serve(
    project: Path,
    *,
    installed: Installed | None = None,
    port: int | None = None,
    production: bool = False,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start the project on a free port (or `port`), wait until it listens, stop it after."""
    project = Path(project)
    installed = installed or install(project)
    if port is None:
        port = free_port()
    elif port_in_use(port):
        raise RunError(f"port {port} is already in use; stop what listens there and try again")
    run_env = dict(installed.env, PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1")
    run_env.update(env or {})
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="dualgen-run-") as tmp:
        log = Path(tmp) / "server.log"
        started = time.perf_counter()
        with open(log, "wb") as out:
            process = subprocess.Popen(
                installed.command(production),
                cwd=project,
                env=run_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(url, port, process, log)
        try:
            _wait_until_ready(server, timeout)
            server.timings["start"] = time.perf_counter() - started
            yield server
        finally:
            stop(process)
            _wait_until_closed(port)


def _wait_until_closed(port: int, timeout: float = 5.0) -> None:
    """The kernel closes a dead server's socket a moment after the process is gone."""
    deadline = time.monotonic() + timeout
    while port_in_use(port):
        if time.monotonic() > deadline:
            raise RunError(f"port {port} is still open {timeout:g} s after the server was stopped")
        time.sleep(0.02)


def _wait_until_ready(server: Server, timeout: float) -> None:
    """Wait until the port accepts connections: no request is spent (rate limits, logs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RunError(
                f"the server exited with code {server.process.returncode} before listening; "
                f"its output:\n{server.output()}"
            )
        if port_in_use(server.port):
            return
        time.sleep(0.05)
    raise RunError(
        f"the server did not listen on port {server.port} within {timeout:g} s; "
        f"its output:\n{server.output()}"
    )
