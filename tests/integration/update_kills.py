"""Kill `dualgen update` with SIGKILL at random points of its apply phase, many times, fast.

Run as `python -m tests.integration.update_kills SETUP.json` (test_update_kills.py does). One
process imports dualgen once, then for each trial copies the pristine project and forks a child
that runs the CLI's own entry point (`generator.cli.main`, as the console script does) on it:
no hook in dualgen, the child is killed from outside. The parent watches the project folder
until the update's staging folder appears (the apply phase has begun), waits a random time and
sends SIGKILL. Some trials kill the next run too (in its recovery, or in its own apply). Then,
unless the trial is left for the test to repair (its number in "leave"), one more run goes to
the end. With "stride" set, the kills are counted in file-system calls instead (SHIM, loaded by
LD_PRELOAD): every stride-th call of the apply phase, until a run gets through; the first
trial whose last kill's landing matches "leave_first" is left to the test.

Each kill's landing point is read from the project as the kill left it: "staging" (no journal
yet), "moving K/N" (journal written, K of N files in their new state), "undoing", "after" (the
staging folder already gone) or "before". One JSON line per trial on stdout.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sys
import time
from pathlib import Path

PREFIX = ".dualgen-update-"

#: A preloaded library that kills its process before its Nth call (N: KILL_AT_STEP) to one of
#: the C library's file-system functions, counted from the first that names a path holding
#: ".dualgen-update-" (the update's staging folder, or its journal when a run recovers). Fork
#: children inherit it; without KILL_AT_STEP it only passes each call on.
SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long counted = -1;

static void step(const char *path) {
    const char *at = getenv("KILL_AT_STEP");
    if (!at) return;
    if (counted < 0) {
        if (!path || !strstr(path, ".dualgen-update-")) return;
        counted = 0;
    }
    if (++counted == atol(at)) kill(getpid(), SIGKILL);
}

#define WRAP(name, params, args, path) \
    int name params { \
        static int (*real) params; \
        if (!real) real = dlsym(RTLD_NEXT, #name); \
        step(path); \
        return real args; \
    }

WRAP(rename, (const char *a, const char *b), (a, b), a)
WRAP(renameat, (int fa, const char *a, int fb, const char *b), (fa, a, fb, b), a)
WRAP(unlink, (const char *a), (a), a)
WRAP(unlinkat, (int fd, const char *a, int f), (fd, a, f), a)
WRAP(link, (const char *a, const char *b), (a, b), b)
WRAP(linkat, (int fa, const char *a, int fb, const char *b, int f), (fa, a, fb, b, f), b)
WRAP(mkdir, (const char *a, mode_t m), (a, m), a)
WRAP(rmdir, (const char *a), (a), a)
WRAP(chmod, (const char *a, mode_t m), (a, m), a)
WRAP(fsync, (int fd), (fd), NULL)

#define OPEN(name, params, args, path) \
    int name params { \
        static int (*real)(); \
        mode_t mode = 0; \
        if (flags & (O_CREAT | O_TMPFILE)) { \
            va_list list; va_start(list, flags); mode = va_arg(list, int); va_end(list); \
        } \
        if (!real) real = dlsym(RTLD_NEXT, #name); \
        step(path); \
        return real args; \
    }

OPEN(open, (const char *p, int flags, ...), (p, flags, mode), p)
OPEN(open64, (const char *p, int flags, ...), (p, flags, mode), p)
OPEN(openat, (int fd, const char *p, int flags, ...), (fd, p, flags, mode), p)
OPEN(openat64, (int fd, const char *p, int flags, ...), (fd, p, flags, mode), p)
"""


def _child(argv: list[str]) -> None:
    """In the forked child: run the CLI as the console script does, then exit at once."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    code = 0
    try:
        from generator.cli import main

        main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        code = 99
    os._exit(code)


def _fork(argv: list[str], step: int | None = None) -> int:
    pid = os.fork()
    if pid == 0:
        if step is not None:
            os.environ["KILL_AT_STEP"] = str(step)  # read by SHIM in this process only
        _child(argv)
    return pid


def _killed_at_step(argv: list[str], step: int) -> bool:
    """Run the command under SHIM, to be killed at `step`; whether it was (or finished)."""
    _, status = os.waitpid(_fork(argv, step), 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _staging(project: Path) -> set[str]:
    return {name for name in os.listdir(project) if name.startswith(PREFIX)}


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def landed(project: Path, answers: dict[str, str]) -> str:
    """Where a kill stopped the update, read from what it left in the project."""
    found = sorted(_staging(project))
    if not found:
        now = _sha(project / ".dualgen.yaml")
        return "after" if now == answers["after"] else "before" if now == answers["before"] else "?"
    staging = project / found[0]
    for name, what in (("journal.json", "moving"), ("undo.json", "undoing")):
        if (staging / name).exists():
            rows = json.loads((staging / name).read_text(encoding="utf-8"))["changes"]
            moved = sum(_sha(project / path) == after for path, _before, after in rows)
            return f"{what} {moved}/{len(rows)}"
    return "staging"


def _begun(project: Path, before: set[str], mark: str) -> bool:
    """Whether a new staging folder is there, holding `mark` (a file name) unless mark is ""."""
    for name in _staging(project) - before:
        if not mark or os.path.exists(project / name / mark):
            return True
    return False


def _kill_in_apply(
    project: Path, argv: list[str], mark: str, window: float, rng: random.Random
) -> str:
    """Run the update; once its staging folder appears (holding `mark`: "journal.json" for
    the moves), SIGKILL it after a random delay up to `window`. Returns "exited" when it
    ended before (it had nothing to apply, or was quicker than the watch)."""
    before = _staging(project)
    pid = _fork(argv)
    started = time.perf_counter()
    while not _begun(project, before, mark):
        time.sleep(0.0001)  # leave the child the processor
        if os.waitpid(pid, os.WNOHANG)[0]:
            return "exited"
        if time.perf_counter() - started > 60:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise SystemExit("the update never began to apply within 60 s")
    time.sleep(rng.uniform(0, window))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "killed"


def _kill_early(argv: list[str], window: float, rng: random.Random) -> str:
    """Run the command and SIGKILL it a random time after it starts (its recovery)."""
    pid = _fork(argv)
    time.sleep(rng.uniform(0, window))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "killed"


def _run(argv: list[str]) -> int:
    _, status = os.waitpid(_fork(argv), 0)
    return os.waitstatus_to_exitcode(status)


def _windows(setup: dict) -> dict[str, float]:
    """How long the apply phase lasts here, the longest of three uninterrupted updates: from
    the staging folder's appearance ("") and from the journal's ("journal.json") to the
    staging folder's removal."""
    longest = {"": 0.0, "journal.json": 0.0}
    for number in range(3):
        project = Path(setup["work"]) / f"calibrate-{number}" / "shop"
        shutil.copytree(setup["pristine"], project, symlinks=True)
        pid = _fork(["update", str(project), *setup["args"]])
        seen = {}
        while len(seen) < 2:
            for mark in longest:
                if mark not in seen and _begun(project, set(), mark):
                    seen[mark] = time.perf_counter()
            if os.waitpid(pid, os.WNOHANG)[0]:
                raise SystemExit("a calibration update ended before it was seen applying")
        while _staging(project):
            time.sleep(0.0001)
        for mark, when in seen.items():
            longest[mark] = max(longest[mark], time.perf_counter() - when)
        os.waitpid(pid, 0)
        shutil.rmtree(project.parent)
    return longest


