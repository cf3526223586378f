"""Part 6: what each middleware of the production preset costs alone, and the whole preset, under
the production servers (gunicorn with the generated gunicorn.conf.py; the Node cluster).

    python -m benchmarks.middleware_bench [--rounds N] [--seconds S] [--only NAME …]
        [--extra LABEL=DIR …] [--no-write]

writes (or replaces) its section of benchmarks/results.md; `--extra` adds an already rendered
project (e.g. the preset before a change) to the same interleaved rounds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import report
from benchmarks._common import HERE, Section, Target, log, median, ratio, rotate
from benchmarks.server_bench import (
    BASELINES,
    GROUPS,
    UNLIMITED,
    Group,
    Load,
    beside,
    measure_one,
    wrk_command,
    wrk_missing,
)
from benchmarks.verify_bench import WARM_CACHE, cache_at
from generator import catalog
from generator import spec as specs
from generator.errors import RunError
from generator.render import render

TITLE = "6. What each middleware costs under the production servers"
RESULTS = HERE / "results.md"
PRESET = tuple(catalog.PRESETS["production"]["middleware"])
#: The settings the preset uses (json logs), with the limiter lifted as in part 4.
SETTINGS: dict[str, dict[str, object]] = {"logging": {"format": "json"}, **UNLIMITED}
SERVERS = tuple(group for group in GROUPS if group.production)
GOAL_RPS, STRETCH_RPS, GOAL_P99 = 0.8, 0.9, 2.0


def answers_for(name: str) -> dict[str, object]:
    """The preset, or one middleware alone (one route, '/') under the production server."""
    if name == "production":
        return {"preset": "production", "settings": UNLIMITED}
    settings = {name: SETTINGS[name]} if name in SETTINGS else {}
    return {"middleware": [name], "settings": settings, "production-server": True}


def make_projects(work: Path, names: list[str]) -> dict[tuple[str, str], Path]:
    projects: dict[tuple[str, str], Path] = {}
    for framework in ("flask", "express"):
        for name in names:
            spec = specs.build(answers_for(name))
            projects[(framework, name)] = render(spec, (framework,), work / name / framework)[0]
        # The bare baseline borrows the production project's dependencies and server files.
        production = render(
            specs.build(answers_for("production")), (framework,), work / "for-bare" / framework
        )[0]
        projects[(framework, "bare")] = beside(
            BASELINES / framework, production, work / "bare" / framework, framework
        )
    return projects


@dataclass
class Run:
    runs: dict[tuple[str, str], list[Load]]
    load: list[str]
    skipped: list[str]


def measure(
    projects: dict[tuple[str, str], Path], names: list[str], rounds: int, seconds: int
) -> Run:
    """Every variant once per round, in a rotated order, so that load hits them alike."""
    runs: dict[tuple[str, str], list[Load]] = {}
    load, skipped = [uptime()], []
    for number in range(rounds):
        for group in SERVERS:
            for name in rotate(["bare", *names], number):
                project = projects.get((group.framework, name))
                if project is None:
                    continue
                log(f"  round {number + 1}: {group.framework}: {name}")
                try:
                    result = measure_one(project, group, seconds, 1)
                except (RunError, subprocess.SubprocessError) as error:
                    skipped.append(f"{group.framework} / {name}: {error}".splitlines()[0])
                    continue
                runs.setdefault((group.label, name), []).append(result)
        load.append(uptime())
    return Run(runs, load, skipped)


def uptime() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def paired(run: Run, group: Group, name: str, metric: str) -> float:
    mine, bare = run.runs.get((group.label, name), []), run.runs.get((group.label, "bare"), [])
    return median(
        [getattr(a, metric) / getattr(b, metric) for a, b in zip(mine, bare, strict=False)]
    )


def table(run: Run, names: list[str]) -> list[list[str]]:
    rows = []
    for group in SERVERS:
        for name in ["bare", *names]:
            loads = run.runs.get((group.label, name), [])
            if not loads:
                continue
            bare = name == "bare"
            rows.append(
                [
                    "gunicorn" if group.framework == "flask" else "Node cluster",
                    name,
                    f"{median([load.rps for load in loads]):,.0f}",
                    "1.00×" if bare else ratio(paired(run, group, name, "rps")),
                    f"{median([load.p99_ms for load in loads]):.1f}",
                    "1.00×" if bare else ratio(paired(run, group, name, "p99_ms")),
                    str(sum(load.bad for load in loads)),
                ]
            )
    return rows


def targets(run: Run) -> list[Target]:
    found = []
    for group in SERVERS:
        if (group.label, "production") not in run.runs:
            continue
        rps, p99 = (
            paired(run, group, "production", "rps"),
            paired(run, group, "production", "p99_ms"),
        )
        server = "gunicorn" if group.framework == "flask" else "Node cluster"
        found += [
            Target(
                f"production preset req/s vs bare, {server}",
                ratio(rps),
                "≥ 0.80× (0.90×)",
                rps >= GOAL_RPS,
            ),
            Target(
                f"production preset p99 vs bare, {server}", ratio(p99), "≤ 2.00×", p99 <= GOAL_P99
            ),
        ]
    return found


def section(rounds: int, seconds: int, names: list[str] | None = None, extra=None) -> Section:
    missing = wrk_missing()
    if missing:
        return Section(title=TITLE, intro=missing)
    names = list(names or [*PRESET, "production"])
    with (
        tempfile.TemporaryDirectory(prefix="dualgen-bench-middleware-") as tmp,
        cache_at(WARM_CACHE),
    ):
        projects = make_projects(Path(tmp), [n for n in names if n not in (extra or {})])
        for label, paths in (extra or {}).items():
            for path in paths:
                framework = "flask" if (path / "requirements.txt").is_file() else "express"
                projects[(framework, label)] = path
        run = measure(projects, names, rounds, seconds)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return Section(
        title=TITLE,
        intro=(
            f"Measured {when}. Each row is a project with only that middleware (the preset's "
            "settings: json logs, the limiter lifted to 1,000,000 a minute), served by the "
            "production server the project generates, against the bare Hello World under "
            f"the same server; `production` is the whole preset. {rounds} rounds, every "
            f"variant once per round in a rotated order, warmed 1 s, measured {seconds} s; "
            "ratios are medians of per-round ratios to the bare run of the same round."
        ),
        tables=[
            (
                ["server", "project", "req/s", "÷ bare", "p99 ms", "÷ bare", "errors"],
                table(run, names),
            )
        ],
        notes=[
            "Machine load while measuring (before the first round, then after each): "
            + "; ".join(run.load)
            + "."
        ]
        + [f"Skipped: {line}" for line in run.skipped],
        commands=[" ".join(wrk_command(0, seconds)).replace(":0/", ":PORT/")],
        targets=targets(run),
    )


def splice(path: Path, text: str) -> None:
    """Put this section into results.md in place of its previous version (or at the end)."""
    report.splice(path, TITLE, text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.middleware_bench", description=__doc__
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="production and/or middleware keys"
    )
    parser.add_argument("--extra", nargs="+", default=[], metavar="LABEL=DIR")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results.md")
    args = parser.parse_args(argv)
    extra: dict[str, list[Path]] = {}  # one label may name a Flask and an Express project
    for label, _, path in (item.partition("=") for item in args.extra):
        extra.setdefault(label, []).append(Path(path).resolve())
    names = list(args.only or [*PRESET, "production"]) + list(extra)
    done = section(args.rounds, args.seconds, names, extra)
    text = report.section_text(done)
    targets_text = report.targets_table([done]) if done.targets else ""
    print(text + "\n\n" + targets_text)
    if not args.no_write:
        splice(RESULTS, text + ("\n\n" + targets_text if targets_text else ""))


if __name__ == "__main__":
    main()
