"""The verify policy: which exchanges run on which server start, with which limits and timeouts.

`verify(project)` loads a project, installs its dependencies (cached), and checks every exchange
of its contract over HTTP, then returns a `Verification`. The CLI prints it; the tests call the
same function. Nothing goes unchecked silently: an exchange that is not checked carries the
reason (`Check.skipped`).

- A rate limit of MAX allows MAX requests per client and window: the contract is cut into runs
  of at most MAX requests, each on a fresh server, and the exchange that exceeds the limit runs
  last on the last one.
- One exchange sends at most MAX_REQUESTS requests; exceeding a larger rate limit is reported
  as not checked.
- Starting and checking share one time budget (a server start under way may finish, within its
  own timeout); what the budget leaves out is reported as not checked, and verify fails.
- Answers are read through generator.bounds: an answer past the budget is cut short like a
  request, headers over 64 KiB or a body over 1 MiB are the exchange's problem.
- In production with a rate limit, one worker (WEB_CONCURRENCY=1): the in-memory limiter counts
  per process.
- With events, the streams (generator/contract/streams.py) are checked on the last start, on
  one of their own under a rate limit, with a heartbeat every second (EVENTS_HEARTBEAT).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import bounds as _bounds
from . import catalog, runner
from .contract import Exchange, exchanges, request
from .errors import UsageError
from .project import fresh_database, load_project, server_env
from .spec import ProjectSpec

if TYPE_CHECKING:
    import requests

#: The most requests verify sends for one exchange.
MAX_REQUESTS = 1000
#: Seconds for starting the servers and checking, install excluded.
DEFAULT_BUDGET = 120.0
#: Seconds one request may take.
REQUEST_TIMEOUT = 10.0

Observer = Callable[[str, object], None]


@dataclass
class Check:
    """One exchange of the contract, and what came of it."""

    exchange: Exchange
    problems: list[str] = field(default_factory=list)
    #: Why it was not checked; None when it was.
    skipped: str | None = None
    #: The last answer (a requests.Response), for callers that compare two servers.
    response: requests.Response | None = None

    @property
    def ok(self) -> bool:
        return self.skipped is None and not self.problems


@dataclass
class Verification:
    """What `verify` did and found."""

    project: Path
    framework: str
    spec: ProjectSpec
    production: bool = False
    installed: runner.Installed | None = None
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Seconds each server start took until it listened.
    starts: list[float] = field(default_factory=list)
    #: Seconds for starting, checking and stopping, install excluded.
    seconds: float = 0.0
    #: The servers' output, one start after the other.
    output: str = ""
    #: Seconds allowed for starting and checking.
    budget: float = DEFAULT_BUDGET
    #: The time budget ran out before every exchange was checked.
    out_of_time: bool = False

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.problems]

    @property
    def skipped(self) -> list[Check]:
        return [check for check in self.checks if check.skipped is not None]

    @property
    def passed(self) -> list[Check]:
        return [check for check in self.checks if check.ok]

    @property
    def ok(self) -> bool:
        """Every exchange that was checked held, and none was left out for lack of time."""
        return not self.failures and not self.out_of_time

    def summary(self) -> str:
        """One line for a verification that passed."""
        unchecked = f", {len(self.skipped)} not checked (see above)" if self.skipped else ""
        return (
            f"{plural(len(self.passed), 'exchange')} passed{unchecked}; started, checked and "
            f"stopped in {self.seconds:.2f} s"
        )

    def complaint(self) -> str:
        """What went wrong, for a verification that did not pass."""
        total = plural(len(self.checks), "exchange")
        if self.failures:
            output = "\n".join(self.output.strip().splitlines()[-30:])
            return f"\n{len(self.failures)} of {total} failed. Server output:\n{output}"
        were = "was" if len(self.skipped) == 1 else "were"
        return (
            f"\nverify ran out of its {self.budget:g} s budget: {len(self.skipped)} of {total} "
            f"{were} not checked; give --budget more seconds"
        )


def plural(count: int, word: str) -> str:
    """`1 exchange`, `2 exchanges`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def install_what(result: Verification) -> str:
    """What verify installs for a project: its pinned packages and the tool, on one line."""
    pins = catalog.packages(result.framework, result.spec.choices())
    tool = "pip" if result.framework == "flask" else "npm"
    return f"{', '.join(f'{name}=={pin}' for name, pin in pins.items())} ({tool})"


