"""`dualgen bench`: the comparison article's claims measured on the same program in both frameworks.

Both projects are rendered with two extra routes, `GET /bench/delay` (milliseconds of waiting, as
for a database) and `GET /bench/cpu` (milliseconds of CPU work, calibrated when the server
starts), beside the plain `GET /`. Each server setup (the development servers, gunicorn with a
`sync` and a `gthread` worker class, the Node cluster) is started with `runner.serve`, and `wrk`
loads each route at each concurrency for the same duration. Every request goes to 127.0.0.1, and
every wrk run is bounded in time (its duration, and a hard timeout over it).
Each figure is measured `repeat` times (each round loads every concurrency once, so the
rounds are minutes apart, not back to back); a run's figures are the medians, its samples kept
for the spread (generator.bench.spread). The report (text, JSON, HTML) and its conclusions are
in generator.bench.report.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import runner
from .. import spec as specs
from ..errors import RunError, UsageError
from ..verify import plural
from .spread import Figure

HOST = "127.0.0.1"  # the only address a request of the bench ever goes to
KINDS = ("plain", "delay", "cpu")
PATHS = {"plain": "/", "delay": "/bench/delay", "cpu": "/bench/cpu"}
DEFAULT_CONCURRENCY = (1, 10, 100)
MAX_CONCURRENCY = 1000
MAX_DURATION = 300
#: How many times each figure is measured by default: enough to see its spread.
DEFAULT_REPEAT = 3
MAX_REPEAT = 20
WRK_INSTALL = "apt-get update && apt-get install -y wrk"
#: How long wrk waits for one answer before it counts a timeout, in seconds.
WRK_TIMEOUT = 10


@dataclass(frozen=True)
class Setup:
    """One way to serve a project: which framework, which server, and how."""

    key: str
    framework: str
    label: str
    production: bool
    worker_class: str = "sync"

    @property
    def workers(self) -> int:
        cpus = os.cpu_count() or 1
        if not self.production:
            return 1
        return cpus * 2 + 1 if self.framework == "flask" else cpus


SETUPS = (
    Setup("flask-dev", "flask", "Flask development server (python app.py)", False),
    Setup("gunicorn-sync", "flask", "gunicorn, sync workers", True, "sync"),
    Setup("gunicorn-gthread", "flask", "gunicorn, gthread workers (8 threads)", True, "gthread"),
    Setup("express", "express", "Express, one process (npm start)", False),
    Setup("node-cluster", "express", "Express in the Node cluster (node server.js)", True),
)


@dataclass
class Run:
    """A server setup, a route kind, a concurrency: its medians over the repeated wrk runs,
    the errors and requests of them all, and each run's figures."""

    setup: str
    framework: str
    kind: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    #: [req/s, p50 ms, p99 ms] of each wrk run; empty when the figures above are one run's.
    samples: list[list[float]] = field(default_factory=list)

    def figure(self, metric: str) -> Figure:
        """ "rps", "p50_ms" or "p99_ms" as a Figure: its median and spread."""
        if not self.samples:
            value = getattr(self, metric)
            return Figure(value, value, value)
        return Figure.of([sample[_METRICS.index(metric)] for sample in self.samples])

    @classmethod
    def of(
        cls, setup: Setup, kind: str, concurrency: int, measured: list[tuple[float, ...]]
    ) -> Run:
        """The run of wrk's results (req/s, p50, p99, errors, requests), one per repeat."""
        samples = [[rps, p50, p99] for rps, p50, p99, _, _ in measured]
        medians = [Figure.of([sample[i] for sample in samples]).median for i in range(3)]
        errors = sum(item[3] for item in measured)
        requests = sum(item[4] for item in measured)
        rps, p50, p99 = medians
        return cls(setup.key, setup.framework, kind, concurrency, rps, p50, p99, int(errors),
                   int(requests), samples if len(samples) > 1 else [])  # fmt: skip


_METRICS = ("rps", "p50_ms", "p99_ms")


