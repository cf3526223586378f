"""The Python floor the README and pyproject.toml promise, 3.10, holds: vermin finds no newer API
in dualgen's own code nor in any Flask project it renders."""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
from pathlib import Path

import pytest

from generator import catalog, spec
from generator.render import render
from tests.combos import ALL_COMBOS, RENDER_ONLY
from tests.helpers import ROOT

FLOOR = "3.10"
#: Every choice set the suite renders, and every preset by name.
CHOICE_SETS = {
    **ALL_COMBOS,
    **RENDER_ONLY,
    **{f"preset-{name}": {"preset": name} for name in catalog.PRESETS},
}


def vermin(*paths: Path, exclude: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """vermin from the test extras (installed beside this Python), checking the floor."""
    binary = Path(sysconfig.get_path("scripts")) / ("vermin.exe" if os.name == "nt" else "vermin")
    assert binary.exists(), f"{binary} is missing: pip install -e '.[test]'"
    excluded = [arg for name in exclude for arg in ("--exclude", name)]  # --exclude=NAME is ignored
    command = [str(binary), f"--target={FLOOR}-", "--violations", "--no-tips", *excluded]
    return subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)


def analysed(result: subprocess.CompletedProcess) -> int:
    """How many files vermin says it read: a check that passes on no files proves nothing."""
    found = re.search(r"Analyzing (\d+) files?", result.stdout)
    assert found, result.stdout + result.stderr
    return int(found[1])


def python_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.py"))


@pytest.fixture(scope="module")
def flask_projects(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("floor")
    for name, answers in CHOICE_SETS.items():
        render(spec.build(answers), ("flask",), root / name)
    return root


def test_vermin_refuses_an_api_newer_than_the_floor(tmp_path):
    (tmp_path / "late.py").write_text(
        "import datetime\n\nnow = datetime.datetime.now(datetime.UTC)\n", encoding="utf-8"
    )
    result = vermin(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'datetime.UTC' member requires !2, 3.11" in result.stdout


def test_dualgen_runs_on_the_python_floor():
    generator = ROOT / "generator"
    # parity.py imports BaseExceptionGroup from builtins on 3.11+ and from hypothesis'
    # exceptiongroup backport before: vermin does not follow the version check.
    result = vermin(generator, exclude=("BaseExceptionGroup",))
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert analysed(result) == python_files(generator)


def test_every_rendered_flask_project_runs_on_the_python_floor(flask_projects):
    result = vermin(flask_projects)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert analysed(result) == python_files(flask_projects)
    assert len(list(flask_projects.iterdir())) == len(CHOICE_SETS)
