"""`dualgen bench --streams`: many server-sent event streams held open, and how fast a published
event reaches them (the article's "many simultaneous connections" and "real-time" claims).

The user's project is rendered with `events` (in memory, one server process each). For each
server setup and each number of streams N, a Node client (streams_client.js beside this file:
plain Node, its http module, on 127.0.0.1) opens N streams on `GET /events`, then publishes RATE
events a second for DURATION seconds, each carrying the time it was sent; every stream notes
when it reads it. Measured: the streams held (answered within 10 s), delivery latency from
publish to receipt (p50, p99, max), events delivered of those expected, resident memory of the
server's processes per held stream, its CPU seconds, and the publishes that failed. Node cannot
raise its own open-file limit: this process raises its own within the hard limit before it
starts the servers and the client, which inherit it, and says what it did. The report is in
generator.bench.streams_report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import psutil

from .. import runner
from .. import spec as specs
from ..errors import RunError, UsageError
from . import HOST, Progress, machine
from . import _load as load_average

DEFAULT_CONNECTIONS = (100, 1000)
MAX_CONNECTIONS = 20_000
MAX_RATE = 100.0
MAX_DURATION = 300
#: How long a stream may take to be answered before it counts as not held, in seconds.
OPEN_TIMEOUT = 10
#: The delivery latency the issue's target names, in ms (p99 at one event a second).
TARGET_P99_MS = 250
#: The load client: plain Node, run with `node`.
CLIENT = Path(__file__).resolve().parent / "streams_client.js"


@dataclass(frozen=True)
class StreamSetup:
    """One way to serve the events: which framework, which server, and its environment."""

    key: str
    framework: str
    label: str
    production: bool
    env: tuple[tuple[str, str], ...] = ()


STREAM_SETUPS = (
    StreamSetup("express", "express", "Express, one process (node app.js)", False),
    StreamSetup(
        "gunicorn-gevent",
        "flask",
        "gunicorn, 1 gevent worker",
        True,
        (("WEB_CONCURRENCY", "1"), ("GUNICORN_CONNECTIONS", str(MAX_CONNECTIONS + 100))),
    ),
    StreamSetup(
        "gunicorn-gthread",
        "flask",
        "gunicorn, 1 gthread worker (8 threads)",
        True,
        (("WEB_CONCURRENCY", "1"), ("GUNICORN_CMD_ARGS", "--worker-class gthread --threads 8")),
    ),
    StreamSetup("flask-dev", "flask", "Flask development server (a thread a stream)", False),
)


@dataclass
class StreamRun:
    """A server setup holding a number of streams: what it held and delivered."""

    setup: str
    framework: str
    connections: int
    held: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    delivered: int = 0
    expected: int = 0
    kib_per_stream: float | None = None
    cpu_seconds: float = 0.0
    failed_publishes: int = 0
    #: Held streams the server ended before the client closed them.
    dropped: int = 0
    #: The load client's own CPU seconds over the same time as the server's.
    client_cpu_seconds: float = 0.0


@dataclass
class StreamBench:
    """Everything a streams bench measured, and how."""

    connections: tuple[int, ...]
    rate: float
    duration: int
    setups: list[dict[str, Any]] = field(default_factory=list)
    runs: list[StreamRun] = field(default_factory=list)
    machine: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    command: str = ""


def parse_connections(text: str) -> tuple[int, ...]:
    """`100,1000` -> (100, 1000): whole numbers from 1 to MAX_CONNECTIONS, each once."""
    items = [item.strip() for item in str(text).split(",")]
    if not all(
        item.isascii() and item.isdigit() and 1 <= int(item) <= MAX_CONNECTIONS for item in items
    ):
        raise UsageError(
            f"--connections {text!r} must be a comma-separated list of whole numbers from 1 to "
            f"{MAX_CONNECTIONS}, e.g. 100,1000"
        )
    return tuple(dict.fromkeys(int(item) for item in items))


def check_rate(rate: float) -> float:
    if not 0 < rate <= MAX_RATE:
        raise UsageError(f"--rate {rate:g} must be events a second above 0, at most {MAX_RATE:g}")
    return rate


def check_duration(seconds: int) -> int:
    if not 1 <= seconds <= MAX_DURATION:
        raise UsageError(f"--duration {seconds} must be whole seconds from 1 to {MAX_DURATION}")
    return seconds


def parse_stream_setups(text: str | None) -> tuple[StreamSetup, ...]:
    """`express,flask-dev` -> those setups, in the order of STREAM_SETUPS; None: every one."""
    if text is None:
        return STREAM_SETUPS
    keys = [item.strip() for item in text.split(",")]
    known = {setup.key: setup for setup in STREAM_SETUPS}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise UsageError(
            f"--servers {text!r}: {unknown[0]!r} is not one of {', '.join(known)} (with --streams)"
        )
    return tuple(setup for setup in STREAM_SETUPS if setup.key in keys)


def raise_file_limit(wanted: int) -> str:
    """Raise this process's open-file limit (the servers and the Node client inherit it) to
    `wanted`, within the hard limit; a note of what it did, or nothing when it was high enough."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return ""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft >= wanted:
        return ""
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        return (
            f"open files limited to {target} (the hard limit; {wanted} wanted): fewer streams "
            "than asked; raise it with ulimit -Hn as root"
        )
    return f"open files: the soft limit raised from {soft} to {target} for the servers and client"


