"""Part 3: `verify` phases, cold (empty cache) and warm, against the raw install."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks._common import (
    FRAMEWORKS,
    PYTHON,
    TOOLS,
    Section,
    Target,
    log,
    median,
    paired_ratio,
    ratio,
    secs,
    shell,
    spread,
    timed_run,
)
from generator import contract as exchanges
from generator import runner
from generator import spec as specs
from generator.render import render

WARM_CACHE = TOOLS / "cache"
PHASES = ("install", "start", "check", "stop")
PRESETS = ("default", "production")


@contextmanager
def cache_at(folder: Path) -> Iterator[None]:
    """Point generator.runner at a cache (it reads DUALGEN_CACHE_DIR on each call)."""
    previous = os.environ.get("DUALGEN_CACHE_DIR")
    os.environ["DUALGEN_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DUALGEN_CACHE_DIR", None)
        else:
            os.environ["DUALGEN_CACHE_DIR"] = previous


def verify_phases(project: Path, spec: specs.ProjectSpec) -> dict[str, float]:
    """What `dualgen verify` does, through the library, with each phase timed."""
    times: dict[str, float] = {}
    started = time.perf_counter()
    installed = runner.install(project)
    times["install"] = time.perf_counter() - started
    contract = exchanges.exchanges(spec)
    with runner.serve(project, installed=installed) as server:
        times["start"] = server.timings["start"]
        started = time.perf_counter()
        failures = [problems for _, problems in exchanges.run(contract, server.url) if problems]
        times["check"] = time.perf_counter() - started
        times["failed"] = float(len(failures))  # reported, not fatal: speed is what is measured
        stopping = time.perf_counter()
    times["stop"] = time.perf_counter() - stopping
    times["total"] = sum(times[phase] for phase in PHASES)
    return times


def raw_install(project: Path, work: Path) -> float:
    """The plain install a user would type, in a copy of the project."""
    copy = Path(tempfile.mkdtemp(dir=work)) / project.name
    shutil.copytree(project, copy)
    if (copy / "package.json").is_file():
        return timed_run(raw_install_commands(copy)[0], cwd=copy)
    venv, pip = raw_install_commands(copy)
    return timed_run(venv, cwd=copy) + timed_run(pip, cwd=copy)


def raw_install_commands(project: Path) -> list[list[str]]:
    if (project / "package.json").is_file():
        return [["npm", "install"]]
    return [
        [PYTHON, "-m", "venv", ".venv"],
        [".venv/bin/pip", "install", "-r", "requirements.txt"],
    ]


def cold_rounds(
    project: Path, spec: specs.ProjectSpec, rounds: int, work: Path
) -> tuple[list[dict[str, float]], list[float]]:
    """dualgen with an empty cache and the raw install, alternating which goes first."""
    cold: list[dict[str, float]] = []
    raw: list[float] = []
    for number in range(rounds):
        order = ("dualgen", "raw") if number % 2 == 0 else ("raw", "dualgen")
        for which in order:
            if which == "raw":
                raw.append(raw_install(project, work))
                continue
            with cache_at(Path(tempfile.mkdtemp(prefix="cache-", dir=work))):
                cold.append(verify_phases(project, spec))
    return cold, raw


def warm_rounds(
    project: Path, spec: specs.ProjectSpec, rounds: int
) -> tuple[list[dict[str, float]], list[float]]:
    """A filled cache: the library phases, and the `verify` command as a user runs it"""
    with cache_at(WARM_CACHE):
        runner.install(project)  # fill the cache once
        phases = [verify_phases(project, spec) for _ in range(rounds)]
        env = dict(os.environ)
        command = [PYTHON, "-m", "generator", "verify", str(project)]
        cli = [_timed_or_nan(command, env) for _ in range(rounds)]
    return phases, cli


def _timed_or_nan(command: list[str], env: dict[str, str]) -> float:
    """A failed `verify` (exit 1) is reported as a missing time, not a crash."""
    try:
        return timed_run(command, env=env)
    except RuntimeError as error:
        log(str(error))
        return float("nan")


def failure_note(name: str, runs: list[dict[str, float]], cli: list[float]) -> list[str]:
    failed = sum(1 for run in runs if run["failed"]) + sum(1 for t in cli if t != t)
    if not failed:
        return []
    return [f"{name}: {failed} verify runs had failing exchanges (timed all the same)."]


def phase_rows(
    name: str,
    cold: list[dict[str, float]],
    warm: list[dict[str, float]],
    cli: list[float],
    raw: list[float],
) -> list[list[str]]:
    rows = [
        [name, label] + [secs(median([run[phase] for run in runs])) for phase in (*PHASES, "total")]
        for label, runs in (("cold", cold), ("warm", warm))
    ]
    rows.append(
        [
            name,
            "warm, `verify` CLI process",
            "",
            "",
            "",
            "",
            f"{secs(median(cli))} ({spread(cli)} s)",
        ]
    )
    rows.append([name, "raw install", secs(median(raw)), "", "", "", f"({spread(raw)} s)"])
    return rows


def section(cold_count: int, warm_count: int) -> Section:
    log(f"part 3: verify, {cold_count} cold and {warm_count} warm rounds per framework")
    rows: list[list[str]] = []
    ratio_rows: list[list[str]] = []
    targets: list[Target] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dualgen-bench-verify-") as tmp:
        work = Path(tmp)
        for preset in PRESETS:
            spec = specs.build({"preset": preset} if preset != "default" else {})
            for framework in FRAMEWORKS:
                name = f"{framework} {preset}"
                project = render(spec, (framework,), work / framework / preset)[0]
                cold, raw = cold_rounds(project, spec, cold_count, work)
                warm, cli = warm_rounds(project, spec, warm_count)
                rows += phase_rows(name, cold, warm, cli, raw)
                problems += failure_note(name, cold + warm, cli)
                install_ratio = paired_ratio([run["install"] for run in cold], raw)
                ratio_rows.append([name, ratio(install_ratio)])
                warm_total = median([run["total"] for run in warm])
                targets += [
                    Target(
                        f"warm verify, {name} (library phases / CLI process)",
                        f"{secs(warm_total)} / {secs(median(cli))}",
                        "≤ 1.50 s",
                        max(warm_total, median(cli)) <= 1.5,
                    ),
                    Target(
                        f"cold install vs raw install, {name}",
                        ratio(install_ratio),
                        "≤ 1.20×",
                        install_ratio <= 1.2,
                    ),
                ]
    return Section(
        title="3. verify: cold and warm",
        intro=(
            "The default and production projects of each framework. Cold: an empty "
            f"DUALGEN_CACHE_DIR in a temporary folder ({cold_count} rounds, "
            f"alternating with the raw install); warm: a filled cache ({warm_count} "
            "rounds). Phases through the library: `generator.runner.install`, "
            "`serve` (start = until the port accepts), `generator.contract.run` "
            "(check), leaving the `with` block (stop). The warm CLI row times "
            "`python -m generator verify DIR` as a whole process."
        ),
        tables=[
            (
                [
                    "project",
                    "run",
                    "install",
                    "start",
                    "check",
                    "stop",
                    "total (median)",
                ],
                rows,
            ),
            (["cold install / raw install (paired)", "median"], ratio_rows),
        ],
        notes=[
            "The raw install is what a user types in a copy of the project: `python "
            "-m venv .venv` (with pip) + `.venv/bin/pip install -r requirements.txt`, "
            "or a plain `npm install` (which also audits and writes "
            "package-lock.json). dualgen makes a venv without pip and runs the host's "
            "pip with `--python`, and runs npm with --prefer-offline --no-audit "
            "--no-package-lock. Both sides share the machine's pip and npm download "
            "caches, which are warm: neither measures the network.",
            *problems,
        ],
        commands=[shell(command) for command in raw_install_commands(Path("flask"))]
        + [
            "npm install",
            f"DUALGEN_CACHE_DIR={WARM_CACHE.relative_to(TOOLS.parent.parent)} python "
            "-m generator verify DIR",
        ],
        targets=targets,
    )
