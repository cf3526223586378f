"""The machine and the versions a result was measured with."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from benchmarks._common import ROOT
from generator import __version__, catalog


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _output(command: list[str]) -> str:
    """The first line a command prints (`wrk -v` prints its version and exits 1)."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else "not found"


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[tuple[str, str]]:
    return [
        ("CPU", f"{_cpu_model()}, nproc {os.cpu_count()}"),
        ("memory", _memory()),
        ("OS", f"{platform.system()} {platform.release()}"),
    ]


def versions() -> list[tuple[str, str]]:
    commit = _output(["git", "rev-parse", "--short", "HEAD"])
    return [
        (
            "dualgen",
            f"{__version__} (commit {commit}, plus any uncommitted work in the tree)",
        ),
        ("python", platform.python_version()),
        ("node", _output(["node", "--version"])),
        ("npm", _output(["npm", "--version"])),
        ("flask (generated projects)", catalog.PINS["flask"]["flask"]),
        ("gunicorn (generated projects)", catalog.PINS["flask"]["gunicorn"]),
        ("express (generated projects)", catalog.PINS["express"]["express"]),
        ("cookiecutter", _package("cookiecutter")),
        ("jinja2", _package("jinja2")),
        ("copier", _package("copier")),
        ("express-generator", "4.16.1"),
        ("wrk", _output(["wrk", "-v"]).split(" [")[0]),
    ]