def _kill_anywhere(
    project: Path, argv: list[str], windows: dict[str, float], rng: random.Random
) -> str:
    """SIGKILL the update in its apply phase: half the time counted from its staging folder's
    appearance, half from its journal's (the moves), up to 1.5 times the phase's length, so
    that some kills land just after it."""
    mark = rng.choice(sorted(windows))
    return _kill_in_apply(project, argv, mark, windows[mark] * 1.5, rng)


def trial(number: int, setup: dict, windows: dict[str, float], rng: random.Random) -> dict:
    project = Path(setup["work"]) / f"trial-{number:03d}" / "shop"
    shutil.copytree(setup["pristine"], project, symlinks=True)
    argv = ["update", str(project), *setup["args"]]
    kills = []
    if _kill_anywhere(project, argv, windows, rng) == "killed":
        kills.append(landed(project, setup["answers"]))
    for _ in range(rng.randrange(setup["chain"])):  # then kill the next runs too
        if rng.random() < 0.5:  # in its recovery, at the start
            _kill_early(argv, windows["journal.json"] * 2, rng)
        elif _kill_anywhere(project, argv, windows, rng) != "killed":
            continue
        kills.append("next run: " + landed(project, setup["answers"]))
    code = None if number in setup["leave"] else _run(argv)
    return {"project": str(project), "kills": kills, "exit": code}


def _warm(setup: dict) -> None:
    """Import dualgen and plan the update once here, so that every fork starts warm (templates
    read, Jinja compiled) and reaches its apply phase in a fraction of a second."""
    import generator.cli  # noqa: F401
    from generator import update

    project = Path(setup["work"]) / "warm" / "shop"
    shutil.copytree(setup["pristine"], project, symlinks=True)
    update.plan_update(project, {"middleware": ["cors"]})
    shutil.rmtree(project.parent)


def sweep(setup: dict, rng: random.Random) -> None:
    """Kill the update at every `stride`th file-system call of its apply phase (SHIM; a random
    first one), until a run gets through; half the time kill the next run too, at a random call
    of its recovery. One JSON line per trial; the last trial's run was not killed at all."""
    stride, leave = setup["stride"], setup.get("leave_first")
    step = rng.randint(1, stride)
    for number in range(1000):
        project = Path(setup["work"]) / f"step-{number:03d}" / "shop"
        shutil.copytree(setup["pristine"], project, symlinks=True)
        argv = ["update", str(project), *setup["args"]]
        if not _killed_at_step(argv, step):
            print(json.dumps({"project": str(project), "kills": [], "exit": 0}), flush=True)
            return
        kills = [f"call {step}: " + landed(project, setup["answers"])]
        if rng.random() < 0.5:
            again = rng.randint(1, 2 * stride + 10)
            if _killed_at_step(argv, again):
                kills.append(f"next run, call {again}: " + landed(project, setup["answers"]))
        left = bool(leave) and re.fullmatch(leave, kills[-1]) is not None
        leave = None if left else leave  # only the first such trial is left to the test
        code = None if left else _run(argv)
        print(json.dumps({"project": str(project), "kills": kills, "exit": code}), flush=True)
        step += stride
    raise SystemExit("the update was killed 1,000 times and never got through")


def main() -> None:
    setup = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    rng = random.Random(setup["seed"])
    _warm(setup)
    if setup.get("stride"):
        sweep(setup, rng)
        return
    windows = _windows(setup)
    print(json.dumps({"windows": windows}), flush=True)
    for number in range(setup["trials"]):
        print(json.dumps(trial(number, setup, windows, rng)), flush=True)


if __name__ == "__main__":
    main()
