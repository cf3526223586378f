"""`dualgen check`: run a workshop step's checks against a participant's own project.

The project may be written by hand, in any layout; what it needs is what a participant is told:
`app.py` and `requirements.txt` (Flask) or `package.json` (Express), and the documented start
command (`python app.py`, `npm start`; at a production step `gunicorn app:app`,
`npm run start:prod`). Its dependencies are installed into dualgen's cache (generator.runner),
the server is started on a free port (the article's fixed port at a classic step), and the
step's checks run over HTTP: "start", one per exchange of the step's spec, and "tests" (the
project's own tests) once the step has tests. Every process started is stopped, whatever
happens.

A project is someone else's code: one deadline bounds its whole check, installs included, and
its answers' headers and bodies are capped (generator._bounds); going past a bound raises
Violation, an error row in a class table. What a project wrote reaches the terminal with its
control characters made visible.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import _bounds, runner
from .._bounds import Violation, visible
from ..errors import RunError, UsageError
from ..exchanges import Exchange, Padded, request
from ..workshop import START, TESTS, Step, Workshop

#: Seconds the project's own tests may take.
TEST_TIMEOUT = 300.0
#: Seconds one request may take (the deadline may cut it shorter).
REQUEST_TIMEOUT = 10.0
WIDTH = 100


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
    `deadline` seconds; Violation when it goes past a bound (generator._bounds)."""
    from ..verify import plan

    step = workshop.step(number)
    started = time.monotonic()
    bounds = _bounds.Bounds.starting_now(deadline)
    report = Report(label or str(project), Path(project), step)
    report.framework = runner.detect_framework(project)
    report.command = documented_command(report.framework, step.production)
    spec = step.spec
    # A rate limit needs a fresh server for each run of requests that would reach it.
    batches, left_out = plan(spec)
    start = Outcome(START)
    start.expected = ["the server starts and listens on the port in PORT"]
    if spec.classic:
        start.expected = [f"the server listens on port {spec.port_for(report.framework)}"]
    start.hint = workshop.hint(number, START)
    report.outcomes.append(start)
    results: dict[int, Outcome] = {}
    try:
        installed = runner.install(project, bounds=bounds)
        for batch in batches:
            port = spec.port_for(report.framework) if spec.classic else runner.free_port()
            start.sent = start.sent or [f"PORT={port} HOST=127.0.0.1 {report.command}"]
            with runner.serve(
                project,
                installed=installed,
                port=port,
                production=step.production,
                timeout=min(timeout, bounds.check("starting the server")),
                env={"WEB_CONCURRENCY": "1"} if "rate-limit" in spec.middleware else {},
            ) as server:
                start.received = start.received or [f"listening on port {server.port}"]
                with _bounds.session(bounds) as session:
                    for exchange in batch:
                        hint = workshop.hint(number, exchange.name)
                        results[id(exchange)] = _run(exchange, server.url, hint, session, bounds)
    except Violation:
        raise
    except RunError as error:
        bounds.check("starting the server")  # a start the deadline cut short: a violation
        lines = str(error).splitlines()
        start.state, start.problems = "fail", [lines[0].removesuffix("; its output:")]
        start.received = [line for line in lines[1:] if line.strip()][-12:]
    for exchange in (e for batch in batches for e in batch):
        outcome = results.get(id(exchange))
        if outcome is None:
            outcome = Outcome(exchange.name, "not run")
        report.outcomes.append(outcome)
    for check in left_out:
        report.outcomes.append(Outcome(check.exchange.name, "skip", problems=[check.skipped]))
    if TESTS in step.checks():
        report.outcomes.append(_tests(project, workshop.hint(number, TESTS), bounds))
    report.seconds = time.monotonic() - started
    return shown(report)


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


def documented_command(framework: str, production: bool) -> str:
    """The start command a participant is told to use."""
    if framework == "flask":
        return "gunicorn app:app" if production else "python app.py"
    return "npm run start:prod" if production else "npm start"


def _run(exchange: Exchange, url: str, hint: str, session, bounds: _bounds.Bounds) -> Outcome:
    import requests

    outcome = Outcome(exchange.name, sent=_sent(exchange), expected=_expected(exchange), hint=hint)
    response = None
    try:
        for n in range(exchange.repeat):
            left = bounds.check(f"sending {exchange.method} {exchange.path}")
            response = request(session, exchange, url, n, timeout=min(REQUEST_TIMEOUT, left))
    except requests.RequestException as error:
        bounds.check(f"sending {exchange.method} {exchange.path}")
        outcome.state = "fail"
        outcome.problems = [f"no answer: {_first_line(error)} (did the server crash?)"]
        return outcome
    outcome.received = _received(exchange, response)
    outcome.problems = exchange.problems(response)
    outcome.state = "fail" if outcome.problems else "ok"
    return outcome


