"""The core is typed: mypy, configured by [tool.mypy] in pyproject.toml (strict on generator/,
the CLI's Click glue relaxed), finds no error; and the answers the CLI hands inward are a typed
structure (spec.Answers) that mypy holds callers to."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import spec
from tests.helpers import ROOT, missing

#: Every key an answer file may hold (README's "Answer files", and `dualgen`: the version that
#: wrote it), fixed here.
ANSWER_FILE_KEYS = {
    "dualgen",
    "preset",
    "name",
    "port",
    "host",
    "debug",
    "classic",
    "middleware",
    "settings",
    "routes",
    "env-file",
    "production-server",
    "docker",
    "tests",
    "strict-parity",
}


def mypy(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """mypy from the test extras, run from the checkout so that it reads pyproject.toml."""
    if importlib.util.find_spec("mypy") is None:
        missing("mypy is not installed: pip install -e '.[test]'")
    return subprocess.run(
        [sys.executable, "-m", "mypy", f"--cache-dir={cache}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_mypy_finds_no_error_in_the_generator(tmp_path: Path) -> None:
    result = mypy(cache=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The configuration checks every module: a run that checks nothing proves nothing.
    checked = re.search(r"Success: no issues found in (\d+) source files", result.stdout)
    assert checked, result.stdout + result.stderr
    # Every module but the bench's anchors ([tool.mypy] exclude: the documentation's code).
    anchors = ROOT / "generator" / "bench" / "anchors"
    modules = [path for path in (ROOT / "generator").rglob("*.py") if anchors not in path.parents]
    assert int(checked[1]) == len(modules)


def test_mypy_refuses_an_answer_key_that_is_not_one(tmp_path: Path) -> None:
    """A misspelt key in answers given to spec.build is a type error, caught before it runs."""
    caller = tmp_path / "caller.py"
    caller.write_text(
        "from generator import spec\n\n"
        'spec.build({"name": "shop", "midleware": ["cors"]})\n'
        'spec.build({"name": "shop", "middleware": ["cors"], "production-server": True})\n',
        encoding="utf-8",
    )
    result = mypy(str(caller), cache=tmp_path / "cache")
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(errors) == 1, result.stdout
    assert errors[0].startswith(f"{caller}:3: error:"), errors[0]
    assert '"midleware"' in errors[0], errors[0]


def test_the_answers_type_holds_every_answer_file_key_and_requires_none() -> None:
    assert set(spec.Answers.__annotations__) == ANSWER_FILE_KEYS
    assert set(spec.FIELDS) == ANSWER_FILE_KEYS
    assert spec.Answers.__required_keys__ == frozenset()


@pytest.mark.parametrize("preset", ["classic", "api", "production"], ids=str)
def test_every_preset_holds_answer_file_keys_only(preset: str) -> None:
    assert set(spec.preset(preset)) <= ANSWER_FILE_KEYS
