"""Install a generated project's dependencies (cached), start it on a free port, stop it cleanly.

`with serve(project) as server: requests.get(server.url)`. Dependencies are installed once per
distinct requirement set: a virtualenv per requirements hash for Flask, a node_modules folder per
package.json dependency hash for Express, linked into the project while it runs (ES modules
ignore NODE_PATH; see generator.runner.linked). An entry is built in a temporary folder beside its
place and renamed into place when complete, with a manifest of its files; an entry that no longer
matches its manifest is rebuilt. The server runs in a session of its own (POSIX) or process
group (Windows), started and stopped by `generator.processes`: on exit everything it began is
stopped (a daemon that left the session too) and the port is checked closed; the CLI's signal
handler and a watchdog stop what still runs when a command is stopped or dualgen is killed.
Works wherever psutil does (Linux, macOS, Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import bounds as _bounds
from ..cache import (
    CACHE_FORMAT,
    CACHE_KINDS,
    COMPLETE,
    CacheEntry,
    cache_dir,
    cache_entries,
    cache_folder,
    clean_cache,
    healthy,
    locked,
    manifest,
)
from ..errors import RunError
from ..processes import group_processes, stop
from ..signals import held
from .contents import mark_used
from .folder import detect_framework, read_manifest
from .keys import node_key, requirements_key

__all__ = [
    "Installed",
    "CACHE_KINDS",
    "CacheEntry",
    "cache_folder",
    "Server",
    "cache_dir",
    "cache_entries",
    "clean_cache",
    "detect_framework",
    "free_port",
    "group_processes",
    "install",
    "port_in_use",
    "serve",
    "stop",
]


@contextlib.contextmanager
def _os_errors(what: str) -> Iterator[None]:
    """An OSError of the world becomes one line: what failed, and the system's reason."""
    try:
        yield
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise RunError(f"{what} failed: {error.strerror or error}{where}") from None


