"""`dualgen check`: run a workshop step's checks against a participant's own project.

The project may be written by hand, in any layout; what it needs is what a participant is told:
`app.py` and `requirements.txt` (Flask) or `package.json` (Express). It is started the way the
framework's docs start a project written that way (workshops/_start: `npm start`, `python
app.py` or `flask --app app run`; at a production step `npm run start:prod`, `gunicorn app:app`).
Its dependencies are installed into dualgen's cache (generator.runner), the server is started on
a free port (the article's fixed port at a classic step), and the step's checks run over HTTP:
"start", one per exchange of the step's spec, judged as the step's contract (workshops/_contract),
and "tests" (the project's own tests) once the step has tests. Every process started is stopped,
whatever happens.

A project is someone else's code: one deadline bounds its whole check, installs included, and
its answers' headers and bodies are capped (generator.bounds); going past a bound raises
Violation, an error row in a class table. What a project wrote reaches the terminal with its
control characters made visible.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import bounds as _bounds
from .. import processes, runner
from ..bounds import Violation, visible
from ..contract import request
from ..errors import RunError, UsageError
from ..project import server_env
from .contract import Check, checks_of
from .model import START, TESTS, Step, Workshop
from .report import (
    expected_lines,
    first_line,
    received_lines,
    sent_lines,
    shortened,
)
from .start import environment, start_for

if TYPE_CHECKING:
    import requests


#: Seconds the project's own tests may take.
TEST_TIMEOUT = 300.0
#: Seconds one request may take (the deadline may cut it shorter).
REQUEST_TIMEOUT = 10.0


@dataclass
class Outcome:
    """One check: "ok", "fail", "not run" (the server did not start), or "skip" (too many
    requests to send; see generator.verify)."""

    name: str
    state: str = "ok"
    sent: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hint: str = ""

    @property
    def ok(self) -> bool:
        """It held, or it could not be checked for a stated reason (state "skip")."""
        return self.state in ("ok", "skip")


@dataclass
class Report:
    """Every check of one step in one participant's project."""

    label: str
    project: Path
    step: Step
    framework: str = ""
    command: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    #: Why the project could not be checked at all (table mode; alone, that exits 2).
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error and all(outcome.ok for outcome in self.outcomes)

    @property
    def passed(self) -> int:
        return sum(outcome.ok for outcome in self.outcomes)


def check_project(
    workshop: Workshop,
    number: int,
    project: Path,
    *,
    timeout: float = 30.0,
    label: str = "",
    deadline: float = _bounds.DEADLINE,
) -> Report:
    """Install, start and check a participant's project for step `number`, all within
    `deadline` seconds; Violation when it goes past a bound (generator.bounds)."""
    return check_steps(
        workshop, [number], project, timeout=timeout, label=label, deadline=deadline
    )[0]


#: Each server start (production, classic, limited, step if limited, batch) and the
#: (report, checks) it serves.
Starts = dict[tuple[bool, bool, bool, int, int], list[tuple["Report", list[Check]]]]


def check_steps(
    workshop: Workshop,
    numbers: list[int],
    project: Path,
    *,
    timeout: float = 30.0,
    label: str = "",
    deadline: float = _bounds.DEADLINE,
) -> list[Report]:
    """Check one project against several steps, one report each. Steps whose server starts
    alike (same command and port rule, no rate limit) share one start; the project's own tests
    run once. All within `deadline` seconds: Violation past it or another bound."""
    started = time.monotonic()
    bounds = _bounds.Bounds.starting_now(deadline)
    framework = runner.detect_framework(project)
    reports, starts, left = _plan(workshop, numbers, project, framework, label)
    results: dict[int, Outcome] = {}
    try:
        installed = runner.install(project, bounds=bounds)
    except Violation:
        raise
    except RunError as error:
        installed = None
        for report in reports:
            _start_failed(report, error)
    if installed:
        for key, served in starts.items():
            results |= _serve(workshop, project, framework, installed, key, served, bounds, timeout)
    tests: Outcome | None = None
    for report in reports:
        for served in starts.values():
            for owner, checks in served:
                if owner is report:
                    report.outcomes += [_outcome(results, check) for check in checks]
        for check in left[id(report)]:
            report.outcomes.append(Outcome(check.exchange.name, "skip", problems=[check.skipped]))
        if TESTS in report.step.checks():
            tests = tests or _tests(project, "", bounds)
            hint = workshop.hint(report.step.number, TESTS)
            report.outcomes.append(replace(tests, hint=hint))
        report.seconds = time.monotonic() - started
    return [shown(report) for report in reports]


def _plan(
    workshop: Workshop, numbers: list[int], project: Path, framework: str, label: str
) -> tuple[list[Report], Starts, dict[int, list[Any]]]:
    """A report per step (its start outcome first), the server starts its checks need, and
    per report the checks verify's plan leaves out."""
    from ..verify import plan

    reports: list[Report] = []
    starts: Starts = {}
    left: dict[int, list[Any]] = {}  # verify.Check, those plan leaves out
    for number in numbers:
        step = workshop.step(number)
        spec = step.spec
        report = Report(label or str(project), Path(project), step, framework)
        report.command = start_for(project, framework, step.production).shown
        start = Outcome(START, hint=workshop.hint(number, START))
        start.expected = ["the server starts and listens on the port in PORT"]
        if spec.classic:
            start.expected = [f"the server listens on port {spec.port_for(framework)}"]
        report.outcomes.append(start)
        reports.append(report)
        # A rate limit needs a fresh server for each run of requests that would reach it.
        batches, left[id(report)] = plan(spec)
        limited = "rate-limit" in spec.middleware
        for index, batch in enumerate(batches):
            key = (step.production, spec.classic, limited, number if limited else 0, index)
            starts.setdefault(key, []).append((report, checks_of(spec, batch)))
    return reports, starts, left


