"""Held event streams (issue 24): how many open server-sent event streams each server keeps, and
how fast a published event reaches them.

For each server and each number of connections N, an asyncio client (one process, loopback)
opens N streams on GET /events, then POSTs one event per 1/RATE seconds for DURATION seconds,
each carrying the time it was sent; every stream notes when it receives it. Reported: the
streams held (answered 200 within 10 s), delivery latency (p50, p99, max), events delivered of
those expected, the server's resident memory (its process group) per held stream, its CPU
seconds, and the publishes that failed. The events live in memory, so every server runs one
process (one gunicorn worker). Writes its section of benchmarks/results.md.

    python -m benchmarks.streams_bench                       # 100 and 1000 streams, 10 s
    python -m benchmarks.streams_bench --connections 100 --duration 5 --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks import report
from benchmarks._common import HERE, Section
from benchmarks.server_bench import group_rss_mb
from generator import runner, spec
from generator.bench.streams import open_request, publish, raise_file_limit
from generator.render import render

RESULTS = HERE / "results.md"
TITLE = "Streams: server-sent events held open (issue 24)"
#: label, framework, production, worker class (Flask production), environment.
SERVERS = (
    ("Express, one process (node app.js)", "express", False, None, {}),
    ("gunicorn, 1 gevent worker", "flask", True, "gevent", {"WEB_CONCURRENCY": "1"}),
    ("gunicorn, 1 gthread worker (8 threads)", "flask", True, "gthread", {"WEB_CONCURRENCY": "1"}),
    ("Flask development server (a thread a stream)", "flask", False, None, {}),
)


@dataclass
class Run:
    label: str
    connections: int
    held: int = 0
    latencies: list[float] = field(default_factory=list)
    expected: int = 0
    failed_publishes: int = 0
    rss_per_stream_kb: float = 0.0
    cpu_seconds: float = 0.0


async def _stream(port: int, latencies: list[float], stop: asyncio.Event, held: list[int]):
    head = b"GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
    try:
        reader, writer = await asyncio.wait_for(open_request(port, head), 10)
    except (OSError, TimeoutError, ConnectionError):
        return
    held.append(1)
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                sent = json.loads(line[6:])["t"]
                latencies.append(time.time() - sent)
    finally:
        writer.close()


async def _load(port: int, run: Run, rate: float, duration: float, tree) -> None:
    stop = asyncio.Event()
    held: list[int] = []
    tasks = [
        asyncio.create_task(_stream(port, run.latencies, stop, held))
        for _ in range(run.connections)
    ]
    # Every stream answered, or given up after its 10 s.
    deadline = time.monotonic() + 12
    while len(held) < run.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    run.held = len(held)
    cpu_before = tree["cpu"]()
    published = 0
    for _ in range(int(duration * rate)):
        started = time.monotonic()
        published += await publish(port)
        await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
    await asyncio.sleep(2)  # the last event's way to every stream
    run.cpu_seconds = tree["cpu"]() - cpu_before
    run.expected = published * run.held
    run.failed_publishes = int(duration * rate) - published
    run.rss_per_stream_kb = (
        max(0.0, tree["rss"]() - tree["base_rss"]) * 1024 / run.held if run.held else 0.0
    )
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _tree(server: runner.Server) -> dict[str, object]:
    def processes() -> list[psutil.Process]:
        main = psutil.Process(server.process.pid)
        return [main, *main.children(recursive=True)]

    def cpu() -> float:
        total = 0.0
        for proc in processes():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    return {"rss": lambda: group_rss_mb(server.process.pid), "cpu": cpu}


def measure(projects: dict[str, Path], connections: list[int], rate: float, duration: float):
    runs: list[Run] = []
    for label, framework, production, worker, env in SERVERS:
        project = projects[worker or framework]
        installed = runner.install(project)
        for n in connections:
            run = Run(label, n)
            with runner.serve(project, installed=installed, production=production, env=env) as s:
                time.sleep(1)
                tree = _tree(s)
                tree["base_rss"] = tree["rss"]()
                asyncio.run(_load(s.port, run, rate, duration, tree))
            runs.append(run)
            print(row(run), flush=True)
    return runs


def row(run: Run) -> list[str]:
    lat = sorted(run.latencies)

    def pick(q: float) -> str:
        return f"{lat[min(len(lat) - 1, int(q * len(lat)))] * 1000:.0f}" if lat else "-"

    return [
        run.label,
        str(run.connections),
        str(run.held),
        pick(0.5),
        pick(0.99),
        f"{lat[-1] * 1000:.0f}" if lat else "-",
        f"{len(lat)} / {run.expected}",
        f"{run.rss_per_stream_kb:.0f}",
        f"{run.cpu_seconds:.2f}",
        str(run.failed_publishes),
    ]


HEADERS = [
    "server",
    "streams asked",
    "held",
    "p50 ms",
    "p99 ms",
    "max ms",
    "delivered / expected",
    "RSS KiB per stream",
    "CPU s",
    "publishes failed",
]


def make_projects(work: Path) -> dict[str, Path]:
    found = {}
    for name, framework, worker in (
        ("streams-express", "express", None),
        ("streams-gevent", "flask", "gevent"),
        ("streams-gthread", "flask", "gthread"),
    ):
        answers = {
            "name": name,
            "middleware": ["events"],
            "production-server": True,
            "settings": {"production-server": {"worker-class": worker}} if worker else {},
        }
        (project,) = render(spec.build(answers), (framework,), work)
        found[worker or framework] = project
    found["flask"] = found["gevent"]  # its development server
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.streams_bench", description=__doc__)
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--rate", type=float, default=1.0, help="events per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of publishing")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results.md")
    args = parser.parse_args(argv)
    connections = [int(n) for n in args.connections.split(",")]
    # One descriptor a stream in this process; each server process has its own limit.
    limit_note = raise_file_limit(max(connections) + 100)
    with tempfile.TemporaryDirectory() as work:
        runs = measure(make_projects(Path(work)), connections, args.rate, args.duration)
    section = Section(
        TITLE,
        f"`python -m benchmarks.streams_bench --connections {args.connections} --rate "
        f"{args.rate:g} --duration {args.duration:g}`: one asyncio client on loopback holds the "
        "streams and publishes; latency is from the POST to a stream reading the event, client "
        "and server sharing the machine's 2 cores. Events in memory, one server process.",
        tables=[(HEADERS, [row(run) for run in runs])],
        notes=[limit_note] if limit_note else [],
    )
    text = report.section_text(section)
    print(text)
    if not args.no_write:
        report.splice(RESULTS, TITLE, text)


if __name__ == "__main__":
    main()
