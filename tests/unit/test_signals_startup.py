"""A Ctrl-C while Python imports dualgen, before the CLI's handler is installed (issue 27, low):
one line and exit 130, as a Ctrl-C during a command, never a KeyboardInterrupt traceback.

The interrupt comes at a fixed point: a stand-in `click` first on the path sends SIGINT to its
own process when dualgen imports it, the first thing the CLI's import does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

STAND_IN = "import os, signal\nos.kill(os.getpid(), signal.SIGINT)\n"


def console_script() -> Path:
    """The `dualgen` script pip wrote for this environment (pyproject's [project.scripts])."""
    return Path(sysconfig.get_path("scripts")) / "dualgen"


@pytest.fixture
def interrupting_path(tmp_path) -> dict[str, str]:
    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "__init__.py").write_text(STAND_IN, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(tmp_path)}


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-m", "generator"], id="python-m"),
        pytest.param([str(console_script())], id="console-script"),
    ],
)
def test_a_ctrl_c_while_dualgen_is_imported_is_one_line_and_130(command, interrupting_path):
    assert Path(command[0]).is_file(), f"{command[0]} is missing: pip install -e ."
    result = subprocess.run(
        [*command, "--version"],
        env=interrupting_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert (result.returncode, result.stderr, result.stdout) == (
        130,
        "dualgen: stopped by SIGINT\n",
        "",
    )


def test_without_the_interrupt_the_same_command_runs(tmp_path):
    """The stand-in is what stops it: the same commands print the version otherwise."""
    for command in ([sys.executable, "-m", "generator"], [str(console_script())]):
        result = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.startswith("dualgen, version ")