def _serve(
    workshop: Workshop,
    project: Path,
    framework: str,
    installed: Any,
    key: tuple[bool, bool, bool, int, int],
    served: list[tuple[Report, list[Check]]],
    bounds: _bounds.Bounds,
    timeout: float,
) -> dict[int, Outcome]:
    """Start the server once for the checks of `served` and run them: each check's outcome."""
    production, classic = key[0], key[1]
    results: dict[int, Outcome] = {}
    if all(report.outcomes[0].state == "fail" for report, _ in served):
        return results  # a start of these steps failed already
    spec = served[0][0].step.spec
    port = spec.port_for(framework) if classic else runner.free_port()
    command = start_for(project, framework, production, str(installed.python or "python"))
    env = environment(framework, port) | server_env(spec, production)
    try:
        with (
            runner.serve(
                project,
                installed=installed,
                port=port,
                production=production,
                timeout=min(timeout, bounds.check("starting the server")),
                env=env,
                command=list(command.argv),
            ) as server,
            _bounds.session(bounds) as session,
        ):
            for report, checks in served:
                start = report.outcomes[0]
                start.sent = start.sent or [f"PORT={port} HOST=127.0.0.1 {command.shown}"]
                start.received = start.received or [f"listening on port {server.port}"]
                for check in checks:
                    hint = workshop.hint(report.step.number, check.name)
                    results[id(check)] = _run(check, server.url, hint, session, bounds)
    except Violation:
        raise
    except RunError as error:
        bounds.check("starting the server")  # a start the deadline cut short: a violation
        for report, _ in served:
            report.outcomes[0].sent = [f"PORT={port} HOST=127.0.0.1 {command.shown}"]
            _start_failed(report, error)
    return results


def shown(report: Report) -> Report:
    """The report with every text a project or its folder wrote (label, error, each line of
    each outcome) on one line each, control characters made visible: a terminal shows them,
    never obeys them. Hints and expectations are the workshop's and stay as they are."""
    report.label = visible(report.label, breaks=False)
    report.error = visible(report.error.split("\n")[0], breaks=False)
    for outcome in report.outcomes:
        for lines in (outcome.sent, outcome.received, outcome.problems):
            lines[:] = [visible(line, breaks=False) for line in lines]
    return report


def _outcome(results: dict[int, Outcome], check: Check) -> Outcome:
    return results.get(id(check)) or Outcome(check.name, "not run")


def _start_failed(report: Report, error: RunError) -> None:
    start = report.outcomes[0]
    if start.state == "fail":
        return
    lines = str(error).splitlines()
    start.state, start.problems = "fail", [lines[0].removesuffix("; its output:")]
    start.received = [line for line in lines[1:] if line.strip()][-12:]


def _run(
    exchange: Check, url: str, hint: str, session: requests.Session, bounds: _bounds.Bounds
) -> Outcome:
    import requests

    outcome = Outcome(
        exchange.name, sent=sent_lines(exchange), expected=expected_lines(exchange), hint=hint
    )
    response: requests.Response = None  # type: ignore[assignment]  # set: repeat >= 1
    try:
        for n in range(exchange.repeat):
            left = bounds.check(f"sending {exchange.method} {exchange.path}")
            response = request(session, exchange, url, n, timeout=min(REQUEST_TIMEOUT, left))
    except requests.RequestException as error:
        bounds.check(f"sending {exchange.method} {exchange.path}")
        outcome.state = "fail"
        outcome.problems = [f"no answer: {first_line(error)} (did the server crash?)"]
        return outcome
    outcome.received = received_lines(exchange, response)
    try:
        outcome.problems = exchange.problems(response)
    except RecursionError:  # JSON nested deeper than Python reads: the project's problem
        outcome.problems = [f"JSON nested too deep to read: body {shortened(response.content)}"]
    outcome.state = "fail" if outcome.problems else "ok"
    return outcome


def _tests(project: Path, hint: str, bounds: _bounds.Bounds) -> Outcome:
    """The project's own tests, with its development dependencies; their output capped."""

    from ..processes import stop

    outcome = Outcome(TESTS, hint=hint, expected=["the project's own tests pass (exit 0)"])
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


# -- reports ----------------------------------------------------------------------------------


def check_many(
    workshop: Workshop,
    number: int,
    projects: list[Path],
    *,
    timeout: float = 30.0,
    workers: int = 1,
    deadline: float = _bounds.DEADLINE,
) -> list[Report]:
    """Check several projects, `workers` at a time (one at a time at a classic step: the
    article's programs listen on a fixed port), each within `deadline` seconds. A project that
    cannot be checked, or goes past a bound, gets a row with its error; the others go on."""
    from concurrent.futures import ThreadPoolExecutor

    step = workshop.step(number)
    if step.spec.classic:
        workers = 1

    def one(project: Path) -> Report:
        try:
            return check_project(
                workshop, number, project, timeout=timeout, label=str(project), deadline=deadline
            )
        except (UsageError, Violation) as error:
            return shown(Report(str(project), project, step, error=str(error)))

    if workers <= 1:
        return [one(project) for project in projects]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(one, project) for project in projects]
        try:
            return [future.result() for future in futures]
        except BaseException:  # a signal: the threads' servers stop now, not at their deadline
            processes.stop_all(command_only=True)
            raise
        finally:
            for future in futures:
                future.cancel()
