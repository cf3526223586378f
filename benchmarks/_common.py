"""Small shared helpers: paths, medians and ratios, timed subprocesses, tables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".tools"
TEMPLATES = ROOT / "templates"
PYTHON = sys.executable
FRAMEWORKS = ("flask", "express")


@dataclass
class Target:
    """One goal of the issue and where the measurement stands against it."""

    name: str
    measured: str
    goal: str
    met: bool | None


@dataclass
class Section:
    """One part of the report: title, text, tables, and the targets it settles."""

    title: str
    intro: str
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


def median(values: Sequence[float]) -> float:
    """The median of the measured values; NaN (a failed run) is left out."""
    kept = [value for value in values if value == value]
    return statistics.median(kept) if kept else float("nan")


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of per-round ratios: each round's pair ran back to back."""
    return median([a / b for a, b in zip(numerators, denominators, strict=True) if b])


def spread(values: Sequence[float]) -> str:
    """min–max of the runs, to show the noise next to a median."""
    return f"{min(values):.3g}–{max(values):.3g}" if values else "-"


def rotate(items: Sequence, by: int) -> list:
    """Items starting at position `by`: each round runs them in another order."""
    if not items:
        return []
    by %= len(items)
    return [*items[by:], *items[:by]]


def timed_run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> float:
    """Run a command to completion, output discarded; return its wall time in s."""
    started = time.perf_counter()
    result = subprocess.run(
        list(command),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").strip()[-800:]
        raise RuntimeError(f"{shell(command)} failed (exit {result.returncode}):\n{tail}")
    return elapsed


def shell(command: Sequence[str]) -> str:
    """A command as one would type it, with the repository root shortened to `.`."""
    import shlex

    text = " ".join(shlex.quote(str(part)) for part in command)
    return text.replace(str(ROOT) + os.sep, "").replace(PYTHON, "python")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}×"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