def describe(event: str, value: Any) -> str:  # the event's object: a Verification, a Server …
    """The line `dualgen verify` prints for a progress event other than "check"."""
    if event == "load":
        production = ", production" if value.production else ""
        return f"verify {value.project} ({value.framework}{production})"
    if event == "installing":
        return f"  install  {install_what(value)}"
    if event == "install":
        how = "reused from the cache" if value.reused else "installed"
        return f"  install  {how} in {value.seconds:.2f} s"
    if event == "start":
        return f"  start    listening on port {value.port} after {value.timings['start']:.2f} s"
    return f"  {event:<8} {value}"


def plan(spec: ProjectSpec) -> tuple[list[list[Exchange]], list[Check]]:
    """The exchanges to send on each server start, in order, and those verify leaves out."""
    limit = int(spec.setting("rate-limit", "max")) if "rate-limit" in spec.middleware else None  # type: ignore[call-overload]  # a number
    starts: list[list[Exchange]] = [[]]
    left_out: list[Check] = []
    used = 0
    for exchange in exchanges(spec):
        if exchange.repeat > MAX_REQUESTS:
            reason = (
                f"it takes {exchange.repeat} requests; verify sends at most {MAX_REQUESTS} "
                "for one exchange"
            )
            left_out.append(Check(exchange, skipped=reason))
            continue
        if limit is not None and not exchange.last and used + exchange.repeat > limit:
            starts.append([])
            used = 0
        starts[-1].append(exchange)
        used += exchange.repeat  # the last exchanges (exchange.last) share the final start
    return starts, left_out


def verify(
    project: Path,
    *,
    production: bool = False,
    timeout: float = 30.0,
    budget: float = DEFAULT_BUDGET,
    observer: Observer | None = None,
    install_output: runner.Output | None = None,
) -> Verification:
    """Install, start and check a generated project over HTTP; stop every server it started.

    `timeout` bounds one server start, `budget` all starting and checking. `observer(event,
    value)` hears of progress: "load" and "installing" (the Verification), "install"
    (Installed), "note" (str), "start" (Server), "check" (Check). With `install_output`, pip's
    or npm's own output goes to it line by line.

    Raises UsageError when production is asked of a project without a production server.
    """
    project = Path(project)
    spec, framework = load_project(project)
    _check_production(project, spec, production)
    result = Verification(project, framework, spec, production, budget=budget)
    observe = observer or (lambda event, value: None)
    observe("load", result)
    observe("installing", result)
    result.installed = runner.install(project, output=install_output)
    observe("install", result.installed)
    started = time.monotonic()
    deadline = started + budget
    starts, left_out = plan(spec)
    env = server_env(spec, production)
    streams = _stream_starts(spec, starts)
    _plan_notes(result, observe, env, len(starts))
    outputs = []
    try:
        for index, batch in enumerate(starts):
            if time.monotonic() >= deadline:
                _skip_for_time(result, observe, batch, budget, streams=index in streams)
                continue
            with (
                fresh_database(spec) as database,
                runner.serve(
                    project,
                    installed=result.installed,
                    port=spec.port_for(framework) if spec.classic else None,
                    production=production,
                    timeout=timeout,
                    env=env | database,
                ) as server,
            ):
                _check_start(result, observe, batch, server, (deadline, budget), index in streams)
                outputs.append(server.output(200))
    finally:
        result.output = "\n".join(text for text in outputs if text)
        result.seconds = time.monotonic() - started
    for check in left_out:
        _add(result, observe, check)
    return result


def _check_start(
    result: Verification,
    observe: Observer,
    batch: list[Exchange],
    server: runner.Server,
    time_left: tuple[float, float],
    streams: bool,
) -> None:
    """One server start's exchanges, then (streams) the stream steps; time_left: the
    deadline and the budget."""
    result.starts.append(server.timings["start"])
    observe("start", server)
    deadline, budget = time_left
    _check_batch(result, observe, batch, server.url, deadline, budget)
    if streams:
        _check_streams(result, observe, server.url, deadline, budget)


def _stream_starts(spec: ProjectSpec, starts: list[list[Exchange]]) -> set[int]:
    """Which server start checks the streams too (with events): the last; under a rate
    limit, one more start of their own, since the last one uses the limit up (none when the
    limit is too low for them: they are reported not checked)."""
    from .contract.streams import skip_reason

    if "events" not in spec.middleware:
        return set()
    if "rate-limit" in spec.middleware and skip_reason(spec) is None:
        starts.append([])
    return {len(starts) - 1}


