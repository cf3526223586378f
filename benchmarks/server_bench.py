"""Part 4: generated servers under load (wrk, loopback only) vs a bare Hello World."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._common import (
    HERE,
    Section,
    Target,
    log,
    median,
    ratio,
    rotate,
)
from benchmarks.verify_bench import WARM_CACHE, cache_at
from generator import runner
from generator import spec as specs
from generator.errors import RunError
from generator.render import render

HOST = "127.0.0.1"  # the only address any request of this benchmark goes to
BASELINES = HERE / "baselines"
#: The production preset allows 100 requests a minute a client; the load test lifts it.
UNLIMITED = {"rate-limit": {"max": 1_000_000, "window": 60}}
ANSWERS: dict[str, dict[str, object]] = {
    "classic": {"preset": "classic"},
    "default": {},
    "production": {"preset": "production", "settings": UNLIMITED},
}
#: What the bare baseline borrows from the production project: same deps, same server.
BORROWED = {
    "flask": ("requirements.txt", "gunicorn.conf.py"),
    "express": ("package.json", "server.js"),
}


def beside(app: Path, generated: Path, target: Path, framework: str) -> Path:
    """A hand-written app (the folder `app`) copied to target with the BORROWED files of a
    generated project: the same pinned dependencies, run by the same production server."""
    shutil.copytree(app, target)
    for borrowed in BORROWED[framework]:
        shutil.copy2(generated / borrowed, target / borrowed)
    return target


@dataclass(frozen=True)
class Group:
    """One server setup; every variant in it runs under exactly that setup."""

    framework: str
    label: str
    production: bool
    variants: tuple[str, ...]


GROUPS = (
    Group(
        "flask",
        "Flask dev server (python app.py)",
        False,
        ("bare", "classic", "default", "production"),
    ),
    Group(
        "flask",
        "gunicorn with the generated gunicorn.conf.py",
        True,
        ("bare", "production"),
    ),
    Group(
        "express",
        "Express, one process (npm start)",
        False,
        ("bare", "classic", "default", "production"),
    ),
    Group(
        "express",
        "Express production (npm run start:prod: NODE_ENV=production node server.js, cluster)",
        True,
        ("bare", "production"),
    ),
)


@dataclass
class Load:
    """One wrk run against one server."""

    rps: float
    p99_ms: float
    rss_mb: float
    bad: int = 0


@dataclass
class Results:
    runs: dict[tuple[str, str], list[Load]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def wrk_missing() -> str | None:
    if shutil.which("wrk") is None:
        return (
            "wrk is not installed, so the server benchmark was skipped. "
            "On Debian/Ubuntu: `apt-get update && apt-get install -y wrk`."
        )
    return None


def wrk_command(port: int, seconds: int) -> list[str]:
    return [
        "wrk",
        "-t2",
        "-c32",
        f"-d{seconds}s",
        "--latency",
        f"http://{HOST}:{port}/",
    ]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> tuple[float, float, int]:
    """Requests per second, p99 latency in ms, and the count of errors and non-2xx."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output).groups()
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        bad += int(errors.group(1)) + int(errors.group(3)) + int(errors.group(4))
    return rps, float(value) * _UNITS[unit], bad