def _tests(project: Path, hint: str, bounds: _bounds.Bounds) -> Outcome:
    """The project's own tests, with its development dependencies; their output capped."""
    import os

    from .._processes import start, stop

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
    read_end, write_end = os.pipe()
    try:
        process = start(
            command, cwd=project, env=installed.env, stdout=write_end, stderr=subprocess.STDOUT
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    log = _bounds.CappedLog(read_end)
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


def _sent(exchange: Exchange) -> list[str]:
    lines = [f"{exchange.method} {exchange.path}"]
    if exchange.repeat > 1:
        lines[0] += f" ({exchange.repeat} times)"
    lines += [f"{name}: {value}" for name, value in exchange.request_headers.items()]
    if isinstance(exchange.body, Padded):
        lines.append(f"a JSON body of {len(exchange.body)} bytes")
    elif exchange.body is not None:
        lines.append(f"body {_short(exchange.body)}")
    return lines


def _expected(exchange: Exchange) -> list[str]:
    first = f"status {exchange.status}"
    if exchange.media_type:
        first += f", {exchange.media_type}"
    lines = [first]
    if exchange.text is not None:
        lines.append(f"body {_short(exchange.text.encode())}")
    if exchange.json is not Exchange.json:  # the field's default: no JSON expected
        lines.append(f"JSON {json.dumps(exchange.json)}")
    lines += [f"{name}: {value}" for name, value in exchange.headers.items()]
    lines += [f"{name}: {', '.join(sorted(v))}" for name, v in exchange.header_sets.items()]
    lines += [f"{name}: matching {pattern}" for name, pattern in exchange.header_patterns.items()]
    lines += [f"no {name} header" for name in exchange.absent]
    return lines


def _received(exchange: Exchange, response) -> list[str]:
    media = response.headers.get("Content-Type", "no Content-Type")
    lines = [f"status {response.status_code}, {media}"]
    if response.content:
        lines.append(f"body {_short(response.content)}")
    names = [*exchange.headers, *exchange.header_sets, *exchange.header_patterns, *exchange.absent]
    for name in dict.fromkeys(names):
        value = response.headers.get(name)
        lines.append(f"{name}: {value}" if value is not None else f"no {name} header")
    return lines


def _short(content: bytes, limit: int = 100) -> str:
    text = content[:limit].decode("utf-8", "replace")
    return repr(text) + ("…" if len(content) > limit else "")


def _clip(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:160]


# -- reports ----------------------------------------------------------------------------------


def format_report(report: Report, workshop: Workshop, style=None) -> str:
    """One participant's report: each check ok or FAIL, and for a failure what was sent, what
    came back, what was expected, and the step's hint."""
    style = style or (lambda text, **_: text)
    step = report.step
    out = [
        f"Step {step.number} of {workshop.title!r}: {step.title}",
        f"{report.label}: {report.framework} project, started with `{report.command}`",
        "",
    ]
    marks = {
        "ok": style("ok  ", fg="green"),
        "fail": style("FAIL", fg="red"),
        "not run": style("--  ", fg="yellow"),
        "skip": style("skip", fg="yellow"),
    }
    for outcome in report.outcomes:
        line = f"  {marks[outcome.state]}  {outcome.name}"
        if outcome.state == "not run":
            line += "  (not run: the server did not start)"
        out.append(line)
        if outcome.state in ("ok", "not run"):
            continue
        for title, lines in (
            ("sent", outcome.sent),
            ("got", outcome.received),
            ("expected", outcome.expected),
            ("problem", outcome.problems),
        ):
            for index, line in enumerate(lines):
                out.append(_clip(f"        {title if index == 0 else '':<9} {line}"))
        if outcome.hint and outcome.state == "fail":
            wrapped = textwrap.wrap(outcome.hint, WIDTH - 18)
            out += [
                f"        {'hint' if i == 0 else '':<9} {line}" for i, line in enumerate(wrapped)
            ]
    total = len(report.outcomes)
    out.append("")
    if report.ok:
        out.append(style(f"All {total} checks passed.", fg="green"))
    else:
        out.append(
            f"{report.passed} of {total} checks passed. Fix the first failure, then run "
            f"`dualgen check --step {step.number}` again."
        )
    return "\n".join(out) + "\n"


def format_table(reports: list[Report], workshop: Workshop, style=None) -> str:
    """Several participants: one row each, one column per check (numbered; a legend above)."""
    style = style or (lambda text, **_: text)
    step = reports[0].step
    names = step.checks()
    out = [f"Step {step.number} of {workshop.title!r}: {step.title}", "", "Checks:"]
    out += [f"  {n:>2}  {name}" for n, name in enumerate(names, 1)]
    width = max(12, *(len(report.label) for report in reports))
    header = f"{'participant':<{width}}  " + " ".join(f"{n:>4}" for n in range(1, len(names) + 1))
    out += ["", header + "  passed"]
    details: list[str] = []
    for report in reports:
        if report.error:
            out.append(f"{report.label:<{width}}  " + style(f"error: {report.error}", fg="red"))
            continue
        by_name = {outcome.name: outcome for outcome in report.outcomes}
        cells = []
        for n, name in enumerate(names, 1):
            outcome = by_name.get(name)
            state = outcome.state if outcome else "not run"
            text = {"ok": "ok", "fail": "FAIL"}.get(state, "-")
            colour = {"ok": "green", "FAIL": "red"}.get(text, "yellow")
            cells.append(" " * (4 - len(text)) + style(text, fg=colour))
            if state == "fail":
                problem = outcome.problems[0] if outcome.problems else ""
                details.append(_clip(f"  {report.label}: {n} {name}: {problem}"))
        passed = f"{report.passed}/{len(report.outcomes)}"
        out.append(f"{report.label:<{width}}  " + " ".join(cells) + f"  {passed}")
    if details:
        alone = f"`dualgen check --step {step.number} DIR`"
        out += ["", f"Failures (run {alone} alone for the full report):"]
        out += details
    return "\n".join(out) + "\n"


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
        finally:
            for future in futures:
                future.cancel()
