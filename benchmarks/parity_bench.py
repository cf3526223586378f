"""Part 5: `dualgen parity`, 10,000 requests per preset against both development servers."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks._common import PYTHON, ROOT, Section, Target, log, secs, shell
from generator.catalog import PRESETS

#: Every preset, and the default project (no preset).
CHOICE_SETS = ("default", *PRESETS)
REQUESTS = 10_000
SEED = 20261126
GOAL = 60.0


def run_once(choices: str, requests: int) -> tuple[float, dict]:
    """One `dualgen parity` run as a user starts it: wall time and its JSON report."""
    command = [PYTHON, "-m", "generator", "parity", "-n", str(requests), "--seed", str(SEED)]
    command += ["--format", "json"] + ([] if choices == "default" else ["--preset", choices])
    with tempfile.TemporaryDirectory(prefix="dualgen-bench-parity-") as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=Path(tmp), capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"{shell(command)} failed:\n{result.stderr[-3000:]}")
    return elapsed, json.loads(result.stdout)


def section(requests: int = REQUESTS) -> Section:
    rows, targets = [], []
    for choices in CHOICE_SETS:
        log(f"parity: {choices}, {requests} requests")
        elapsed, report = run_once(choices, requests)
        undeclared = sum(1 for d in report["differences"] if d["declared"] is None)
        rate = report["sent"] / report["seconds"] if report["seconds"] else 0.0
        rows.append(
            [
                choices,
                str(report["sent"]),
                secs(elapsed),
                secs(report["seconds"]),
                f"{rate:.0f}",
                f"{report['identical']} / {report['differing']}",
                f"{len(report['differences'])} ({undeclared} not declared)",
            ]
        )
        targets.append(
            Target(
                f"`dualgen parity`, {requests} requests, {choices}, both development servers",
                secs(elapsed),
                f"≤ {GOAL:.0f} s",
                elapsed <= GOAL,
            )
        )
    intro = (
        f"`dualgen parity -n {requests} --seed {SEED}` for the default project and every preset, "
        "as a user runs it: the whole process, rendering, both server starts and the stops "
        "included (install cached). Requests without a rate limit go in batches of up to 16 to "
        "both servers at once; under a rate limit one client's requests go in order, each to "
        "both servers at once. Classic projects are the article's two programs as written: "
        "their differences are found and shrunk, which costs extra requests."
    )
    headers = [
        "choices",
        "requests sent",
        "wall time",
        "servers up",
        "requests/s",
        "identical / differing",
        "distinct differences",
    ]
    return Section(
        "5. `dualgen parity`",
        intro,
        tables=[(headers, rows)],
        commands=[shell([PYTHON, "-m", "benchmarks", "--only", "parity"]).replace(str(ROOT), ".")],
        targets=targets,
    )
