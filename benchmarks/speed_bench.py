"""Part 8 (issue 22 item 8): the generated production preset against the same libraries wired
as their READMEs show, under the production servers (gunicorn; the Node cluster), with the same
number of workers on both, side by side in one run.

    python -m benchmarks.speed_bench [--rounds N] [--seconds S] [--workers W]
        [--framework flask|express …] [--bisect] [--extra LABEL=DIR …] [--no-write]

Variants, every one rendered (or copied) afresh into a temporary folder and run with
`generator.runner` under the server the production project generates (`gunicorn app:app` with
its gunicorn.conf.py; `node server.js`), WEB_CONCURRENCY=W:

- `generated`: `dualgen new both shop --preset production --no-input
  --set rate-limit.max=1000000` (the limiter lifted so that wrk never meets a 429);
- `reference`: benchmarks/reference/<framework>, the same libraries wired as their READMEs show,
  beside the generated project's requirements.txt + gunicorn.conf.py or package.json + server.js
  (so the same pinned versions and the same server);
- `hello`: `dualgen new both hello --no-input --production-server`;
- `strict-parity`: the production preset with `--strict-parity` (the emulation's cost);
- `generated-again`: the preset rendered a second time, measured as a separate variant: an A/A
  check, its ratio to `generated` shows the noise and any bias of the order;
- with `--bisect`, `-<key>`: the preset with one middleware left out, for each of its eight.

Per framework every variant's server is up at once; each round loads every variant once with
wrk (rotated, every other round reversed), so that the runs a ratio pairs are seconds apart.
Ratios are medians of the per-round ratios, with their min–max beside them as the noise;
besides req/s, the server's CPU time per request (its processes' user + system time over the
run) is less sensitive to other work on the machine. Writes (or replaces) its section of
benchmarks/results.md unless --no-write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

from benchmarks import report
from benchmarks._common import HERE, Section, Target, log, median, ratio, rotate
from benchmarks.machine import machine, versions
from benchmarks.server_bench import UNLIMITED, beside, parse_wrk, run_wrk, wrk_missing
from benchmarks.verify_bench import WARM_CACHE, cache_at
from generator import catalog, runner
from generator import spec as specs
from generator.errors import RunError
from generator.render import render

TITLE = "8. Speed: the generated production preset against the READMEs' wiring"
RESULTS = HERE / "results.md"
REFERENCE = HERE / "reference"
FRAMEWORKS = ("flask", "express")
SERVER = {"flask": "gunicorn (sync workers)", "express": "Node cluster"}
PRESET = tuple(catalog.PRESETS["production"]["middleware"])
VARIANTS = ("hello", "reference", "generated", "strict-parity", "generated-again")
SHOWN = ("dualgen", "python", "node", "flask (generated projects)", "gunicorn (generated projects)")
SHOWN += ("express (generated projects)", "wrk")
GOAL = 1.0  # generated ÷ reference: what the user gets is never slower than the docs' wiring
#: The probe request: what each variant answers shows that it does the preset's work.
ORIGIN, PROBE_ID = "http://localhost:5173", "speed-bench-probe"


def answers_for(variant: str) -> dict[str, object]:
    """The answers a variant renders from; `-<key>` is the preset without that middleware."""
    if variant == "hello":
        return {"production-server": True}
    production = {**catalog.PRESETS["production"]}
    production["settings"] = specs.merge(
        {"settings": production["settings"]}, {"settings": UNLIMITED}
    )["settings"]
    if variant in ("generated", "generated-again"):  # the second: an A/A check of the noise
        return production
    if variant == "strict-parity":
        return {**production, "strict-parity": True}
    if variant.startswith("-") and variant[1:] in PRESET:
        left = [key for key in PRESET if key != variant[1:]]
        settings = {key: value for key, value in production["settings"].items() if key in left}
        return {**production, "middleware": left, "settings": settings}
    raise ValueError(f"unknown variant {variant!r}")


def make_projects(
    work: Path, variants: list[str], frameworks: tuple[str, ...]
) -> dict[tuple[str, str], Path]:
    """Render each variant (the reference: copy it beside the generated project's files)."""
    projects: dict[tuple[str, str], Path] = {}
    for framework in frameworks:
        for variant in variants:
            if variant == "reference":
                continue
            spec = specs.build(answers_for(variant))
            folder = work / variant.lstrip("-") / framework
            projects[(framework, variant)] = render(spec, (framework,), folder)[0]
        if "reference" in variants:
            generated = (
                projects.get((framework, "generated"))
                or render(
                    specs.build(answers_for("generated")),
                    (framework,),
                    work / "for-ref" / framework,
                )[0]
            )
            projects[(framework, "reference")] = beside(
                REFERENCE / framework, generated, work / "reference" / framework, framework
            )
    return projects


@dataclass
class Load:
    rps: float
    p99_ms: float
    bad: int
    #: CPU time the server's processes spent per request (user + system), in µs: less
    #: sensitive than req/s to what else runs on the machine.
    cpu_us: float = float("nan")


@dataclass
class Run:
    loads: dict[tuple[str, str], list[Load | None]] = field(default_factory=dict)
    probes: dict[tuple[str, str], dict[str, bool]] = field(default_factory=dict)
    load_average: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def probe(url: str, server: runner.Server) -> dict[str, bool]:
    """One GET / as a browser page on the allowed origin sends it: what the answer carries."""
    request = urllib.request.Request(url, headers={"Origin": ORIGIN, "X-Request-ID": PROBE_ID})
    with urllib.request.urlopen(request, timeout=10) as response:
        body, headers = response.read(), response.headers
    time.sleep(0.3)  # the log line reaches the pipe's reader
    names = {name.lower() for name in headers}
    return {
        "200 Hello": body == b"Hello, World!",
        "request id": headers.get("X-Request-ID") == PROBE_ID,
        "JSON log line": f'"request_id":"{PROBE_ID}"' in server.log.read_text().replace(" ", ""),
        "helmet headers": "content-security-policy" in names,
        "CORS": headers.get("Access-Control-Allow-Origin") == ORIGIN,
        "rate-limit headers": any(n.startswith(("x-ratelimit", "ratelimit")) for n in names),
    }


def requests_done(output: str) -> int:
    """How many requests wrk completed ("12345 requests in 5.00s")."""
    found = re.search(r"(\d+) requests in ", output)
    return int(found.group(1)) if found else 0


def group_cpu(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds of the server's processes so far."""
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def load_once(port: int, processes: list[psutil.Process], seconds: int) -> Load:
    before = group_cpu(processes)
    output = run_wrk(port, seconds)
    spent = group_cpu(processes) - before
    rps, p99, bad = parse_wrk(output)
    done = requests_done(output)
    return Load(rps, p99, bad, spent / done * 1e6 if done else float("nan"))


def measure(
    projects: dict[tuple[str, str], Path],
    variants: list[str],
    frameworks: tuple[str, ...],
    rounds: int,
    seconds: int,
    workers: int,
) -> Run:
    """Per framework, every variant's server started at once (idle while the others run);
    then each round loads every variant once (see round_order), so that a pair of runs is
    seconds apart. A failed run is None, so that the rounds stay paired."""
    run = Run(load_average=[load_average()])
    env = {"WEB_CONCURRENCY": str(workers)}
    for framework in frameworks:
        servers: dict[str, tuple[runner.Server, list[psutil.Process]]] = {}
        with contextlib.ExitStack() as stack:
            for variant in variants:
                project = projects.get((framework, variant))
                if project is None:
                    continue
                try:
                    server = stack.enter_context(
                        runner.serve(
                            project,
                            installed=runner.install(project),
                            production=True,
                            env=env,
                        )
                    )
                except RunError as error:
                    run.skipped.append(f"{framework} / {variant}: {error}".splitlines()[0])
                    continue
                servers[variant] = (server, [])
            time.sleep(1.5)  # every worker booted
            for variant, (server, processes) in servers.items():
                processes += [
                    psutil.Process(pid) for pid in runner.group_processes(server.process.pid)
                ]
                run.probes[(framework, variant)] = probe(server.url, server)
                run_wrk(server.port, 1)  # warm-up
            for number in range(rounds):
                for variant in round_order(list(servers), number):
                    server, processes = servers[variant]
                    log(f"  {framework} round {number + 1}/{rounds}: {variant}")
                    try:
                        load = load_once(server.port, processes, seconds)
                    except (subprocess.SubprocessError, OSError) as error:
                        run.skipped.append(f"{framework} / {variant}: {error}".splitlines()[0])
                        load = None
                    run.loads.setdefault((framework, variant), []).append(load)
                run.load_average.append(load_average())
    return run


def round_order(variants: list[str], number: int) -> list[str]:
    """Round `number`'s order: rotated, and reversed every other round, so that each variant
    is measured after each other one as often (a plain rotation keeps every neighbour)."""
    order = rotate(variants, number // 2)
    return order[::-1] if number % 2 else order


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def per_round(mine: list[Load | None], base: list[Load | None], by: str = "rps") -> list[float]:
    """For each round where both ran: mine ÷ base in req/s (`by="rps"`), or in requests per
    CPU second (`by="cpu"`: base's CPU µs per request ÷ mine), so that above 1 is faster."""
    pairs = [(a, b) for a, b in zip(mine, base, strict=False) if a and b]
    if by == "cpu":
        return [b.cpu_us / a.cpu_us for a, b in pairs if a.cpu_us > 0 and b.cpu_us > 0]
    return [a.rps / b.rps for a, b in pairs if b.rps]


def span(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}" if values else "-"


def paired(
    run: Run, framework: str, variant: str, base: str, by: str = "rps"
) -> tuple[float, list[float]]:
    rounds = per_round(
        run.loads.get((framework, variant), []), run.loads.get((framework, base), []), by
    )
    return median(rounds), rounds


def verdict(rounds: list[float], goal: float = GOAL) -> str:
    """Where the per-round ratios lie against the goal: every round at or above it, every round
    below it (slower beyond the noise), or some on each side (within the noise)."""
    if not rounds:
        return "not measured"
    if min(rounds) >= goal:
        return "met in every round"
    if max(rounds) < goal:
        return "below in every round"
    return "within the noise"


def table(run: Run, variants: list[str], frameworks: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for framework in frameworks:
        for variant in variants:
            loads = [load for load in run.loads.get((framework, variant), []) if load]
            if not loads:
                continue
            rps = [load.rps for load in loads]
            cells = [
                SERVER[framework],
                variant,
                f"{median(rps):,.0f}",
                f"{min(rps):,.0f}–{max(rps):,.0f}",
            ]
            for base, by in (("reference", "rps"), ("hello", "rps"), ("generated", "rps")):
                if variant == base:
                    cells.append("1.00×")
                    continue
                value, rounds = paired(run, framework, variant, base, by)
                cells.append(f"{ratio(value)} ({span(rounds)})" if rounds else "-")
            cells.append(f"{median([load.cpu_us for load in loads]):,.0f}")
            for base in ("reference", "generated"):
                value, rounds = paired(run, framework, variant, base, "cpu")
                cells.append(
                    "1.00×"
                    if variant == base
                    else f"{ratio(value)} ({span(rounds)})"
                    if rounds
                    else "-"
                )
            cells += [
                f"{median([load.p99_ms for load in loads]):.1f}",
                str(sum(load.bad for load in loads)),
            ]
            rows.append(cells)
    return rows


def probe_table(run: Run, variants: list[str], frameworks: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for framework in frameworks:
        for variant in variants:
            seen = run.probes.get((framework, variant))
            if seen is not None:
                marks = ["yes" if value else "no" for value in seen.values()]
                rows.append([SERVER[framework], variant, *marks])
    return rows


def targets(run: Run, frameworks: tuple[str, ...]) -> list[Target]:
    found = []
    for framework in frameworks:
        for by, what in (("rps", "req/s"), ("cpu", "requests per server CPU second")):
            value, rounds = paired(run, framework, "generated", "reference", by)
            if rounds:
                found.append(
                    Target(
                        f"generated production preset ÷ READMEs' wiring, {what}, "
                        f"{SERVER[framework]}",
                        f"{ratio(value)} (rounds {span(rounds)}: {verdict(rounds)})",
                        f"≥ {GOAL:.2f}×",
                        value >= GOAL,
                    )
                )
    return found


def section(
    rounds: int,
    seconds: int,
    workers: int,
    frameworks: tuple[str, ...],
    bisect: bool,
    extra: dict[str, list[Path]],
    command: str,
) -> Section:
    missing = wrk_missing()
    if missing:
        return Section(title=TITLE, intro=missing)
    measured_with = versions()  # before the run: the tree may change while it runs
    variants = [*VARIANTS, *(f"-{key}" for key in PRESET if bisect), *extra]
    with (
        tempfile.TemporaryDirectory(prefix="dualgen-bench-speed-") as tmp,
        cache_at(WARM_CACHE),
    ):
        projects = make_projects(Path(tmp), [v for v in variants if v not in extra], frameworks)
        for label, paths in extra.items():
            for path in paths:
                framework = "flask" if (path / "requirements.txt").is_file() else "express"
                projects[(framework, label)] = path
        for project in set(projects.values()):
            runner.install(project)  # outside the timed rounds
        run = measure(projects, variants, frameworks, rounds, seconds, workers)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu, memory, system = (value for _, value in machine())
    probe_names = list(next(iter(run.probes.values()), {}))
    return Section(
        title=TITLE,
        intro=(
            f"Measured {when} on {cpu}, {memory}, {system}, with `{command}`. Every variant "
            f"runs under the production server its project generates with WEB_CONCURRENCY="
            f"{workers} (gunicorn `app:app` with the generated gunicorn.conf.py; `node "
            f"server.js`, the generated cluster), started through generator.runner. Per "
            "framework all variants' servers are up at once (idle while another is loaded), "
            f"each warmed by a 1 s wrk run; then {rounds} rounds, each loading every variant "
            "once (rotated, every other round reversed) with "
            f"`wrk -t2 -c32 -d{seconds}s` on GET / over 127.0.0.1, so that the runs a "
            "ratio pairs are seconds apart. req/s: median over "
            "the rounds and their min–max. Server CPU µs/req: user + system CPU time of the "
            "server's processes during the run ÷ requests completed (the JSON log's reader "
            "in the benchmark process is not counted), less sensitive than req/s to other "
            "work on the machine; its ratios are requests per CPU second, so above 1 is "
            "cheaper. "
            "Each ratio is the median of the per-round ratios, "
            "with their min–max in brackets: the noise. `generated` is `dualgen new both "
            "shop --preset production --no-input --set rate-limit.max=1000000`; `reference` "
            "is benchmarks/reference/<framework> (the same pinned libraries wired as their "
            "READMEs show, beside the generated project's requirements.txt + "
            "gunicorn.conf.py or package.json + server.js); `hello` is `dualgen new both "
            "hello --no-input --production-server`; `strict-parity` is the preset with "
            "`--strict-parity`; `generated-again` is the preset rendered a second time and "
            "measured as one more variant, an A/A check of the noise"
            + ("; `-<key>` is the preset without that one middleware." if bisect else ".")
        ),
        tables=[
            (
                [
                    "server",
                    "variant",
                    "req/s",
                    "range",
                    "÷ reference",
                    "÷ hello",
                    "÷ generated",
                    "server CPU µs/req",
                    "÷ reference (per CPU)",
                    "÷ generated (per CPU)",
                    "p99 ms",
                    "errors",
                ],
                table(run, variants, frameworks),
            ),
            (["server", "variant", *probe_names], probe_table(run, variants, frameworks)),
        ],
        notes=[
            "The second table is one probe per variant before its first measurement: GET / "
            f"with Origin: {ORIGIN} and X-Request-ID: {PROBE_ID}; it shows that the generated "
            "and reference apps do the same work on the measured request.",
            "Versions: "
            + "; ".join(f"{name} {value}" for name, value in measured_with if name in SHOWN)
            + ".",
            "wrk and the servers share the machine's cores with other work; load average "
            "(before the first round, then after each): " + "; ".join(run.load_average) + ".",
        ]
        + [f"Skipped: {line}" for line in run.skipped],
        targets=targets(run, frameworks),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed_bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY on both")
    parser.add_argument("--framework", nargs="+", choices=FRAMEWORKS, default=list(FRAMEWORKS))
    parser.add_argument("--bisect", action="store_true", help="also the preset minus each key")
    parser.add_argument("--extra", nargs="+", default=[], metavar="LABEL=DIR")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results.md")
    args = parser.parse_args(argv)
    extra: dict[str, list[Path]] = {}
    for label, _, path in (item.partition("=") for item in args.extra):
        extra.setdefault(label, []).append(Path(path).resolve())
    command = "python -m benchmarks.speed_bench " + " ".join(argv if argv is not None else [])
    done = section(
        args.rounds,
        args.seconds,
        args.workers,
        tuple(args.framework),
        args.bisect,
        extra,
        command.strip(),
    )
    text = report.section_text(done)
    targets_text = report.targets_table([done]) if done.targets else ""
    print(text + "\n\n" + targets_text)
    if not args.no_write:
        report.splice(RESULTS, TITLE, text + ("\n\n" + targets_text if targets_text else ""))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