@dataclass
class Bench:
    """Everything a bench run measured, and how."""

    duration: int
    concurrency: tuple[int, ...]
    delay_ms: int
    cpu_ms: int
    setups: list[dict[str, Any]] = field(default_factory=list)  # a Setup's fields as JSON
    runs: list[Run] = field(default_factory=list)
    machine: dict[str, object] = field(default_factory=dict)
    #: How many times each figure was measured.
    repeat: int = 1
    #: The command line that runs the same bench again.
    command: str = ""

    def find(self, setup: str, kind: str, concurrency: int) -> Run | None:
        for run in self.runs:
            if (run.setup, run.kind, run.concurrency) == (setup, kind, concurrency):
                return run
        return None

    def as_dict(self) -> dict[str, Any]:  # JSON
        data = asdict(self)
        data["concurrency"] = list(self.concurrency)
        return data


def parse_concurrency(text: str) -> tuple[int, ...]:
    """`1,10,100` -> (1, 10, 100): whole numbers from 1 to MAX_CONCURRENCY, each once."""
    items = [item.strip() for item in str(text).split(",")]
    if not items or not all(
        item.isascii() and item.isdigit() and 1 <= int(item) <= MAX_CONCURRENCY for item in items
    ):
        raise UsageError(
            f"--concurrency {text!r} must be a comma-separated list of whole numbers from 1 to "
            f"{MAX_CONCURRENCY}, e.g. 1,10,100"
        )
    return tuple(dict.fromkeys(int(item) for item in items))


def parse_setups(
    text: str | None,
    allowed: Sequence[str] | None = None,
    default: Sequence[str] | None = None,
    scope: str = "",
) -> tuple[Setup, ...]:
    """`flask-dev,express` -> those setups, in the order of SETUPS; None: `default`, else every
    one. A scenario narrows the keys to `allowed`, and `scope` ends its refusal's line."""
    known = [setup.key for setup in SETUPS if allowed is None or setup.key in allowed]
    if text is None:
        keys = list(default or known)
    else:
        keys = [item.strip() for item in text.split(",")]
        unknown = [key for key in keys if key not in known]
        if unknown or not keys:
            raise UsageError(
                f"--servers {text!r}: {unknown[0] if unknown else text!r} is not one of "
                f"{', '.join(known)}{scope}"
            )
    return tuple(setup for setup in SETUPS if setup.key in keys)


def check_repeat(times: int) -> int:
    if not 1 <= times <= MAX_REPEAT:
        raise UsageError(
            f"--repeat {times} must be a whole number from 1 to {MAX_REPEAT} "
            f"({DEFAULT_REPEAT} or more shows how much each figure varies)"
        )
    return times


def check_duration(seconds: int) -> int:
    if not 1 <= seconds <= MAX_DURATION:
        raise UsageError(f"--duration {seconds} must be whole seconds from 1 to {MAX_DURATION}")
    return seconds


def require_wrk() -> str:
    """The path of wrk, or a usage error that says how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise UsageError(f"wrk is not installed; install it with: {WRK_INSTALL}")
    return found


def bench_answers(
    answers: specs.Answers, delay_ms: int, cpu_ms: int, worker_class: str
) -> specs.Answers:
    """The user's answers plus what the bench needs: its two routes and the production server.
    Raises SpecError when the answers' routes or settings cannot take them (`spec.merge`)."""
    needs: specs.Answers = {
        "routes": [
            {"method": "GET", "path": PATHS["delay"], "delay": delay_ms},
            {"method": "GET", "path": PATHS["cpu"], "cpu": cpu_ms},
        ],
        "production-server": True,
        "settings": {"production-server": {"worker-class": worker_class}},
    }
    return specs.merge(answers, needs)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 latency in ms, errors (socket errors and non-2xx/3xx), requests."""

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rps is None or total is None:
        raise RunError(f"wrk's output could not be read:\n{output.strip()[-500:]}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return float(rps.group(1)), latency("50"), latency("99"), errors, int(total.group(1))


def run_wrk(
    wrk: str, url: str, concurrency: int, duration: int, script: Path | None = None
) -> tuple[float, float, float, int, int]:
    """One wrk run; `script` a Lua file that shapes its requests (a POST and its body)."""
    threads = max(1, min(2, concurrency, os.cpu_count() or 1))
    command = [wrk, f"-t{threads}", f"-c{concurrency}", f"-d{duration}s"]
    command += ["-s", str(script)] if script is not None else []
    command += [f"--timeout={WRK_TIMEOUT}s", "--latency", url]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + WRK_TIMEOUT + 30
        )
    except subprocess.TimeoutExpired:
        raise RunError(f"wrk did not finish within {duration + WRK_TIMEOUT + 30} s") from None
    if result.returncode != 0:
        raise RunError(f"wrk failed (exit {result.returncode}): {result.stderr.strip()[-300:]}")
    return parse_wrk(result.stdout)


def _warm_up(url: str, count: int = 5) -> None:
    """A few requests first (imports, JIT): each must answer, else the run would measure errors."""
    import requests

    from .. import bounds as _bounds

    for _ in range(count):
        # Each whole answer within WRK_TIMEOUT, its headers and body capped (generator.bounds).
        with _bounds.session(_bounds.Bounds.starting_now(WRK_TIMEOUT)) as session:
            try:
                session.get(url, timeout=WRK_TIMEOUT).raise_for_status()
            except (requests.RequestException, _bounds.Violation) as error:
                raise RunError(f"{url} did not answer before the bench: {error}") from None


def machine() -> dict[str, object]:
    """What the figures depend on: the machine, its load, the versions."""
    node = shutil.which("node")
    node_version = (
        subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
        if node
        else "-"
    )
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "node": node_version,
        "load_before": _load(),
    }


def _load() -> list[float]:
    """The load averages, or none where the system has none (Windows has no os.getloadavg)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return []


