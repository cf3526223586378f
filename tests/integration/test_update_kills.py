"""`dualgen update` killed with SIGKILL anywhere in its apply phase: the next `dualgen update`
(the same command) leaves the project byte-identical to what an uninterrupted update gives, with
no staging folder in it and nothing beside it; any command that opens the project (here `dualgen
diff`) finishes the interrupted update first.

The update adds files (in a new module), updates them, merges a hand edit, removes files and a
folder (the tests), and records the new answers. The kills come from outside: update_kills.py
forks processes that run the CLI's entry point and kills them, counted in file-system calls
(a preloaded library, nothing in dualgen) and at random times. Each trial's landing point is
printed: `pytest -s` shows where the kills fell.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, require_tools, run_dualgen

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="fork and LD_PRELOAD, as Linux has them"
)

ARGS = ["--no-tests", "-m", "cors,security-headers"]


def tree(project: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) of a project, by relative path."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(project.rglob("*"))
    }


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    """A project with a hand edit, and its copy updated by an uninterrupted `dualgen update`."""
    base = tmp_path_factory.mktemp("kills")
    made = run_dualgen(
        "new", "flask", "shop", "--no-input", "-r", "GET /a", "-r", "GET /b", "-m", "logging",
        "--tests", cwd=base,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    pristine = base / "shop"
    module = pristine / "shop" / "__init__.py"
    module.write_bytes(b"# The shop's package, kept by hand.\n" + module.read_bytes())
    reference = base / "reference" / "shop"
    shutil.copytree(pristine, reference)
    updated = run_dualgen("update", str(reference), *ARGS, cwd=base)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    for line in ("merged    shop/__init__.py", "added     shop/cors.py", "removed   tests/"):
        assert line in updated.stdout
    return pristine, reference


def kill(projects, work: Path, **setup) -> list[dict]:
    """Run update_kills.py with this setup; its trials."""
    pristine, reference = projects
    setup = {
        "pristine": str(pristine),
        "work": str(work),
        "args": ARGS,
        "seed": 27,
        "answers": {
            "before": _sha(pristine / ".dualgen.yaml"),
            "after": _sha(reference / ".dualgen.yaml"),
        },
        **setup,
    }
    (work / "setup.json").write_text(json.dumps(setup), encoding="utf-8")
    env = {**os.environ}
    if "shim" in setup:
        env["LD_PRELOAD"] = setup["shim"]
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.update_kills", str(work / "setup.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    trials = [line for line in lines if "project" in line]
    landings = collections.Counter(
        re.sub(r"call \d+: ", "", kill) for trial in trials for kill in trial["kills"]
    )
    print(f"\n{len(trials)} trials, {sum(landings.values())} kills: {dict(landings)}")
    return trials


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_repaired(trial: dict, reference: Path) -> None:
    project = Path(trial["project"])
    assert tree(project) == tree(reference), trial["kills"]
    assert [path.name for path in project.parent.iterdir()] == ["shop"], trial["kills"]


@pytest.fixture(scope="module")
def shim(tmp_path_factory) -> str:
    from tests.integration.update_kills import SHIM

    require_tools("cc")
    folder = tmp_path_factory.mktemp("shim")
    (folder / "kill_at_step.c").write_text(SHIM, encoding="utf-8")
    library = folder / "kill_at_step.so"
    built = subprocess.run(
        ["cc", "-shared", "-fPIC", "-O2", "-o", str(library), str(folder / "kill_at_step.c")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    return str(library)


def test_a_kill_at_any_file_system_call_is_repaired_by_the_next_update(projects, shim, tmp_path):
    trials = kill(projects, tmp_path, shim=shim, stride=4, leave_first=r"call \d+: moving [1-9]/10")
    killed = [trial for trial in trials if trial["kills"]]
    # Every 4th call until a run got through: the kills fell before, during and after the moves.
    landings = {re.sub(r"call \d+: ", "", trial["kills"][0]) for trial in killed}
    assert {"staging", "moving 0/10", "after"} <= landings
    assert len({landing for landing in landings if re.fullmatch(r"moving [1-9]/10", landing)}) >= 3
    assert trials[-1]["kills"] == [] and len(killed) >= 15
    left = [trial for trial in trials if trial["exit"] is None]
    assert len(left) == 1  # killed half-way through the moves, left for the real command
    for trial in trials:
        if trial is not left[0]:
            assert trial["exit"] == 0, trial
            check_repaired(trial, projects[1])
    project = Path(left[0]["project"])
    repaired = run_dualgen("update", str(project), *ARGS, cwd=tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stderr.startswith(
        f"dualgen: finished an update of {str(project)!r} that was interrupted\n"
    )
    assert "shop is up to date: nothing to change." in repaired.stdout
    check_repaired(left[0], projects[1])


def test_a_kill_at_a_random_time_is_repaired_by_the_next_update(projects, tmp_path):
    trials = kill(projects, tmp_path, trials=8, chain=3, leave=[0, 1])
    assert len(trials) == 8
    for trial in trials[2:]:
        assert trial["exit"] == 0, trial
        check_repaired(trial, projects[1])
    # Left by the helper: `dualgen diff` opens the project (and finishes or undoes what the
    # kill left), then the same update again gives the same project.
    for trial in trials[:2]:
        project = Path(trial["project"])
        opened = run_dualgen("diff", str(project), cwd=tmp_path)
        assert opened.returncode in (0, 1), opened.stderr
        journaled = (
            re.match(r"(next run: )?(moving|undoing)", (trial["kills"] or [""])[-1]) is not None
        )
        assert ("that was interrupted" in opened.stderr) == journaled, opened.stderr
        assert [path.name for path in project.iterdir() if path.name.startswith(".dualgen-")] == []
        again = run_dualgen("update", str(project), *ARGS, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        check_repaired(trial, projects[1])
