"""`dualgen bench --streams`: many server-sent event streams held open, and how fast a published
event reaches them (the article's "many simultaneous connections" and "real-time" claims).

The user's project is rendered with `events` (in memory, one server process each). For each
server setup and each number of streams N, one asyncio client on 127.0.0.1 opens N streams on
`GET /events`, then publishes RATE events a second for DURATION seconds, each carrying the time
it was sent; every stream notes when it reads it. Measured: the streams held (answered within
10 s), delivery latency from publish to receipt (p50, p99, max), events delivered of those
expected, resident memory of the server's processes per held stream, its CPU seconds, and the
publishes that failed. The client raises its own open-file limit within the hard limit and
says so when that is too low for N.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import psutil

from .. import runner
from .. import spec as specs
from ..errors import UsageError
from . import HOST, Progress, machine

DEFAULT_CONNECTIONS = (100, 1000)
MAX_CONNECTIONS = 20_000
MAX_RATE = 100.0
MAX_DURATION = 300
#: How long a stream may take to be answered before it counts as not held, in seconds.
OPEN_TIMEOUT = 10
#: The delivery latency the issue's target names, in ms (p99 at one event a second).
TARGET_P99_MS = 250


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
    """Raise this process's open-file limit (the servers inherit it) within the hard limit; a
    note when it stays below `wanted`, else nothing."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return ""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        return f"open files limited to {target} (the hard limit): fewer streams than asked"
    return ""


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
                    asyncio.run(_load(server, run, rate, duration))
                result.runs.append(run)
    return result


async def open_request(port: int, head: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Send a request; its reader after the headers of a 200 or 202, else ConnectionError."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(head)
    status = await reader.readline()
    if b" 200 " not in status and b" 202 " not in status:
        writer.close()
        raise ConnectionError(status.decode(errors="replace").strip())
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return reader, writer


async def _stream(port: int, latencies: list[float], held: list[int]) -> None:
    head = b"GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
    try:
        reader, writer = await asyncio.wait_for(open_request(port, head), OPEN_TIMEOUT)
    except (OSError, TimeoutError, ConnectionError):
        return
    held.append(1)
    try:
        while line := await reader.readline():
            if line.startswith(b"data: "):
                latencies.append(time.time() - json.loads(line[6:])["t"])
    finally:
        writer.close()


async def publish(port: int) -> bool:
    body = json.dumps({"event": "tick", "data": {"t": time.time()}}).encode()
    head = (
        b"POST /events HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    try:
        _, writer = await asyncio.wait_for(open_request(port, head), 5)
    except (OSError, TimeoutError, ConnectionError):
        return False
    writer.close()
    return True


async def _load(server: runner.Server, run: StreamRun, rate: float, duration: int) -> None:
    """Open the streams, publish for `duration` seconds, and fill `run` with what was seen."""
    latencies: list[float] = []
    held: list[int] = []
    base_kib, _ = _usage(server)
    tasks = [
        asyncio.create_task(_stream(server.port, latencies, held)) for _ in range(run.connections)
    ]
    deadline = time.monotonic() + OPEN_TIMEOUT + 2  # each answered, or given up after its 10 s
    while len(held) < run.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    run.held = len(held)
    _, cpu_before = _usage(server)
    count = max(1, round(duration * rate))
    published = 0
    for _ in range(count):
        started = time.monotonic()
        published += await publish(server.port)
        await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
    await asyncio.sleep(2)  # the last event's way to every stream
    kib, cpu = _usage(server)
    run.cpu_seconds = round(cpu - cpu_before, 2)
    if run.held:
        run.kib_per_stream = round(max(0.0, kib - base_kib) / run.held, 1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    run.failed_publishes = count - published
    run.expected = published * run.held
    run.delivered = len(latencies)
    ordered = sorted(latencies)
    if ordered:
        run.p50_ms, run.p99_ms, run.max_ms = (
            round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)
            for q in (0.5, 0.99, 1.0)
        )


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


HEADERS = ("server", "streams", "held", "p50 ms", "p99 ms", "max ms", "delivered / expected",
           "KiB per stream", "CPU s", "publishes failed")  # fmt: skip


def table_rows(result: StreamBench) -> list[list[str]]:
    labels = {setup["key"]: setup["label"] for setup in result.setups}

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    return [
        [labels.get(run.setup, run.setup), str(run.connections), str(run.held), ms(run.p50_ms),
         ms(run.p99_ms), ms(run.max_ms), f"{run.delivered} / {run.expected}",
         ms(run.kib_per_stream), f"{run.cpu_seconds:.2f}", str(run.failed_publishes)]
        for run in result.runs
    ]  # fmt: skip


def conclusions(result: StreamBench) -> list[str]:
    """Per setup, the most streams it held with every event delivered and p99 within target;
    then a verdict on each claim, computed from those figures."""
    best: dict[str, int] = {}
    for run in result.runs:
        whole = run.held == run.connections and run.expected and run.delivered >= run.expected
        if whole and run.p99_ms is not None and run.p99_ms <= TARGET_P99_MS:
            best[run.setup] = max(best.get(run.setup, 0), run.connections)
    labels = {setup["key"]: setup["label"] for setup in result.setups}
    lines = [
        f"{labels[key]}: {best[key] if key in best else 'no'} streams held with every event "
        f"delivered, p99 <= {TARGET_P99_MS} ms"
        for key in labels
    ]
    lines.append(f'"many simultaneous connections": {_verdict(result, best)}')
    return lines


def _verdict(result: StreamBench, best: dict[str, int]) -> str:
    """Who held more streams within the target; on a tie, who held more streams at all."""
    express = best.get("express", 0)
    flask = max((v for key, v in best.items() if key != "express"), default=0)
    if express != flask:
        who = "Express" if express > flask else "a Flask server"
        return f"{who} held more ({express} for Express, {flask} for the best Flask server)"
    held = {
        side: max((r.held for r in result.runs if (r.framework == "express") == side), default=0)
        for side in (True, False)
    }
    if held[True] == held[False]:
        return f"about even at the numbers asked ({express} each)"
    who = "Express" if held[True] > held[False] else "a Flask server"
    return (
        f"cannot tell by the target ({express} each); {who} held more streams open "
        f"({held[True]} for Express, {held[False]} for the best Flask server)"
    )


def render_text(result: StreamBench) -> str:
    rows = [list(HEADERS), *table_rows(result)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines += ["", *conclusions(result), *result.notes]
    if result.command:
        lines += ["", f"Run it again: {result.command}"]
    return "\n".join(lines) + "\n"


def render_json(result: StreamBench) -> str:
    data = asdict(result)
    data["connections"] = list(result.connections)
    data["conclusions"] = conclusions(result)
    return json.dumps(data, indent=2) + "\n"


def command_line(
    connections: tuple[int, ...], rate: float, duration: int, setups: tuple[StreamSetup, ...]
) -> str:
    """The `dualgen bench --streams` line that measures the same again."""
    return shlex.join(
        ["dualgen", "bench", "--streams", "--connections", ",".join(map(str, connections)),
         "--rate", f"{rate:g}", "--duration", str(duration),
         "--servers", ",".join(setup.key for setup in setups)]
    )  # fmt: skip