Progress = Callable[[str], None]


def bench(
    answers: specs.Answers,
    *,
    concurrency: tuple[int, ...] = DEFAULT_CONCURRENCY,
    duration: int = 5,
    delay_ms: int = 50,
    cpu_ms: int = 10,
    setups: tuple[Setup, ...] = SETUPS,
    progress: Progress | None = None,
    repeat: int = DEFAULT_REPEAT,
    command: str = "",
) -> Bench:
    """Render, install, start each server setup in turn, and load each route kind with wrk,
    `repeat` times each; `command` is recorded as the line that runs the same bench again."""
    wrk = require_wrk()
    check_duration(duration)
    check_repeat(repeat)
    say = progress or (lambda line: None)
    built = {
        worker_class: specs.build(bench_answers(answers, delay_ms, cpu_ms, worker_class))
        for worker_class in ("sync", "gthread")
    }
    result = Bench(duration, concurrency, delay_ms, cpu_ms, machine=machine())
    result.repeat, result.command = repeat, command
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-bench-") as tmp:
        projects: dict[tuple[str, str], Path] = {}
        for setup in setups:
            key = (setup.framework, setup.worker_class if setup.framework == "flask" else "")
            if key not in projects:
                into = Path(tmp) / "-".join(filter(None, key))
                projects[key] = render_tree(built[setup.worker_class], setup.framework, into)
        installed = {}
        for (framework, _), project in projects.items():
            if framework not in installed:
                say(f"installing the {framework} project's dependencies (cached)")
                installed[framework] = runner.install(project)
        for setup in setups:
            key = (setup.framework, setup.worker_class if setup.framework == "flask" else "")
            result.setups.append({**asdict(setup), "workers": setup.workers})
            _bench_setup(result, setup, projects[key], installed[setup.framework], wrk, say)
    result.machine["load_after"] = _load()
    return result


def _bench_setup(
    result: Bench,
    setup: Setup,
    project: Path,
    installed: runner.Installed,
    wrk: str,
    say: Progress,
) -> None:
    """Each route kind at each concurrency, `result.repeat` rounds of them."""
    measured: dict[tuple[str, int], list[tuple[float, ...]]] = {}
    with runner.serve(project, installed=installed, production=setup.production) as server:
        base = server.url.rstrip("/")
        for kind in KINDS:
            _warm_up(base + PATHS[kind])
            for round_ in range(1, result.repeat + 1):
                for concurrency in result.concurrency:
                    connections = plural(concurrency, "connection")
                    which = f" (run {round_} of {result.repeat})" if result.repeat > 1 else ""
                    say(f"{setup.label}: {kind}, {connections}, {result.duration} s{which}")
                    started = time.monotonic()
                    measured.setdefault((kind, concurrency), []).append(
                        run_wrk(wrk, base + PATHS[kind], concurrency, result.duration)
                    )
                    # Let the server finish what wrk left in flight before the next run.
                    time.sleep(min(1.0, max(0.0, time.monotonic() - started) / 10))
    for (kind, concurrency), runs in measured.items():
        result.runs.append(Run.of(setup, kind, concurrency, runs))
