"""Part 1: one project from the command line, dualgen against its peers, paired."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import (
    HERE,
    PYTHON,
    TEMPLATES,
    TOOLS,
    Section,
    Target,
    log,
    median,
    ms,
    paired_ratio,
    ratio,
    rotate,
    shell,
    spread,
    timed_run,
)

EXPRESS_GENERATOR = "express-generator@4.16.1"
COPIER_TEMPLATE = HERE / "copier_template"


@dataclass(frozen=True)
class Command:
    """A command to time; `argv` gets a fresh, empty folder to write into."""

    name: str
    argv: Callable[[Path], list[str]]


def express_generator() -> Path:
    """express-generator's CLI script, installed in benchmarks/.tools/ at first use."""
    script = TOOLS / "node_modules" / "express-generator" / "bin" / "express-cli.js"
    if not script.is_file():
        log(f"installing {EXPRESS_GENERATOR} into {TOOLS}")
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                EXPRESS_GENERATOR,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return script


def commands() -> list[Command]:
    """Every command of part 1, timed with the real interpreter, not a shell shim."""
    node = shutil.which("node") or "node"
    generator_cli = [node, str(express_generator()), "--no-view"]
    found = [
        Command("python -c pass", lambda _: [PYTHON, "-c", "pass"]),
        Command("dualgen --help", lambda _: [PYTHON, "-m", "generator", "--help"]),
    ]
    for framework in ("flask", "express"):
        found += [
            Command(
                f"dualgen new {framework}",
                lambda out, f=framework: [
                    PYTHON,
                    "-m",
                    "generator",
                    "new",
                    f,
                    "--no-input",
                    "-o",
                    str(out),
                ],
            ),
            Command(
                f"cookiecutter {framework}",
                lambda out, f=framework: [
                    PYTHON,
                    "-m",
                    "cookiecutter",
                    "--no-input",
                    str(TEMPLATES / f),
                    "-o",
                    str(out),
                ],
            ),
        ]
    found += [
        Command(
            "express-generator --no-view",
            lambda out: [*generator_cli, str(out / "app")],
        ),
        Command(
            "copier copy (tiny Flask template)",
            lambda out: [
                PYTHON,
                "-m",
                "copier",
                "copy",
                "--defaults",
                "--quiet",
                str(COPIER_TEMPLATE),
                str(out / "app"),
            ],
        ),
    ]
    return found


def subprocess_env(home: str) -> dict[str, str]:
    """A temporary HOME (cookiecutter's replay files, copier's settings) and .pyc on.

    This machine sets PYTHONDONTWRITEBYTECODE=1, which would make every run recompile
    dualgen's own modules (installed packages ship .pyc files); a user's machine caches
    them. The .pyc files go to benchmarks/.tools/pycache, not into the source tree.
    """
    env = dict(os.environ, HOME=home, PYTHONPYCACHEPREFIX=str(TOOLS / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(rounds: int) -> dict[str, list[float]]:
    """Run every command once per round, rotated, each into a fresh temp folder."""
    cmds = commands()
    times: dict[str, list[float]] = {command.name: [] for command in cmds}
    with tempfile.TemporaryDirectory(prefix="dualgen-bench-cli-") as tmp:
        env = subprocess_env(tmp)
        for number in range(rounds + 1):  # round 0 warms the file cache and is dropped
            for command in rotate(cmds, number):
                out = Path(tempfile.mkdtemp(dir=tmp))
                elapsed = timed_run(command.argv(out), cwd=out, env=env)
                if number:
                    times[command.name].append(elapsed)
                shutil.rmtree(out)
    return times


def section(rounds: int) -> Section:
    log(f"part 1: one project from the command line, {rounds} rounds")
    times = measure(rounds)
    cmds = commands()
    sample = Path("OUT")
    rows = [
        [
            f"`{command.name}`",
            ms(median(times[command.name])),
            spread([t * 1000 for t in times[command.name]]),
        ]
        for command in cmds
    ]
    pairs = [
        ("dualgen new flask", "cookiecutter flask"),
        ("dualgen new express", "cookiecutter express"),
        ("dualgen new express", "express-generator --no-view"),
        ("dualgen new flask", "copier copy (tiny Flask template)"),
        ("dualgen --help", "python -c pass"),
    ]
    ratios = {pair: paired_ratio(times[pair[0]], times[pair[1]]) for pair in pairs}
    ratio_rows = [[f"`{a}` / `{b}`", ratio(value)] for (a, b), value in ratios.items()]
    overhead = median(
        [a - b for a, b in zip(times["dualgen --help"], times["python -c pass"], strict=True)]
    )
    targets = [
        Target(
            f"`dualgen new {framework}` vs plain cookiecutter CLI (paired)",
            ratio(ratios[(f"dualgen new {framework}", f"cookiecutter {framework}")]),
            "≤ 0.80×",
            ratios[(f"dualgen new {framework}", f"cookiecutter {framework}")] <= 0.8,
        )
        for framework in ("flask", "express")
    ]
    return Section(
        title="1. One project from the command line",
        intro=(
            "Each round runs every command once, in a rotated order, each into a "
            f"fresh empty temporary folder (HOME is a temporary folder too). {rounds} "
            "rounds after one dropped warm-up round; medians, and ratios as the "
            "median of per-round ratios. `dualgen new` and `cookiecutter` render the "
            "same template with its defaults; express-generator and copier render "
            "their own (different, small) templates and are peers for scale only. "
            "PYTHONDONTWRITEBYTECODE is unset for these commands so that, as on a "
            "user's machine, the warm-up round leaves .pyc files for the next rounds."
        ),
        tables=[
            (["command", "median", "range (ms)"], rows),
            (["paired ratio", "median"], ratio_rows),
        ],
        notes=[
            "Start-up overhead of `dualgen --help` over a bare interpreter: "
            f"{ms(overhead)} (median of paired differences)."
        ],
        commands=[shell(command.argv(sample)) for command in cmds],
        targets=targets,
    )
