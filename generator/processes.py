"""Processes dualgen starts (servers, installs, a project's tests), and how all of them end.

`start` runs a command in a session of its own (POSIX; a process group on Windows) with a tag
in its environment, DUALGEN_PROCESS=<owner>/<n> (`generator.watchdog`), which every process it
starts inherits. `stop` ends all of it: the process tree, the session and process group, and
every process that carries the tag, which finds a daemon that left the session by a double
fork. SIGTERM first, SIGKILL for what is left. Processes still running when a command ends (a
signal stopped it) are stopped by the CLI's signal handler (`signals.on_stop`), and the
watchdog stops them when dualgen itself dies, even by SIGKILL.

Only a process that both leaves the session and clears its environment escapes: a cgroup (Linux,
needs a delegated hierarchy: root or systemd) or a job object (Windows) would hold it, and
dualgen uses neither. Elsewhere than Linux it holds less: on Windows there are no sessions (the
tree and the tag are what is found), and macOS does not show the environment of a hardened
process (a system binary); the watchdog works the same everywhere. Portable through psutil.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from . import signals
from .errors import DualgenError, RunError
from .watchdog import TAG

POSIX = os.name == "posix"

#: Processes started and not yet stopped: what the end of a command must stop.
live_processes: set[subprocess.Popen[bytes]] = set()


@dataclass(frozen=True)
class _Start:
    """What start() knows of a process it started."""

    tag: str  # in the environment of the process and all it begins
    created: float  # its creation time: what it began was created after it
    command: bool  # started while a command ran (the CLI's handler installed)


_starts: weakref.WeakKeyDictionary[subprocess.Popen[bytes], _Start] = weakref.WeakKeyDictionary()


def tag(process: subprocess.Popen[bytes]) -> str | None:
    """The tag a started process and everything it begins carry in their environment."""
    start = _starts.get(process)
    return start.tag if start else None


class _Owner:
    """This dualgen process's tag prefix and its watchdog (started with the first process)."""

    def __init__(self) -> None:
        self.pid = 0
        self.name = ""
        self.numbers = itertools.count(1)
        self.watchdog: subprocess.Popen[bytes] | None = None
        self.pipe: int | None = None
        self.lock = threading.Lock()  # a class run starts servers from several threads


_owner = _Owner()


def _own_session() -> dict[str, Any]:
    if POSIX:
        return {"start_new_session": True}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]  # Windows


def _watched() -> str:
    """This process's owner name, its watchdog started first (again after a fork)."""
    with _owner.lock:
        if _owner.pid != os.getpid():
            _start_watchdog()
        return _owner.name


def _start_watchdog() -> None:
    """Start generator/watchdog.py in a session of its own, its input a pipe only we hold."""
    name = f"{os.getpid()}-{secrets.token_hex(6)}"
    read_end, write_end = os.pipe()  # neither is inherited by the processes dualgen starts
    try:
        environ = {key: value for key, value in os.environ.items() if key != TAG}
        _owner.watchdog = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).with_name("watchdog.py")), name],
            stdin=read_end,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environ,
            **_own_session(),
        )
    except OSError as error:
        os.close(write_end)
        raise RunError(f"cannot start dualgen's watchdog: {error.strerror or error}") from None
    finally:
        os.close(read_end)
    _owner.pid, _owner.name, _owner.pipe = os.getpid(), name, write_end
    atexit.unregister(_dismiss)
    atexit.register(_dismiss)


def _dismiss(timeout: float = 10.0) -> None:
    """Close the watchdog's pipe and wait until it has looked for what is left and ended, so
    that a command which stopped everything leaves no process at all behind."""
    with _owner.lock:
        watchdog, pipe = _owner.watchdog, _owner.pipe
        if _owner.pid != os.getpid() or watchdog is None or pipe is None:
            return
        _owner.pid, _owner.watchdog, _owner.pipe = 0, None, None
    os.close(pipe)
    with contextlib.suppress(subprocess.TimeoutExpired):
        watchdog.wait(timeout)


