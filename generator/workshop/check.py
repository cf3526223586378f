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

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import bounds as _bounds
from .. import processes, runner
from ..bounds import Violation, visible
from ..contract import request
from ..errors import RunError, UsageError
from ..project import fresh_database, server_env
from . import live, own_tests
from .contract import Check, checks_of
from .live import Live
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


#: Each server start (production, classic, limited, step if stateful, batch: LIVE for the
#: live checks) and the (report, checks) it serves.
Starts = dict[tuple[bool, bool, bool, int, int], list[tuple["Report", list[Check | Live]]]]
#: The batch index of a step's live checks (event streams, restarts): a start of their own.
LIVE = -1


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
        # A rate limit needs a fresh server for each run of requests that would reach it;
        # a resource, a server of each step's own (its exchanges begin with an empty list).
        batches, left[id(report)] = plan(spec)
        limited = "rate-limit" in spec.middleware
        own = number if limited or spec.resources else 0
        for index, batch in enumerate(batches):
            key = (step.production, spec.classic, limited, own, index)
            starts.setdefault(key, []).append((report, [*checks_of(spec, batch)]))
        if live.live_checks(spec):
            key = (step.production, spec.classic, limited, number, LIVE)
            starts.setdefault(key, []).append((report, [*live.live_checks(spec)]))
    return reports, starts, left


def _serve(
    workshop: Workshop,
    project: Path,
    framework: str,
    installed: Any,
    key: tuple[bool, bool, bool, int, int],
    served: list[tuple[Report, list[Check | Live]]],
    bounds: _bounds.Bounds,
    timeout: float,
) -> dict[int, Outcome]:
    """Start the server for the checks of `served` and run them: each check's outcome. Each
    start gets a database of its own; a restart check's second start gets the same one."""
    production, classic = key[0], key[1]
    results: dict[int, Outcome] = {}
    if all(report.outcomes[0].state == "fail" for report, _ in served):
        return results  # a start of these steps failed already
    spec = served[0][0].step.spec
    command = start_for(project, framework, production, str(installed.python or "python"))
    restarts = any(isinstance(c, Live) and c.restarts for _, checks in served for c in checks)
    created: dict[int, dict[str, object]] = {}
    port = 0
    try:
        with fresh_database(spec) as database:
            for second in (False, True)[: 1 + restarts]:
                port = spec.port_for(framework) if classic else runner.free_port()
                env = environment(framework, port) | server_env(spec, production) | database
                if production and "events" in spec.middleware:
                    env["WEB_CONCURRENCY"] = "1"  # events in memory reach one worker's streams
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
                    run = _Run(workshop, server.url, session, bounds, created)
                    run.all(served, f"PORT={port} HOST=127.0.0.1 {command.shown}", results, second)
    except Violation:
        raise
    except RunError as error:
        bounds.check("starting the server")  # a start the deadline cut short: a violation
        for report, _ in served:
            report.outcomes[0].sent = [f"PORT={port} HOST=127.0.0.1 {command.shown}"]
            _start_failed(report, error)
    return results


@dataclass
class _Run:
    """The checks run on one server start."""

    workshop: Workshop
    url: str
    session: requests.Session
    bounds: _bounds.Bounds
    created: dict[int, dict[str, object]]

    def all(
        self,
        served: list[tuple[Report, list[Check | Live]]],
        sent: str,
        results: dict[int, Outcome],
        second: bool,
    ) -> None:
        """Every check of `served` (after a restart: the restart checks' second halves)."""
        if served[0][0].step.production:  # its workers boot after it listens
            live.ready(self.session, self.url, min(live.READY, self.bounds.check("starting")))
        for report, checks in served:
            start = report.outcomes[0]
            start.sent = start.sent or [sent]
            start.received = start.received or [f"listening on port {self.url.split(':')[-1][:-1]}"]
            for check in checks:
                hint = self.workshop.hint(report.step.number, check.name)
                if isinstance(check, Check) and not second:
                    results[id(check)] = _run(check, self.url, hint, self.session, self.bounds)
                elif isinstance(check, Live):
                    self.live(check, hint, results, second)

    def live(self, check: Live, hint: str, results: dict[int, Outcome], second: bool) -> None:
        self.bounds.check(f"checking {check.name}")
        if not second:
            outcome = Outcome(check.name, sent=live.sent_lines(check), hint=hint)
            outcome.expected = check.expected_lines()
            outcome.problems = live.run(check, self.session, self.url, self.created)
            results[id(check)] = outcome
        elif check.restarts and id(check) in self.created:
            outcome = results[id(check)]
            outcome.problems = live.after_restart(check, self.session, self.url, self.created)
        else:
            return
        outcome.state = "fail" if outcome.problems else "ok"


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


def _outcome(results: dict[int, Outcome], check: Check | Live) -> Outcome:
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
    """The project's own tests (generator.workshop.own_tests)."""
    return replace(own_tests.run(project, bounds), hint=hint)


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