def _check_streams(
    result: Verification, observe: Observer, url: str, deadline: float, budget: float
) -> None:
    """The stream steps (generator/contract/streams.py), each a check of its own."""
    from .contract.streams import Scenario, skip_reason

    scenario = Scenario(result.spec, url, deadline)
    reason = skip_reason(result.spec) if url else f"the time budget of {budget:g} s ran out first"
    steps = scenario.run() if reason is None else []
    for n, (name, _) in enumerate(scenario.steps()):
        exchange = Exchange(name, "GET", "/events", 200, media_type="text/event-stream")
        if reason is None and steps[n].problems and time.monotonic() >= deadline:
            reason = f"the time budget of {budget:g} s ran out first"
            result.out_of_time = True
        check = Check(exchange, skipped=reason) if reason else Check(exchange, steps[n].problems)
        _add(result, observe, check)


def _add(result: Verification, observe: Observer, check: Check) -> None:
    result.checks.append(check)
    observe("check", check)


def _check_production(project: Path, spec: ProjectSpec, production: bool) -> None:
    if production and "production-server" not in spec.switches:
        raise UsageError(
            f"{project} has no production server (production-server was not chosen); "
            "verify it without --production"
        )


def _plan_notes(result: Verification, observe: Observer, env: dict[str, str], starts: int) -> None:
    """Say what the plan changes: one worker under a rate limit, one start per rate limit."""
    if "WEB_CONCURRENCY" in env:
        what = (
            "rate limits count"
            if "rate-limit" in result.spec.middleware
            else "events in memory stay"
        )
        _note(result, observe, f"{what} per worker; checking with WEB_CONCURRENCY=1")
    if "EVENTS_HEARTBEAT" in env:
        seconds = env["EVENTS_HEARTBEAT"]
        _note(
            result,
            observe,
            f"streams checked with a heartbeat every {seconds} s (EVENTS_HEARTBEAT)",
        )
    if starts > 1:
        limit = result.spec.setting("rate-limit", "max")
        _note(
            result,
            observe,
            f"a rate limit of {limit}: {starts} server starts, so that every exchange is checked",
        )


def _note(result: Verification, observe: Observer, text: str) -> None:
    result.notes.append(text)
    observe("note", text)


def _skip_for_time(
    result: Verification,
    observe: Observer,
    batch: list[Exchange],
    budget: float,
    *,
    streams: bool = False,
) -> None:
    result.out_of_time = True
    for exchange in batch:
        check = Check(exchange, skipped=f"the time budget of {budget:g} s ran out first")
        result.checks.append(check)
        observe("check", check)
    if streams:
        _check_streams(result, observe, "", 0.0, budget)


def _check_batch(
    result: Verification,
    observe: Observer,
    batch: list[Exchange],
    url: str,
    deadline: float,
    budget: float,
) -> None:
    import requests

    bounds = _bounds.Bounds(deadline, budget)
    with _bounds.session(bounds) as session:
        for position, exchange in enumerate(batch):
            check = Check(exchange)
            for n in range(exchange.repeat):
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    try:
                        check.response = request(
                            session, exchange, url, n, timeout=min(REQUEST_TIMEOUT, remaining)
                        )
                        continue
                    except _bounds.Violation as error:
                        if bounds.remaining() > 0:  # too large an answer
                            check.problems = [str(error)]
                            break
                    except requests.RequestException as error:
                        # A wait the budget cut short says nothing of the server.
                        cut_short = (
                            isinstance(error, requests.Timeout) and remaining < REQUEST_TIMEOUT
                        )
                        if not cut_short:
                            check.problems = [f"no answer: {_first_line(error)}"]
                            break
                result.out_of_time = True
                check.skipped = (
                    f"the time budget of {budget:g} s ran out after {n} of "
                    f"{exchange.repeat} requests"
                )
                break
            else:
                check.problems = exchange.problems(check.response)  # type: ignore[arg-type]  # each request set it
            result.checks.append(check)
            observe("check", check)
            if check.skipped is not None:
                _skip_for_time(result, observe, batch[position + 1 :], budget)
                return


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