def events_answers(answers: specs.Answers) -> specs.Answers:
    """The user's answers with `events` chosen, in memory, and the production server.
    Raises SpecError when the answers' middleware or settings cannot take them (`spec.merge`)."""
    specs.check_shapes(answers)
    chosen = cast(list[object], answers.get("middleware", []))  # a list: check_shapes says so
    needs: specs.Answers = {
        "middleware": [] if "events" in chosen else ["events"],
        "production-server": True,
        "settings": {"events": {"broker": "memory://"}},
    }
    return specs.merge(answers, needs)


def bench_streams(
    answers: specs.Answers,
    *,
    connections: tuple[int, ...] = DEFAULT_CONNECTIONS,
    rate: float = 1.0,
    duration: int = 10,
    setups: tuple[StreamSetup, ...] = STREAM_SETUPS,
    progress: Progress | None = None,
    command: str = "",
) -> StreamBench:
    """Render the project with events, then hold each number of streams against each setup."""
    check_rate(rate)
    check_duration(duration)
    require_node()
    say = progress or (lambda line: None)
    result = StreamBench(connections, rate, duration, machine=machine(), command=command)
    note = raise_file_limit(max(connections) + 200)
    result.notes += [note] if note else []
    built = specs.build(events_answers(answers))
    from ..render import render_tree

    with tempfile.TemporaryDirectory(prefix="dualgen-bench-") as tmp:
        projects, installed = {}, {}
        for framework in dict.fromkeys(setup.framework for setup in setups):
            projects[framework] = render_tree(built, framework, Path(tmp) / framework)
            say(f"installing the {framework} project's dependencies (cached)")
            installed[framework] = runner.install(projects[framework])
        for setup in setups:
            result.setups.append(asdict(setup))
            for n in connections:
                say(f"{setup.label}: {n} streams, {rate:g} events/s for {duration} s")
                run = StreamRun(setup.key, setup.framework, n)
                with runner.serve(
                    projects[setup.framework],
                    installed=installed[setup.framework],
                    production=setup.production,
                    env=dict(setup.env),
                ) as server:
                    _load(server, run, rate, duration)
                result.runs.append(run)
    result.machine["load_after"] = load_average()
    return result


def open_window(connections: int) -> float:
    """Seconds the client has to open every stream: OPEN_TIMEOUT + 2, and one more for each
    thousand streams past the first thousand (it opens at most 256 at once)."""
    return OPEN_TIMEOUT + 2 + max(0, connections - 1000) / 1000


def require_node() -> str:
    """The path of node (the load client runs on it), or a usage error that says so."""
    found = shutil.which("node")
    if found is None:
        raise UsageError("node is not installed: the streams load client runs on Node.js 20+")
    return found


def _load(server: runner.Server, run: StreamRun, rate: float, duration: int) -> None:
    """Run the Node client against the server and fill `run` with what it saw: the server's
    CPU from the streams held to the last event read, its memory with every stream open."""
    config = {"host": HOST, "port": server.port, "connections": run.connections, "rate": rate,
              "duration": duration, "openTimeout": OPEN_TIMEOUT,
              "openWindow": open_window(run.connections)}  # fmt: skip
    base_kib, _ = _usage(server)
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as errors,
        subprocess.Popen(
            [require_node(), str(CLIENT), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as client,
    ):
        try:
            run.held = int(_said(client, "held", errors)["held"])
            _, cpu_before = _usage(server)
            done = _said(client, "done", errors)
            kib, cpu = _usage(server)
        finally:
            _stop(client)
    run.cpu_seconds = round(cpu - cpu_before, 2)
    if run.held:
        run.kib_per_stream = round(max(0.0, kib - base_kib) / run.held, 1)
    run.failed_publishes = int(done["failedPublishes"])
    run.expected, run.delivered = int(done["expected"]), int(done["delivered"])
    run.dropped = int(done["dropped"])
    run.client_cpu_seconds = float(done["cpuSeconds"])
    run.p50_ms, run.p99_ms, run.max_ms = done["p50"], done["p99"], done["max"]


def _said(client: subprocess.Popen[str], phase: str, errors: IO[str]) -> dict[str, Any]:
    """The client's next line, which must be its `phase` line; else RunError with its stderr."""
    assert client.stdout is not None  # Popen(stdout=PIPE)
    line = client.stdout.readline()
    try:
        said = json.loads(line)
    except ValueError:
        said = None
    if not isinstance(said, dict) or said.get("phase") != phase:
        errors.seek(0)
        told = errors.read().strip().splitlines()[-3:] or [f"exit code {client.poll()}"]
        raise RunError(f"the streams load client stopped before its {phase!r} line: "
                       + " / ".join(told))  # fmt: skip
    return said


def _stop(client: subprocess.Popen[str]) -> None:
    """End the client's stdin (it then closes its streams and exits); kill it after 10 s."""
    try:
        if client.stdin is not None:
            client.stdin.close()
        client.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        client.kill()
        client.wait()


def _usage(server: runner.Server) -> tuple[float, float]:
    """The resident memory (KiB) and CPU seconds of the server's processes."""
    rss, cpu = 0.0, 0.0
    try:
        main = psutil.Process(server.process.pid)
        processes = [main, *main.children(recursive=True)]
    except psutil.Error:
        return rss, cpu
    for proc in processes:
        try:
            times = proc.cpu_times()
            rss, cpu = rss + proc.memory_info().rss / 1024, cpu + times.user + times.system
        except psutil.Error:
            pass
    return rss, cpu