@dataclass
class Installed:
    """An installed dependency set: how to run the project's commands with it."""

    framework: str
    env: dict[str, str]
    python: Path | None = None
    #: An Express project's cached node_modules (see `visible_in`).
    modules: Path | None = None
    reused: bool = False
    seconds: float = 0.0

    def command(self, production: bool = False) -> list[str]:
        """The project's documented start command, with the cached dependencies."""
        if self.framework == "flask":
            if production:
                return [str(self.python), "-m", "gunicorn", "app:app"]
            return [str(self.python), "app.py"]
        if production:  # as the README says: npm would not pass signals on to node
            return [shutil.which("node") or "node", "server.js"]
        return [_npm(), "start"]

    def visible_in(self, project: Path) -> contextlib.AbstractContextManager[None]:
        """While the block runs, Node finds the dependencies from the project's own folder."""
        if self.modules is None:
            return contextlib.nullcontext()
        from .linked import node_modules

        return node_modules(project, self.modules)

    def test_command(self) -> list[str]:
        if self.framework == "flask":
            return [str(self.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        return [_npm(), "test", "--silent"]


def _npm() -> str:
    return shutil.which("npm") or "npm"


def _venv_python(venv: Path) -> Path:
    return venv / "Scripts" / "python.exe" if os.name == "nt" else venv / "bin" / "python"


#: Receives the output of an install step line by line (`install(output=...)`).
Output = Callable[[str], None]


def _run(
    command: list[str],
    cwd: Path | None,
    what: str,
    env: dict[str, str],
    lines: Output | None = None,
) -> None:
    """Run an install step, within the install timeout; on any exception (a signal too) its
    whole tree is stopped. With `lines`, its output is passed on line by line as it comes."""
    limit = _bounds.install_timeout()
    bounds = _bounds.current.get()
    if bounds is not None:
        limit = min(limit, bounds.check(what))
    process = log = None
    try:
        process, log = _bounds.start_logged(command, lines, cwd=cwd, env=env)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            if bounds is not None:
                bounds.check(what)
            raise _bounds.Violation(
                f"{what} did not finish within {limit:g} s (DUALGEN_INSTALL_TIMEOUT); "
                "does a requirement name a FIFO, a device or a server that never answers?"
            ) from None
    finally:
        if process is not None and process.returncode is None:
            stop(process)
        if log is not None:
            log.finish()
    if process.returncode != 0:
        tail = "\n".join(log.read_text().strip().splitlines()[-15:])
        raise RunError(f"{what} failed (exit {process.returncode}):\n{tail}")


# -- the cache ------------------------------------------------------------------------------


def _cached(folder: Path, build: Callable[[Path, dict[str, str]], None]) -> bool:
    """Reuse a healthy entry (True), or build one in a temporary folder, then rename it into
    place (False). An interrupted build leaves no folder behind."""
    cache_folder(folder.parent.name)  # the cache's tag, written when dualgen makes the cache
    with locked(folder.with_name(folder.name + ".lock")):
        if healthy(folder):
            mark_used(folder)
            return True
        for leftover in folder.parent.glob(f"{folder.name}.*-*"):  # of a killed run
            shutil.rmtree(leftover, ignore_errors=True)
        staging = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            scratch = staging / ".tmp"
            scratch.mkdir(parents=True)
            env = dict(os.environ, TMPDIR=str(scratch), TEMP=str(scratch), TMP=str(scratch))
            build(staging, env)
            with held():
                shutil.rmtree(scratch)
                (staging / COMPLETE).write_text(
                    json.dumps({"format": CACHE_FORMAT, "files": manifest(staging)}),
                    encoding="utf-8",
                )
                if folder.exists() or folder.is_symlink():
                    broken = folder.with_name(f"{folder.name}.old-{secrets.token_hex(4)}")
                    os.replace(folder, broken)
                    shutil.rmtree(broken, ignore_errors=True)
                os.replace(staging, folder)
        finally:
            if staging.exists():
                with held():
                    shutil.rmtree(staging, ignore_errors=True)
    return False


def install(
    project: Path,
    *,
    dev: bool = False,
    output: Output | None = None,
    bounds: _bounds.Bounds | None = None,
) -> Installed:
    """Install the project's dependencies into the cache, or reuse an identical healthy set.

    With `output`, pip's or npm's own output (not quietened) goes to it line by line. Each
    install step stops at the install timeout, or at the deadline of `bounds` if sooner.
    """
    project = Path(project)
    framework = detect_framework(project)
    started = time.perf_counter()
    token = _bounds.current.set(bounds)
    try:
        with _os_errors(f"installing the dependencies into {cache_dir()}"):
            if framework == "flask":
                installed = _install_flask(project, dev, output)
            else:
                installed = _install_express(project, dev, output)
    finally:
        _bounds.current.reset(token)
    installed.seconds = time.perf_counter() - started
    return installed


def _install_flask(project: Path, dev: bool, output: Output | None = None) -> Installed:
    files = ["requirements.txt"] + (["requirements-dev.txt"] if dev else [])
    files = [name for name in files if os.path.lexists(project / name)]
    # What decides the install: the file pip reads, with every file it names (runner.keys).
    key = f"{CACHE_FORMAT}\n{sys.version}\n{requirements_key(project, files[-1])}"
    venv = cache_dir() / "venvs" / hashlib.sha256(key.encode()).hexdigest()[:16]

    def build(into: Path, env: dict[str, str]) -> None:
        _run(
            [sys.executable, "-m", "venv", "--without-pip", str(into)],
            None,
            "creating a virtualenv",
            env,
        )
        pip = [sys.executable, "-m", "pip", "--python", str(_venv_python(into)), "install"]
        pip += ["-q"] * (output is None) + ["--disable-pip-version-check", "-r", files[-1]]
        _run(pip, project, f"pip install -r {files[-1]}", env, output)

    reused = _cached(venv, build)
    env = dict(
        os.environ,
        VIRTUAL_ENV=str(venv),
        PATH=f"{_venv_python(venv).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.pop("PYTHONHOME", None)
    return Installed("flask", env, python=_venv_python(venv), reused=reused)


def _install_express(project: Path, dev: bool, output: Output | None = None) -> Installed:
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise RunError(
            "node and npm are needed to run an Express project; install Node.js 20 or newer"
        )
    manifest = read_manifest(project)
    deps = {
        "dependencies": manifest.get("dependencies", {}),
        "devDependencies": manifest.get("devDependencies", {}) if dev else {},
    }
    node = shutil.which("node") or "node"
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    key = f"{CACHE_FORMAT}\n{node_key(deps, node_version)}"
    folder = cache_dir() / "node" / hashlib.sha256(key.encode()).hexdigest()[:16]

    def build(into: Path, env: dict[str, str]) -> None:
        (into / "package.json").write_text(
            json.dumps({"private": True, **deps}, indent=2), encoding="utf-8"
        )
        command = [_npm(), "install", "--no-audit", "--no-fund", "--prefer-offline"]
        command += ["--no-package-lock"] + ["--loglevel=error"] * (output is None)
        _run(command, into, "npm install", env, output)

    reused = _cached(folder, build)
    modules = Path(os.path.abspath(folder / "node_modules"))
    env = dict(os.environ, NODE_PATH=str(modules))  # for callers that run node themselves
    env["PATH"] = f"{modules / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed("express", env, modules=modules, reused=reused)


# -- serving --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # type: ignore[no-any-return]  # AF_INET: (host, port)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@dataclass
class Server:
    """A running generated server."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    #: Its output, the head and the tail kept (generator.bounds.CappedLog).
    log: _bounds.CappedLog
    timings: dict[str, float] = field(default_factory=dict)

    def output(self, lines: int = 30) -> str:
        """Its last lines, as a terminal may show them: control characters made visible."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return _bounds.visible("\n".join(text.strip().splitlines()[-lines:]))


@contextlib.contextmanager
def serve(
    project: Path,
    *,
    installed: Installed | None = None,
    port: int | None = None,
    production: bool = False,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
) -> Iterator[Server]:
    """Start the project on a free port (or `port`) with its documented command (or `command`),
    wait until it listens, stop it after."""
    project = Path(project)
    installed = installed or install(project)
    if port is None:
        port = free_port()
    elif port_in_use(port):
        raise RunError(f"port {port} is already in use; stop what listens there and try again")
    run_env = dict(installed.env, PORT=str(port), HOST="127.0.0.1", PYTHONUNBUFFERED="1")
    run_env.update(env or {})
    url = f"http://127.0.0.1:{port}/"
    process = log = None
    linked = contextlib.ExitStack()
    try:
        started = time.perf_counter()
        with held(), _os_errors("starting the server"):
            linked.enter_context(installed.visible_in(project))
            process, log = _bounds.start_logged(
                command or installed.command(production), cwd=project, env=run_env
            )
        server = Server(url, port, process, log)
        _wait_until_ready(server, timeout)
        server.timings["start"] = time.perf_counter() - started
        yield server
    finally:
        with held():
            try:
                if process is not None:
                    stop(process)
                    _wait_until_closed(port)
            finally:
                linked.close()
                if log is not None:
                    log.finish()


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
            server.log.finish()  # what it wrote before it exited, read to the end
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