def run_wrk(port: int, seconds: int) -> str:
    result = subprocess.run(
        wrk_command(port, seconds),
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    )
    return result.stdout


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the server's process group, in MiB."""
    total_kb = 0
    for pid in runner.group_processes(pgid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def make_projects(work: Path) -> dict[tuple[str, str], Path]:
    """Render the presets and lay out the bare baselines, for both frameworks."""
    projects: dict[tuple[str, str], Path] = {}
    for framework in ("flask", "express"):
        for name, answers in ANSWERS.items():
            spec = specs.build(dict(answers))
            projects[(framework, name)] = render(spec, (framework,), work / name / framework)[0]
        projects[(framework, "bare")] = beside(
            BASELINES / framework,
            projects[(framework, "production")],
            work / "bare" / framework,
            framework,
        )
    return projects


def fixed_port(project: Path, framework: str) -> int | None:
    """The classic programs ignore PORT and listen where the article's do."""
    if (project / ".dualgen.yaml").is_file():
        answers = specs.load_answers(project / ".dualgen.yaml")
        if answers.get("classic"):
            return 5000 if framework == "flask" else 3000
    return None


def measure_one(project: Path, group: Group, seconds: int, warmup: int) -> Load:
    installed = runner.install(project)
    port = fixed_port(project, group.framework)
    if port is not None:
        wait_for_free_port(port)
    with runner.serve(
        project, installed=installed, port=port, production=group.production
    ) as server:
        time.sleep(1.0)  # let workers finish booting, then read idle memory
        rss = group_rss_mb(server.process.pid)
        run_wrk(server.port, warmup)
        rps, p99, bad = parse_wrk(run_wrk(server.port, seconds))
    return Load(rps, p99, rss, bad)


def wait_for_free_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while runner.port_in_use(port) and time.monotonic() < deadline:
        time.sleep(0.5)


def measure(rounds: int, seconds: int, warmup: int) -> Results:
    results = Results()
    with (
        tempfile.TemporaryDirectory(prefix="dualgen-bench-servers-") as tmp,
        cache_at(WARM_CACHE),
    ):
        projects = make_projects(Path(tmp))
        for number in range(rounds):
            for group in GROUPS:
                for variant in rotate(group.variants, number):
                    log(f"  round {number + 1}: {group.label}: {variant}")
                    try:
                        load = measure_one(
                            projects[(group.framework, variant)], group, seconds, warmup
                        )
                    except (RunError, subprocess.SubprocessError) as error:
                        results.skipped.append(
                            f"{group.label} / {variant}: {error}".splitlines()[0]
                        )
                        continue
                    results.runs.setdefault((group.label, variant), []).append(load)
    return results


def ratio_to_bare(results: Results, group: Group, variant: str, metric: str) -> float:
    """Median over rounds of variant/bare, each pair measured in the same round."""
    mine = results.runs.get((group.label, variant), [])
    bare = results.runs.get((group.label, "bare"), [])
    pairs = [getattr(a, metric) / getattr(b, metric) for a, b in zip(mine, bare, strict=False)]
    return median(pairs)


def table(results: Results) -> list[list[str]]:
    rows = []
    for group in GROUPS:
        for variant in group.variants:
            runs = results.runs.get((group.label, variant), [])
            if not runs:
                rows.append([group.label, variant, "skipped", "", "", "", "", ""])
                continue
            rows.append(
                [
                    group.label,
                    variant,
                    f"{median([r.rps for r in runs]):,.0f}",
                    "1.00×"
                    if variant == "bare"
                    else ratio(ratio_to_bare(results, group, variant, "rps")),
                    f"{median([r.p99_ms for r in runs]):.1f}",
                    "1.00×"
                    if variant == "bare"
                    else ratio(ratio_to_bare(results, group, variant, "p99_ms")),
                    f"{median([r.rss_mb for r in runs]):.0f}",
                    str(sum(r.bad for r in runs)),
                ]
            )
    return rows


def targets(results: Results) -> list[Target]:
    found = []
    for group in (g for g in GROUPS if g.production):
        value = ratio_to_bare(results, group, "production", "rps")
        found.append(
            Target(
                f"production preset req/s vs bare, {group.label}",
                ratio(value),
                "≥ 0.90×",
                None if value != value else value >= 0.9,
            )
        )
    return found


def section(rounds: int, seconds: int, warmup: int, chart: Path) -> Section:
    missing = wrk_missing()
    if missing:
        log(missing)
        return Section(title="4. The generated servers under load", intro=missing)
    log(f"part 4: servers under wrk, {rounds} rounds of {seconds:g} s runs")
    results = measure(rounds, seconds, warmup)
    from benchmarks.chart import draw

    draw(results, GROUPS, chart)
    notes = [
        "The production preset is rendered with `settings: "
        "{rate-limit: {max: 1000000, window: 60}}` so that its limiter (100 requests "
        "a minute per client by default) is not what is measured; every other "
        "middleware of the preset is on.",
        "The bare baseline is benchmarks/baselines/<framework>, copied next to the "
        "production project's requirements.txt + gunicorn.conf.py (Flask) or "
        "package.json + server.js (Express): the same dependency set and the same "
        "server command.",
        "Idle memory is the summed RSS of every process in the server's process group "
        "one second after it starts listening (for `npm start` this includes npm and "
        "its shell; gunicorn has cpu_count*2+1 workers; the Node cluster one worker "
        "per CPU).",
        "The classic programs listen on fixed ports (5000, 3000) as the article's do; "
        "the classic Flask program runs with debug=True (reloader and debugger), as "
        "the article's does.",
        "wrk and the server share the machine's 2 cores, so absolute numbers are low "
        "and noisy; the ratios are paired per round.",
    ]
    notes += [f"Skipped: {line}" for line in results.skipped]
    return Section(
        title="4. The generated servers under load",
        intro=(
            "Each server is started through `generator.runner.install` and `serve`, "
            f"left idle for 1 s (memory), warmed with a {warmup:g} s wrk run, then "
            f"measured with a {seconds:g} s run, {rounds} rounds with the variants of "
            "each setup in a rotated order. All traffic goes to 127.0.0.1. Ratios "
            "are to the bare Hello World under the same server, median of per-round "
            "ratios. Chart: benchmarks/servers.png."
        ),
        tables=[
            (
                [
                    "server",
                    "project",
                    "req/s",
                    "÷ bare",
                    "p99 ms",
                    "÷ bare",
                    "idle RSS MiB",
                    "errors",
                ],
                table(results),
            )
        ],
        notes=notes,
        commands=[" ".join(wrk_command(0, seconds)).replace(":0/", ":PORT/")],
        targets=targets(results),
    )
