"""Stops what a dualgen process started once that process is gone, even after a SIGKILL.

Every process `generator.processes` starts carries a tag in its environment,
DUALGEN_PROCESS=<owner>/<n>, and passes it on to whatever it starts, a daemon that left the
session by a double fork included. `tagged()` finds them all (psutil: /proc on Linux, sysctl on
macOS, the process block on Windows; only the user's own processes are readable).

Run as a script (`python -I watchdog.py OWNER`), once per dualgen process, in a session of its
own so that a Ctrl-C or a signal to dualgen's process group does not reach it: its standard
input is the read end of a pipe whose write end only dualgen holds. When dualgen ends, however
it ends, the pipe closes; the watchdog then stops every process tagged with OWNER (SIGTERM,
then SIGKILL after a grace period) and exits. Standard library and psutil only: it imports
nothing of dualgen.
"""

from __future__ import annotations

import os
import signal
import sys

import psutil

#: The environment variable that marks a process and everything it starts.
TAG = "DUALGEN_PROCESS"
#: How long what is left gets between SIGTERM and SIGKILL.
GRACE = 2.0


def tagged(owner: str, number: int | None = None) -> list[psutil.Process]:
    """Live processes tagged by `owner` (every one, or only the start numbered `number`)."""
    wanted = f"{owner}/" if number is None else f"{owner}/{number}"
    me = os.getpid()
    found = []
    for proc in psutil.process_iter(["environ", "status"]):
        environ = proc.info["environ"] or {}  # None: another user's, or gone
        value = environ.get(TAG, "")
        hit = value.startswith(wanted) if number is None else value == wanted
        if hit and proc.pid != me and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def stop_tagged(owner: str, rounds: int = 5) -> list[int]:
    """SIGTERM every process tagged by `owner`, SIGKILL what is left after GRACE seconds;
    again until none is found (one may start another while it stops). The pids it signalled."""
    signalled: list[int] = []
    for attempt in range(rounds):
        procs = tagged(owner)
        if not procs:
            break
        for proc in procs:
            try:
                proc.terminate() if attempt == 0 else proc.kill()
            except psutil.Error:
                continue
            signalled.append(proc.pid)
        _, alive = psutil.wait_procs(procs, timeout=GRACE)
        for proc in alive:
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=GRACE)
    return signalled


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: watchdog.py OWNER  (standard input: a pipe dualgen holds open)")
        return 2
    for name in ("SIGINT", "SIGHUP"):  # the terminal's signals are for dualgen
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    while os.read(0, 4096):  # dualgen never writes: this returns b"" when it is gone
        pass
    stop_tagged(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
