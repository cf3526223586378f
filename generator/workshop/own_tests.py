"""The project's own tests, as `dualgen check` runs them once a step has tests: installed with
its development dependencies, run with `python -m pytest` or `npm test` within TEST_TIMEOUT
seconds and the check's deadline, their output capped."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from .. import bounds as _bounds
from .. import runner
from ..bounds import Violation
from ..errors import RunError
from .model import TESTS

if TYPE_CHECKING:
    from .check import Outcome

#: Seconds the project's own tests may take.
TEST_TIMEOUT = 300.0


def run(project: Path, bounds: _bounds.Bounds) -> Outcome:
    """The project's own tests, with its development dependencies; their output capped."""
    from ..processes import stop
    from .check import Outcome

    outcome = Outcome(TESTS, expected=["the project's own tests pass (exit 0)"])
    try:
        installed = runner.install(project, dev=True, bounds=bounds)
    except Violation:
        raise
    except RunError as error:
        outcome.state, outcome.problems = "fail", str(error).splitlines()[:1]
        return outcome
    command = installed.test_command()
    outcome.sent = ["python -m pytest" if installed.framework == "flask" else "npm test"]
    limit = min(TEST_TIMEOUT, bounds.check("running the project's tests"))
    with installed.visible_in(project):
        process, log = _bounds.start_logged(command, cwd=project, env=installed.env)
        try:
            process.wait(timeout=limit)
            ran_out = False
        except subprocess.TimeoutExpired:
            ran_out = True
        finally:
            stop(process)
            log.finish()
    if ran_out:
        bounds.check("running the project's tests")
        output = f"the tests ran longer than {TEST_TIMEOUT:g} s"
    else:
        output = log.read_text()
    lines = [line for line in output.splitlines() if line.strip()]
    outcome.received = lines[-12:] if process.returncode else lines[-1:]
    if process.returncode != 0:
        outcome.state = "fail"
        outcome.problems = [f"the tests exited with code {process.returncode}"]
    return outcome