def start(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start a command in its own session, tagged, registered so that the end of the command
    (a signal included) stops it. No new process once a signal has come."""
    options.update(_own_session())
    with signals.held():
        signals.checkpoint()  # a thread of a stopping command starts nothing more
        mark = f"{_watched()}/{next(_owner.numbers)}"
        environ = os.environ if options.get("env") is None else options["env"]
        options["env"] = {**environ, TAG: mark}
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, **options)
        except OSError as error:
            raise RunError(f"cannot run {command[0]}: {error.strerror or error}") from None
        _starts[process] = _Start(mark, _created(process.pid), signals.in_command())
        live_processes.add(process)
    return process


def group_processes(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group; on Windows, of the process tree."""
    if not POSIX:
        return [p.pid for p in _tree(pgid) if _running(p)]
    pids = []
    for proc in psutil.process_iter(["status"]):
        with contextlib.suppress(OSError, psutil.Error):
            if proc.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(proc.pid) == pgid:
                pids.append(proc.pid)
    return pids


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _in_session(proc: psutil.Process, leader: int) -> bool:
    try:
        return os.getsid(proc.pid) == leader or os.getpgid(proc.pid) == leader
    except OSError:
        return False


def members(process: subprocess.Popen[bytes]) -> dict[int, psutil.Process]:
    """Every live process of a start: its tree, its session and process group (POSIX), and
    every process that carries its tag, wherever it moved. One pass over the process table."""
    # Once reaped, its pid may belong to another process: no tree then.
    found = {proc.pid: proc for proc in _tree(process.pid)} if process.poll() is None else {}
    start = _starts.get(process)
    # What it began was created after it: only those environments are read.
    since = start.created if start else 0.0
    for proc in psutil.process_iter(["create_time"]):
        if proc.pid in found or (proc.info["create_time"] or 0.0) < since:
            continue
        if (POSIX and _in_session(proc, process.pid)) or (start and _tag_of(proc) == start.tag):
            found[proc.pid] = proc
    found.pop(os.getpid(), None)
    return {pid: proc for pid, proc in found.items() if _running(proc)}


def _created(pid: int) -> float:
    """When a process was created, on psutil's clock (the one the filter in `members` reads;
    a clock step of the system does not move it). 0.0 when unknown: then every one is read."""
    try:
        return psutil.Process(pid).create_time() - 1.0  # 1 s: the kernel counts clock ticks
    except psutil.Error:
        return 0.0


def _tag_of(proc: psutil.Process) -> str | None:
    try:
        return proc.environ().get(TAG)
    except psutil.Error:  # another user's process, or gone
        return None


def stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Stop everything a start began (`members`): SIGTERM, then SIGKILL for what is left."""
    seen: dict[int, psutil.Process] = {}
    try:
        with signals.held():
            for hard in (False, True):
                seen.update(members(process))
                _signal_all(process.pid, list(seen.values()), hard)
                if _ended(process, seen, hard, timeout):
                    return
            left = sorted(members(process))
            if left:
                raise RunError(f"processes {left} survived SIGKILL")
    finally:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        live_processes.discard(process)


def _ended(
    process: subprocess.Popen[bytes], seen: dict[int, psutil.Process], hard: bool, timeout: float
) -> bool:
    """Wait until the process and all it began have ended; a member found on the last look
    (one started while the others stopped) gets the same signal, and the wait goes on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
        if process.poll() is None or any(_running(proc) for proc in seen.values()):
            continue
        new = members(process)
        if not new:
            return True
        seen.update(new)
        _signal_all(process.pid, list(new.values()), hard)
    return False


def _signal_all(pgid: int, procs: list[psutil.Process], hard: bool) -> None:
    if POSIX:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL if hard else signal.SIGTERM)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill() if hard else proc.terminate()


def stop_all(command_only: bool = False) -> None:
    """Stop every process started and not yet stopped (or those the running command started),
    then, when none is left, dismiss the watchdog."""
    for process in list(live_processes):
        start = _starts.get(process)
        if (start and start.command) or not command_only:
            with contextlib.suppress(DualgenError):
                stop(process)
    if not live_processes:
        _dismiss()


def _end_of_command() -> None:
    stop_all(command_only=True)


signals.on_stop(_end_of_command)
