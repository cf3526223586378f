"""Processes dualgen starts (servers, installs): started in their own process group, stopped as a
whole tree, and stopped too when dualgen gets SIGINT, SIGTERM or SIGHUP. Portable through psutil:
no /proc, no fcntl.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import psutil

from .errors import DualgenError, RunError

POSIX = os.name == "posix"
#: The signals that stop a run (SIGHUP does not exist on Windows).
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


# -- signals --------------------------------------------------------------------------------


class Interrupted(DualgenError):
    """SIGINT, SIGTERM or SIGHUP stopped the run; what it had started is stopped. Exit 128+n."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}; stopped what was running")
        self.exit_code = 128 + signum


class _Stop(BaseException):
    """Carries a signal up through library code that catches Exception."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    depth = 0  # > 0 while starting or stopping a process: a signal waits until it is done
    pending: int | None = None
    caught: int | None = None


_signals = _Signals()
#: Processes started and not yet stopped: what a signal must stop.
live_processes: set[subprocess.Popen[bytes]] = set()


def _on_signal(signum: int, frame: object) -> None:
    if _signals.caught is not None:
        return  # already stopping
    if _signals.depth:
        _signals.pending = _signals.pending or signum
        return
    _signals.caught = signum
    raise _Stop(signum)


def raise_if_signalled() -> None:
    """Raise again a signal caught earlier: for loops whose library code (hypothesis takes a
    test's exception for a failure to shrink) may have swallowed the first raise."""
    if _signals.caught is not None:
        raise _Stop(_signals.caught)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Start or stop processes without a signal landing half-way; it is raised at the end."""
    _signals.depth += 1
    try:
        yield
    finally:
        _signals.depth -= 1
        if _signals.depth == 0 and _signals.pending is not None and _signals.caught is None:
            _signals.caught, _signals.pending = _signals.pending, None
            raise _Stop(_signals.caught)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into `Interrupted` once every process started inside is
    stopped and every temporary folder removed. Only in the main thread (signals land there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    previous = {
        sig: signal.signal(sig, _on_signal)
        for sig in (getattr(signal, n, None) for n in names)
        if sig
    }
    try:
        yield
    except _Stop:
        pass
    finally:
        _signals.depth += 1  # nothing interrupts the clean-up
        try:
            for process in list(live_processes):
                with contextlib.suppress(DualgenError):
                    stop(process)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            caught = _signals.caught or _signals.pending
            _signals.depth, _signals.pending, _signals.caught = 0, None, None
        if caught is not None:
            raise Interrupted(caught) from None


# -- processes ------------------------------------------------------------------------------


def start(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start a command in its own process group, registered so that a signal stops it."""
    if POSIX:
        options["start_new_session"] = True
    else:
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]  # Windows
    with deferred_signals():
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, **options)
        except OSError as error:
            raise RunError(f"cannot run {command[0]}: {error.strerror or error}") from None
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


def stop(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """Stop a process's whole group and tree: SIGTERM, then SIGKILL for what is left."""
    seen: dict[int, psutil.Process] = {}

    def alive() -> list[int]:
        for proc in _tree(process.pid):
            seen.setdefault(proc.pid, proc)
        pids = {pid for pid, proc in seen.items() if _running(proc)}
        if POSIX:
            pids.update(group_processes(process.pid))
        return sorted(pids)

    try:
        with deferred_signals():
            for hard in (False, True):
                alive()
                _signal_all(process.pid, list(seen.values()), hard)
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=0.05)
                    if process.poll() is not None and not alive():
                        return
            left = alive()
            if left:
                raise RunError(f"processes {left} survived SIGKILL")
    finally:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        live_processes.discard(process)


def _signal_all(pgid: int, procs: list[psutil.Process], hard: bool) -> None:
    if POSIX:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL if hard else signal.SIGTERM)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill() if hard else proc.terminate()
